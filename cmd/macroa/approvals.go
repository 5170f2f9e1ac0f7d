package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// defaultApprovalLimit is how many entries a list prints unless told.
const defaultApprovalLimit = 50

func newApprovalsCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "approvals",
		Aliases: []string{"approval"},
		Short:   "List, show, approve and reject what Macroa proposes to do",
		Long: `Actions a model (or later the scheduler or the autonomy loop) proposes and
the policy does not let run by itself wait here for a person. Approving one
runs it in this process and prints its output; the first answer wins, from
any process, and an action runs at most once.

An ID may be shortened to any prefix that names one entry.`,
		Example: `  macroa approvals list
  macroa approvals show 3f2a
  macroa approvals approve 3f2a
  macroa approvals approve 3f2a --remember host
  macroa approvals reject 3f2a --note 'restart it after 18:00'
  macroa approvals rules`,
		Args: subcommandArgs(true),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newApprovalsListCmd(a), newApprovalsShowCmd(a), newApprovalsApproveCmd(a),
		newApprovalsRejectCmd(a), newApprovalsRulesCmd(a))
	return cmd
}

// openApprovals opens the store and settles what is stale in the queue
// (entries left running by a process that died become interrupted;
// pending ones past their expiry become expired), so what a command
// prints is the queue as it truly stands. When that cannot be written
// (a read-only database) the queue is still shown, with a warning.
func openApprovals(cmd *cobra.Command, a *app.App) error {
	ctx := cmd.Context()
	if err := openStore(ctx, a); err != nil {
		return err
	}
	svc, err := a.Approvals()
	if err != nil {
		return failErr("%v", err)
	}
	if _, err := svc.Recover(ctx); err != nil {
		fmt.Fprintf(cmd.ErrOrStderr(), "macroa: warning: could not settle stale approvals: %s\n", termsafe.Clean(err.Error()))
	}
	return nil
}

// approvalStates are the states --state accepts.
var approvalStates = []store.ApprovalState{
	store.ApprovalPending, store.ApprovalApproved, store.ApprovalRunning, store.ApprovalSucceeded,
	store.ApprovalFailed, store.ApprovalRejected, store.ApprovalExpired, store.ApprovalInterrupted,
}

func parseStates(in []string) ([]store.ApprovalState, error) {
	var out []store.ApprovalState
	for _, s := range in {
		st := store.ApprovalState(strings.ToLower(strings.TrimSpace(s)))
		ok := false
		for _, known := range approvalStates {
			ok = ok || st == known
		}
		if !ok {
			names := make([]string, len(approvalStates))
			for i, k := range approvalStates {
				names[i] = string(k)
			}
			return nil, usageErr("--state %q is not a state; states: %s", s, strings.Join(names, ", "))
		}
		out = append(out, st)
	}
	return out, nil
}

func newApprovalsListCmd(a *app.App) *cobra.Command {
	var all, asJSON bool
	var states []string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List approvals waiting for a person, riskiest and oldest first (--all: every decided one too, newest first)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usageErr("--limit must be 1 or more, got %d", limit)
			}
			want, err := parseStates(states)
			if err != nil {
				return err
			}
			if all && len(want) > 0 {
				return usageErr("--all and --state cannot be used together: --all lists every state")
			}
			pendingOnly := !all && len(want) == 0
			if pendingOnly {
				want = []store.ApprovalState{store.ApprovalPending}
			}
			ctx := cmd.Context()
			if err := openApprovals(cmd, a); err != nil {
				return err
			}
			// One more than asked: whether there are more is known
			// without counting them; the counts say how many.
			list, err := a.ListApprovals(ctx, store.ApprovalQuery{States: want, Limit: limit + 1})
			if err != nil {
				return failErr("list approvals: %v", err)
			}
			more := ""
			if len(list) > limit {
				list = list[:limit]
				more = fmt.Sprintf("more entries; use --limit %d to see more", limit*2)
				if c, err := a.ApprovalCounts(ctx); err == nil {
					if n := total(c, want) - limit; n > 0 {
						more = fmt.Sprintf("%d more; use --limit %d to see them", n, limit+n)
					}
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				rows := make([]approvalJSON, 0, len(list))
				for _, e := range list {
					rows = append(rows, toJSON(e, false))
				}
				if more != "" {
					fmt.Fprintln(cmd.ErrOrStderr(), "macroa: "+more)
				}
				return writeJSON(out, rows)
			}
			switch {
			case len(list) > 0:
				printApprovals(out, list, !pendingOnly, time.Now())
			case pendingOnly:
				fmt.Fprintln(out, "No approvals waiting. Decided ones: macroa approvals list --all")
			case all:
				fmt.Fprintln(out, "The approval queue is empty.")
			default:
				fmt.Fprintf(out, "No approvals %s.\n", strings.Join(states, " or "))
			}
			if more != "" {
				fmt.Fprintln(out, more)
			}
			if pendingOnly {
				// What was approved and still runs is no longer pending
				// but not done either: say so rather than hide it.
				if c, err := a.ApprovalCounts(ctx); err == nil && c.Running > 0 {
					fmt.Fprintf(out, "%d approved and running or about to: macroa approvals list --state approved,running\n", c.Running)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "every entry: decided ones too, newest first")
	cmd.Flags().StringSliceVar(&states, "state", nil, "only entries in these states (pending, approved, running, succeeded, failed, rejected, expired, interrupted)")
	cmd.Flags().IntVarP(&limit, "limit", "n", defaultApprovalLimit, "at most this many entries")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.RegisterFlagCompletionFunc("state", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(approvalStates))
		for i, s := range approvalStates {
			out[i] = string(s)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// total is how many entries the query for states holds, from the counts:
// -1 when the counts cannot say.
func total(c store.ApprovalCounts, states []store.ApprovalState) int {
	if len(states) == 0 {
		return c.Pending + c.Running + c.Decided
	}
	if len(states) == 1 && states[0] == store.ApprovalPending {
		return c.Pending
	}
	return -1
}

// printApprovals prints entries as a table: the risk as a word, never as a
// colour alone; with states, a state column and who decided.
func printApprovals(out io.Writer, list []store.Approval, withState bool, now time.Time) {
	var t *table
	if withState {
		t = newTable("STATE", "RISK", "ID", "SUMMARY", "HOST", "PROPOSER", "AGE", "DECIDED")
	} else {
		t = newTable("RISK", "ID", "SUMMARY", "HOST", "PROPOSER", "AGE", "EXPIRES IN")
	}
	for _, e := range list {
		summary := clip(cell(e.Summary), 60)
		if e.Count > 1 {
			summary = clip(cell(e.Summary), 54) + fmt.Sprintf(" (×%d)", e.Count)
		}
		age := span(now.Sub(e.CreatedAt))
		if !withState {
			t.row(riskWord(e.Risk), string(e.ID), summary, hostName(e.Host), dash(e.Proposer), age, expiresIn(e, now))
			continue
		}
		decided := "expires in " + expiresIn(e, now)
		if e.State != store.ApprovalPending {
			decided = decidedBy(e, now)
		}
		t.row(string(e.State), riskWord(e.Risk), string(e.ID), summary, hostName(e.Host), dash(e.Proposer), age, clip(cell(decided), 50))
	}
	_ = t.write(out)
}

func newApprovalsShowCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "show ID",
		Short:             "Print everything about one approval: the exact action, the gate's decision, who proposed and decided it, and its run",
		Args:              exactArgs(1, "an approval id"),
		ValidArgsFunction: completeApprovals(a, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := loadApproval(cmd, a, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), toJSON(e, true))
			}
			printApproval(cmd.OutOrStdout(), e, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// printApproval prints one entry in full, every stored value cleaned and
// the action's text with its control characters visible.
func printApproval(out io.Writer, e store.Approval, now time.Time) {
	var b strings.Builder
	field := func(label, value string) {
		fmt.Fprintf(&b, "  %-10s %s\n", label+":", cell(value))
	}
	block := func(label, text string) {
		text = strings.TrimRight(termsafe.Clean(text), "\n")
		if text == "" {
			return
		}
		fmt.Fprintf(&b, "\n%s:\n", label)
		for _, l := range strings.Split(text, "\n") {
			b.WriteString(strings.TrimRight("    "+l, " ") + "\n")
		}
	}
	fmt.Fprintf(&b, "Approval %s: %s, %s risk\n", e.ID, e.State, riskWord(e.Risk))
	field("Summary", e.Summary)
	field("Action", e.Kind+" on "+hostName(e.Host))
	if e.Target != "" && e.Target != e.Summary {
		field("Target", e.Target)
	}

	// The gate's decision.
	gate := e.Verdict
	if e.Level != "" {
		gate += " at " + e.Level
	}
	if e.Reason != "" {
		gate += ": " + e.Reason
	}
	field("Gate", gate)
	field("Risk", fmt.Sprintf("%s (%d of 4)", riskWord(e.Risk), e.Risk))
	if e.Protected != "" {
		field("Protected", e.Protected+" (no rule ever covers it)")
	}

	// Who proposed it, and why.
	proposed := "by " + dash(e.Proposer)
	if e.Source != "" {
		proposed += " from " + e.Source
	}
	proposed += ", " + stamp(e.CreatedAt, now)
	field("Proposed", proposed)
	if e.Count > 1 {
		field("Merged", fmt.Sprintf("proposed %d times; last %s", e.Count, stamp(e.UpdatedAt, now)))
	}
	if e.Session != "" {
		field("Session", e.Session)
	}
	if e.TurnID != "" {
		field("Turn", string(e.TurnID))
	}
	if e.State == store.ApprovalPending && !e.ExpiresAt.IsZero() {
		field("Expires", stamp(e.ExpiresAt, now))
	}

	// Who decided, from where.
	if e.State != store.ApprovalPending {
		field("Decided", decidedBy(e, now))
		if e.Note != "" {
			field("Note", e.Note)
		}
	}

	// The run.
	if e.Runner != "" {
		field("Runner", e.Runner)
	}
	if !e.StartedAt.IsZero() {
		field("Started", stamp(e.StartedAt, now))
	}
	if !e.FinishedAt.IsZero() {
		if e.StartedAt.IsZero() {
			// Interrupted before it started: no run to time.
			field("Finished", stamp(e.FinishedAt, now)+", before it started")
		} else {
			field("Finished", fmt.Sprintf("%s, after %s", stamp(e.FinishedAt, now), e.FinishedAt.Sub(e.StartedAt).Round(time.Millisecond)))
		}
	}
	if e.State == store.ApprovalSucceeded || e.State == store.ApprovalFailed {
		field("Exit code", fmt.Sprint(e.ExitCode))
	}
	if e.Error != "" {
		field("Error", e.Error)
	}
	if e.Undo != "" {
		var u struct {
			Backup  string
			Existed bool
			Argv    []string
		}
		if json.Unmarshal([]byte(e.Undo), &u) == nil {
			switch {
			case u.Backup != "":
				field("Backup", u.Backup+" (the file as it was before)")
			case !u.Existed:
				field("Backup", "none: the file did not exist before")
			}
			if len(u.Argv) > 0 {
				field("Undo", termsafe.Visible(shellJoin(u.Argv)))
			}
		}
	}

	if t, ok := describeAction(e); ok {
		label := "Command"
		if e.Kind != string(actions.CommandRun) {
			label = "Runs"
		}
		block(label, t.Command)
		if t.Dir != "" {
			block("In directory", t.Dir)
		}
		block("Diff", t.Diff)
	} else {
		block("Parameters (they no longer decode)", e.Params)
	}
	// A model's words or Macroa's own reason for asking: the label claims
	// neither. Every line of it is indented under the label.
	block("Why", e.Why)
	block("Output", e.Output)
	_, _ = io.WriteString(out, b.String())
}

// resolveApproval turns what a person typed into one entry's id: a whole
// id or a unique prefix. Several matches are listed (exit 2), none is a
// failure (exit 1).
func resolveApproval(ctx context.Context, a *app.App, arg string) (store.ApprovalID, error) {
	p := strings.ToLower(strings.TrimSpace(arg))
	if p == "" || strings.Trim(p, "0123456789abcdef") != "" {
		return "", usageErr("%q is not an approval id: ids are hex digits (see: macroa approvals list)", arg)
	}
	id, err := a.ResolveApproval(ctx, p)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, store.ErrAmbiguousID):
		return "", usageErr("%s", ambiguous(ctx, a, p))
	case errors.Is(err, store.ErrNotFound):
		return "", failErr("no approval %s (see: macroa approvals list --all)", p)
	}
	return "", failErr("look up approval %s: %v", p, err)
}

// ambiguous names the entries a prefix matches, for the person to pick one.
func ambiguous(ctx context.Context, a *app.App, prefix string) string {
	const show = 10
	list, err := a.ListApprovals(ctx, store.ApprovalQuery{})
	var b strings.Builder
	n := 0
	if err == nil {
		for _, e := range list {
			if !strings.HasPrefix(string(e.ID), prefix) {
				continue
			}
			if n++; n <= show {
				fmt.Fprintf(&b, "\n  %s  %-11s  %s", e.ID, e.State, clip(cell(e.Summary), 60))
			}
		}
	}
	if n > show {
		fmt.Fprintf(&b, "\n  and %d more", n-show)
	}
	if n < 2 {
		return fmt.Sprintf("approval id %s matches more than one entry; type more of it", prefix)
	}
	return fmt.Sprintf("approval id %s matches %d entries; type more of it:%s", prefix, n, b.String())
}

// approvalErr turns an error about entry id into an exit error: a
// conflict says who answered first and when.
func approvalErr(id store.ApprovalID, err error) error {
	var c *store.ApprovalConflict
	switch {
	case errors.As(err, &c):
		return failErr("%s", conflictText(id, c, time.Now()))
	case errors.Is(err, store.ErrNotFound):
		return failErr("no approval %s (see: macroa approvals list --all)", id)
	}
	return failErr("approval %s: %v", id, err)
}

// conflictText says why an entry could not be decided: it was decided
// already (by whom, from where, when), it expired, or another process
// holds it.
func conflictText(id store.ApprovalID, c *store.ApprovalConflict, now time.Time) string {
	cur := c.Current
	switch {
	case errors.Is(c.Err, store.ErrApprovalExpired) || cur.State == store.ApprovalExpired:
		return fmt.Sprintf("approval %s expired at %s before anyone answered; nothing ran", id, clock(expiredAt(cur), now))
	case errors.Is(c.Err, store.ErrApprovalNotOurs):
		return fmt.Sprintf("approval %s is being run by another process (%s)", id, cur.Runner)
	case cur.State == store.ApprovalInterrupted:
		return fmt.Sprintf("approval %s was already %s and was interrupted (%s); it never runs again", id, decidedBy(cur, now), cur.Error)
	}
	return fmt.Sprintf("approval %s was already %s; %s", id, decidedBy(cur, now), outcomeWords(cur.State))
}

// loadApproval opens the queue (recovering what dead processes left) and
// reads the entry an id or unique prefix names.
func loadApproval(cmd *cobra.Command, a *app.App, arg string) (store.Approval, error) {
	if err := openApprovals(cmd, a); err != nil {
		return store.Approval{}, err
	}
	id, err := resolveApproval(cmd.Context(), a, arg)
	if err != nil {
		return store.Approval{}, err
	}
	e, err := a.GetApproval(cmd.Context(), id)
	if err != nil {
		return store.Approval{}, approvalErr(id, err)
	}
	return e, nil
}
