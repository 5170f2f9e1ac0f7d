package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupBenchFixtures()
	os.Exit(code)
}

// openTest opens a fresh database in a temp dir, closed when the test ends.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "macroa.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fakeClock lets a test move time forward to check expiry.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func useFakeClock(db *DB) *fakeClock {
	c := &fakeClock{t: time.UnixMilli(1_800_000_000_000)}
	db.now = c.now
	return c
}

func ptr[T any](v T) *T { return &v }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
