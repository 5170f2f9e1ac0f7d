package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home", ".macroa")
	path := filepath.Join(dir, "macroa.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SetFact(context.Background(), FactInput{Key: "k", Value: "v"}); err != nil {
		t.Fatal(err) // makes SQLite create the -wal file too
	}
	checkMode := func(p string, want os.FileMode) {
		t.Helper()
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s has mode %o, want %o", filepath.Base(p), got, want)
		}
	}
	checkMode(dir, 0o700)
	checkMode(path, 0o600)
	checkMode(path+"-wal", 0o600)
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
}

func TestOpenSettings(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Every pooled connection must carry the DSN settings, so check on two
	// connections held at once.
	for i := 0; i < 2; i++ {
		conn, err := db.sql.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var fk, busy, sync int
		conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		if mode != "wal" || fk != 1 || busy != 10000 || sync != 1 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d", i, mode, fk, busy, sync)
		}
	}
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	// '?', '#', '%' and spaces would break the file: URI if not escaped.
	path := filepath.Join(t.TempDir(), "my dir?x=1#frag", "100% db.sqlite")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the exact path: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "100% db.sqlite") {
			t.Errorf("stray file %q next to the database", e.Name())
		}
	}
}

func TestOpenErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte(strings.Repeat("this is not a database\n", 100)), 0o600)
	_, err := Open(context.Background(), notDB)
	if err == nil || !strings.Contains(err.Error(), "open database "+notDB) {
		t.Errorf("Open(text file) error = %v, want it to name the file", err)
	}

	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	_, err = Open(context.Background(), filepath.Join(blocker, "macroa.db"))
	if err == nil || !strings.Contains(err.Error(), "open database") {
		t.Errorf("Open under a file: error = %v", err)
	}
}

func TestMigrationsMatchSchemaVersion(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[len(ms)-1].version != SchemaVersion {
		t.Fatalf("last migration is %d, SchemaVersion is %d: keep them in step", ms[len(ms)-1].version, SchemaVersion)
	}
}

func TestFreshDatabaseGetsLatestVersion(t *testing.T) {
	db := openTest(t)
	var v int
	db.sql.QueryRow("PRAGMA user_version").Scan(&v)
	if v != SchemaVersion || db.SchemaVersion() != SchemaVersion {
		t.Errorf("user_version = %d, SchemaVersion() = %d, want %d", v, db.SchemaVersion(), SchemaVersion)
	}
	for _, table := range []string{"facts", "facts_fts", "sessions", "context_entries", "audit_log", "audit_head"} {
		var n int
		db.sql.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = ?`, table).Scan(&n)
		if n != 1 {
			t.Errorf("table %s missing", table)
		}
	}
}

func TestReopenIsANoOp(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "macroa.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetFact(ctx, FactInput{Key: "k", Value: "v"}); err != nil {
		t.Fatal(err)
	}
	schema := schemaText(t, db.sql)
	db.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if got := schemaText(t, db.sql); got != schema {
		t.Errorf("reopen changed the schema")
	}
	if f, ok, _ := db.GetFact(ctx, "", "k"); !ok || f.Value != "v" {
		t.Errorf("data lost on reopen")
	}
	var head int
	db.sql.QueryRow(`SELECT count(*) FROM audit_head`).Scan(&head)
	if head != 1 {
		t.Errorf("audit_head has %d rows after reopen, want 1 (migration ran twice?)", head)
	}
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "macroa.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.sql.Exec("PRAGMA user_version = 99")
	db.Close()
	before, _ := os.ReadFile(path)

	_, err = Open(ctx, path)
	var tooNew *SchemaTooNewError
	if !errors.As(err, &tooNew) {
		t.Fatalf("Open = %v, want *SchemaTooNewError", err)
	}
	if tooNew.Have != 99 || tooNew.Want != SchemaVersion || tooNew.Path != path {
		t.Errorf("error fields = %+v", tooNew)
	}
	for _, want := range []string{path, "schema version 99", "upgrade macroa", "MACROA_HOME"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Errorf("Open modified a database from a newer macroa")
	}
}

// TestConcurrentFirstOpen has several connection pools race to create and
// migrate the same new file; all must succeed and the migration run once.
func TestConcurrentFirstOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "macroa.db")
	errs := make(chan error, 6)
	for i := 0; i < cap(errs); i++ {
		go func() {
			db, err := Open(context.Background(), path)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	check, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	var head int
	check.sql.QueryRow(`SELECT count(*) FROM audit_head`).Scan(&head)
	if head != 1 {
		t.Errorf("audit_head has %d rows, want 1", head)
	}
}

func schemaText(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, text string
		rows.Scan(&typ, &name, &text)
		b.WriteString(typ + " " + name + " " + text + "\n")
	}
	return b.String()
}
