package chat

import (
	"testing"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/tier"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// chatAnswer is a model's Markdown answer for the goldens.
const chatAnswer = "## Reading a directory\n\n" +
	"Use `os.ReadDir`, which returns the entries **sorted by name**:\n\n" +
	"```go\nentries, err := os.ReadDir(\"/srv\")\nif err != nil {\n\treturn err\n}\n```\n\n" +
	"- each entry has `Name()` and `IsDir()`\n" +
	"- call `Info()` only when you need sizes or times, since it costs a stat per file\n" +
	"1. open\n2. read\n\n> Tip: filepath.WalkDir walks a whole tree.\n\n---\nDone."

// chatReplay shows requests with made-up results: the request goes
// through the pane like a typed one, and its result is fed back as the
// run's message (no model, no clock).
func chatReplay(t testing.TB, p *Pane, input string, res kernel.Result) {
	t.Helper()
	p.input.SetValue(input)
	if cmd, _ := p.HandleKey(tuitest.Key("enter")); cmd == nil {
		t.Fatalf("%q did not start", input)
	}
	res.TurnID = p.turnID
	p.Update(runDoneMsg{seq: p.runSeq, turnID: p.turnID, res: res})
}

func chatGoldenPane(t *testing.T) *Pane {
	p, _ := chatNewPane(t, nil)
	chatReplay(t, p, "!ls -l /srv", kernel.Result{
		Output:  "total 8\ndrwxr-xr-x 2 root root 4096 Jan  2 10:00 backups\n-rw-r--r-- 1 root root  220 Jan  2 10:00 notes.txt\n",
		Success: true, Route: "shell-prefix", Skill: "shell", Tier: tier.Nano, Elapsed: 12 * time.Millisecond})
	chatReplay(t, p, "how do I read a directory in Go?", kernel.Result{
		Output: chatAnswer, Success: true, Route: "classifier", Skill: "chat", Tier: tier.Haiku,
		Model: "anthropic/claude-haiku", Tokens: 412, CostUSD: 0.00061, Elapsed: 2300 * time.Millisecond, Streamed: true})
	chatReplay(t, p, "summarise today's logs", kernel.Result{
		Success: false, Error: "the provider did not answer in time (openrouter, after 30s); try again or pick another provider",
		Route: "fallback", Skill: "chat", Tier: tier.Sonnet, Elapsed: 30 * time.Second})
	return p
}

func TestChatGoldenViews(t *testing.T) {
	cases := []struct {
		name  string
		w, h  int
		info  bool
		typed string
	}{
		{"chat_78x18", 78, 18, false, ""},
		{"chat_160x48", 160, 48, true, "and the sizes?"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := chatGoldenPane(t)
			p.showInfo = tc.info
			p.input.SetValue(tc.typed)
			tuitest.RequireGolden(t, tc.name, chatView(t, p, tc.w, tc.h))
		})
	}
}

func TestChatGoldenScrolledUp(t *testing.T) {
	p := chatGoldenPane(t)
	chatView(t, p, 78, 18)
	p.HandleKey(tuitest.Key("pgup"))
	tuitest.RequireGolden(t, "chat_78x18_pgup", chatView(t, p, 78, 18))
}
