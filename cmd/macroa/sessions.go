package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

func newSessionsCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "sessions",
		Aliases: []string{"session"},
		Short:   "List, show, rename and delete named sessions",
		Args:    exactArgs(0, "a subcommand: list, show, rename or delete"),
		RunE:    func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List named sessions, most recently used first",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			sessions, err := a.SessionService().List(cmd.Context())
			if err != nil {
				return failErr("list sessions: %v", err)
			}
			out := cmd.OutOrStdout()
			if asJSON {
				type row struct {
					ID        string    `json:"id"`
					Name      string    `json:"name"`
					Turns     int       `json:"turns"`
					CreatedAt time.Time `json:"created_at"`
					UpdatedAt time.Time `json:"updated_at"`
				}
				rows := make([]row, 0, len(sessions))
				for _, s := range sessions {
					rows = append(rows, row{string(s.ID), s.Name, s.TurnCount, s.CreatedAt, s.UpdatedAt})
				}
				return writeJSON(out, rows)
			}
			if len(sessions) == 0 {
				fmt.Fprintln(out, "No named sessions yet. Start one with: macroa run --session NAME '...'")
				return nil
			}
			t := newTable("NAME", "TURNS", "LAST ACTIVE", "ID")
			for _, s := range sessions {
				t.row(s.Name, fmt.Sprint(s.TurnCount), s.UpdatedAt.Local().Format("2006-01-02 15:04"), fmt.Sprintf("%.8s", s.ID))
			}
			return t.write(out)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var limit int
	var showJSON bool
	show := &cobra.Command{
		Use:               "show NAME",
		Short:             "Print a session's conversation",
		Args:              exactArgs(1, "a session name"),
		ValidArgsFunction: completeSessions(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			svc := a.SessionService()
			s, ok, err := svc.Lookup(cmd.Context(), args[0])
			if err != nil {
				return failErr("look up session %q: %v", args[0], err)
			}
			if !ok {
				return failErr("no session named %q (see: macroa sessions list)", args[0])
			}
			entries, err := svc.Entries(cmd.Context(), s, limit)
			if err != nil {
				return failErr("read session %q: %v", args[0], err)
			}
			out := cmd.OutOrStdout()
			if showJSON {
				return writeJSON(out, entries)
			}
			fmt.Fprintf(out, "Session %s: %d turns, last active %s\n", termsafe.Clean(s.Name), s.TurnCount, s.UpdatedAt.Local().Format("2006-01-02 15:04"))
			for _, e := range entries {
				fmt.Fprintf(out, "\n[%s %s]\n%s\n", termsafe.Clean(string(e.Role)), e.CreatedAt.Local().Format("15:04:05"), termsafe.Clean(e.Content))
			}
			return nil
		},
	}
	show.Flags().IntVarP(&limit, "limit", "n", 0, "show only the last N entries (0: all)")
	show.Flags().BoolVar(&showJSON, "json", false, "print JSON")

	rename := &cobra.Command{
		Use:               "rename OLD NEW",
		Short:             "Rename a session",
		Args:              exactArgs(2, "the old and the new name"),
		ValidArgsFunction: completeSessions(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			if err := a.SessionService().Rename(cmd.Context(), args[0], args[1]); err != nil {
				return failErr("rename session %q: %v", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Session %q renamed to %q.\n", args[0], args[1])
			return nil
		},
	}

	del := &cobra.Command{
		Use:               "delete NAME",
		Short:             "Delete a session and its stored conversation (audit entries stay)",
		Args:              exactArgs(1, "a session name"),
		ValidArgsFunction: completeSessions(a),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			ok, err := a.SessionService().Delete(cmd.Context(), args[0])
			if err != nil {
				return failErr("delete session %q: %v", args[0], err)
			}
			if !ok {
				return failErr("no session named %q (see: macroa sessions list)", args[0])
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Session %q deleted.\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(list, show, rename, del)
	return cmd
}

// checkSessionFlag refuses a --session name no session could have, before
// anything runs: the same usage error (exit 2) from run, the REPL and the
// cockpit, rather than a failure at the first request.
func checkSessionFlag(session string) error {
	if session == "" {
		return nil
	}
	if err := store.ValidateSessionName(session); err != nil {
		return usageErr("session %q: %v", session, err)
	}
	return nil
}
