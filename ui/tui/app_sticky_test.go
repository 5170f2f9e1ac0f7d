package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestAppStickyToastStaysUntilAKey: a sticky toast (a reminder) has no
// timer; a passing toast shows over it for its seconds and then it is
// back; esc hides it and does nothing else, another key hides it once it
// has been in sight two seconds (not the letter typed as it came); the
// next one waiting shows then, and its text is drawn clean.
func TestAppStickyToastStaysUntilAKey(t *testing.T) {
	a, _ := testApp(t, 100, 24)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return now }
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
		wait            time.Duration
		key, want, gone string
	}{
		{0, "esc", "reminder: water the plants · any key hides", "stand up"},
		{time.Second, "j", "reminder: water the plants", ""}, // in sight for a second only
		{time.Second, "j", "f1 help", "water the plants"},
	} {
		now = now.Add(step.wait)
		a.Update(tuitest.Key(step.key))
		tuitest.RequireContains(t, status(), step.want)
		if step.gone != "" && strings.Contains(status(), step.gone) {
			t.Fatalf("after %s the status still says %q: %q", step.key, step.gone, status())
		}
	}
}
