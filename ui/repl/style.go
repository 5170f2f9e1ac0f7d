package repl

import (
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/themes"
)

// Style colours the REPL's own text (prompt, errors, debug lines). Answers
// are always printed literally. The zero Style prints no colour. The text
// it is given is cleaned for the terminal before it is coloured.
type Style struct {
	Theme   themes.Theme
	Enabled bool
}

// prompt stays plain: the line editor measures it by bytes, so escape
// codes in it would break cursor placement.
func (s Style) prompt() string { return "macroa> " }

func (s Style) errorLine(msg string) string {
	line := "Error: " + termsafe.Clean(msg)
	if !s.Enabled {
		return line
	}
	return themes.Paint(line, s.Theme.Error, false)
}

func (s Style) muted(text string) string {
	text = termsafe.Clean(text)
	if !s.Enabled {
		return text
	}
	return themes.Paint(text, s.Theme.Muted, false)
}
