package store

import (
	"context"
	"testing"
	"time"
)

func TestForgetFact(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, ns, key string
		audited       bool
		wantOK        bool
		wantNS        string
		expired       bool // the only fact under key has expired
	}{
		{name: "any namespace prefers user", key: "editor", audited: true, wantOK: true, wantNS: "user"},
		{name: "a namespace given", ns: "work", key: "editor", audited: true, wantOK: true, wantNS: "work"},
		{name: "found elsewhere", key: "badge", audited: true, wantOK: true, wantNS: "work"},
		{name: "without a record", key: "badge", wantOK: true, wantNS: "work"},
		{name: "missing", key: "nope", audited: true},
		{name: "wrong namespace", ns: "user", key: "badge", audited: true},
		{name: "expired", key: "old", audited: true, expired: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			clock := useFakeClock(db)
			for _, in := range []FactInput{
				{Key: "editor", Value: "helix"},
				{Namespace: "work", Key: "editor", Value: "vim"},
				{Namespace: "work", Key: "badge", Value: "42"},
				{Key: "old", Value: "x", ExpiresAt: clock.t.Add(time.Minute)},
			} {
				if _, err := db.SetFact(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			clock.advance(2 * time.Minute)
			var record func(Fact) AuditEntry
			if tc.audited {
				record = func(f Fact) AuditEntry {
					return AuditEntry{TurnID: NewTurnID(), Source: "cli", Input: "forget", Action: "forget " + f.Namespace + "/" + f.Key, Success: true}
				}
			}
			f, ok, err := db.ForgetFact(ctx, tc.ns, tc.key, record)
			if err != nil || ok != tc.wantOK || f.Namespace != tc.wantNS {
				t.Fatalf("got %+v %v %v", f, ok, err)
			}
			if _, still, _ := db.GetFact(ctx, tc.wantNS, tc.key); ok && still {
				t.Fatal("the fact is still there")
			}
			entries, err := db.RecentAudit(ctx, 5)
			if err != nil {
				t.Fatal(err)
			}
			if wrote := len(entries) == 1; wrote != (ok && tc.audited) {
				t.Fatalf("%d audit entries written", len(entries))
			}
			if len(entries) == 1 && entries[0].Action != "forget "+tc.wantNS+"/"+tc.key {
				t.Fatalf("action %q", entries[0].Action)
			}
		})
	}
}
