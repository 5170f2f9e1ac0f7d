package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/tier"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/ui/tui"
)

func newTUICmd(a *app) *cobra.Command {
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
	_ = cmd.RegisterFlagCompletionFunc("session", completeSessions(a))
	return cmd
}

func runTUI(cmd *cobra.Command, a *app, session, themeName string) error {
	if !term.IsTerminal(os.Stdout.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return usageErr("the cockpit needs a terminal; for scripts use `macroa run` or pipe lines into `macroa repl`")
	}
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	k, err := a.kern(ctx)
	if err != nil {
		return err
	}
	cfg := a.cfg
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
	log, closer, err := openLog(cfg.LogPath)
	if err != nil {
		return failErr("%v", err)
	}
	defer closer.Close()

	desc := providers.Describe(cfg)
	provider := ""
	if desc.Configured {
		provider = fmt.Sprintf("%s · %s", desc.Provider, cfg.Models[tier.Nano])
	}
	app := tui.New(tui.Options{
		Backend:     tui.Local{Kernel: k, DB: a.db},
		Styles:      tui.NewStyles(th),
		Keys:        cfg.File.Keys,
		Provider:    provider,
		Hint:        "set OPENROUTER_API_KEY, or MACROA_BASE_URL for Ollama, llama.cpp or vLLM (macroa config set …)",
		DailyBudget: cfg.DailyBudgetUSD,
		Session:     session,
	})
	log.Info("tui start", "session", session, "theme", th.Name, "provider", strings.TrimSpace(provider))
	p := tea.NewProgram(app, tea.WithContext(ctx))
	go tui.Bridge(ctx, a.bus, p.Send, log)
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		log.Error("tui stopped", "err", err)
		return failErr("the cockpit stopped: %v", err)
	}
	log.Info("tui quit")
	return nil
}
