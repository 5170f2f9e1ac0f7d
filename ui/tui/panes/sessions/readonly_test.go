package sessions

import (
	"context"
	"testing"

	"github.com/macroa/macroa/ui/tui/kit"
)

// TestSessionsReadOnlyChangesNothing: every key that changes a session is
// dangerous, so a read-only cockpit (kit.ReadOnly) cannot rename, create
// or delete one: r, n and d open no prompt, and what is typed after them
// (x, y, enter) only
// opens the session in the chat. A rename from a cockpit meant to watch
// with would make the next `macroa run --session NAME` of the process
// being watched start a new, empty session.
func TestSessionsReadOnlyChangesNothing(t *testing.T) {
	for _, k := range []string{"r", "n", "d"} {
		t.Run(k, func(t *testing.T) {
			p := filterPane(t, "work")
			p.SetKeys(kit.ReadOnly(p.Keys()))
			press(t, p, k)
			if p.mode != browse {
				t.Fatalf("read-only: %s opened a prompt (mode %d)", k, p.mode)
			}
			press(t, p, "x", "y", "enter")
			list, err := p.b.Sessions(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Name != "work" {
				t.Fatalf("read-only: after %s and enter the sessions are %+v", k, list)
			}
		})
	}
	for _, b := range bindings() {
		switch b.Action {
		case "new", "rename", "delete":
			if !b.Dangerous {
				t.Errorf("%s changes a session and is not dangerous", b.Action)
			}
		}
	}
}
