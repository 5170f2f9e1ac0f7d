package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

func newApprovalsApproveCmd(a *app.App) *cobra.Command {
	var remember string
	var yes bool
	cmd := &cobra.Command{
		Use:   "approve ID",
		Short: "Approve an action and run it here, printing its output (exit 0 when it succeeded, 1 when it failed)",
		Long: `Approve an action and run it in this process, printing its output as it
comes. The first answer wins: when someone approved or rejected it first,
from any process, nothing runs and you are told who did.

High and critical risk ask for a second confirmation: answer y on a
terminal, or pass --yes.

--remember makes a rule from the approval, so the same kind of action on
the same target runs from then on without asking: for this session, this
host, or always. No rule covers a protected target or critical risk; see
and revoke rules with macroa approvals rules.`,
		Example: `  macroa approvals approve 3f2a
  macroa approvals approve 3f2a --yes
  macroa approvals approve 3f2a --remember host`,
		Args:              exactArgs(1, "an approval id"),
		ValidArgsFunction: completeApprovals(a, true),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope := store.ApprovalScope(remember)
			switch scope {
			case "", store.ScopeSession, store.ScopeHost, store.ScopeAlways:
			default:
				return usageErr("--remember must be session, host or always, got %q", remember)
			}
			ctx := cmd.Context()
			e, err := loadApproval(cmd, a, args[0])
			if err != nil {
				return err
			}
			id := e.ID
			now := time.Now()
			if e.State != store.ApprovalPending {
				return failErr("%s", conflictText(id, &store.ApprovalConflict{Err: store.ErrApprovalDecided, Current: e}, now))
			}
			expired := !e.ExpiresAt.IsZero() && !e.ExpiresAt.After(now)
			if scope != "" {
				if err := checkRemember(e, scope); err != nil {
					return err
				}
			}
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if actions.Risk(e.Risk) >= actions.High && !yes && !expired {
				if err := secondConfirmation(cmd.InOrStdin(), out, e); err != nil {
					return err
				}
			}

			// ctrl+c, SIGTERM and SIGHUP stop the action (its whole
			// process group); it is recorded as failed, not left running.
			// The run is tied to the queue's service, not to one
			// request, so a signal stops the service, which ends the run
			// and waits for its outcome to be recorded.
			svc, err := a.Approvals()
			if err != nil {
				return failErr("%v", err)
			}
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			defer context.AfterFunc(ctx, svc.Stop)()
			// A reader that goes away (`| head -1`) does not kill this
			// process mid-run: the action finishes and is recorded, its
			// output kept with the entry.
			noPipeDeath := make(chan os.Signal, 1)
			signal.Notify(noPipeDeath, syscall.SIGPIPE)
			defer signal.Stop(noPipeDeath)
			// Said once it runs: the loser of a race never reads that
			// it approved anything.
			header := fmt.Sprintf("Approved %s: %s; running it here.\n", id, cell(e.Summary))
			stream := followOutput(ctx, a.Bus(), id, header, out, errOut)
			final, err := a.Approve(ctx, id, approvals.Person(approvals.CLI), approvals.Remember{Scope: scope})
			streamed := stream.finish()
			if err != nil {
				return approvalErr(id, err)
			}
			if !streamed && final.Output != "" {
				// Nothing came as it ran (a memory change, or a
				// publisher this process did not see): the kept output.
				fmt.Fprint(out, termsafe.Clean(ensureNewline(final.Output)))
			}
			if n := stream.dropped(); n > 0 {
				fmt.Fprintf(errOut, "macroa: %d lines of output were not shown as they came; the output kept: macroa approvals show %s\n", n, id)
			}
			return finished(out, final, scope)
		},
	}
	cmd.Flags().StringVar(&remember, "remember", "", "also approve the same action on the same target from now on: session, host or always")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "confirm a high or critical risk action without asking (needed where there is no terminal)")
	_ = cmd.RegisterFlagCompletionFunc("remember", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"session\tthe same session only", "host\tthis host, any session", "always\teverywhere"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// checkRemember refuses, before anything is decided, a rule the gate
// would never keep.
func checkRemember(e store.Approval, scope store.ApprovalScope) error {
	switch {
	case e.Protected != "":
		return usageErr("approval %s touches the protected %s: no rule ever covers it; approve it without --remember", e.ID, termsafe.Clean(e.Protected))
	case actions.Risk(e.Risk) >= actions.Critical || e.Verdict == "deny":
		return usageErr("approval %s is critical risk: no rule ever covers it; approve it without --remember", e.ID)
	case scope == store.ScopeSession && e.Session == "":
		return usageErr("approval %s was proposed outside a session: remember it for the host or always instead", e.ID)
	}
	return nil
}

// secondConfirmation asks a person to confirm a high or critical risk
// action on the terminal, showing exactly what will run; without a
// terminal it is a usage error naming --yes.
func secondConfirmation(in io.Reader, out io.Writer, e store.Approval) error {
	risk := actions.Risk(e.Risk).String()
	if !term.IsTerminal(os.Stdin.Fd()) {
		why := ""
		if e.Verdict == "deny" {
			why = " (the policy never runs it by itself: " + cell(e.Reason) + ")"
		}
		return usageErr("approval %s is %s risk%s and needs a second confirmation: run macroa approvals approve %s --yes to run it", e.ID, risk, why, e.ID)
	}
	what := cell(e.Summary)
	if t, ok := describeAction(e); ok && t.Command != "" {
		what = t.Command
	}
	fmt.Fprintf(out, "Approval %s is %s risk (%s). It runs:\n    %s\n", e.ID, strings.ToUpper(risk), termsafe.Clean(e.Reason),
		strings.ReplaceAll(termsafe.Clean(what), "\n", "\n    "))
	ok, err := confirm(in, out, "Run it now? [y/N] ")
	if err != nil {
		return failErr("read the answer: %v", err)
	}
	if !ok {
		return failErr("not approved: approval %s stays pending", e.ID)
	}
	return nil
}

// finished prints how the run ended and returns its exit error.
func finished(out io.Writer, e store.Approval, scope store.ApprovalScope) error {
	if scope != "" {
		fmt.Fprintf(out, "Remembered (%s): %s on %s runs from now on without asking (see: macroa approvals rules).\n",
			scope, termsafe.Clean(e.Kind), termsafe.Clean(dash(e.Target)))
	}
	switch e.State {
	case store.ApprovalSucceeded:
		fmt.Fprintf(out, "Approval %s succeeded.\n", e.ID)
		return nil
	case store.ApprovalFailed:
		msg := fmt.Sprintf("approval %s failed", e.ID)
		if e.ExitCode != 0 {
			msg += fmt.Sprintf(" (exit code %d)", e.ExitCode)
		}
		if e.Error != "" {
			msg += ": " + termsafe.Clean(e.Error)
		}
		return failErr("%s", msg)
	case store.ApprovalInterrupted:
		return failErr("approval %s was interrupted (%s); it never runs again", e.ID, termsafe.Clean(e.Error))
	}
	return failErr("approval %s is %s", e.ID, e.State)
}

func newApprovalsRejectCmd(a *app.App) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "reject ID",
		Short: "Reject an action; the note goes back to whoever proposed it",
		Example: `  macroa approvals reject 3f2a
  macroa approvals reject 3f2a --note 'not during office hours'`,
		Args:              exactArgs(1, "an approval id"),
		ValidArgsFunction: completeApprovals(a, true),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if err := openApprovals(cmd, a); err != nil {
				return err
			}
			id, err := resolveApproval(ctx, a, args[0])
			if err != nil {
				return err
			}
			e, err := a.Reject(ctx, id, approvals.Person(approvals.CLI), note)
			if err != nil {
				return approvalErr(id, err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Rejected %s: %s. Nothing ran.\n", id, cell(e.Summary))
			if e.Note != "" {
				fmt.Fprintf(out, "Note for the proposer: %s\n", cell(e.Note))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "why, or what to do instead: the proposer sees it")
	return cmd
}

// outputStream prints an approval's output lines as they come, from the
// events the run publishes in this process, after header once the entry
// runs.
type outputStream struct {
	sub     *events.Subscription[events.Event]
	done    chan struct{}
	printed bool
}

func followOutput(ctx context.Context, bus *events.Bus, id store.ApprovalID, header string, out, errOut io.Writer) *outputStream {
	s := &outputStream{done: make(chan struct{})}
	s.sub = bus.SubscribeWith(ctx, events.SubscribeOptions[events.Event]{
		Name:   "approval output",
		Buffer: 4096,
		Filter: func(e events.Event) bool {
			switch e := e.(type) {
			case events.ApprovalOutput:
				return e.ID == string(id)
			case events.ApprovalChanged:
				return e.ID == string(id) && e.State == string(store.ApprovalRunning)
			}
			return false
		},
	})
	go func() {
		defer close(s.done)
		for e := range s.sub.C {
			switch e := e.(type) {
			case events.ApprovalChanged:
				fmt.Fprint(out, header)
			case events.ApprovalOutput:
				w := out
				if e.Stderr {
					w = errOut
				}
				fmt.Fprint(w, termsafe.Clean(e.Text))
				s.printed = true
			}
		}
	}()
	return s
}

// finish prints what is still queued and says whether any output
// streamed.
func (s *outputStream) finish() bool {
	s.sub.Stop()
	<-s.done
	return s.printed
}

func (s *outputStream) dropped() uint64 { return s.sub.Dropped() }

func ensureNewline(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}
