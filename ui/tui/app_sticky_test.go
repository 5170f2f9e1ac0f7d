package tui

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestAppStickyToastStaysUntilAKey: a sticky toast (a reminder) has no
// timer; a passing toast shows over it for its seconds and then it is
// back; a key hides it (esc does nothing else), the next one waiting
// shows then, and its text is drawn clean.
func TestAppStickyToastStaysUntilAKey(t *testing.T) {
	a, _ := testApp(t, 100, 24)
	status := func() string { return tuitest.Lines(a.render())[23] }
	if _, cmd := a.Update(ToastMsg{Level: ToastWarn, Text: "reminder: stand up\x1b]52;c;eA==\x07", Sticky: true}); cmd != nil {
		t.Fatal("a sticky toast set a timer")
	}
	a.Update(ToastMsg{Level: ToastWarn, Text: "reminder: water the plants", Sticky: true})
	tuitest.RequireContains(t, status(), "reminder: stand up", " · 1 more · any key hides")
	if strings.Contains(a.render(), "\x1b]52") {
		t.Fatal("the toast's escape reached the screen")
	}

	a.Update(ToastMsg{Level: ToastInfo, Text: "passing"})
	tuitest.RequireContains(t, status(), "passing")
	a.Update(tuitest.Key("esc")) // the sticky one is out of sight: it stays
	a.Update(toastExpiredMsg{seq: a.toastSeq})
	tuitest.RequireContains(t, status(), "reminder: stand up")

	for _, step := range []struct {
		key, want, gone string
	}{
		{"esc", "reminder: water the plants · any key hides", "stand up"},
		{"j", "f1 help", "water the plants"},
	} {
		a.Update(tuitest.Key(step.key))
		tuitest.RequireContains(t, status(), step.want)
		if strings.Contains(status(), step.gone) {
			t.Fatalf("after %s the status still says %q: %q", step.key, step.gone, status())
		}
	}
}
