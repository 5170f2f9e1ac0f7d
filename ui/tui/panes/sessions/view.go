package sessions

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// View draws the sessions list: a column header, one row per session
// (newest first, ● on the chat's session, › on the selection) and a footer
// that holds the inline prompt, a load error or a count.
func (p *Pane) View(width, height int, focused bool) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	footer := p.footer(width)
	if height == 1 {
		return kit.Block([]string{footer}, width, 1)
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
		h := "   " + kit.Cell("NAME", nameW, false)
		if turnsW > 0 {
			h += "  " + kit.Cell("TURNS", turnsW, true)
		}
		if lastW > 0 {
			h += "  " + kit.Cell("LAST ACTIVE", lastW, true)
		}
		if createdW > 0 {
			h += "  " + kit.Cell("CREATED", createdW, true)
		}
		lines = append(lines, p.st.Muted.Render(kit.Fit(h, width)))
	}

	switch {
	case !p.loaded && p.loadErr == "":
		lines = append(lines, p.st.Muted.Render(kit.Fit("  loading sessions…", width)))
	case len(p.list) == 0 && p.loaded:
		empty := "  no sessions yet"
		if k := p.KeyLabel("new"); k != "?" { // a read-only cockpit has no key for it
			empty += fmt.Sprintf("; press %s to start one", k)
		}
		lines = append(lines, p.st.Muted.Render(kit.Fit(empty, width)))
	case len(p.rows) == 0 && p.loaded:
		lines = append(lines, p.st.Muted.Render(kit.Fit("  no session matches the filter; esc clears it", width)))
	}
	p.cur.Page = rowsH
	start, end := p.cur.Window(len(p.rows), rowsH)
	now := p.now()
	for i := start; i < end; i++ {
		s := p.list[p.rows[i]]
		sel, cur := i == p.cur.Sel, s.Name == p.current && s.Name != ""
		mark, dot := " ", " "
		if sel {
			mark = "›"
		}
		if cur {
			dot = "●"
		}
		name := kit.Cell(kit.OneLine(s.Name), nameW, false)
		turns := ""
		if turnsW > 0 {
			turns = "  " + kit.Cell(strconv.Itoa(s.TurnCount), turnsW, true)
		}
		last := ""
		if lastW > 0 {
			last = "  " + kit.Cell(ago(now, s.UpdatedAt), lastW, true)
		}
		if createdW > 0 {
			last += "  " + kit.Cell(date(now, s.CreatedAt), createdW, true)
		}
		if sel && focused {
			lines = append(lines, p.st.Selected.Render(kit.Fit(mark+dot+" "+name+turns+last, width)))
			continue
		}
		nameStyle := p.st.Text
		if cur {
			nameStyle = p.st.Accent
		}
		line := p.st.Accent.Render(mark+dot) + " " + nameStyle.Render(name) + p.st.Muted.Render(turns+last)
		lines = append(lines, kit.Fit(line, width))
	}
	for len(lines) < height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:height-1], footer)
	return kit.Block(lines, width, height)
}

// footer is the prompt line: the open prompt, a load error, or a count.
func (p *Pane) footer(width int) string {
	switch p.mode {
	case naming, renaming:
		label := "new session: "
		if p.mode == renaming {
			label = "rename " + quote(p.target, width/3) + " to: "
		}
		label = kit.Fit(label, min(width, ansi.StringWidth(label)))
		in := p.input.View(max(1, width-ansi.StringWidth(label)), p.st.Text, p.st.Subtle, "a name")
		return kit.Fit(p.st.Accent.Render(label)+in, width)
	case confirmDelete:
		q := "delete session " + quote(p.target, width-len("delete session ? y/n")) + "? y/n"
		return p.st.Warning.Render(kit.Fit(q, width))
	}
	if p.loadErr != "" {
		return p.st.Error.Render(kit.Fit("could not list sessions: "+kit.OneLine(p.loadErr), width))
	}
	if f := p.cur.FilterLine(width, p.st, len(p.rows), len(p.list)); f != "" {
		return f
	}
	n := "1 session"
	if len(p.list) != 1 {
		n = fmt.Sprintf("%d sessions", len(p.list))
	}
	if p.current != "" {
		n += " · chat: " + kit.OneLine(p.current)
	}
	return p.st.Muted.Render(kit.Fit(n, width))
}

// ago says how long ago t was, coarsely: "just now", "5m ago",
// "3h ago", "2d ago", then the date.
func ago(now, t time.Time) string {
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

// date is a day in the clock's zone, "-" when unknown.
func date(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(now.Location()).Format("2006-01-02")
}

// quote quotes a session name for a prompt, clipped to at most
// width cells (quotes included) so the question after it stays visible.
func quote(name string, width int) string {
	return `"` + ansi.Truncate(kit.OneLine(name), max(1, width-2), "…") + `"`
}
