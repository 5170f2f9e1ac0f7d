package chat

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// A result the kernel marks cancelled shows its partial answer and the
// marker, never a failure; a failed result whose text merely ends with the
// marker's words is a failure.
func TestChatResultCancelledField(t *testing.T) {
	cases := []struct {
		name      string
		res       kernel.Result
		cancelled bool
		text      string
	}{
		{"cancelled partway", kernel.Result{Output: "first second", Cancelled: true,
			Error: "cancelled; the partial answer is kept", Route: "classifier", Skill: "chat"}, true, "first second"},
		{"cancelled before any text", kernel.Result{Cancelled: true,
			Error: "cancelled; the partial answer is kept", Route: "classifier", Skill: "chat"}, true, ""},
		{"a failure ending with the marker's words", kernel.Result{Output: "x\n[cancelled]", Error: "boom",
			Route: "classifier", Skill: "chat"}, false, "x\n[cancelled]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := chatNewPane(t, nil)
			p.input.SetValue("count slowly")
			if cmd, _ := p.HandleKey(tuitest.Key("enter")); cmd == nil {
				t.Fatal("enter started nothing")
			}
			res := tc.res
			res.TurnID = p.turnID
			msg := runDoneMsg{seq: p.runSeq, turnID: p.turnID, res: res}
			out := drive(t, p, func() tea.Msg { return msg })
			m := p.msgs[len(p.msgs)-1]
			if (m.state == chatCancelled) != tc.cancelled || m.text != tc.text {
				t.Fatalf("state %v text %q, want cancelled=%v text %q", m.state, m.text, tc.cancelled, tc.text)
			}
			v := chatView(t, p, 60, 12)
			if tc.cancelled {
				if !chatHasLine(v, "[cancelled]") || len(chatToasts(out, kit.ToastError)) != 0 {
					t.Fatalf("a cancel was not shown as one:\n%s", v)
				}
			} else if m.state != chatFailed || len(chatToasts(out, kit.ToastError)) != 1 {
				t.Fatalf("a failure was not shown as one (state %v):\n%s", m.state, v)
			}
		})
	}
}
