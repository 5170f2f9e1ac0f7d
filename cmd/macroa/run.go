package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/repl"
)

func newRunCmd(a *app.App) *cobra.Command {
	var session string
	var asJSON, debug, yes bool
	cmd := &cobra.Command{
		Use:   "run [flags] INPUT...",
		Short: "Run one request and exit (0 success, 1 failure, 2 usage error)",
		Example: `  macroa run '!df -h'
  macroa run 'remember my server IP is 10.0.0.1'
  macroa run 'what is my server IP?'
  macroa run --session work --json 'list my memories'
  echo '!uptime' | macroa run -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			input := strings.Join(args, " ")
			if input == "-" {
				b, err := io.ReadAll(os.Stdin)
				if err != nil {
					return failErr("read input from stdin: %v", err)
				}
				input = string(b)
			}
			if strings.TrimSpace(input) == "" {
				return usageErr("run needs an input, e.g. macroa run '!echo hi'")
			}
			if err := checkSessionFlag(session); err != nil {
				return err
			}
			if err := openKernel(cmd.Context(), a); err != nil {
				return err
			}
			// ctrl+c cancels the request (killing a running command's whole
			// process group), and so do SIGTERM (`timeout`, `kill`) and
			// SIGHUP (the terminal closed); the run is still audited.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			// A closed stdout (`| head -c1`) cancels the run too, instead
			// of killing the process before it is saved and audited.
			noPipeDeath := make(chan os.Signal, 1)
			signal.Notify(noPipeDeath, syscall.SIGPIPE)
			defer signal.Stop(noPipeDeath)
			req := kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI}
			// What a model proposes and the gate does not let through by
			// itself goes to the approval queue: without --yes it waits
			// there and the answer names the approval and the command that
			// approves it; --yes approves it here, except what the gate
			// denies, critical risk and protected targets. The approval
			// shows the action with every control character visible.
			var queued waitingApprovals
			req.Ask = func(ctx context.Context, p approvals.Proposal) (approvals.Answer, error) {
				ans, err := a.Ask(ctx, p, approvals.AskOptions{Where: approvals.CLI, PreApproved: yes})
				e := ans.Entry
				if err == nil && e.State == store.ApprovalPending {
					queued.add(e.ID)
				}
				switch {
				case !yes || err != nil:
				case ans.Ran && strings.HasPrefix(e.DecidedBy, "person:"):
					fmt.Fprintf(cmd.ErrOrStderr(), "macroa: approved by --yes (approval %s): %s (%s)\n", e.ID,
						termsafe.Visible(e.Summary), termsafe.Clean(e.Reason))
				case e.State == store.ApprovalPending:
					// Say why --yes did not approve it, so nobody thinks
					// it was ignored.
					fmt.Fprintf(cmd.ErrOrStderr(), "macroa: --yes does not cover what the gate denies, critical risk or a protected unit; approval %s (%s risk) waits for: %s --yes\n",
						e.ID, actions.Risk(e.Risk), approvals.ApproveCommand(e.ID))
				}
				return ans, err
			}
			out := cancelOnClosedPipe{cmd.OutOrStdout(), cancel}
			var answer *repl.Answer
			if !asJSON {
				// A model's answer prints as it arrives, to a terminal, a
				// pipe or a file alike, from the turn's events. The
				// subscription outlives ctrl+c, so a partial answer prints.
				req.TurnID = store.NewTurnID()
				answer = repl.FollowAnswer(cmd.Context(), a.Bus(), req.TurnID, out)
			}
			res := a.Run(ctx, req)
			return printRunResult(out, cmd.ErrOrStderr(), res, answer, asJSON, debug, queued.still(cmd.Context(), a)...)
		},
	}
	cmd.Flags().StringVarP(&session, "session", "s", "", "named session to keep this turn in (created if new)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object describing the run")
	cmd.Flags().BoolVar(&debug, "debug", false, "print routing details to stderr")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "approve what a model proposes that is not read-only (default: queue it for approval); never covers what the gate denies, critical risk or protected units")
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	return cmd
}

// cancelOnClosedPipe cancels a run once its output can no longer be
// written: the reader went away, so what is left is only saved.
type cancelOnClosedPipe struct {
	w      io.Writer
	cancel context.CancelFunc
}

func (c cancelOnClosedPipe) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if errors.Is(err, syscall.EPIPE) {
		c.cancel()
	}
	return n, err
}

// runJSON is the --json shape of a run. Field names are stable: scripts
// depend on them. ExitCode is the code the process exits with;
// CommandExitCode is a shell command's own.
type runJSON struct {
	Output          string   `json:"output"`
	Success         bool     `json:"success"`
	Error           string   `json:"error"`
	ExitCode        int      `json:"exit_code"`
	CommandExitCode int      `json:"command_exit_code"`
	Route           string   `json:"route"`
	Skill           string   `json:"skill"`
	Tier            string   `json:"tier"`
	Model           string   `json:"model"`
	Session         string   `json:"session"`
	TurnID          string   `json:"turn_id"`
	LLMCalls        int      `json:"llm_calls"`
	Providers       []string `json:"providers"`
	Tokens          int64    `json:"tokens"`
	CostUSD         float64  `json:"cost_usd"`
	Elapsed         int64    `json:"elapsed_ms"`
	// WaitingApprovals are the ids of what the run proposed and left
	// waiting for a person in the approval queue, [] when none.
	WaitingApprovals []string `json:"waiting_approvals"`
}

// waitingApprovals collects the ids of the proposals a run queued, once
// each (a proposal merged into one already waiting names that one).
type waitingApprovals struct {
	mu  sync.Mutex
	ids []store.ApprovalID
}

func (w *waitingApprovals) add(id store.ApprovalID) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slices.Contains(w.ids, id) {
		w.ids = append(w.ids, id)
	}
}

// still returns the ids of those still pending when the run ends: one a
// person answered meanwhile, from another process, waits no more. An
// entry that cannot be read back is kept.
func (w *waitingApprovals) still(ctx context.Context, a *app.App) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []string{}
	for _, id := range w.ids {
		if e, err := a.GetApproval(ctx, id); err == nil && e.State != store.ApprovalPending {
			continue
		}
		out = append(out, string(id))
	}
	return out
}

// runExitCode is the code a run's process exits with: 1 when the run
// failed or its audit entry could not be written, else 0.
func runExitCode(res kernel.Result) int {
	if !res.Success || res.AuditErr != nil {
		return 1
	}
	return 0
}

// printRunResult prints a result cleaned for the terminal (never as
// markup) and returns the exit error for a failed run. answer is what
// streamed, nil when nothing could; waiting the approvals the run left
// waiting, for --json.
func printRunResult(stdout, stderr io.Writer, res kernel.Result, answer *repl.Answer, asJSON, debug bool, waiting ...string) error {
	code := runExitCode(res)
	switch {
	case asJSON:
		if res.Providers == nil {
			res.Providers = []string{}
		}
		_ = writeJSONLine(stdout, runJSON{
			Output: res.Transcript(), Success: res.Success, Error: res.Error, ExitCode: code, CommandExitCode: res.ExitCode,
			Route: string(res.Route), Skill: string(res.Skill), Tier: res.Tier.String(), Model: res.Model,
			Session: res.Session, TurnID: string(res.TurnID), LLMCalls: res.LLMCalls, Providers: res.Providers,
			Tokens: res.Tokens, CostUSD: res.CostUSD, Elapsed: res.Elapsed.Milliseconds(),
			WaitingApprovals: append([]string{}, waiting...),
		})
	case answer.Done():
		// The answer is out already; only the cancel marker is new.
		if res.Cancelled {
			fmt.Fprint(stdout, "\n"+kernel.CancelledMarker)
		}
		fmt.Fprintln(stdout)
	case res.Transcript() != "":
		fmt.Fprintln(stdout, termsafe.Clean(res.Transcript()))
	}
	// After the answer's last line, never glued to it.
	if debug {
		fmt.Fprintln(stderr, termsafe.Clean(res.DebugLine()))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "macroa: warning: "+termsafe.Clean(w))
	}
	if res.AuditErr != nil {
		fmt.Fprintln(stderr, "macroa: warning: "+termsafe.Clean(res.AuditErr.Error()))
	}
	switch {
	case code == 0:
		return nil
	case !res.Success && !asJSON:
		return failErr("%s", termsafe.Clean(res.Error))
	}
	return silentFail
}
