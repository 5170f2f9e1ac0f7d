package tui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// teaFlow runs the real cockpit (real panes, kernel and store, no model)
// as a Bubble Tea program in an 80x24 terminal without colours.
func teaFlow(t *testing.T) *teatest.TestModel {
	t.Helper()
	c := newRealCockpit(t)
	return teatest.NewTestModel(t, c.a,
		teatest.WithInitialTermSize(80, 24),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

// teaWait reads the program's output until cond holds on the text it drew
// since the last wait (escape sequences removed).
func teaWait(t *testing.T, tm *teatest.TestModel, what string, cond func(screen []byte) bool) {
	t.Helper()
	t.Logf("waiting for %s", what)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return cond([]byte(ansi.Strip(string(b)))) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func teaContains(s string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
}

// teaLoaded waits for the first screen with every pane's first load in:
// after it, nothing redraws until a key is pressed. At 80x24 the side
// panes are tabs: the audit pane's count shows in its tab ("3 audit 0",
// drawn as a change after "3 audit ", so it is the "0" before the next tab
// that tells).
func teaLoaded(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	teaWait(t, tm, "the first screen, loaded", func(b []byte) bool {
		return bytes.Contains(b, []byte("no model: set OPENROUTER_API_KEY or MACROA_BASE_URL")) &&
			bytes.Contains(b, []byte("no sessions yet")) && bytes.Contains(b, []byte("0 ─ 4 approvals"))
	})
}

// teaQuit presses ctrl+c twice, as a person would, and returns the model
// the program ended with.
func teaQuit(t *testing.T, tm *teatest.TestModel) *App {
	t.Helper()
	ctrlC := tuitest.Key("ctrl+c")
	tm.Send(ctrlC)
	cancelled := false
	teaWait(t, tm, "the quit prompt", func(b []byte) bool {
		cancelled = bytes.Contains(b, []byte("cancelled; press ctrl+c again"))
		return bytes.Contains(b, []byte("press ctrl+c again to quit"))
	})
	if cancelled {
		// A run's answer had streamed in but the run had not ended yet:
		// that press stopped it, so one more arms the quit.
		tm.Send(ctrlC)
	}
	tm.Send(ctrlC)
	m := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	a, ok := m.(*App)
	if !ok {
		t.Fatalf("final model is %T", m)
	}
	return a
}

// TestTeaShellRunThenQuit: type a shell request, see its output, quit
// with ctrl+c twice.
func TestTeaShellRunThenQuit(t *testing.T) {
	tm := teaFlow(t)
	teaLoaded(t, tm)
	tm.Type("!echo teatest-ok")
	// Each frame draws the characters typed since the last one, then the
	// cursor cell: the text arrives in pieces with blanks between them.
	teaWait(t, tm, "the typed request", func(b []byte) bool {
		return bytes.Contains(bytes.ReplaceAll(b, []byte(" "), nil), []byte("!echoteatest-ok"))
	})
	tm.Send(tuitest.Key("enter"))
	// The request itself ("› !echo teatest-ok") shows at once; the output
	// is a "teatest-ok" that is not the tail of "echo teatest-ok".
	teaWait(t, tm, "the command's output", func(b []byte) bool {
		out := []byte("teatest-ok")
		for i := 0; ; {
			j := bytes.Index(b[i:], out)
			if j < 0 {
				return false
			}
			if !bytes.HasSuffix(b[:i+j], []byte("echo ")) {
				return true
			}
			i += j + 1
		}
	})
	a := teaQuit(t, tm)
	p := a.panes[0].(*chat.Pane)
	if ms := p.Messages(); p.Running() || len(ms) != 2 || ms[1].Text != "teatest-ok" || ms[1].State != "done" {
		t.Fatalf("final chat: running=%v, messages %+v", p.Running(), ms)
	}
}

// TestTeaCheatSheetOpensAndCloses: f1 opens the cheat sheet, esc closes it.
func TestTeaCheatSheetOpensAndCloses(t *testing.T) {
	tm := teaFlow(t)
	teaLoaded(t, tm)
	tm.Send(tuitest.Key("f1"))
	teaWait(t, tm, "the cheat sheet", func(b []byte) bool {
		return bytes.Contains(b, []byte("esc or f1 closes")) && bytes.Contains(b, []byte("next pane"))
	})
	tm.Send(tuitest.Key("esc"))
	teaWait(t, tm, "the panes again", teaContains("Type a request and press enter"))
	if a := teaQuit(t, tm); a.help {
		t.Fatal("the cheat sheet is still open")
	}
}
