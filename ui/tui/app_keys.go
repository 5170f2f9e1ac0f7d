package tui

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/kit"
)

// maxFocusKeys is how many panes get a number key: alt+1 … alt+9.
const maxFocusKeys = 9

// globalKeys are the cockpit's own bindings, with one focus key per
// registered pane (focus-N: alt+N; a plain N too while the focused pane
// takes no text). None fights the terminal, readline or tmux: no
// ctrl+z/s/q, no plain letters while typing.
func globalKeys(panes []Pane) []Binding {
	keys := []Binding{
		NewBinding("next-pane", "next pane", "tab"),
		NewBinding("prev-pane", "previous pane", "shift+tab"),
	}
	for i, p := range panes[:min(len(panes), maxFocusKeys)] {
		n := strconv.Itoa(i + 1)
		keys = append(keys, NewBinding("focus-"+n, "focus "+string(p.ID()), "alt+"+n))
	}
	return append(keys,
		NewBinding("zoom", "zoom the pane to full screen and back", "alt+z"),
		NewBinding("help", "this cheat sheet", "f1", "?"),
		NewBinding("mouse", "release/capture the mouse (for the terminal's own selection)", "alt+m"),
		NewBinding("cancel-quit", "cancel the running request; press twice to quit", "ctrl+c"),
		NewBinding("back", "back out (close, unzoom)", "esc"),
	)
}

// quitWindow is how soon a second ctrl+c must follow the first to quit.
const quitWindow = 2 * time.Second

func (a *App) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := msg.String()
	// ctrl+c: cancel what runs first, quit on a second press.
	if Matches(a.keys, "cancel-quit", k) {
		for _, p := range a.panes {
			if c, ok := p.(Canceller); ok && c.Cancel() {
				a.quitArmed = time.Time{}
				return Toast(ToastInfo, "cancelled; press ctrl+c again to quit")
			}
		}
		if !a.quitArmed.IsZero() && time.Since(a.quitArmed) < quitWindow {
			return tea.Quit
		}
		a.quitArmed = time.Now()
		return Toast(ToastInfo, "press ctrl+c again to quit")
	}
	// A key hides the sticky toast on screen (a reminder: seen now); esc
	// does nothing else, any other key also does what it does.
	if a.hideSticky(k) && Matches(a.keys, "back", k) {
		return nil
	}
	if a.help {
		switch {
		case Matches(a.keys, "back", k) || Matches(a.keys, "help", k):
			a.help, a.helpOffset = false, 0
		case k == "down" || k == "j":
			a.helpOffset++
		case k == "up" || k == "k":
			a.helpOffset = max(a.helpOffset-1, 0)
		case k == "pgdown" || k == "space":
			a.helpOffset += 10
		case k == "pgup":
			a.helpOffset = max(a.helpOffset-10, 0)
		}
		return nil
	}
	capturing := a.focused().Capturing()
	// Keys with a modifier (or f-keys) work everywhere; plain characters
	// only when the focused pane is not taking text.
	plain := len(k) == 1
	if !(plain && capturing) {
		switch {
		case Matches(a.keys, "help", k):
			a.help = true
			return nil
		case Matches(a.keys, "zoom", k):
			a.zoomed = !a.zoomed
			return nil
		case Matches(a.keys, "mouse", k):
			a.mouse = !a.mouse
			if a.mouse {
				return Toast(ToastInfo, "mouse captured by macroa")
			}
			return Toast(ToastInfo, "mouse released: select text with the terminal; alt+m to capture again")
		}
		for i := range a.panes[:min(len(a.panes), maxFocusKeys)] {
			if Matches(a.keys, "focus-"+strconv.Itoa(i+1), k) || (!capturing && k == strconv.Itoa(i+1)) {
				a.setFocus(i)
				return nil
			}
		}
	}
	if cmd, handled := a.focused().HandleKey(msg); handled {
		return cmd
	}
	if b, ok := kit.ReadOnlyKey(a.focused().Keys(), k); ok && a.o.ReadOnly {
		return Toast(ToastInfo, "read-only: "+b.Action+" is off in this cockpit (macroa tui --read-only)")
	}
	switch {
	case Matches(a.keys, "next-pane", k):
		a.setFocus((a.focus + 1) % len(a.panes))
	case Matches(a.keys, "prev-pane", k):
		a.setFocus((a.focus + len(a.panes) - 1) % len(a.panes))
	case Matches(a.keys, "back", k):
		a.zoomed = false
	}
	return nil
}

// toastExpiredMsg clears a toast unless a newer one replaced it.
type toastExpiredMsg struct{ seq int }

// toastLife is how long a toast stays: errors longer, to be read.
func toastLife(l ToastLevel) time.Duration {
	if l == ToastError {
		return 8 * time.Second
	}
	return 4 * time.Second
}

// maxSticky is how many sticky toasts wait at most; the oldest go first.
const maxSticky = 20

func (a *App) showToast(m ToastMsg) tea.Cmd {
	if m.Sticky {
		a.sticky = append(a.sticky, toast{level: m.Level, text: kit.OneLine(m.Text), sticky: true})
		a.sticky = a.sticky[max(0, len(a.sticky)-maxSticky):]
		a.stickyInSight()
		return nil
	}
	a.toastSeq++
	seq := a.toastSeq
	a.toast = &toast{level: m.Level, text: kit.OneLine(m.Text), seq: seq} // text from outside (names, errors): drawn printable
	return tea.Tick(toastLife(m.Level), func(time.Time) tea.Msg { return toastExpiredMsg{seq: seq} })
}

// shownToast is the toast the status bar shows: a passing one, else the
// oldest sticky one; nil for none.
func (a *App) shownToast() *toast {
	switch {
	case a.toast != nil:
		return a.toast
	case len(a.sticky) > 0:
		return &a.sticky[0]
	}
	return nil
}

// stickyGrace is how long a sticky toast stays before a key other than
// esc hides it, so a reminder that comes while the person types is not
// gone with the next letter.
const stickyGrace = 2 * time.Second

// stickyInSight notes when the first sticky toast came in sight (no
// passing toast covers it), for its grace.
func (a *App) stickyInSight() {
	if a.toast == nil && len(a.sticky) > 0 && a.sticky[0].since.IsZero() {
		a.sticky[0].since = a.now()
	}
}

// hideSticky takes away the sticky toast on screen, as key k was pressed
// while it showed: esc at once, another key once it has been in sight
// for its grace. It reports whether it hid one.
func (a *App) hideSticky(k string) bool {
	if a.toast != nil || len(a.sticky) == 0 {
		return false // none shows: a passing toast covers it
	}
	if !Matches(a.keys, "back", k) && a.now().Sub(a.sticky[0].since) < stickyGrace {
		return false
	}
	a.sticky = a.sticky[1:]
	a.stickyInSight()
	return true
}
