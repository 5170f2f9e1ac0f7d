package tui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
)

// View draws the sessions list: a column header, one row per session
// (newest first, ● on the chat's session, › on the selection) and a footer
// that holds the inline prompt, a load error or a count.
func (p *SessionsPane) View(width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	footer := p.footer(width)
	if height == 1 {
		return listBlock([]string{footer}, width, 1)
	}
	lines := make([]string, 0, height)
	rowsH := height - 1
	turnsW, lastW, createdW := 5, 11, 10
	if width < 100 {
		createdW = 0
	}
	if width < 36 {
		lastW = 0
	}
	if width < 20 {
		turnsW = 0
	}
	nameW := width - 3
	for _, w := range []int{turnsW, lastW, createdW} {
		if w > 0 {
			nameW -= w + 2
		}
	}
	nameW = min(nameW, store.MaxSessionName+2) // a zoomed pane keeps its columns together
	if height >= 3 {
		rowsH--
		h := "   " + listCell("NAME", nameW, false)
		if turnsW > 0 {
			h += "  " + listCell("TURNS", turnsW, true)
		}
		if lastW > 0 {
			h += "  " + listCell("LAST ACTIVE", lastW, true)
		}
		if createdW > 0 {
			h += "  " + listCell("CREATED", createdW, true)
		}
		lines = append(lines, p.st.Muted.Render(listFit(h, width)))
	}

	switch {
	case !p.loaded && p.loadErr == "":
		lines = append(lines, p.st.Muted.Render(listFit("  loading sessions…", width)))
	case len(p.list) == 0 && p.loaded:
		lines = append(lines, p.st.Muted.Render(listFit(fmt.Sprintf("  no sessions yet; press %s to start one", listKeyLabel(p.keys, "new")), width)))
	}
	start, end := p.cur.window(len(p.list), rowsH)
	now := p.now()
	for i := start; i < end; i++ {
		s := p.list[i]
		sel, cur := i == p.cur.sel, s.Name == p.current && s.Name != ""
		mark, dot := " ", " "
		if sel {
			mark = "›"
		}
		if cur {
			dot = "●"
		}
		name := listCell(listOneLine(s.Name), nameW, false)
		turns := ""
		if turnsW > 0 {
			turns = "  " + listCell(strconv.Itoa(s.TurnCount), turnsW, true)
		}
		last := ""
		if lastW > 0 {
			last = "  " + listCell(sessionsAgo(now, s.UpdatedAt), lastW, true)
		}
		if createdW > 0 {
			last += "  " + listCell(sessionsDate(now, s.CreatedAt), createdW, true)
		}
		if sel && focused {
			lines = append(lines, p.st.Selected.Render(listFit(mark+dot+" "+name+turns+last, width)))
			continue
		}
		nameStyle := p.st.Text
		if cur {
			nameStyle = p.st.Accent
		}
		line := p.st.Accent.Render(mark+dot) + " " + nameStyle.Render(name) + p.st.Muted.Render(turns+last)
		lines = append(lines, listFit(line, width))
	}
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:height-1], footer)
	return listBlock(lines, width, height)
}

// footer is the prompt line: the open prompt, a load error, or a count.
func (p *SessionsPane) footer(width int) string {
	switch p.mode {
	case sessionsNew, sessionsRename:
		label := "new session: "
		if p.mode == sessionsRename {
			label = "rename " + sessionsQuote(p.target, width/3) + " to: "
		}
		label = listFit(label, min(width, ansi.StringWidth(label)))
		in := p.input.View(max(1, width-ansi.StringWidth(label)), p.st.Text, p.st.Subtle, "a name")
		return listFit(p.st.Accent.Render(label)+in, width)
	case sessionsConfirmDelete:
		q := "delete session " + sessionsQuote(p.target, width-len("delete session ? y/n")) + "? y/n"
		return p.st.Warning.Render(listFit(q, width))
	}
	if p.loadErr != "" {
		return p.st.Error.Render(listFit("could not list sessions: "+listOneLine(p.loadErr), width))
	}
	n := "1 session"
	if len(p.list) != 1 {
		n = fmt.Sprintf("%d sessions", len(p.list))
	}
	if p.current != "" {
		n += " · chat: " + listOneLine(p.current)
	}
	return p.st.Muted.Render(listFit(n, width))
}

// sessionsAgo says how long ago t was, coarsely: "just now", "5m ago",
// "3h ago", "2d ago", then the date.
func sessionsAgo(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 7*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
	return t.In(now.Location()).Format("2006-01-02")
}

// sessionsDate is a day in the clock's zone, "-" when unknown.
func sessionsDate(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(now.Location()).Format("2006-01-02")
}

// sessionsQuote quotes a session name for a prompt, clipped to at most
// width cells (quotes included) so the question after it stays visible.
func sessionsQuote(name string, width int) string {
	return `"` + ansi.Truncate(listOneLine(name), max(1, width-2), "…") + `"`
}

// listKeyLabel is the first key bound to action, for hints ("n").
func listKeyLabel(bindings []Binding, action string) string {
	for _, b := range bindings {
		if b.Action == action && b.Enabled() && len(b.Keys()) > 0 {
			return b.Keys()[0]
		}
	}
	return "?"
}
