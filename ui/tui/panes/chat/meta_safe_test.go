package chat

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestChatMetaLineIsPrintable: the model name in a reply's meta line
// (alt+i) is what the provider's answer says it is; a hostile server's
// escape sequences and bidi controls in it must not reach the terminal.
func TestChatMetaLineIsPrintable(t *testing.T) {
	res := kernel.Result{Route: "classifier", Model: "m\x1b]52;c;aGk=\x07evil\u202eX\x1b[2J\u009b"}
	m := &chatMsg{kind: chatMarkdown, meta: chatMeta(res)}
	line := m.renderMeta(80, tuitest.Styles(t, "ansi"))
	if strings.Contains(line, "\x1b]") || strings.Contains(line, "\x1b[2J") || strings.ContainsAny(ansi.Strip(line), "\x1b\x07\u202e\u009b") {
		t.Fatalf("the meta line holds raw controls: %q", line)
	}
	if !strings.Contains(ansi.Strip(line), "evil") {
		t.Fatalf("the meta line lost the model's name: %q", ansi.Strip(line))
	}
}
