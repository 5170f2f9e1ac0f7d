package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

func newMemoryCmd(a *app.App) *cobra.Command {
	mem := a.MemoryService()
	cmd := &cobra.Command{
		Use:     "memory",
		Aliases: []string{"mem"},
		Short:   "Manage remembered facts (local SQLite; never a network call)",
		Args:    exactArgs(0, "a subcommand: list, get, set, search or forget"),
		RunE:    func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var ns string
	var asJSON bool

	list := &cobra.Command{
		Use:   "list",
		Short: "List facts, pinned first, then newest",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			facts, err := mem.List(cmd.Context(), ns, 0)
			if err != nil {
				return failErr("list facts: %v", err)
			}
			return printFacts(cmd.OutOrStdout(), facts, asJSON, "No facts stored yet. Add one with: macroa memory set KEY VALUE")
		},
	}
	list.Flags().StringVarP(&ns, "namespace", "N", "", "only this namespace (default: all)")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	get := &cobra.Command{
		Use:   "get KEY",
		Short: "Print one fact's value (exit 1 when there is none)",
		Args:  exactArgs(1, "a key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			f, ok, err := mem.Get(cmd.Context(), ns, args[0])
			if err != nil {
				return failErr("get %s: %v", args[0], err)
			}
			if !ok {
				return failErr("no fact stored under %q", args[0])
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), f)
			}
			fmt.Fprintln(cmd.OutOrStdout(), termsafe.Clean(f.Value))
			return nil
		},
	}
	get.Flags().StringVarP(&ns, "namespace", "N", "", "namespace (default: any, preferring user)")
	get.Flags().BoolVar(&asJSON, "json", false, "print the whole fact as JSON")

	var pin, unpin bool
	var ttl time.Duration
	set := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Remember a fact (replaces the value under KEY)",
		Args:  exactArgs(2, "a key and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if pin && unpin {
				return usageErr("--pin and --unpin cannot be used together")
			}
			if ttl < 0 {
				return usageErr("--ttl must be positive, got %s", ttl)
			}
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			in := store.FactInput{Namespace: ns, Key: args[0], Value: args[1], Source: "user"}
			if pin || unpin {
				in.Pinned = &pin
			}
			if ttl > 0 {
				in.ExpiresAt = time.Now().Add(ttl)
			}
			f, err := mem.Set(cmd.Context(), in, memoryRecord(mem, "set "+args[0], fmt.Sprintf("remember %s = %s", args[0], args[1])))
			if err != nil {
				return failErr("set %s: %v", args[0], err)
			}
			msg := "Remembered: " + skills.FormatFact(f)
			if !f.ExpiresAt.IsZero() {
				msg += " (until " + f.ExpiresAt.Local().Format("2006-01-02 15:04") + ")"
			}
			fmt.Fprintln(cmd.OutOrStdout(), termsafe.Clean(msg))
			return nil
		},
	}
	set.Flags().StringVarP(&ns, "namespace", "N", "user", "namespace")
	set.Flags().BoolVar(&pin, "pin", false, "pin the fact (always offered to models)")
	set.Flags().BoolVar(&unpin, "unpin", false, "unpin the fact")
	set.Flags().DurationVar(&ttl, "ttl", 0, "forget the fact after this long (e.g. 2h, 30m)")

	var limit int
	search := &cobra.Command{
		Use:   "search QUERY",
		Short: "Full-text search over keys and values",
		Args:  exactArgs(1, "a query (quote it when it has spaces)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			facts, err := mem.Search(cmd.Context(), args[0], limit)
			if err != nil {
				return failErr("search: %v", err)
			}
			if len(facts) == 0 && !asJSON {
				return failErr("nothing matches %q", args[0])
			}
			return printFacts(cmd.OutOrStdout(), facts, asJSON, "")
		},
	}
	search.Flags().IntVarP(&limit, "limit", "n", 15, "at most this many results")
	search.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	forget := &cobra.Command{
		Use:     "forget KEY",
		Aliases: []string{"delete", "rm"},
		Short:   "Forget a fact (exit 1 when there is none)",
		Args:    exactArgs(1, "a key"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			_, ok, err := mem.Forget(cmd.Context(), ns, args[0], func(f store.Fact) store.AuditEntry {
				return memoryRecord(mem, "forget "+args[0], "forget "+f.Key)
			})
			if err != nil {
				return failErr("forget %s: %v", args[0], err)
			}
			if !ok {
				return failErr("no fact stored under %q", args[0])
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Forgot: "+termsafe.Clean(args[0]))
			return nil
		},
	}
	forget.Flags().StringVarP(&ns, "namespace", "N", "", "namespace (default: any, preferring user)")

	cmd.AddCommand(list, get, set, search, forget)
	return cmd
}

// memoryRecord is the audit entry a memory write from the command line
// commits with: no fact changes without its record. The value goes only
// in the action, and the service redacts both.
func memoryRecord(mem app.MemoryService, command, action string) store.AuditEntry {
	return mem.Record("cli", "macroa memory "+command, action)
}

func printFacts(w io.Writer, facts []store.Fact, asJSON bool, empty string) error {
	if asJSON {
		if facts == nil {
			facts = []store.Fact{}
		}
		return writeJSON(w, facts)
	}
	if len(facts) == 0 {
		fmt.Fprintln(w, empty)
		return nil
	}
	t := newTable("NAMESPACE", "KEY", "VALUE", "PINNED", "UPDATED")
	for _, f := range facts {
		pinned := ""
		if f.Pinned {
			pinned = "yes"
		}
		t.row(f.Namespace, f.Key, f.Value, pinned, f.UpdatedAt.Local().Format("2006-01-02 15:04"))
	}
	return t.write(w)
}
