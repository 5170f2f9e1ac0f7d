package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestSessionNameRefusesBidiControls: a name is shown everywhere with its
// bidi controls removed (the CLI) or replaced (the cockpit), so a name
// holding one is shown as another name: "work\u202e" lists as a second
// "work", and the name shown cannot be typed back to reach it. Like
// control characters, bidi controls are refused.
func TestSessionNameRefusesBidiControls(t *testing.T) {
	for _, r := range []rune{0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c} {
		name := "work" + string(r)
		err := ValidateSessionName(name)
		if err == nil || !strings.Contains(err.Error(), "session name") {
			t.Errorf("ValidateSessionName(%q) = %v, want a refusal", name, err)
		}
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.EnsureSession(context.Background(), "rtl\u202eevil"); err == nil {
		t.Fatal("a session named with a bidi override was created")
	}
	if err := ValidateSessionName("日本語 👨\u200d👩\u200d👧 notes"); err != nil {
		t.Fatalf("a name with wide characters and an emoji sequence: %v", err)
	}
}
