package kit

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Hint is one part of a footer line ("enter details", "esc cancels").
// Drop ranks the parts left out when the line is too narrow, the highest
// first; 0 keeps the part whatever the width.
type Hint struct {
	Text string
	Drop int
}

// MinTail is the fewest cells a footer's tail (an entry's summary) is
// shown in; with less room it is left out rather than cut to a stub.
const MinTail = 8

// hintSep separates the hints, and the tail, on a footer line.
const hintSep = " · "

// FitHints is a footer line of exactly width cells: lead (a question,
// or ""), a space, then the hints joined by " · ", leaving out the least
// important until the line fits; then tail (what the line is about)
// after a " · ", cut to the room left and shown only when that room is at
// least MinTail cells. A line the kept hints overflow is cut with "…".
// Every part is untrusted text and put through SafeLine.
func FitHints(width int, lead string, hints []Hint, tail string) string {
	lead = SafeLine(lead)
	hs := make([]Hint, len(hints))
	for i, h := range hints {
		hs[i] = Hint{SafeLine(h.Text), h.Drop}
	}
	line := func() string {
		parts := make([]string, len(hs))
		for i, h := range hs {
			parts[i] = h.Text
		}
		s := strings.Join(parts, hintSep)
		switch {
		case lead == "":
			return s
		case s == "":
			return lead
		}
		return lead + " " + s
	}
	s := line()
	for ansi.StringWidth(s) > width {
		worst := -1
		for i, h := range hs {
			if h.Drop > 0 && (worst < 0 || h.Drop > hs[worst].Drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		hs = slices.Delete(hs, worst, worst+1)
		s = line()
	}
	if tail = SafeLine(tail); tail != "" {
		if s == "" {
			// A tail alone needs no separator before it.
			if width >= MinTail {
				s = tail
			}
		} else if width-ansi.StringWidth(s+hintSep) >= MinTail {
			s += hintSep + tail
		}
	}
	return Fit(s, width)
}
