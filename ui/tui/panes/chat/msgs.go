package chat

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/cells"
	"github.com/macroa/macroa/ui/tui/kit/markdown"
)

// chatKind says how a message's text is drawn.
type chatKind int

const (
	chatUser     chatKind = iota // what the person typed, literally
	chatShell                    // command output, literally, in the Shell style
	chatMarkdown                 // a model's answer, as Markdown
	chatPlain                    // other deterministic output (memory, files), literally
	chatAsking                   // a command a model proposed, waiting for the person or decided
)

// chatState is where a reply is in its life.
type chatState int

const (
	chatDone      chatState = iota
	chatStreaming           // the run is in flight; text is what arrived so far
	chatFailed              // err holds the sentence
	chatCancelled           // text is the part that arrived before the cancel
)

// chatMsg is one entry of the conversation, with its render cache.
type chatMsg struct {
	kind     chatKind
	state    chatState
	text     string
	err      string
	warnings []string
	turn     store.TurnID
	meta     string   // route · tier · model · tokens · $cost · latency; "" when unknown
	ask      *chatAsk // the request of a chatAsking message

	// lines is the rendered body at width cw (each line exactly cw cells);
	// valid is false after the text or state changed.
	cw    int
	valid bool
	lines []string
	// metaLine is the rendered meta line at metaW.
	metaW    int
	metaLine string
	// done caches the finished Markdown blocks of a streaming answer: the
	// first doneLen bytes of text rendered at doneW.
	doneW, doneLen int
	doneLines      []string
}

// invalidate drops the rendered body (the meta line stays).
func (m *chatMsg) invalidate() { m.valid = false }

// copyText is what copying the message puts on the clipboard: the text
// as shown, cleaned like it (an answer's "\x1b[201~" would end a shell's
// bracketed paste early and run what follows when pasted).
func (m *chatMsg) copyText() string {
	switch {
	case m.ask != nil:
		return termsafe.Visible(m.ask.command) // as shown: nothing hidden reaches the clipboard
	case m.err == "":
		return termsafe.Clean(m.text)
	case m.text == "":
		return termsafe.Clean(m.err)
	}
	return termsafe.Clean(m.text + "\n" + m.err)
}

// chatReplyKind picks how a finished run's output is drawn.
func chatReplyKind(res kernel.Result) chatKind {
	switch res.Skill {
	case skills.Shell:
		return chatShell
	case skills.Memory, skills.File:
		return chatPlain
	}
	if res.Route == router.RouteShell {
		return chatShell
	}
	return chatMarkdown
}

// chatEntryKind picks how a stored session entry is drawn.
func chatEntryKind(e store.Entry) chatKind {
	switch {
	case e.Role == store.RoleUser:
		return chatUser
	case e.Role == store.RoleSystem:
		return chatPlain
	}
	switch skills.Name(e.Skill) {
	case skills.Shell:
		return chatShell
	case skills.Memory, skills.File:
		return chatPlain
	}
	return chatMarkdown
}

// chatMessagesFrom turns a session's stored entries into messages.
func chatMessagesFrom(entries []store.Entry) []*chatMsg {
	out := make([]*chatMsg, 0, len(entries))
	for _, e := range entries {
		out = append(out, &chatMsg{kind: chatEntryKind(e), text: e.Content, turn: e.TurnID})
	}
	return out
}

// chatMeta is a reply's meta line: route · tier · model · tokens · $cost ·
// latency.
func chatMeta(res kernel.Result) string {
	route := string(res.Route)
	if route == "" {
		route = "-"
	}
	model := res.Model
	if model == "" {
		model = "-"
	}
	// The model's name is what the provider's answer says: made printable.
	return kit.OneLine(fmt.Sprintf("%s · %s · %s · %d tok · $%.4f · %s",
		route, res.Tier, model, res.Tokens, res.CostUSD, chatLatency(res.Elapsed)))
}

// chatLatency shows a duration the way people read latencies.
func chatLatency(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// render returns the message body's lines at content width cw, from the
// cache when nothing changed. Only a streaming answer re-renders, and
// only its unfinished tail.
func (m *chatMsg) render(cw int, st kit.Styles) []string {
	if m.valid && m.cw == cw {
		return m.lines
	}
	if m.kind == chatAsking && m.ask != nil {
		m.cw, m.valid, m.lines = cw, true, m.ask.render(cw, st)
		return m.lines
	}
	var lines []string
	text := markdown.Sanitize(m.text)
	switch {
	case m.kind == chatUser:
		lines = chatStyleLines(chatWrapPlain(text, cw), st.User, cw)
	case m.kind == chatShell:
		lines = chatStyleLines(chatCutPlain(strings.TrimRight(text, "\n"), cw), st.Shell, cw)
	case m.kind == chatPlain:
		lines = chatStyleLines(chatWrapPlain(strings.TrimRight(text, "\n"), cw), st.Assistant, cw)
	case m.state == chatStreaming:
		lines = m.renderStreaming(text, cw, st)
	default:
		lines = chatPad(markdown.Render(strings.TrimRight(text, "\n"), cw, chatMarkdownStyles(st)), cw)
	}
	if m.kind != chatUser && strings.TrimSpace(text) == "" {
		lines = nil
	}
	switch m.state {
	case chatStreaming:
		if len(lines) == 0 {
			lines = chatStyleLines([]string{"working…"}, st.Muted, cw)
		}
	case chatFailed:
		err := m.err
		if err == "" {
			err = "the request failed"
		}
		lines = append(lines, chatStyleLines(chatMarked("✗ ", markdown.Sanitize(err), cw), st.Error, cw)...)
	case chatCancelled:
		lines = append(lines, chatStyleLines([]string{"[cancelled]"}, st.Warning, cw)...)
	}
	for _, w := range m.warnings {
		lines = append(lines, chatStyleLines(chatMarked("! ", markdown.Sanitize(w), cw), st.Warning, cw)...)
	}
	if m.kind != chatUser && len(lines) == 0 {
		lines = chatStyleLines([]string{"(no output)"}, st.Muted, cw)
	}
	m.cw, m.valid, m.lines = cw, true, lines
	return lines
}

// renderStreaming draws an answer while it arrives: the finished blocks as
// Markdown (cached until another block finishes), the block still
// arriving as plain text.
func (m *chatMsg) renderStreaming(text string, cw int, st kit.Styles) []string {
	from := 0
	if m.doneLines != nil && m.doneLen <= len(text) {
		from = m.doneLen // the text only grew since (a reset empties it)
	}
	end := markdown.BlockEnd(text, from)
	if m.doneW != cw || m.doneLen != end || m.doneLines == nil {
		m.doneLines = chatPad(markdown.Render(strings.TrimRight(text[:end], "\n"), cw, chatMarkdownStyles(st)), cw)
		if end == 0 {
			m.doneLines = []string{}
		}
		m.doneW, m.doneLen = cw, end
	}
	lines := append([]string(nil), m.doneLines...)
	if tail := text[end:]; tail != "" {
		lines = append(lines, chatStyleLines(chatWrapPlain(tail, cw), st.Assistant, cw)...)
	}
	return lines
}

// renderMeta returns the meta line at content width cw.
func (m *chatMsg) renderMeta(cw int, st kit.Styles) string {
	if m.metaW != cw || m.metaLine == "" {
		m.metaLine = chatFit(st.Muted.Render(chatFitPlain(m.meta, cw)), cw)
		m.metaW = cw
	}
	return m.metaLine
}

// chatWrapPlain word-wraps plain text to width, long words cut.
func chatWrapPlain(s string, width int) []string {
	out := make([]string, 0, strings.Count(s, "\n")+1)
	for _, l := range strings.Split(s, "\n") {
		if len(l) <= width || chatWidth(l) <= width {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(l, width, ""), "\n")...)
	}
	return out
}

// chatMarked wraps a sentence after a two-cell mark ("✗ "), later lines
// indented under the text.
func chatMarked(mark, s string, width int) []string {
	return chatAfterMark(mark, s, width, chatWrapPlain)
}

// chatAfterMark breaks s into lines with split after a two-cell mark, later
// lines indented under the text.
func chatAfterMark(mark, s string, width int, split func(string, int) []string) []string {
	if width <= 4 {
		return split(mark+s, width)
	}
	lines := split(s, width-2)
	for i := range lines {
		if i == 0 {
			lines[i] = mark + lines[i]
		} else {
			lines[i] = "  " + lines[i]
		}
	}
	return lines
}

// chatCutPlain cuts plain text at width without looking for words (command
// output keeps its columns).
func chatCutPlain(s string, width int) []string {
	out := make([]string, 0, strings.Count(s, "\n")+1)
	for _, l := range strings.Split(s, "\n") {
		if len(l) <= width || chatWidth(l) <= width {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(ansi.Hardwrap(l, width, true), "\n")...)
	}
	return out
}

// chatFitPlain cuts plain text to width with an ellipsis.
func chatFitPlain(s string, width int) string {
	if chatWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// chatWidth is a plain string's width in cells.
func chatWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// chatStyleLines styles plain lines and pads each to width cells.
func chatStyleLines(lines []string, style lipgloss.Style, width int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		w := chatWidth(l)
		if w > width {
			l = ansi.Truncate(l, width, "")
			w = chatWidth(l)
		}
		if l != "" {
			l = style.Render(l)
		}
		out[i] = l + strings.Repeat(" ", max(width-w, 0))
	}
	return out
}

// chatMarkdownStyles are the renderer's styles from the theme's.
func chatMarkdownStyles(st kit.Styles) markdown.Styles {
	return markdown.Styles{Text: st.Assistant, Muted: st.Muted, Subtle: st.Subtle, Accent: st.Accent, Code: st.Code}
}

// chatFit makes a styled line exactly width cells: cut when longer, padded
// with spaces when shorter.
func chatFit(s string, width int) string { return cells.Fit(s, width, "") }

// chatPad makes styled lines exactly width cells each.
func chatPad(lines []string, width int) []string {
	for i, l := range lines {
		lines[i] = chatFit(l, width)
	}
	return lines
}
