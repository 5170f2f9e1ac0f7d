package chat

import (
	"fmt"
	"testing"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// chatBenchPane is a chat showing a 1,000-message session: requests,
// command output and Markdown answers.
func chatBenchPane(b *testing.B) *Pane {
	p := New(nil, tuitest.Styles(b, ""), nil)
	var entries []store.Entry
	for i := range 500 {
		entries = append(entries, store.Entry{Role: store.RoleUser, Content: fmt.Sprintf("question %d: how does this part work?", i)})
		if i%2 == 0 {
			entries = append(entries, store.Entry{Role: store.RoleAssistant, Skill: "shell",
				Content: fmt.Sprintf("total %d\ndrwxr-xr-x 2 root root 4096 Jan  2 10:00 backups\n-rw-r--r-- 1 root root  220 notes.txt", i)})
		} else {
			entries = append(entries, store.Entry{Role: store.RoleAssistant, Skill: "chat", Content: chatAnswer})
		}
	}
	p.Update(kit.SwitchSessionMsg{Name: "bench"}) // the load command is not run
	p.Update(historyLoadedMsg{seq: p.loadSeq, session: "bench", entries: entries})
	if len(p.msgs) != 1000 {
		b.Fatalf("%d messages", len(p.msgs))
	}
	p.View(160, 48, true)
	return p
}

// BenchmarkChatKeyPress is one key press in a long conversation: Update
// and a full View. A frame is 16 ms; this must stay far below.
func BenchmarkChatKeyPress(b *testing.B) {
	p := chatBenchPane(b)
	keys := tuitest.Keys("a", "backspace")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.HandleKey(keys[i%2])
		_ = p.View(160, 48, true)
	}
}

// BenchmarkChatStreamToken is one streamed token arriving at the end of a
// long conversation: only the streaming reply re-renders.
func BenchmarkChatStreamToken(b *testing.B) {
	p := chatBenchPane(b)
	p.input.SetValue("tell me more")
	p.HandleKey(tuitest.Key("enter"))
	turn := string(p.turnID)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%200 == 0 {
			p.Update(kit.CoreEventMsg{Event: events.StreamReset{TurnID: turn}})
		}
		p.Update(kit.CoreEventMsg{Event: events.Token{TurnID: turn, Text: "word **by** word\n"}})
		_ = p.View(160, 48, true)
	}
}

// BenchmarkChatScroll pages through a long conversation.
func BenchmarkChatScroll(b *testing.B) {
	p := chatBenchPane(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%100 < 50 {
			p.HandleKey(tuitest.Key("pgup"))
		} else {
			p.HandleKey(tuitest.Key("pgdown"))
		}
		_ = p.View(160, 48, true)
	}
}
