package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/config"
)

// View draws the cockpit: the panes, then one status line.
func (a *App) View() tea.View {
	if a.dirty || a.frameCache == "" {
		a.frameCache, a.dirty = a.render(), false
	}
	v := tea.NewView(a.frameCache)
	v.AltScreen = true
	if a.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "macroa"
	return v
}

// render is the whole screen as text, for View and golden tests.
func (a *App) render() string {
	w, h := a.width, a.height
	if w < 20 || h < 6 {
		return "macroa needs at least 20×6 cells"
	}
	bodyH := h - 1
	var body string
	switch {
	case a.help:
		body = a.cheatSheet(w, bodyH)
	case a.zoomed:
		body = a.frame(a.focus, w, bodyH)
	default:
		body = a.layout(w, bodyH)
	}
	return body + "\n" + a.statusBar(w)
}

// layout places the panes: chat left and the other panes stacked on the
// right on wide terminals; chat on top and the others side by side below
// on narrow ones.
func (a *App) layout(w, h int) string {
	if len(a.panes) == 1 {
		return a.frame(0, w, h)
	}
	rest := make([]int, 0, len(a.panes)-1)
	for i := 1; i < len(a.panes); i++ {
		rest = append(rest, i)
	}
	if w >= 120 {
		left := w * 3 / 5
		right := w - left
		col := make([]string, len(rest))
		for i, idx := range rest {
			ph := h / len(rest)
			if i == len(rest)-1 {
				ph = h - ph*(len(rest)-1)
			}
			col[i] = a.frame(idx, right, ph)
		}
		return lipgloss.JoinHorizontal(lipgloss.Top, a.frame(0, left, h), strings.Join(col, "\n"))
	}
	top := h * 3 / 5
	bottom := h - top
	row := make([]string, len(rest))
	for i, idx := range rest {
		pw := w / len(rest)
		if i == len(rest)-1 {
			pw = w - pw*(len(rest)-1)
		}
		row[i] = a.frame(idx, pw, bottom)
	}
	return a.frame(0, w, top) + "\n" + lipgloss.JoinHorizontal(lipgloss.Top, row...)
}

// frame draws pane i with a border and title in exactly w × h cells.
func (a *App) frame(i, w, h int) string {
	p := a.panes[i]
	focused := i == a.focus
	border, title := a.st.Border, a.st.Title
	if focused {
		border, title = a.st.BorderFocused, a.st.TitleFocused
	}
	innerW, innerH := max(w-2, 1), max(h-2, 1)
	body := fitBlock(p.View(innerW, innerH, focused), innerW, innerH)
	box := border.Width(w).Height(h).Render(body)
	// The title sits in the top border: "╭─ 1 chat ───╮".
	lines := strings.SplitN(box, "\n", 2)
	label := fmt.Sprintf(" %d %s ", i+1, p.Title())
	if ansi.StringWidth(label) < w-4 {
		lines[0] = ansi.Truncate(lines[0], 2, "") + title.Render(label) + ansi.TruncateLeft(lines[0], 2+ansi.StringWidth(label), "")
	}
	return strings.Join(lines, "\n")
}

// fitBlock cuts or pads text to exactly w × h cells so a pane can never
// push the layout around (or leave artifacts after a resize).
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lw := ansi.StringWidth(l)
		switch {
		case lw > w:
			lines[i] = ansi.Truncate(l, w, "…")
		case lw < w:
			lines[i] = l + strings.Repeat(" ", w-lw)
		}
	}
	return strings.Join(lines, "\n")
}

// statusBar is the bottom line: provider (or how to configure one), spend,
// counts, and a toast. When space is short the right side sheds detail
// first, so the provider line stays whole.
func (a *App) statusBar(w int) string {
	// A base URL's password never reaches the screen.
	provider := a.o.Provider
	if provider == "" && a.o.Local != nil {
		provider = a.o.Local()
	}
	left := " macroa · " + config.MaskURL(provider)
	if provider == "" {
		left = " no model configured: " + a.o.Hint
		if ansi.StringWidth(left) > w*2/3 {
			left = " no model: set OPENROUTER_API_KEY or MACROA_BASE_URL"
		}
	}
	spend := fmt.Sprintf("$%.4f", a.spent)
	if a.o.DailyBudget > 0 {
		spend += fmt.Sprintf("/$%.2f", a.o.DailyBudget)
	}
	candidates := []string{
		"today " + spend + " · approvals 0 · alerts 0 · f1 help ",
		"today " + spend + " · f1 help ",
		spend + " · f1 help ",
		"f1 help ",
	}
	right := candidates[len(candidates)-1]
	for _, c := range candidates {
		if ansi.StringWidth(left)+ansi.StringWidth(c)+1 <= w {
			right = c
			break
		}
	}
	if a.toast != nil {
		style := map[ToastLevel]func(...string) string{
			ToastInfo: a.st.ToastInfo.Render, ToastWarn: a.st.ToastWarn.Render, ToastError: a.st.ToastError.Render,
		}[a.toast.level]
		// A toast is what matters now: it takes the counts' place, and
		// the provider's too when the line is short (for its few seconds).
		help := candidates[len(candidates)-1]
		text := a.toast.text
		if ansi.StringWidth(left)+ansi.StringWidth(text)+ansi.StringWidth(help)+3 > w {
			left = ""
			text = ansi.Truncate(text, max(w-ansi.StringWidth(help)-3, 1), "…")
		}
		right = style(text) + "  " + help
		if left == "" {
			left = " "
		}
	}
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		left = ansi.Truncate(left, max(w-ansi.StringWidth(right)-1, 0), "…")
		gap = w - ansi.StringWidth(left) - ansi.StringWidth(right)
	}
	line := left + strings.Repeat(" ", max(gap, 0)) + right
	return a.st.StatusBar.Render(ansi.Truncate(line, w, ""))
}

// cheatSheet lists every binding, generated from the keymaps: in two
// columns when the terminal is wide enough, scrolled with up/down.
func (a *App) cheatSheet(w, h int) string {
	var rows []string
	section := func(name string, keys []Binding) {
		rows = append(rows, a.st.Title.Render(name))
		for _, k := range keys {
			if k.Enabled() {
				rows = append(rows, fmt.Sprintf("  %-18s %s", k.Help().Key, k.Help().Desc))
			}
		}
		rows = append(rows, "")
	}
	section("global", a.keys)
	for _, p := range a.panes {
		section(string(p.ID()), p.Keys())
	}
	innerW, innerH := max(w-2, 1), max(h-4, 1)
	if innerW >= 100 {
		// Two columns, split at a section boundary near the middle.
		split := len(rows) / 2
		for split < len(rows) && rows[split] != "" {
			split++
		}
		colW := innerW / 2
		left, right := rows[:min(split+1, len(rows))], rows[min(split+1, len(rows)):]
		merged := make([]string, max(len(left), len(right)))
		for i := range merged {
			l, r := "", ""
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			merged[i] = fitBlock(l, colW, 1) + r
		}
		rows = merged
	}
	a.helpOffset = min(a.helpOffset, max(len(rows)-innerH, 0))
	visible := rows[a.helpOffset:min(a.helpOffset+innerH, len(rows))]
	more := ""
	if a.helpOffset+innerH < len(rows) {
		more = "  ↓ more (down/pgdown)"
	}
	head := a.st.Accent.Render("Keys") + a.st.Muted.Render("  esc or f1 closes · rebind under [keys.<pane>] in ~/.macroa/config.toml"+more)
	body := head + "\n\n" + strings.Join(visible, "\n")
	return a.st.Border.Width(w).Height(h).Render(fitBlock(body, innerW, max(h-2, 1)))
}
