package chat

import (
	"fmt"
	"strings"

	"github.com/macroa/macroa/ui/tui/kit/editor"
)

// chatScroll is where the conversation view is. Following, it shows the
// newest lines and new output keeps it at the bottom; scrolled up, its top
// is a line of a message, so output arriving below does not move it.
// Positions count in lines of message blocks, each rendered (and cached)
// only when the view reaches it: a long history costs what is visible.
type chatScroll struct {
	follow bool
	top    chatPos
}

// chatPos is a line of the conversation: message msg's block line line.
// msg == len(msgs) is the end.
type chatPos struct{ msg, line int }

// chatInputMaxRows is the most rows the input grows to.
const chatInputMaxRows = 8

// cw is the messages' content width: the last drawn width less the gutter.
func (p *Pane) cw() int {
	if p.viewportW <= 0 {
		return 78
	}
	return max(p.viewportW-2, 1)
}

// sepLines is the blank line before each user message but the first.
func (p *Pane) sepLines(i int) int {
	if i > 0 && p.msgs[i].kind == chatUser {
		return 1
	}
	return 0
}

// blockLen is how many lines message i's block has.
func (p *Pane) blockLen(i int) int {
	m := p.msgs[i]
	n := p.sepLines(i) + len(m.render(p.cw(), p.st))
	if p.showInfo && m.meta != "" {
		n++
	}
	return n
}

// blockLine is line j of message i's block, cw cells wide, without gutter.
func (p *Pane) blockLine(i, j int) (line string, body bool) {
	cw := p.cw()
	sep := p.sepLines(i)
	if j < sep {
		return strings.Repeat(" ", cw), false
	}
	j -= sep
	m := p.msgs[i]
	lines := m.render(cw, p.st)
	if j < len(lines) {
		return lines[j], true
	}
	return m.renderMeta(cw, p.st), true
}

// bottomTop is the top line that shows the conversation's last vh lines;
// false when all of it fits.
func (p *Pane) bottomTop(vh int) (chatPos, bool) {
	need := vh
	for i := len(p.msgs) - 1; i >= 0; i-- {
		n := p.blockLen(i)
		if n >= need {
			return chatPos{i, n - need}, true
		}
		need -= n
	}
	return chatPos{}, false
}

// back moves a position up n lines, stopping at the first line.
func (p *Pane) back(pos chatPos, n int) chatPos {
	for n > 0 {
		if pos.line > 0 {
			d := min(n, pos.line)
			pos.line -= d
			n -= d
			continue
		}
		if pos.msg == 0 {
			break
		}
		pos.msg--
		pos.line = p.blockLen(pos.msg)
	}
	return pos
}

// forward moves a position down n lines, stopping at the end.
func (p *Pane) forward(pos chatPos, n int) chatPos {
	for n > 0 && pos.msg < len(p.msgs) {
		rest := p.blockLen(pos.msg) - pos.line
		if n < rest {
			pos.line += n
			break
		}
		n -= rest
		pos = chatPos{pos.msg + 1, 0}
	}
	return pos
}

// linesFrom counts the lines from pos to the end, stopping at limit.
func (p *Pane) linesFrom(pos chatPos, limit int) int {
	n := 0
	for i := pos.msg; i < len(p.msgs) && n < limit; i++ {
		n += p.blockLen(i)
		if i == pos.msg {
			n -= pos.line
		}
	}
	return n
}

// top is the first line the view shows, at viewport height vh; a
// scrolled view with too little below it (the window grew) follows again.
func (p *Pane) top(vh int) chatPos {
	if !p.scroll.follow {
		t := p.scroll.top
		if t.msg < len(p.msgs) && p.linesFrom(t, vh) >= vh {
			return t
		}
		p.scroll.follow = true
	}
	t, _ := p.bottomTop(vh)
	return t
}

// scrollBy scrolls d lines (negative: up, to older messages).
func (p *Pane) scrollBy(d int) {
	vh := max(p.viewportH, 1)
	if _, overflows := p.bottomTop(vh); !overflows || d == 0 {
		return
	}
	t := p.top(vh)
	if d < 0 {
		t = p.back(t, -d)
	} else {
		t = p.forward(t, d)
	}
	p.scrollTo(t, vh)
}

// scrollTo puts a line at the top, following again when it shows the end.
func (p *Pane) scrollTo(t chatPos, vh int) {
	if t.msg >= len(p.msgs) || p.linesFrom(t, vh+1) <= vh {
		p.scroll = chatScroll{follow: true}
		return
	}
	p.scroll = chatScroll{top: t}
}

// reveal scrolls so that message i is in view (its start, when it is
// taller than the view).
func (p *Pane) reveal(i int) {
	if i >= p.visFirst && i <= p.visLast && p.visFirst >= 0 {
		return
	}
	vh := max(p.viewportH, 1)
	if _, overflows := p.bottomTop(vh); !overflows {
		return
	}
	t := chatPos{i, p.sepLines(i)}
	if p.visLast >= 0 && i > p.visLast && p.blockLen(i) <= vh {
		t = p.back(chatPos{i + 1, 0}, vh) // below: bring it up to the bottom
	}
	p.scrollTo(t, vh)
}

// View implements Pane: the conversation, a status rule and the input, in
// exactly width × height cells.
func (p *Pane) View(width, height int, focused bool) string {
	p.width, p.height, p.focused = width, height, focused
	if width <= 0 || height <= 0 {
		return ""
	}
	rule := 1
	if height < 3 {
		rule = 0
	}
	maxIn := max(1, min(chatInputMaxRows, (height-rule)/3))
	inRows := min(max(p.input.Rows(width), 1), maxIn)
	vh := height - rule - inRows
	resized := p.approval != nil && p.viewportH > 0 && (vh != p.viewportH || width != p.viewportW)
	p.viewportH, p.viewportW = vh, width
	if resized {
		// Measured at the new width: the request's block as it now shows.
		p.approvalResized(vh)
	}

	out := make([]string, 0, height)
	out = p.viewLines(out, width, vh)
	if rule == 1 {
		out = append(out, p.ruleLine(width))
	}
	out = append(out, p.input.View(width, inRows, editor.Styles{Prompt: p.st.Accent, Subtle: p.st.Subtle, Text: p.st.Text}, focused, p.placeholder())...)
	return strings.Join(out, "\n")
}

// viewLines appends the visible lines of the conversation: vh lines of
// width cells.
func (p *Pane) viewLines(out []string, width, vh int) []string {
	p.visFirst, p.visLast = -1, -1
	if vh <= 0 {
		return out
	}
	start := len(out)
	blank := strings.Repeat(" ", width)
	if len(p.msgs) == 0 {
		for _, l := range p.emptyLines(width) {
			if len(out)-start < vh {
				out = append(out, chatFit(l, width))
			}
		}
	}
	t := p.top(vh)
	selected := p.st.Accent.Render("▌ ")
	for i := t.msg; i < len(p.msgs) && len(out)-start < vh; i++ {
		n := p.blockLen(i)
		j := 0
		if i == t.msg {
			j = t.line
		}
		if j <= p.sepLines(i) && p.visFirst < 0 {
			p.visFirst = i
		}
		for ; j < n && len(out)-start < vh; j++ {
			line, body := p.blockLine(i, j)
			gutter := "  "
			switch {
			case !body:
			case i == p.selected:
				gutter = selected
			case p.msgs[i].kind == chatUser && j == p.sepLines(i):
				gutter = p.st.User.Render("› ")
			}
			if width >= 3 {
				out = append(out, gutter+line) // both have their exact widths
			} else {
				out = append(out, chatFit(gutter+line, width))
			}
		}
		if j == n && p.visFirst >= 0 {
			p.visLast = i
		}
	}
	for len(out)-start < vh {
		out = append(out, blank)
	}
	return out
}

// emptyLines is what an empty conversation shows: how to start.
func (p *Pane) emptyLines(width int) []string {
	var lines []string
	if p.loading {
		return []string{p.st.Muted.Render("  loading session " + p.session + "…")}
	}
	hints := []string{
		"Type a request and press " + p.keyLabel("send", "enter") + ". !command runs a shell command.",
		p.keyLabel("newline", "alt+enter") + ": new line · " + p.keyLabel("scroll-up", "pgup") + "/" +
			p.keyLabel("scroll-down", "pgdown") + ": scroll · " + p.keyLabel("info", "alt+i") + ": route, model and cost",
	}
	for _, h := range hints {
		for _, l := range chatWrapPlain(h, max(width-2, 1)) {
			lines = append(lines, "  "+p.st.Muted.Render(l))
		}
	}
	return lines
}

// keyLabel is the first key of an action, for hints ("" when unbound).
func (p *Pane) keyLabel(action, fallback string) string {
	for _, b := range p.Keys() {
		if b.Action == action {
			if !b.Enabled() || len(b.Keys()) == 0 {
				return fallback
			}
			return b.Keys()[0]
		}
	}
	return fallback
}

// ruleLine separates the conversation from the input and says what is
// going on: a run, a load, a scrolled view, a selection.
func (p *Pane) ruleLine(width int) string {
	var notes []string
	switch {
	case p.loading:
		notes = append(notes, "loading…")
	case p.approval != nil:
		notes = append(notes, "approve? "+p.keysOf("approve")+" runs it · "+p.keysOf("refuse")+" refuses")
	case p.running:
		notes = append(notes, "running · ctrl+c cancels")
	}
	if p.selected >= 0 && p.selected < len(p.msgs) {
		notes = append(notes, fmt.Sprintf("message %d/%d · %s copies · esc clears",
			p.selected+1, len(p.msgs), p.keyLabel("copy", "alt+y")))
	}
	if !p.scroll.follow {
		notes = append(notes, "↓ more below · "+p.keyLabel("scroll-down", "pgdown"))
	}
	if len(notes) == 0 {
		return p.st.Subtle.Render(strings.Repeat("─", width))
	}
	label := " " + strings.Join(notes, " · ") + " "
	label = chatFitPlain(label, max(width-2, 0))
	rest := max(width-2-chatWidth(label), 0)
	return chatFit(p.st.Subtle.Render("──")+p.st.Muted.Render(label)+p.st.Subtle.Render(strings.Repeat("─", rest)), width)
}

// placeholder is the empty input's hint.
func (p *Pane) placeholder() string {
	if p.approval != nil {
		return "a command waits for your approval (above)"
	}
	if p.running {
		return "running… type the next request"
	}
	return "Ask anything, or !command for the shell"
}
