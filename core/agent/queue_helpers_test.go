package agent

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/store"
)

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
	return approvalstest.New(t, approvalstest.Options{DB: db, Memory: approvalstest.Facts{DB: db}})
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
