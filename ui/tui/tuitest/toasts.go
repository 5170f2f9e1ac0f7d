package tuitest

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/kit"
)

// IsToast says whether m is a toast, for WithKeep: a driver that keeps
// toasts lets a test read what a pane told the person.
func IsToast(m tea.Msg) bool { _, ok := m.(kit.ToastMsg); return ok }

// Toasts is the text of each toast among msgs (what a Driver kept), in
// order.
func Toasts(msgs []tea.Msg) []string {
	var out []string
	for _, m := range msgs {
		if t, ok := m.(kit.ToastMsg); ok {
			out = append(out, t.Text)
		}
	}
	return out
}
