package agent

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/macroa/macroa/providers/providertest"
)

// bigText is n characters of numbered lines, so any piece of it can be
// recognised.
func bigText(n int) string {
	var b strings.Builder
	for i := 1; b.Len() < n; i++ {
		fmt.Fprintf(&b, "line %05d: the quick brown fox jumps over the lazy dog\n", i)
	}
	return b.String()[:n]
}

func isSummaryRequest(rec providertest.Recorded) bool {
	return len(rec.Chat.Tools) == 0 && len(rec.Chat.Messages) > 0 &&
		strings.HasPrefix(rec.Chat.Messages[0].Content, "You summarise the output of a tool")
}

func hasToolMessage(rec providertest.Recorded) bool {
	for _, m := range rec.Chat.Messages {
		if m.Role == "tool" {
			return true
		}
	}
	return false
}

// between returns the text of s between open and close.
func between(s, open, close string) string {
	i := strings.Index(s, open)
	j := strings.LastIndex(s, close)
	if i < 0 || j < i+len(open) {
		return ""
	}
	return s[i+len(open) : j]
}

func TestLongOutputIsSummarised(t *testing.T) {
	r := newRig(t)
	content := bigText(30_000)
	r.write(t, "big.log", content)
	const task = "what went wrong in big.log?"

	var mu sync.Mutex
	var chunks []string
	r.srv.Handle(func(rec providertest.Recorded) providertest.Reply {
		switch {
		case isSummaryRequest(rec):
			mu.Lock()
			defer mu.Unlock()
			prompt := rec.Chat.Messages[1].Content
			if !strings.HasPrefix(prompt, "summarise this tool output for the task: "+task) {
				t.Errorf("summary prompt starts %q", prompt[:80])
			}
			if rec.Chat.Temperature == nil || *rec.Chat.Temperature != 0 {
				t.Errorf("summary temperature = %v, want 0", rec.Chat.Temperature)
			}
			chunks = append(chunks, between(prompt, "<output>\n", "\n</output>"))
			return providertest.Reply{Content: fmt.Sprintf("summary %d: nothing wrong", len(chunks))}
		case hasToolMessage(rec):
			return providertest.Reply{Content: "nothing went wrong"}
		}
		return toolCall("r1", "read_file", `{"path":"~/big.log"}`)
	})

	ans, err := r.agent.Run(context.Background(), task, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Text != "nothing went wrong" {
		t.Fatalf("answer = %+v", ans)
	}
	if len(chunks) != 4 {
		t.Fatalf("%d summary calls, want 4 for 30,000 characters", len(chunks))
	}
	if strings.Join(chunks, "") != content {
		t.Error("the chunks summarised do not add up to the output")
	}
	for i, c := range chunks {
		if n := utf8.RuneCountInString(c); n > chunkSize {
			t.Errorf("chunk %d has %d characters, over %d", i, n, chunkSize)
		}
	}

	var agentReqs []providertest.Recorded
	for _, rec := range r.srv.ChatRequests() {
		if !isSummaryRequest(rec) {
			agentReqs = append(agentReqs, rec)
		}
	}
	if len(agentReqs) != 2 {
		t.Fatalf("%d agent requests, want 2", len(agentReqs))
	}
	msg := lastTool(t, agentReqs[1])
	if n := utf8.RuneCountInString(msg.Content); n > MaxToolOutput {
		t.Errorf("tool message has %d characters, over %d", n, MaxToolOutput)
	}
	if !strings.HasPrefix(msg.Content, "[summarised from 30000 characters]\n") {
		t.Errorf("tool message starts %q", msg.Content[:min(60, len(msg.Content))])
	}
	for i := 1; i <= 4; i++ {
		if !strings.Contains(msg.Content, fmt.Sprintf("summary %d: nothing wrong", i)) {
			t.Errorf("summary %d missing from %q", i, msg.Content)
		}
	}
	// No request to the agent's model ever carries the raw output.
	for _, rec := range agentReqs {
		for _, m := range rec.Chat.Messages {
			if strings.Contains(m.Content, "line 00100:") {
				t.Errorf("raw output reached the agent's context in a %s message", m.Role)
			}
		}
	}
	if ans.Calls[0].Output != msg.Content {
		t.Error("ToolCall.Output differs from what the model was sent")
	}
}

func TestLongOutputCutWhenSummarisingFails(t *testing.T) {
	r := newRig(t)
	content := bigText(30_000)
	r.write(t, "big.log", content)
	r.srv.Handle(func(rec providertest.Recorded) providertest.Reply {
		switch {
		case isSummaryRequest(rec):
			return providertest.Reply{Status: 500, Error: "summariser down"}
		case hasToolMessage(rec):
			return providertest.Reply{Content: "read it"}
		}
		return toolCall("r1", "read_file", `{"path":"~/big.log"}`)
	})
	ans, err := r.agent.Run(context.Background(), "read big.log", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Text != "read it" {
		t.Fatalf("answer = %+v", ans)
	}
	summaries := 0
	var last providertest.Recorded
	for _, rec := range r.srv.ChatRequests() {
		if isSummaryRequest(rec) {
			summaries++
		} else {
			last = rec
		}
	}
	if summaries == 0 {
		t.Fatal("summarising was never tried")
	}
	msg := lastTool(t, last)
	want := content[:3000] + "\n[… 24000 characters cut …]\n" + content[27000:]
	if msg.Content != want {
		t.Errorf("tool message (%d chars) is not the head and tail of the output:\n%.200q…", len(msg.Content), msg.Content)
	}
	if n := utf8.RuneCountInString(msg.Content); n > MaxToolOutput {
		t.Errorf("tool message has %d characters, over %d", n, MaxToolOutput)
	}
}

func TestShortOutputIsKept(t *testing.T) {
	a := &Agent{} // no Caller: a short output must not need one
	out := bigText(MaxToolOutput)
	if got := a.fitOutput(context.Background(), "task", "read_file", out); got != out {
		t.Error("an output of exactly MaxToolOutput characters was changed")
	}
}

func TestSplitChunks(t *testing.T) {
	tests := []struct {
		name string
		in   string
		size int
		want int // chunks
	}{
		{"lines", bigText(30_000), 8000, 4},
		{"one long line", strings.Repeat("x", 20_001), 8000, 3},
		{"multibyte", strings.Repeat("é", 9000), 8000, 2},
		{"fits", "short", 8000, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitChunks(tt.in, tt.size)
			if len(got) != tt.want {
				t.Fatalf("%d chunks, want %d", len(got), tt.want)
			}
			if strings.Join(got, "") != tt.in {
				t.Error("chunks do not join back to the input")
			}
			for i, c := range got {
				if n := utf8.RuneCountInString(c); n > tt.size || n == 0 || !utf8.ValidString(c) {
					t.Errorf("chunk %d: %d characters, valid %v", i, n, utf8.ValidString(c))
				}
				if strings.Contains(tt.in, "\n") && i < len(got)-1 && !strings.HasSuffix(c, "\n") {
					t.Errorf("chunk %d does not end at a line break", i)
				}
			}
		})
	}
}

func TestHeadTailAndClip(t *testing.T) {
	s := strings.Repeat("a", 3000) + strings.Repeat("é", 4000) + strings.Repeat("z", 3000)
	got := headTail(s, utf8.RuneCountInString(s))
	want := strings.Repeat("a", 3000) + "\n[… 4000 characters cut …]\n" + strings.Repeat("z", 3000)
	if got != want {
		t.Errorf("headTail kept the wrong ends (%d bytes)", len(got))
	}
	if c := clip("héllo world", 5); c != "héll…" {
		t.Errorf("clip = %q", c)
	}
	if c := clip("short", 10); c != "short" {
		t.Errorf("clip = %q", c)
	}
}
