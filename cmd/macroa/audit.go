package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

func newAuditCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read and verify the tamper-evident audit log",
		Args:  exactArgs(0, "a subcommand: recent, stats, verify or accept"),
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var n int
	var asJSON, verbose bool
	recent := &cobra.Command{
		Use:   "recent",
		Short: "Show the latest runs, newest first",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 1 || n > 10000 {
				return usageErr("-n must be between 1 and 10000, got %d", n)
			}
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			entries, err := a.AuditService().Recent(cmd.Context(), n)
			if err != nil {
				return failErr("read audit log: %v", err)
			}
			entries = visibleAudit(entries)
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintln(out, "The audit log is empty.")
				return nil
			}
			if verbose {
				return writeAuditDetail(out, entries)
			}
			t := newTable("ID", "TIME", "SOURCE", "SESSION", "SKILL", "BY", "TIER", "OK", "MS", "INPUT", "ACTION")
			for _, e := range entries {
				ok := "yes"
				switch {
				case e.Stage == store.StageStart:
					ok = "start" // recorded before the action ran; its outcome follows
				case !e.Success:
					ok = "NO"
				}
				t.row(strconv.FormatInt(int64(e.ID), 10), e.Time.Local().Format("01-02 15:04:05"), e.Source, dash(e.Session),
					dash(e.Skill), dash(e.ChosenBy), e.Tier, ok, strconv.FormatInt(e.ElapsedMS, 10), clip(cell(e.Input), 40), dash(clip(cell(e.Action), 80)))
			}
			return t.write(out)
		},
	}
	recent.Flags().IntVarP(&n, "number", "n", 20, "how many entries")
	recent.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	recent.Flags().BoolVarP(&verbose, "verbose", "v", false, "every entry in full, one block each: the sandbox a command ran under, errors, model use")

	var statsJSON bool
	stats := &cobra.Command{
		Use:   "stats",
		Short: "Summarise runs, failures, cost and tiers",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			st, err := a.AuditService().Stats(cmd.Context())
			if err != nil {
				return failErr("read audit stats: %v", err)
			}
			out := cmd.OutOrStdout()
			if statsJSON {
				return writeJSON(out, st)
			}
			fmt.Fprintf(out, "Runs: %d   failures: %d   plans: %d   sessions: %d\nTokens: %d   cost: $%.6f\n",
				st.TotalRuns, st.Failures, st.PlanCalls, st.Sessions, st.TotalTokens, st.TotalCostUSD)
			if len(st.BySkill) > 0 {
				t := newTable("SKILL", "RUNS", "AVG MS", "COST")
				for _, s := range st.BySkill {
					t.row(dash(s.Skill), fmt.Sprint(s.Count), fmt.Sprint(s.AvgMS), fmt.Sprintf("$%.6f", s.CostUSD))
				}
				t.row("", "", "", "")
				t.row("TIER", "RUNS", "", "COST")
				for _, tr := range st.ByTier {
					t.row(dash(tr.Tier), fmt.Sprint(tr.Count), "", fmt.Sprintf("$%.6f", tr.CostUSD))
				}
				fmt.Fprintln(out)
				_ = t.write(out)
			}
			return nil
		},
	}
	stats.Flags().BoolVar(&statsJSON, "json", false, "print JSON")

	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the hash chain, MACs and checkpoint; exit 1 and name what was edited, deleted, reordered, rewritten or rolled back",
		Long: "Check the hash chain, MACs and checkpoint; exit 1 and name what was edited, deleted, reordered, rewritten or rolled back.\n" +
			"A log accepted with macroa audit accept is intact (exit 0), but every acceptance is noted each time, with what may have been lost before it.",
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := openStore(cmd.Context(), a); err != nil {
				return err
			}
			rep, err := a.AuditService().Verify(cmd.Context())
			if err != nil {
				return failErr("verify audit log: %v", err)
			}
			out := cmd.OutOrStdout()
			if rep.OK() {
				fmt.Fprintf(out, "Audit log intact: %s.\n", verifyCounts(rep))
				printNotices(out, rep)
				return nil
			}
			fmt.Fprintf(out, "Audit log TAMPERED: %d problem(s); %s.\n", len(rep.Problems), verifyCounts(rep))
			for _, p := range rep.Problems {
				if p.EntryID == 0 { // the key or the checkpoint, not one entry
					fmt.Fprintf(out, "  %s: %s\n", termsafe.Clean(string(p.Kind)), termsafe.Clean(p.Detail))
					continue
				}
				fmt.Fprintf(out, "  entry %d: %s: %s\n", p.EntryID, termsafe.Clean(string(p.Kind)), termsafe.Clean(p.Detail))
			}
			printNotices(out, rep)
			if acceptable(rep) {
				fmt.Fprintln(out, "If you restored the database on purpose, run macroa audit accept: the acceptance is recorded, and noted here from then on.")
			}
			return silentFail
		},
	}
	cmd.AddCommand(recent, stats, verify, newAuditAcceptCmd(a))
	return cmd
}

// verifyCounts says how the entries were checked, e.g. "120 entries checked,
// 100 by MAC, 20 written before MACs by the hash chain only; checkpoint at
// entry 120".
func verifyCounts(rep store.VerifyReport) string {
	noun := "entries"
	if rep.Checked == 1 {
		noun = "entry"
	}
	s := fmt.Sprintf("%d %s checked, %d by MAC", rep.Checked, noun, rep.MACVerified)
	if rep.ChainOnly > 0 {
		s += fmt.Sprintf(", %d written before MACs by the hash chain only", rep.ChainOnly)
	}
	if rep.Unchecked > 0 {
		s += fmt.Sprintf(", %d with MACs that cannot be checked without the key", rep.Unchecked)
	}
	if rep.CheckpointID > 0 {
		s += fmt.Sprintf("; checkpoint at entry %d", rep.CheckpointID)
	}
	return s
}

// printNotices prints every acceptance of the log, intact or not: a
// rollback someone accepted stays in sight.
func printNotices(out io.Writer, rep store.VerifyReport) {
	for _, n := range rep.Notices {
		fmt.Fprintf(out, "  note: %s\n", termsafe.Clean(n.Detail))
	}
}

// acceptable says whether what verify found is about the checkpoint
// disagreeing with the database: what macroa audit accept is for.
func acceptable(rep store.VerifyReport) bool {
	for _, p := range rep.Problems {
		if p.Kind == store.ProblemCheckpoint || p.Kind == store.ProblemRolledBack {
			return true
		}
	}
	return false
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
