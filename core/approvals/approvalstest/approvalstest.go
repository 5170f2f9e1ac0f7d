// Package approvalstest is a real approval queue for tests: proposals go
// through the real gate, the real store and the real executor, and a
// scripted person answers what waits, the way the REPL's prompt does.
package approvalstest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

// Options configure a Queue. The zero value is a queue at the suggest
// level (everything asks) over a store of its own.
type Options struct {
	Level  policy.Level // "" is suggest
	Policy policy.Policy
	// DB is the store the queue keeps its entries in: the one the code
	// under test writes its audit log to, so the chain stays one. nil
	// opens one in a temporary directory.
	DB     *store.DB
	Bus    *events.Bus
	Memory approvals.MemoryWriter // nil: Facts over DB
}

// Queue is the approval queue under test, with what was asked of it.
type Queue struct {
	Service *approvals.Service
	DB      *store.DB

	mu    sync.Mutex
	asked []store.Approval
}

// Person is a scripted answer to an entry that waits: approve it, or
// reject it with a note.
type Person func(e store.Approval) (approve bool, note string)

// Approve approves everything it is asked.
func Approve(store.Approval) (bool, string) { return true, "" }

// Reject rejects everything it is asked, without a note.
func Reject(store.Approval) (bool, string) { return false, "" }

// New builds a started queue; it stops when the test ends.
func New(t testing.TB, o Options) *Queue {
	t.Helper()
	dir := t.TempDir()
	db := o.DB
	if db == nil {
		var err error
		db, err = store.Open(context.Background(), filepath.Join(dir, "macroa.db"))
		if err != nil {
			t.Fatalf("open store: %v", err)
		}
		t.Cleanup(func() { db.Close() })
	}
	if o.Memory == nil {
		o.Memory = Facts{DB: db}
	}
	level := o.Level
	if level == "" {
		level = policy.Suggest
	}
	cfg := approvals.Config{Level: level, Policy: o.Policy, ShellTimeout: 30 * time.Second}
	s := approvals.NewService(approvals.ServiceOptions{Store: db, Bus: o.Bus, Config: func() approvals.Config { return cfg },
		Memory: o.Memory, BackupDir: filepath.Join(dir, "backups")})
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("start approvals: %v", err)
	}
	t.Cleanup(s.Stop)
	return &Queue{Service: s, DB: db}
}

// Asker is a front end's AskFunc: the proposal goes to the queue, and
// what waits is answered by person (nil leaves it queued, as macroa run
// does). Every waiting entry is kept for Asked.
func (q *Queue) Asker(person Person) approvals.AskFunc {
	return func(ctx context.Context, p approvals.Proposal) (approvals.Answer, error) {
		ans, err := q.Service.Ask(ctx, p, approvals.AskOptions{Where: approvals.REPL})
		if err != nil || ans.Ran || ans.Entry.State != store.ApprovalPending {
			return ans, err
		}
		q.mu.Lock()
		q.asked = append(q.asked, ans.Entry)
		q.mu.Unlock()
		if person == nil || ans.Entry.Verdict == string(policy.Deny) {
			return ans, nil
		}
		yes, note := person(ans.Entry)
		var got store.Approval
		if yes {
			got, err = q.Service.Approve(ctx, ans.Entry.ID, approvals.Person(approvals.REPL), approvals.Remember{})
		} else {
			got, err = q.Service.Reject(ctx, ans.Entry.ID, approvals.Person(approvals.REPL), note)
		}
		var c *store.ApprovalConflict
		if errors.As(err, &c) {
			got, err = c.Current, nil
		}
		if err != nil {
			return ans, err
		}
		return approvals.Answer{Entry: got, Ran: got.State == store.ApprovalSucceeded || got.State == store.ApprovalFailed}, nil
	}
}

// Asked is every entry that waited for a person, in order.
func (q *Queue) Asked() []store.Approval {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]store.Approval(nil), q.asked...)
}

// Facts carries out the memory kinds on a store, each change with its
// audit entry, the way the app's memory service does. It is a Queue's
// memory unless Options.Memory says otherwise.
type Facts struct{ DB *store.DB }

func (f Facts) entry(action string) store.AuditEntry {
	return store.AuditEntry{TurnID: store.NewTurnID(), Time: time.Now(), Source: "repl", Route: "approval",
		Skill: "memory", Action: action, ChosenBy: "approval", Success: true}
}

// Remember sets key to value.
func (f Facts) Remember(ctx context.Context, key, value string) error {
	_, _, err := f.DB.SetFactAudited(ctx, store.FactInput{Key: key, Value: value, Source: "approval"}, f.entry("remember "+key))
	return err
}

// Forget removes key; forgetting what is not there is an error.
func (f Facts) Forget(ctx context.Context, key string) error {
	_, ok, err := f.DB.ForgetFact(ctx, "", key, func(x store.Fact) store.AuditEntry { return f.entry("forget " + x.Key) })
	if err == nil && !ok {
		return fmt.Errorf("nothing is remembered under %q", key)
	}
	return err
}
