package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/tier"
	"github.com/macroa/macroa/ui/tui"
)

func newTUICmd(a *app.App) *cobra.Command {
	var session, theme string
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the full-screen cockpit (chat, sessions, audit feed)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTUI(cmd, a, session, theme)
		},
	}
	cmd.Flags().StringVarP(&session, "session", "s", "", "session to open in the chat")
	cmd.Flags().StringVar(&theme, "theme", "", "colour theme: ansi, dark, light, high-contrast or a file in ~/.macroa/themes")
	cmd.Flags().Bool("read-only", false, "watch only: no key approves a proposed command (it is refused) or creates, renames or deletes a session")
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	return cmd
}

// shutdownWait is how long the cockpit waits, once it quits, for runs it
// cancelled to save their partial answers and audit entries.
const shutdownWait = 10 * time.Second

// cockpitFPS caps how often the cockpit's renderer wakes to draw.
const cockpitFPS = 30

func runTUI(cmd *cobra.Command, a *app.App, session, themeName string) error {
	if err := checkSessionFlag(session); err != nil {
		return err
	}
	if !term.IsTerminal(os.Stdout.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return usageErr("the cockpit needs a terminal; for scripts use `macroa run` or pipe lines into `macroa repl`")
	}
	// SIGHUP (the terminal or the SSH connection went away), SIGTERM and a
	// SIGINT sent by kill (ctrl+c is a key here) end the program; runs in
	// flight are cancelled so their partial answers and audit entries are
	// saved before the process exits. These are the only signal handlers:
	// Bubble Tea's own (WithoutSignalHandler below) would race this one
	// and could block for good sending its quit to a program already gone.
	ctx, cancel := signal.NotifyContext(cmd.Context(), syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	if err := openStore(ctx, a); err != nil {
		return err
	}
	cfg, err := loadConfig(a)
	if err != nil {
		return err
	}
	if themeName == "" {
		themeName = cfg.Theme
	}
	th, err := themes.Load(themeName, cfg.Home)
	if err != nil {
		return failErr("theme: %v", err)
	}
	if themes.NoColor(os.Environ()) {
		th = th.Plain()
	}
	log, closer, err := openLog(cfg.LogPath, cfg.SecretValues()...)
	if err != nil {
		return failErr("%v", err)
	}
	defer closer.Close()
	a.SetLog(log) // before the kernel and the broker are built
	if err := openKernel(ctx, a); err != nil {
		return err
	}
	// An open cockpit polls the hosts while no daemon does; a watching
	// one (--read-only) reads what the poller wrote.
	if ro, _ := cmd.Flags().GetBool("read-only"); !ro {
		a.SetRole(fleet.RoleCockpit)
	}
	// Runs end with ctx; the store watcher starts.
	if err := a.Start(ctx); err != nil {
		return failErr("%v", err)
	}
	readOnly, _ := cmd.Flags().GetBool("read-only") // defined in newTUICmd
	// While no daemon holds the scheduler's lease, an open cockpit runs
	// due tasks itself; a watching one (--read-only) runs nothing.
	stopSchedules := func() {}
	if !readOnly {
		stopSchedules = startCockpitSchedules(ctx, a, log)
	}

	desc := providers.Describe(cfg)
	provider := ""
	local := a.LocalServer()
	if desc.Configured {
		provider = fmt.Sprintf("%s · %s", desc.Provider, cfg.Models[tier.Nano])
	} else {
		// Look for a local server in the background: the status bar names
		// it once found, and no request waits for the probe.
		local.Start(ctx)
	}
	cockpit := tui.New(tui.Options{
		Runner:      a,
		Sessions:    a,
		Audit:       a,
		Usage:       a,
		Approvals:   a,
		Schedules:   schedulePane(a),
		Hosts:       newHostsPane(a),
		Styles:      tui.NewStyles(th),
		Keys:        cfg.File.Keys,
		Provider:    provider,
		Local:       func() string { return local.Label(cfg) },
		Hint:        "set OPENROUTER_API_KEY, or MACROA_BASE_URL for Ollama, llama.cpp or vLLM (macroa config set …)",
		DailyBudget: cfg.DailyBudgetUSD,
		Session:     session,
		ReadOnly:    readOnly,
		// What a model's unasked commands run under, said once when
		// less than full.
		SandboxNotice: a.SandboxNotice(ctx),
	})
	if err := cockpit.CheckKeys(); err != nil {
		return failErr("%v", err)
	}
	log.Info("tui start", "session", session, "theme", th.Name, "provider", strings.TrimSpace(provider))
	// 30 frames a second: streamed text arrives coalesced every ~30 ms, so
	// a faster renderer draws nothing new and only wakes an idle cockpit
	// (60 wake-ups a second cost it about twice the CPU).
	p := tea.NewProgram(cockpit, tea.WithContext(ctx), tea.WithFPS(cockpitFPS), tea.WithoutSignalHandler())
	go tui.Bridge(ctx, a.Bus(), p.Send, log)
	_, err = p.Run()
	cancel() // ends runs still in flight (quit, or the terminal is gone)
	stopSchedules()
	sctx, stop := context.WithTimeout(context.Background(), shutdownWait)
	defer stop()
	if err := a.Shutdown(sctx); errors.Is(err, app.ErrRunsInFlight) {
		log.Warn("tui quit with runs still saving")
	} else if err != nil {
		log.Error("tui shutdown", "err", err)
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		log.Error("tui stopped", "err", err)
		return failErr("the cockpit stopped: %v", err)
	}
	log.Info("tui quit")
	return nil
}
