package skills_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "macroa.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func memIntent(action string, args ...string) skills.Intent {
	m := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i]] = args[i+1]
	}
	return skills.Intent{Skill: skills.Memory, Action: action, Args: m}
}

func TestMemorySkill(t *testing.T) {
	yes := true
	seed := []store.FactInput{
		{Key: "server_ip", Value: "10.0.0.1"},
		{Key: "editor", Value: "helix", Pinned: &yes},
		{Key: "wifi_password", Value: "hunter2"},
		{Namespace: "work", Key: "badge", Value: "4711"},
	}
	tests := []struct {
		name     string
		seed     bool
		intent   skills.Intent
		wantOK   bool
		wantMiss bool
		want     string   // exact Output when not ""
		contains []string // in Output (success) or Error (failure)
		absent   []string
		facts    int64 // facts stored afterwards; -1 = not checked
	}{
		{name: "set", intent: memIntent("set", "key", "server_ip", "value", " 10.0.0.9 "), wantOK: true,
			want: "Remembered: server_ip = 10.0.0.9", facts: 1},
		{name: "set overwrites", seed: true, intent: memIntent("set", "key", "server_ip", "value", "10.0.0.9"), wantOK: true,
			want: "Remembered: server_ip = 10.0.0.9", facts: 4},
		{name: "set with empty value fails", intent: memIntent("set", "key", "editor", "value", "  "),
			contains: []string{"both a name and a value"}, facts: 0},
		{name: "set with empty key fails", intent: memIntent("set", "key", "", "value", "x"),
			contains: []string{"both a name and a value"}, facts: 0},

		{name: "recall by exact key", seed: true, intent: memIntent("recall", "key", "server_ip", "query", "server IP"), wantOK: true,
			want: "server_ip = 10.0.0.1", facts: -1},
		{name: "recall pinned fact marks it", seed: true, intent: memIntent("recall", "key", "editor", "query", "editor"), wantOK: true,
			want: "editor = helix (pinned)", facts: -1},
		{name: "recall falls back to full-text search", seed: true, intent: memIntent("recall", "key", "server", "query", "server"), wantOK: true,
			contains: []string{"server_ip = 10.0.0.1"}, absent: []string{"helix"}, facts: -1},
		{name: "recall finds another namespace", seed: true, intent: memIntent("recall", "key", "badge", "query", "badge"), wantOK: true,
			want: "badge = 4711", facts: -1},
		{name: "recall miss", seed: true, intent: memIntent("recall", "key", "favourite_colour", "query", "favourite colour"), wantOK: true, wantMiss: true,
			contains: []string{"Nothing stored for", "favourite colour"}, facts: -1},
		{name: "recall miss on an empty store", intent: memIntent("recall", "key", "server_ip", "query", "server IP"), wantOK: true, wantMiss: true,
			contains: []string{"Nothing stored for"}, facts: 0},

		{name: "search", seed: true, intent: memIntent("search", "query", "wifi"), wantOK: true,
			want: "• wifi_password = hunter2", facts: -1},
		{name: "search by value", seed: true, intent: memIntent("search", "query", "helix"), wantOK: true,
			contains: []string{"editor = helix"}, facts: -1},
		{name: "search miss", seed: true, intent: memIntent("search", "query", "zebra"), wantOK: true, wantMiss: true,
			contains: []string{`"zebra"`}, facts: -1},
		{name: "search for nothing", seed: true, intent: memIntent("search", "query", " "),
			contains: []string{"nothing to search for"}, facts: -1},

		{name: "forget existing", seed: true, intent: memIntent("forget", "key", "editor", "query", "editor"), wantOK: true,
			want: "Forgot: editor", facts: 3},
		{name: "forget in another namespace", seed: true, intent: memIntent("forget", "key", "badge", "query", "badge"), wantOK: true,
			want: "Forgot: badge", facts: 3},
		{name: "forget missing", seed: true, intent: memIntent("forget", "key", "nope", "query", "nope"), wantOK: true, wantMiss: true,
			want: "Nothing stored under nope.", facts: 4},
		{name: "forget without a key", seed: true, intent: memIntent("forget"),
			contains: []string{"say what to forget"}, facts: 4},

		{name: "list empty", intent: memIntent("list"), wantOK: true,
			contains: []string{"No memories stored yet"}, facts: 0},
		{name: "list", seed: true, intent: memIntent("list"), wantOK: true,
			want: "• editor = helix (pinned)\n• [work] badge = 4711\n• wifi_password = hunter2\n• server_ip = 10.0.0.1", facts: 4},

		{name: "unknown action", seed: true, intent: memIntent("teach", "key", "x"),
			contains: []string{`unknown memory action "teach"`}, facts: 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			if tc.seed {
				for _, in := range seed {
					if _, err := db.SetFact(ctx, in); err != nil {
						t.Fatal(err)
					}
				}
			}
			res := skills.MemorySkill{DB: db}.Run(ctx, tc.intent)
			if res.Success != tc.wantOK || res.Miss != tc.wantMiss {
				t.Fatalf("Success=%v Miss=%v, want %v %v (output %q, error %q)", res.Success, res.Miss, tc.wantOK, tc.wantMiss, res.Output, res.Error)
			}
			text := res.Output
			if !tc.wantOK {
				text = res.Error
				if text == "" {
					t.Errorf("failure without an Error sentence")
				}
			}
			if tc.want != "" && text != tc.want {
				t.Errorf("got %q, want %q", text, tc.want)
			}
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("%q does not mention %q", text, s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(text, s) {
					t.Errorf("%q should not contain %q", text, s)
				}
			}
			if tc.facts >= 0 {
				n, err := db.CountFacts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n != tc.facts {
					t.Errorf("%d facts stored, want %d", n, tc.facts)
				}
			}
		})
	}
}

// TestMemorySkillRoundTrip sets facts through the skill and reads them back
// through it, so the key the skill writes is the key it looks up.
func TestMemorySkillRoundTrip(t *testing.T) {
	ctx := context.Background()
	m := skills.MemorySkill{DB: openDB(t)}
	steps := []struct {
		intent skills.Intent
		want   string
		miss   bool
	}{
		{memIntent("set", "key", "server_ip", "value", "10.0.0.1"), "Remembered: server_ip = 10.0.0.1", false},
		{memIntent("recall", "key", "server_ip", "query", "server IP"), "server_ip = 10.0.0.1", false},
		{memIntent("set", "key", "server_ip", "value", "10.0.0.2"), "Remembered: server_ip = 10.0.0.2", false},
		{memIntent("recall", "key", "server_ip", "query", "server IP"), "server_ip = 10.0.0.2", false},
		{memIntent("forget", "key", "server_ip"), "Forgot: server_ip", false},
		{memIntent("forget", "key", "server_ip"), "Nothing stored under server_ip.", true},
		{memIntent("recall", "key", "server_ip", "query", "server IP"), `Nothing stored for "server IP".`, true},
	}
	for i, s := range steps {
		res := m.Run(ctx, s.intent)
		if !res.Success || res.Output != s.want || res.Miss != s.miss {
			t.Fatalf("step %d (%s): got success=%v miss=%v output=%q error=%q, want %q miss=%v",
				i, s.intent.Action, res.Success, res.Miss, res.Output, res.Error, s.want, s.miss)
		}
	}
}
