package kernel_test

import (
	"context"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
)

// fixture is a Kernel over a real SQLite file in a temp dir that is the
// data directory, the working directory and the home directory at once.
type fixture struct {
	k   *kernel.Kernel
	db  *store.DB
	dir string
}

// newFixture builds a Kernel with the default configuration plus env
// ("KEY=value" entries) and, when toml is not "", a config.toml.
func newFixture(t *testing.T, toml string, env ...string) fixture {
	t.Helper()
	cfg, db, dir := openData(t, toml, env...)
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir})
	return fixture{k: k, db: db, dir: dir}
}

// openData is the data dir, configuration and store of one test.
func openData(t testing.TB, toml string, env ...string) (*config.Config, *store.DB, string) {
	return kerneltest.OpenData(t, toml, env...)
}

// audit returns every run's outcome entry, oldest first: the records
// written before state-changing actions (stage "start") are left out.
func (f fixture) audit(t *testing.T) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	for _, e := range f.auditAll(t) {
		if e.Stage == "" {
			out = append(out, e)
		}
	}
	return out
}

// auditAll returns every audit entry, start records included, oldest first.
func (f fixture) auditAll(t *testing.T) []store.AuditEntry {
	t.Helper()
	entries, err := f.db.RecentAudit(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries
}

// onlyAudit returns the one audit entry, failing unless there is exactly one.
func (f fixture) onlyAudit(t *testing.T) store.AuditEntry {
	t.Helper()
	entries := f.audit(t)
	if len(entries) != 1 {
		t.Fatalf("%d audit entries, want exactly 1: %+v", len(entries), entries)
	}
	return entries[0]
}
