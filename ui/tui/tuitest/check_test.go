package tuitest

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/kit"
)

// drawn is a view of fixed lines, styled, whatever the size asked.
type drawn []string

func (v drawn) View(int, int, bool) string { return strings.Join(v, "\n") }

func TestScreen(t *testing.T) {
	v := drawn{"\x1b[1mab\x1b[0m ", "cde"}
	if got := Screen(t, v, 3, 2); got != "ab \ncde" {
		t.Errorf("Screen = %q, want the view without styling", got)
	}
	for _, tc := range []struct {
		name          string
		width, height int
		want          string
	}{
		{"too few lines", 3, 3, "view has 2 lines"},
		{"too narrow", 2, 2, "line 0 is 3 cells wide"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := failure(t, func(tb testing.TB) { Screen(tb, v, tc.width, tc.height) })
			if !strings.Contains(msg, tc.want) {
				t.Errorf("Screen at %dx%d failed with %q, want %q", tc.width, tc.height, msg, tc.want)
			}
		})
	}
}

func TestRequireContains(t *testing.T) {
	for _, tc := range []struct {
		name  string
		wants []string
		fail  string
	}{
		{"all there", []string{"restart", "nginx"}, ""},
		{"nothing asked", nil, ""},
		{"one missing", []string{"restart", "redis"}, `missing "redis"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := failure(t, func(tb testing.TB) { RequireContains(tb, "restart nginx.service", tc.wants...) })
			if tc.fail == "" && msg != "" || !strings.Contains(msg, tc.fail) {
				t.Errorf("RequireContains(%q) failed with %q, want %q", tc.wants, msg, tc.fail)
			}
		})
	}
}

func TestToasts(t *testing.T) {
	msgs := []tea.Msg{kit.ToastMsg{Text: "saved"}, kit.CopyMsg{}, kit.ToastMsg{Level: kit.ToastError, Text: "disk full"}, nil}
	if got := Toasts(msgs); !slices.Equal(got, []string{"saved", "disk full"}) {
		t.Errorf("Toasts = %q", got)
	}
	if Toasts(nil) != nil {
		t.Error("Toasts(nil) is not empty")
	}
	kept := slices.DeleteFunc(slices.Clone(msgs), func(m tea.Msg) bool { return !IsToast(m) })
	if len(kept) != 2 {
		t.Errorf("IsToast kept %d of the messages, want the 2 toasts", len(kept))
	}
}
