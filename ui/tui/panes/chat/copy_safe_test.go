package chat

import (
	"context"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestChatCopyPutsOnlyWhatIsShownOnTheClipboard: alt+y copies a model's
// answer as the pane shows it. A hostile answer's escape sequences must
// not reach the clipboard: pasted into a shell, "\x1b[201~" ends the
// terminal's bracketed paste early, and what follows it runs as if typed.
func TestChatCopyPutsOnlyWhatIsShownOnTheClipboard(t *testing.T) {
	srv := providertest.New(t)
	env := chatNewEnv(t, func(cfg *config.Config) kernel.ModelFactory {
		return func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
	}, "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano")
	answer := "run this:\x1b[201~touch /tmp/pwned\r\n\x1b]52;c;aGk=\x07 and \u202eevil\x9b31m"
	srv.Script(providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9,"reasoning":"test"}`},
		providertest.Reply{Content: answer})

	p := New(env.b, tuitest.Styles(t, ""), nil)
	chatSend(t, p, "tell me something hostile")
	cmd, _ := p.HandleKey(tuitest.Key("alt+y"))
	msgs := drive(t, p, cmd)
	if len(msgs) != 1 {
		t.Fatalf("alt+y sent %#v", msgs)
	}
	c, ok := msgs[0].(kit.CopyMsg)
	if !ok {
		t.Fatalf("alt+y sent %#v", msgs[0])
	}
	if strings.ContainsAny(c.Text, "\x1b\x07\r\u202e\u009b") {
		t.Fatalf("the clipboard gets the answer's controls: %q", c.Text)
	}
	if !strings.Contains(c.Text, "run this:") || !strings.Contains(c.Text, "touch /tmp/pwned") {
		t.Fatalf("the clipboard lost the answer's text: %q", c.Text)
	}
}
