package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/panes/approvals"
	"github.com/macroa/macroa/ui/tui/panes/audit"
	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/panes/hosts"
	"github.com/macroa/macroa/ui/tui/panes/scheduler"
	"github.com/macroa/macroa/ui/tui/panes/sessions"
)

// Options configures the cockpit.
type Options struct {
	// The services the panes use; each pane takes only its own (see
	// registry.go). Each must be set unless Panes replaces the panes.
	Runner   chat.Runner
	Sessions sessions.Service
	Audit    audit.Feed
	Usage    Usage
	// Approvals is the approval queue the approvals pane answers; nil
	// shows the pane without it.
	Approvals approvals.Service
	// Schedules is the scheduler the scheduler pane shows and changes;
	// nil shows the pane without it.
	Schedules scheduler.Service
	// Hosts is the fleet the hosts pane shows and probes; nil shows the
	// pane without it.
	Hosts hosts.Service
	// ReadOnly strips every dangerous binding (delete, approve, ...) from
	// the panes: a cockpit to watch with, not to change things.
	ReadOnly bool
	Styles   Styles
	// Keys are the user's rebinds from config.toml: pane → action → keys.
	Keys map[string]map[string][]string
	// Provider is the status bar's model line ("openrouter · nano=…"); ""
	// means no model is configured and Hint says how to set one.
	Provider, Hint string
	// Local, when Provider is "", names a local server found running
	// ("local: ollama at 127.0.0.1:11434 (llama3.2)"), or "" while none is.
	// It is read on every draw, so it must not block.
	Local func() string
	// DailyBudget is today's cap in US dollars (0: none), for the status bar.
	DailyBudget float64
	// Session is the session the chat opens with ("" for none).
	Session string
	// SandboxNotice, when set, is said once when the cockpit opens: a
	// model's unasked commands run with less than full confinement here
	// (app.SandboxNotice).
	SandboxNotice string
	// Panes overrides the registered panes (tests); nil builds them all.
	Panes []Pane
}

// App is the cockpit's one root model.
type App struct {
	o      Options
	st     Styles
	panes  []Pane
	focus  int
	side   int // the side pane shown when the side panes are tabs
	zoomed bool
	help   bool // the cheat sheet is open
	// helpOffset is how far the cheat sheet is scrolled.
	helpOffset int
	mouse      bool // mouse capture on (off: the terminal's own selection works)
	keys       []Binding

	width, height int
	// frameCache is the last frame drawn; dirty says it must be drawn
	// again (see quiet).
	frameCache string
	dirty      bool
	spent      float64
	spendSeq   int
	// storeNotice, once set, says the database file was replaced under
	// the cockpit; the status bar keeps showing it.
	storeNotice string
	toast       *toast
	toastSeq    int
	// sticky are the toasts that stay until a key is pressed (reminders),
	// oldest first; the first shows whenever no passing toast does.
	sticky    []toast
	now       func() time.Time // the clock of the sticky toasts' grace
	quitArmed time.Time        // first ctrl+c with nothing to cancel
}

type toast struct {
	level  ToastLevel
	text   string
	seq    int
	sticky bool
	since  time.Time // when a sticky toast came in sight
}

// New builds the cockpit.
func New(o Options) *App {
	a := &App{o: o, st: o.Styles, mouse: true, side: 1, now: time.Now}
	a.panes = buildPanes(o)
	a.keys = Rebind(globalKeys(a.panes), o.Keys["global"])
	return a
}

// Init starts every pane and reads today's spending.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{a.refreshSpend()}
	for _, p := range a.panes {
		cmds = append(cmds, p.Init())
	}
	if a.o.Session != "" {
		s := a.o.Session
		cmds = append(cmds, func() tea.Msg { return SwitchSessionMsg{Name: s} })
	}
	if a.o.SandboxNotice != "" {
		// Once, and until a key is pressed: a weaker sandbox than the
		// person may assume must not pass unseen.
		cmds = append(cmds, StickyToast(ToastWarn, a.o.SandboxNotice))
	}
	return tea.Batch(cmds...)
}

// Update routes a message: keys to the focused pane and the global
// keymap, pastes to the focused pane, everything else to every pane. It does no I/O.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if !a.quiet(msg) {
		a.dirty = true
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		return a, nil
	case tea.KeyPressMsg:
		return a, a.handleKey(msg)
	case tea.PasteMsg:
		// A paste is typed text: like a key, it goes to the focused pane
		// only, never to a filter or prompt left open in another.
		return a, a.focused().Update(msg)
	case ToastMsg:
		return a, a.showToast(msg)
	case toastExpiredMsg:
		if a.toast != nil && a.toast.seq == msg.seq {
			a.toast = nil
			a.stickyInSight()
		}
		return a, nil
	case spendMsg:
		if msg.seq == a.spendSeq {
			a.spent = msg.spent
		}
		return a, nil
	case FocusPaneMsg:
		a.focusPane(msg.Pane)
		return a, nil
	case CopyMsg:
		what := msg.What
		return a, tea.Batch(tea.SetClipboard(msg.Text), Toast(ToastInfo, "copied the "+what+" to the clipboard"))
	case CoreEventMsg:
		return a, tea.Batch(a.coreEvent(msg), a.broadcast(msg))
	case approvals.WaitingMsg:
		// New proposals wait for a person, whichever pane has focus.
		if text := a.waitingText(msg); text != "" {
			return a, Toast(ToastWarn, text)
		}
		return a, nil
	}
	return a, a.broadcast(msg)
}

// broadcast gives a message to every pane.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range a.panes {
		cmds = append(cmds, p.Update(msg))
	}
	return tea.Batch(cmds...)
}

func (a *App) focusPane(id PaneID) {
	for i, p := range a.panes {
		if p.ID() == id {
			a.setFocus(i)
			return
		}
	}
}

// setFocus focuses pane i; a side pane also becomes the tab shown.
func (a *App) setFocus(i int) {
	a.focus = i
	if i > 0 {
		a.side = i
	}
}

func (a *App) focused() Pane { return a.panes[a.focus] }

// spendMsg carries today's spending, for the status bar.
type spendMsg struct {
	seq   int
	spent float64
}

// refreshSpend reads today's spending in a command, never in Update.
func (a *App) refreshSpend() tea.Cmd {
	if a.o.Usage == nil {
		return nil
	}
	a.spendSeq++
	seq, b := a.spendSeq, a.o.Usage
	return func() tea.Msg {
		now := time.Now()
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		spent, _ := b.SpentSince(context.Background(), day)
		return spendMsg{seq: seq, spent: spent}
	}
}
