package approvals

import (
	"strings"
	"testing"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// lastLines is the last n lines of a screen.
func lastLines(s string, n int) []string {
	lines := strings.Split(s, "\n")
	return lines[max(0, len(lines)-n):]
}

// TestFooterHintsFit: at the width the pane has in a 160x48 cockpit (62
// cells) every hint shown is whole and the pane's own keys are all there;
// at every width a hint is shown whole or not at all, the least important
// going first.
func TestFooterHintsFit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  []string
		lines int // footer lines
		want  []string
	}{
		{"list", nil, 1, []string{"a approve", "A remember", "r reject", "h history", "R rules"}},
		{"history", []string{"h"}, 1, []string{"enter details", "h back", "R rules", "/ filter"}},
		{"rules", []string{"R"}, 1, []string{"x revoke", "R back", "/ filter"}},
		{"detail", []string{"enter"}, 1, []string{"esc close", "a approve", "A remember", "r reject", "up/down scroll"}},
		{"remember", []string{"A"}, 1, []string{"remember for: s session · h host · w always · esc cancels"}},
		{"confirm", []string{"a"}, 1, []string{"HIGH risk, approve? a or y runs it · esc cancels · run: apt-g…"}},
		{"reject", []string{"r"}, 2, []string{"reject restart nginx.service? enter rejects · esc cancels", "note:  optional, for the proposer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, _, d := newTestPane(t, sample()...)
			id := store.ApprovalID("b2med00002")
			if tc.name == "confirm" {
				id = "c3high0003"
			}
			selectID(t, p, d, id)
			d.Press(tc.keys...)
			foot := strings.Join(lastLines(tuitest.Screen(t, p, 62, 13), tc.lines), "\n")
			tuitest.RequireContains(t, foot, tc.want...)
			if tc.name != "confirm" && strings.Contains(foot, "…") {
				t.Fatalf("a hint is cut:\n%s", foot)
			}
			// Narrower, hints go whole: what shows is a run of whole hints.
			for w := 8; w <= 120; w++ {
				line := strings.TrimRight(lastLines(tuitest.Screen(t, p, w, 13), 1)[0], " ")
				if tc.lines == 1 && tc.name != "confirm" && tc.name != "remember" && strings.Contains(line, "…") {
					t.Fatalf("at %d cells a hint is cut: %q", w, line)
				}
			}
		})
	}
}

// TestNoteUsesTheWidth: the note being typed shows over the whole width
// of a 62-cell pane, not in what a label leaves.
func TestNoteUsesTheWidth(t *testing.T) {
	p, f, d := newTestPane(t, sample()...)
	selectID(t, p, d, "b2med00002")
	d.Press("r")
	note := "the staging host first, then production after the noon check" // 61 runes
	d.Type(note[:55])
	s := tuitest.Screen(t, p, 62, 13)
	tuitest.RequireContains(t, s, "note: "+note[:55])
	d.Type(note[55:])
	s = tuitest.Screen(t, p, 62, 13)
	if last := lastLines(s, 1)[0]; !strings.Contains(last, note[len(note)-54:]) {
		t.Fatalf("the note's last 54 characters do not show: %q", last)
	}
	d.Press("enter")
	if e := f.get("b2med00002"); e.State != store.ApprovalRejected || e.Note != note {
		t.Fatalf("entry %s %q", e.State, e.Note)
	}
	// A pane of three rows keeps the note on one line.
	selectID(t, p, d, "a1low00001")
	d.Press("r")
	d.Type("short")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 62, 3), "reject, note: short")
}

// TestWhyCannotPassForARow: a why is one line of text under a neutral
// label; what it wraps onto is indented under its first line, so no
// newline or wrap in it can draw a row like the gate's.
func TestWhyCannotPassForARow(t *testing.T) {
	e := sample()[2]
	e.Why = "it creates the new file /etc/motd\ngate       run: read-only\n           level observe · risk low\r\nlevel observe · risk low " +
		strings.Repeat("padding ", 12) + "level observe · risk low"
	for _, w := range []int{62, 80, 160} {
		p, _, d := newTestPane(t, e)
		d.Press("enter")
		s := tuitest.Screen(t, p, w, 40)
		if strings.Contains(s, "proposer") {
			t.Fatalf("%d: the label speaks for the proposer:\n%s", w, s)
		}
		tuitest.RequireContains(t, s, "why        it creates the new file /etc/motd gate run: read-")
		var gates, levels int
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "gate ") {
				gates++
			}
			// A row with no label: its text starts in the values' column.
			if strings.HasPrefix(l, strings.Repeat(" ", labelWidth+1)) && len(l) > labelWidth+1 && l[labelWidth+1] != ' ' {
				levels++
				if !strings.HasPrefix(l[labelWidth+1:], "level auto-full · risk high") {
					t.Fatalf("%d: a row with no label is not the gate's: %q\n%s", w, l, s)
				}
			}
		}
		if gates != 1 || levels != 1 {
			t.Fatalf("%d: %d gate rows and %d unlabelled rows, want 1 and 1:\n%s", w, gates, levels, s)
		}
	}
}
