package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/ui/repl"
)

func newREPLCmd(a *app.App) *cobra.Command {
	var session string
	var debug bool
	cmd := &cobra.Command{
		Use:   "repl",
		Short: "Open the line-by-line interactive session",
		Long: `Open the line-by-line interactive session. Type requests, !commands or
built-ins (help, clear, debug, exit). Reads plain lines, without a prompt,
when standard input is not a terminal.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if debug {
				cmd.SetContext(context.WithValue(cmd.Context(), debugKey{}, true))
			}
			return runREPL(cmd, a, session)
		},
	}
	cmd.Flags().StringVarP(&session, "session", "s", "", "named session to resume or create")
	cmd.Flags().BoolVar(&debug, "debug", false, "show routing details after each answer")
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	return cmd
}

type debugKey struct{}

// runREPL opens the REPL over stdin/stdout.
func runREPL(cmd *cobra.Command, a *app.App, session string) error {
	if err := checkSessionFlag(session); err != nil {
		return err
	}
	ctx := cmd.Context()
	if err := openKernel(ctx, a); err != nil {
		return err
	}
	cfg, err := loadConfig(a)
	if err != nil {
		return err
	}
	if session != "" {
		// Create it now so a bad name is reported before the first prompt.
		if _, err := a.EnsureSession(ctx, session); err != nil {
			return usageErr("session %q: %v", session, err)
		}
	}
	interactive := term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
	debug, _ := ctx.Value(debugKey{}).(bool)
	opts := repl.Options{
		In: os.Stdin,
		// The REPL cleans what it prints itself and keeps its own colours.
		Out:          os.Stdout,
		Interactive:  interactive,
		Session:      session,
		HistoryPath:  filepath.Join(cfg.Home, "repl_history"),
		Banner:       banner(ctx, cfg, a.LocalServer()),
		Debug:        debug,
		ClearSession: a.SessionService().Clear,
		Events:       a.Bus(),
		Approvals:    a,
	}
	if interactive && !themes.NoColor(os.Environ()) {
		if th, err := themes.Load(cfg.Theme, cfg.Home); err == nil {
			opts.Style = repl.Style{Theme: th, Enabled: true}
		} else {
			fmt.Fprintf(cmd.ErrOrStderr(), "macroa: warning: theme: %v\n", err)
		}
	}
	if err := repl.Run(ctx, a, opts); err != nil {
		return failErr("%v", err)
	}
	return nil
}

// banner greets a person and says what works without a model. With
// nothing configured it names the local server that would answer (one
// short probe of this machine), as the status bar and macroa config do.
func banner(ctx context.Context, cfg *config.Config, local *providers.LocalDetector) string {
	s := fmt.Sprintf("%s\nType help for commands, exit to quit.", version())
	switch p := providers.DescribeLocal(ctx, cfg, local); {
	case p.Local:
		s += "\nModel provider: " + p.Provider + ", found running (no provider configured)"
	case p.Configured:
		s += "\nModel provider: " + p.Provider
	default:
		s += "\nNo model configured: shell (!cmd), memory and files work; for everything else " + p.Hint + "."
	}
	return s
}
