package tui

import (
	"fmt"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/ui/tui/kit"
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

// The side panes (every pane but the chat) share one area: side by side
// or stacked while each keeps at least this many cells, else as tabs that
// show one pane at a time with every title in its top border.
const (
	minSideW = 36 // a side pane's width, side by side below the chat
	minSideH = 8  // a side pane's height, stacked beside the chat
)

// layout places the panes: chat left and the side panes stacked on the
// right on wide terminals; chat on top and the side panes side by side
// below on narrow ones. When the side panes would get too small they
// become tabs, so six panes stay usable at 80x24 and the chat is always
// on screen.
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
		if h/len(rest) < minSideH {
			return lipgloss.JoinHorizontal(lipgloss.Top, a.frame(0, left, h), a.tabs(rest, right, h))
		}
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
	if w/len(rest) < minSideW {
		return a.frame(0, w, top) + "\n" + a.tabs(rest, w, bottom)
	}
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

// tabs draws the side pane last focused (a.side) in w × h cells, with a
// tab for every side pane in its top border: "╭─ 2 sessions 4 ─ 3 audit ─╮".
func (a *App) tabs(rest []int, w, h int) string {
	shown := rest[0]
	for _, i := range rest {
		if i == a.side {
			shown = i
		}
	}
	box := a.box(shown, w, h)
	lines := strings.SplitN(box, "\n", 2)
	if len(lines) < 2 {
		return box
	}
	// Every tab in full when they fit; else the others shrink to their
	// number one at a time, those with no count first, from the last, so
	// a count (pending approvals, firing alerts) stays in words longest.
	labels := make([]string, len(rest))
	for k, i := range rest {
		labels[k] = a.tabLabel(i)
	}
	var order []int
	for _, counted := range []bool{false, true} {
		for k := len(rest) - 1; k >= 0; k-- {
			if i := rest[k]; i != shown && (badge(a.panes[i]) != "") == counted {
				order = append(order, k)
			}
		}
	}
	width := func() int {
		n := len(labels) - 1 // the separators
		for _, l := range labels {
			n += ansi.StringWidth(l)
		}
		return n
	}
	// First each shrinks to its number and a short name, then, where
	// that is still too wide, to its number only.
	for _, short := range []func(k int) string{
		func(k int) string { return a.shortTab(rest[k], shortTabW) },
		func(k int) string { return a.shortTab(rest[k], shortestTabW) },
		func(k int) string { return fmt.Sprintf(" %d ", rest[k]+1) },
	} {
		for _, k := range order {
			if width() <= w-4 {
				break
			}
			labels[k] = short(k)
		}
	}
	strs := make([]string, len(rest))
	for k, i := range rest {
		style := a.st.Muted
		if i == shown {
			style = a.st.Title
			if i == a.focus {
				style = a.st.TitleFocused
			}
		}
		strs[k] = style.Render(labels[k])
	}
	bar := a.st.Border
	if shown == a.focus {
		bar = a.st.BorderFocused
	}
	sep := bar.UnsetBorderStyle().Foreground(bar.GetBorderTopForeground()).Render("─")
	strip := strings.Join(strs, sep)
	if ansi.StringWidth(strip) <= w-4 {
		lines[0] = ansi.Truncate(lines[0], 2, "") + strip + ansi.TruncateLeft(lines[0], 2+ansi.StringWidth(strip), "")
	}
	return strings.Join(lines, "\n")
}

// tabLabel is a side pane's tab: its number, title and badge; the badge
// is left out when the title says the count already ("4 approvals · 1
// pending", not "… 1 pending 1").
func (a *App) tabLabel(i int) string {
	title := titleOf(a.panes[i])
	label := fmt.Sprintf(" %d %s ", i+1, title)
	if b := badge(a.panes[i]); b != "" && !strings.Contains(" "+title+" ", " "+b+" ") {
		label += b + " "
	}
	return label
}

// shortTab is a side pane's tab shrunk: its number, its name cut to a
// few cells and its badge when that is a count of what asks for a
// person.
func (a *App) shortTab(i, cells int) string {
	label := fmt.Sprintf(" %d %s ", i+1, ansi.Truncate(string(a.panes[i].ID()), cells, ""))
	if u, ok := a.panes[i].(UrgentBadger); ok && u.UrgentBadge() {
		label += "!" + strings.Fields(badge(a.panes[i]))[0] + " "
	}
	return label
}

// shortTabW is the cells of a pane's name on a shrunk tab, shortestTabW
// on one shrunk further.
const (
	shortTabW    = 5
	shortestTabW = 3
)

// titleOf is a pane's title as drawn: it may hold a session's name, which
// can hold bidi controls, so it is made printable on one line.
func titleOf(p Pane) string { return kit.OneLine(p.Title()) }

// UrgentBadger is a pane whose badge, when it says so, counts what asks
// for a person (alerts firing): the status bar keeps it when it sheds
// the other counts for room, and a shrunk tab keeps it.
type UrgentBadger interface {
	UrgentBadge() bool
}

// badge is a pane's short count, "" when it has none.
func badge(p Pane) string {
	if b, ok := p.(Badger); ok {
		return b.Badge()
	}
	return ""
}

// frame draws pane i with a border and title in exactly w × h cells.
func (a *App) frame(i, w, h int) string {
	box := a.box(i, w, h)
	// The title sits in the top border: "╭─ 1 chat ───╮".
	title := a.st.Title
	if i == a.focus {
		title = a.st.TitleFocused
	}
	lines := strings.SplitN(box, "\n", 2)
	label := fmt.Sprintf(" %d %s ", i+1, titleOf(a.panes[i]))
	if ansi.StringWidth(label) < w-4 {
		lines[0] = ansi.Truncate(lines[0], 2, "") + title.Render(label) + ansi.TruncateLeft(lines[0], 2+ansi.StringWidth(label), "")
	}
	return strings.Join(lines, "\n")
}

// box draws pane i inside its border, untitled, in exactly w × h cells.
func (a *App) box(i, w, h int) string {
	p := a.panes[i]
	focused := i == a.focus
	border := a.st.Border
	if focused {
		border = a.st.BorderFocused
	}
	innerW, innerH := max(w-2, 1), max(h-2, 1)
	body := fitBlock(p.View(innerW, innerH, focused), innerW, innerH)
	if w < 3 || h < 3 {
		return border.Width(w).Height(h).Render(body)
	}
	return drawBorder(border, body, innerW)
}

// drawBorder puts the style's border around a body that is exactly
// innerW cells wide on every line (fitBlock's), by hand: lipgloss would
// measure and wrap every line again, the costliest part of a frame.
func drawBorder(border lipgloss.Style, body string, innerW int) string {
	b := border.GetBorderStyle()
	paint := kit.Painter(lipgloss.NewStyle().Foreground(border.GetBorderTopForeground()))
	left, right := paint.Apply(b.Left), paint.Apply(b.Right)
	var out strings.Builder
	out.Grow(len(body) + (innerW+8)*6)
	out.WriteString(paint.Apply(b.TopLeft + strings.Repeat(b.Top, innerW) + b.TopRight))
	for line := range strings.SplitSeq(body, "\n") {
		out.WriteByte('\n')
		out.WriteString(left)
		out.WriteString(line)
		out.WriteString(right)
	}
	out.WriteByte('\n')
	out.WriteString(paint.Apply(b.BottomLeft + strings.Repeat(b.Bottom, innerW) + b.BottomRight))
	return out.String()
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
// each pane's count (its badge), and a toast. When space is short the right side sheds detail
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
	if a.storeNotice != "" {
		left = " " + a.st.Error.Render(a.storeNotice)
	}
	spend := fmt.Sprintf("$%.4f", a.spent)
	if a.o.DailyBudget > 0 {
		spend += fmt.Sprintf("/$%.2f", a.o.DailyBudget)
	}
	// Each pane's badge, for the panes out of sight above all.
	// The counts that ask for a person (alerts firing) stay when the
	// others go for room.
	counts, urgent := "", ""
	for _, p := range a.panes {
		if b := badge(p); b != "" {
			counts += " · " + string(p.ID()) + " " + b
			if u, ok := p.(UrgentBadger); ok && u.UrgentBadge() {
				urgent += " · " + b
			}
		}
	}
	candidates := []string{"today " + spend + counts + " · f1 help "}
	if urgent != "" {
		candidates = append(candidates, "today "+spend+urgent+" · f1 help ", spend+urgent+" · f1 help ",
			strings.TrimPrefix(urgent, " · ")+" · f1 help ")
	}
	candidates = append(candidates, "today "+spend+" · f1 help ", spend+" · f1 help ", "f1 help ")
	right := candidates[len(candidates)-1]
	for _, c := range candidates {
		if ansi.StringWidth(left)+ansi.StringWidth(c)+1 <= w {
			right = c
			break
		}
	}
	if t := a.shownToast(); t != nil {
		style := map[ToastLevel]func(...string) string{
			ToastInfo: a.st.ToastInfo.Render, ToastWarn: a.st.ToastWarn.Render, ToastError: a.st.ToastError.Render,
		}[t.level]
		// A toast is what matters now: it takes the counts' place, and
		// the provider's too when the line is short (for its few seconds).
		help := candidates[len(candidates)-1]
		text := t.text
		if t.sticky {
			if n := len(a.sticky) - 1; n > 0 {
				text += " · " + strconv.Itoa(n) + " more"
			}
			text += " · any key hides"
		}
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

// maxKeyW is the widest the cheat sheet's column of keys grows.
const maxKeyW = 20

// keyTables is the global keymap and every pane's, in order.
func (a *App) keyTables() [][]Binding {
	out := [][]Binding{a.keys}
	for _, p := range a.panes {
		out = append(out, p.Keys())
	}
	return out
}

// cheatSheet lists every binding, generated from the keymaps: in two
// columns when the terminal is wide enough, scrolled with up/down.
func (a *App) cheatSheet(w, h int) string {
	// The key labels' column is measured in cells (a label holds arrows
	// and may be long: "alt+enter/ctrl+j/shift+enter"); a label wider
	// than the column puts its description on the next line.
	keyW := 0
	for _, keys := range a.keyTables() {
		for _, k := range keys {
			if k.Enabled() {
				keyW = max(keyW, ansi.StringWidth(k.Help().Key))
			}
		}
	}
	keyW = min(keyW, maxKeyW)
	var rows []string
	section := func(name string, keys []Binding) {
		rows = append(rows, a.st.Title.Render(name))
		for _, k := range keys {
			if !k.Enabled() {
				continue
			}
			label, desc := k.Help().Key, k.Help().Desc
			if lw := ansi.StringWidth(label); lw > keyW {
				rows = append(rows, "  "+label, "  "+strings.Repeat(" ", keyW)+" "+desc)
				continue
			}
			rows = append(rows, "  "+label+strings.Repeat(" ", keyW-ansi.StringWidth(label))+" "+desc)
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
