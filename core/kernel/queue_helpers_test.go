package kernel_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/store"
)

// factWriter carries out the memory kinds on the kernel's store, each
// change with its audit entry, the way the app's memory service does.
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

// queueOver is a real approval queue over the kernel's own store, so the
// approvals' audit entries and the turns' are one chain.
func queueOver(t testing.TB, db *store.DB) *approvalstest.Queue {
	t.Helper()
	return approvalstest.New(t, approvalstest.Options{DB: db, Memory: factWriter{db}})
}

// entries is every entry of the queue, in whatever state.
func entries(t testing.TB, q *approvalstest.Queue) []store.Approval {
	t.Helper()
	all, err := q.Service.List(context.Background(), store.ApprovalQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return all
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
