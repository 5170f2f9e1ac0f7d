package tui

import (
	"context"
	"testing"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// An idle cockpit redraws nothing: store changes whose reloads find
// nothing new reuse the last frame; a new run marks the frame for
// redrawing.
func TestQuietReloadsSkipRedraw(t *testing.T) {
	c := newRealCockpit(t)
	c.start(t, 120, 40)
	c.a.View()
	if c.a.dirty {
		t.Fatal("View must leave a clean frame")
	}
	for range 3 {
		c.storeChanged(t)
		if c.a.dirty {
			t.Fatal("a reload that found nothing new asked for a redraw")
		}
	}
	// Another process runs something: the next reload must redraw.
	if _, err := c.db.AppendAudit(context.Background(), store.AuditEntry{Input: "!echo elsewhere", Source: "cli", Skill: "shell", Success: true}); err != nil {
		t.Fatal(err)
	}
	c.storeChanged(t)
	if !c.a.dirty {
		t.Fatal("a new run from another process did not redraw")
	}
	c.a.View()
	// And a key press always redraws.
	c.key(t, tuitest.Key("x"))
	if !c.a.dirty {
		t.Fatal("a key press did not redraw")
	}
}
