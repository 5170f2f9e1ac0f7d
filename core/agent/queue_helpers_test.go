package agent

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/store"
)

// factWriter carries out the memory kinds on a store, each change with
// its audit entry, the way the app's memory service does.
type factWriter struct{ db *store.DB }

func (w factWriter) entry(action string) store.AuditEntry {
	return store.AuditEntry{TurnID: store.NewTurnID(), Time: time.Now(), Source: "repl", Route: "approval",
		Skill: "memory", Action: action, ChosenBy: "approval", Success: true}
}

func (w factWriter) Remember(ctx context.Context, key, value string) error {
	_, _, err := w.db.SetFactAudited(ctx, store.FactInput{Key: key, Value: value, Source: "approval"}, w.entry("remember "+key))
	return err
}

func (w factWriter) Forget(ctx context.Context, key string) error {
	_, ok, err := w.db.ForgetFact(ctx, "", key, func(f store.Fact) store.AuditEntry { return w.entry("forget " + f.Key) })
	if err == nil && !ok {
		return fmt.Errorf("nothing is remembered under %q", key)
	}
	return err
}

// queueFor is a real approval queue over db (a store of its own when db
// is nil), whose memory changes go to that store.
func queueFor(t testing.TB, db *store.DB) *approvalstest.Queue {
	t.Helper()
	if db == nil {
		var err error
		db, err = store.Open(context.Background(), filepath.Join(t.TempDir(), "macroa.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
	}
	return approvalstest.New(t, approvalstest.Options{DB: db, Memory: factWriter{db}})
}

// ask gives the rig's agent a real approval queue (over the memory
// store, when the agent has one) answered by person; nil leaves what
// waits queued.
func (r *rig) ask(t testing.TB, person approvalstest.Person) *approvalstest.Queue {
	t.Helper()
	q := queueFor(t, r.agent.Memory.DB)
	r.agent.Ask = q.Asker(person)
	return q
}

// params decodes a queued entry's parameters.
func params(t testing.TB, e store.Approval) actions.Params {
	t.Helper()
	p, err := actions.DecodeParams(actions.Kind(e.Kind), []byte(e.Params))
	if err != nil {
		t.Fatalf("entry %s: params %s: %v", e.ID, e.Params, err)
	}
	return p
}
