package kit

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/macroa/macroa/themes"
)

// Styles are the cockpit's lipgloss styles, built once from a theme's
// semantic tokens. Panes use these, never raw colours.
type Styles struct {
	Theme themes.Theme

	Text, Muted, Subtle      lipgloss.Style
	Accent, Success, Warning lipgloss.Style
	Error, Info              lipgloss.Style
	User, Assistant, Shell   lipgloss.Style
	Code                     lipgloss.Style
	Selected                 lipgloss.Style
	Title, TitleFocused      lipgloss.Style
	Border, BorderFocused    lipgloss.Style
	StatusBar                lipgloss.Style
	ToastInfo, ToastWarn     lipgloss.Style
	ToastError               lipgloss.Style
	Tier                     map[string]lipgloss.Style
}

// color turns a theme colour into a lipgloss colour; "" or "none" is the
// terminal's own default (no colour at all).
func colorOf(c themes.Color) color.Color {
	if c == "" || c.IsNone() {
		return lipgloss.NoColor{}
	}
	return lipgloss.Color(string(c))
}

// NewStyles builds the styles for a theme. With NO_COLOR the theme's Plain
// form is passed in and only bold/reverse remain.
func NewStyles(t themes.Theme) Styles {
	fg := func(c themes.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(colorOf(c)) }
	s := Styles{
		Theme:         t,
		Text:          fg(t.Foreground),
		Muted:         fg(t.Muted),
		Subtle:        fg(t.Subtle),
		Accent:        fg(t.Accent).Bold(true),
		Success:       fg(t.Success),
		Warning:       fg(t.Warning),
		Error:         fg(t.Error).Bold(true),
		Info:          fg(t.Info),
		User:          fg(t.UserMessage).Bold(true),
		Assistant:     fg(t.AssistantMessage),
		Shell:         fg(t.ShellOutput),
		Code:          fg(t.Code),
		Selected:      lipgloss.NewStyle().Foreground(colorOf(t.SelectionFg)).Background(colorOf(t.SelectionBg)).Reverse(t.SelectionBg == "" || t.SelectionBg.IsNone()),
		Title:         fg(t.Muted).Bold(true),
		TitleFocused:  lipgloss.NewStyle().Foreground(colorOf(t.Accent)).Bold(true),
		Border:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colorOf(t.Border)),
		BorderFocused: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(colorOf(t.BorderFocused)),
		StatusBar:     lipgloss.NewStyle().Foreground(colorOf(t.StatusBarFg)).Background(colorOf(t.StatusBarBg)),
		ToastInfo:     fg(t.ToastInfo).Bold(true),
		ToastWarn:     fg(t.ToastWarning).Bold(true),
		ToastError:    fg(t.ToastError).Bold(true),
		Tier: map[string]lipgloss.Style{
			"nano": fg(t.TierNano), "haiku": fg(t.TierHaiku), "sonnet": fg(t.TierSonnet), "opus": fg(t.TierOpus),
		},
	}
	return s
}
