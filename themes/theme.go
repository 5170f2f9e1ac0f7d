// Package themes holds Macroa's themes as data: a Theme is a set of semantic
// colour tokens (what a colour is for, not what it looks like), loaded from
// TOML. Four themes are built in (ansi, the default, follows the terminal's
// own palette); users add or override themes with *.toml files in
// <data dir>/themes/. The TUI builds its styles from these tokens; the line
// REPL uses Color.SGR and Paint directly. Nothing here imports a TUI library.
package themes

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Default is the theme used when none is chosen.
const Default = "ansi"

// Theme is one theme: a name, a description and a colour per semantic token.
// The toml tags are the keys of a theme file.
type Theme struct {
	// Name identifies the theme (the file name without .toml).
	Name string `toml:"name"`
	// Description is one line shown in the theme picker and `macroa themes`.
	Description string `toml:"description"`
	// Dark reports that the colours were chosen for a dark background; the
	// TUI uses it to pick matching Markdown and syntax styles when it cannot
	// detect the terminal's background.
	Dark bool `toml:"dark"`

	// Foreground is body text: chat messages, pane contents.
	Foreground Color `toml:"foreground"`
	// Muted is secondary text: timestamps, hints, help descriptions.
	Muted Color `toml:"muted"`
	// Subtle is the least important text: separators, placeholders, disabled items.
	Subtle Color `toml:"subtle"`
	// Background is the screen background ("none" keeps the terminal's, and its transparency).
	Background Color `toml:"background"`
	// Surface is the background of raised areas: dialogs, the input box, popups.
	Surface Color `toml:"surface"`
	// Border is the border of unfocused panes and dialogs.
	Border Color `toml:"border"`
	// BorderFocused is the border of the pane that has the keyboard focus.
	BorderFocused Color `toml:"border_focused"`
	// Accent is the main highlight: titles, the prompt, key hints, spinners.
	Accent Color `toml:"accent"`
	// AccentAlt is a second highlight: pane tabs, counters, secondary titles.
	AccentAlt Color `toml:"accent_alt"`
	// SelectionFg is the text of the selected row in lists and pickers.
	SelectionFg Color `toml:"selection_fg"`
	// SelectionBg is the background of the selected row in lists and pickers.
	SelectionBg Color `toml:"selection_bg"`
	// Success marks things that went well: done jobs, healthy hosts, approvals.
	Success Color `toml:"success"`
	// Warning marks things that need attention: pending approvals, degraded hosts.
	Warning Color `toml:"warning"`
	// Error marks failures: error lines, failed jobs, unreachable hosts.
	Error Color `toml:"error"`
	// Info marks neutral notices: routing decisions, audit entries, hints.
	Info Color `toml:"info"`
	// UserMessage is the text (or label) of the user's turns in the chat pane.
	UserMessage Color `toml:"user_message"`
	// AssistantMessage is the text of the assistant's turns in the chat pane.
	AssistantMessage Color `toml:"assistant_message"`
	// ShellOutput is the output of shell commands (`!cmd`) shown in the chat pane.
	ShellOutput Color `toml:"shell_output"`
	// TierNano labels answers and costs from the nano model tier.
	TierNano Color `toml:"tier_nano"`
	// TierHaiku labels answers and costs from the haiku model tier.
	TierHaiku Color `toml:"tier_haiku"`
	// TierSonnet labels answers and costs from the sonnet model tier.
	TierSonnet Color `toml:"tier_sonnet"`
	// TierOpus labels answers and costs from the opus model tier.
	TierOpus Color `toml:"tier_opus"`
	// StatusBarFg is the text of the status bar at the bottom of the cockpit.
	StatusBarFg Color `toml:"status_bar_fg"`
	// StatusBarBg is the background of the status bar.
	StatusBarBg Color `toml:"status_bar_bg"`
	// ToastInfo is the text and border of informational toasts.
	ToastInfo Color `toml:"toast_info"`
	// ToastWarning is the text and border of warning toasts.
	ToastWarning Color `toml:"toast_warning"`
	// ToastError is the text and border of error toasts.
	ToastError Color `toml:"toast_error"`
	// Code is inline code and code blocks in rendered Markdown.
	Code Color `toml:"code"`
	// Link is links and file paths in rendered Markdown and tool output.
	Link Color `toml:"link"`
}

// Token is one colour token of a theme, by its theme-file key.
type Token struct {
	Name  string // theme-file key, e.g. "border_focused"
	Color Color
}

// Info describes a theme without loading its colours into a TUI.
type Info struct {
	Name        string
	Description string
	Source      string // path of the user theme file, or "builtin"
}

// tokenField is the struct field index of one colour token.
type tokenField struct {
	name  string
	index int
}

// tokenFields lists the Color fields of Theme in declaration order.
var tokenFields = sync.OnceValue(func() []tokenField {
	ct := reflect.TypeFor[Color]()
	tt := reflect.TypeFor[Theme]()
	var out []tokenField
	for i := range tt.NumField() {
		f := tt.Field(i)
		if f.Type == ct {
			out = append(out, tokenField{name: f.Tag.Get("toml"), index: i})
		}
	}
	return out
})

// TokenNames returns the theme-file key of every colour token, in the order
// Theme declares them.
func TokenNames() []string {
	fs := tokenFields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// Tokens returns every colour token of t, in the order Theme declares them.
func (t Theme) Tokens() []Token {
	v := reflect.ValueOf(t)
	fs := tokenFields()
	out := make([]Token, len(fs))
	for i, f := range fs {
		out[i] = Token{Name: f.name, Color: v.Field(f.index).Interface().(Color)}
	}
	return out
}

// Plain returns t with every colour token cleared to the terminal default:
// what a NO_COLOR user gets. Name, Description and Dark are kept.
func (t Theme) Plain() Theme {
	v := reflect.ValueOf(&t).Elem()
	for _, f := range tokenFields() {
		v.Field(f.index).SetString("")
	}
	return t
}

// Validate checks every colour token of t and names the bad ones.
func (t Theme) Validate() error {
	var errs []error
	for _, tok := range t.Tokens() {
		if err := tok.Color.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("theme %q: %s: %w", t.Name, tok.Name, err))
		}
	}
	return errors.Join(errs...)
}
