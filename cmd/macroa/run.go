package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/kernel"
)

func newRunCmd(a *app) *cobra.Command {
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
			k, err := a.kern(cmd.Context())
			if err != nil {
				return err
			}
			// ctrl+c cancels the request (killing a running command's whole
			// process group); the run is still audited.
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			req := kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI}
			if yes {
				// --yes approves every command a model proposes; without
				// it, anything not read-only is refused (nobody to ask).
				req.Confirm = func(_ context.Context, command, reason string) bool {
					fmt.Fprintf(cmd.ErrOrStderr(), "macroa: approved by --yes: %s (%s)\n", command, reason)
					return true
				}
			}
			out := cmd.OutOrStdout()
			// On a terminal a model's answer prints as it arrives.
			if !asJSON && term.IsTerminal(os.Stdout.Fd()) {
				req.OnText = func(text string) { fmt.Fprint(out, text) }
				req.OnReset = func() { fmt.Fprintln(out, "\n[answer restarted: the provider failed mid-answer]") }
			}
			res := k.Run(ctx, req)
			return printRunResult(out, cmd.ErrOrStderr(), res, asJSON, debug)
		},
	}
	cmd.Flags().StringVarP(&session, "session", "s", "", "named session to keep this turn in (created if new)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object describing the run")
	cmd.Flags().BoolVar(&debug, "debug", false, "print routing details to stderr")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "approve commands a model proposes that are not read-only (default: refuse them)")
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	return cmd
}

// runJSON is the --json shape of a run. Field names are stable: scripts
// depend on them.
type runJSON struct {
	Output    string   `json:"output"`
	Success   bool     `json:"success"`
	Error     string   `json:"error"`
	ExitCode  int      `json:"exit_code"`
	Route     string   `json:"route"`
	Skill     string   `json:"skill"`
	Tier      string   `json:"tier"`
	Model     string   `json:"model"`
	Session   string   `json:"session"`
	TurnID    string   `json:"turn_id"`
	LLMCalls  int      `json:"llm_calls"`
	Providers []string `json:"providers"`
	Tokens    int64    `json:"tokens"`
	CostUSD   float64  `json:"cost_usd"`
	Elapsed   int64    `json:"elapsed_ms"`
}

// printRunResult prints a result literally (never as markup) and returns the
// exit error for a failed run.
func printRunResult(stdout, stderr io.Writer, res kernel.Result, asJSON, debug bool) error {
	if debug {
		fmt.Fprintln(stderr, res.DebugLine())
	}
	if asJSON {
		if res.Providers == nil {
			res.Providers = []string{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(runJSON{
			Output: res.Output, Success: res.Success, Error: res.Error, ExitCode: res.ExitCode,
			Route: res.Route, Skill: res.Skill, Tier: res.Tier.String(), Model: res.Model,
			Session: res.Session, TurnID: string(res.TurnID), LLMCalls: res.LLMCalls, Providers: res.Providers,
			Tokens: res.Tokens, CostUSD: res.CostUSD, Elapsed: res.Elapsed.Milliseconds(),
		})
	} else if res.Streamed {
		// The answer is on screen already; only the cancel marker is new.
		if strings.HasSuffix(res.Output, "[cancelled]") {
			fmt.Fprint(stdout, "\n[cancelled]")
		}
		fmt.Fprintln(stdout)
	} else if res.Output != "" {
		fmt.Fprintln(stdout, res.Output)
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, "macroa: warning: "+w)
	}
	if res.AuditErr != nil {
		fmt.Fprintln(stderr, "macroa: warning: "+res.AuditErr.Error())
	}
	switch {
	case !res.Success && asJSON:
		return silentFail
	case !res.Success:
		return failErr("%s", res.Error)
	case res.AuditErr != nil:
		return silentFail
	}
	return nil
}
