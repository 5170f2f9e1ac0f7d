package kernel_test

import (
	"context"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals/approvalstest"
	"github.com/macroa/macroa/store"
)

// queueOver is a real approval queue over the kernel's own store, so the
// approvals' audit entries and the turns' are one chain.
func queueOver(t testing.TB, db *store.DB) *approvalstest.Queue {
	t.Helper()
	return approvalstest.New(t, approvalstest.Options{DB: db, Memory: approvalstest.Facts{DB: db}})
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
