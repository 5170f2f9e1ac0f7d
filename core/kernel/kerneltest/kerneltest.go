// Package kerneltest sets up what a kernel stands on, for tests: a
// temporary directory that is the data, working and home directory at
// once, the configuration loaded from it, and a real SQLite store.
package kerneltest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/store"
)

// OpenData makes the directory, writes config.toml when toml is not "",
// and loads the configuration (with env, "KEY=value" entries) and the
// store. Everything is removed when the test ends.
func OpenData(t testing.TB, toml string, env ...string) (*config.Config, *store.DB, string) {
	t.Helper()
	dir := t.TempDir()
	if toml != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(config.LoadOptions{
		Environ:  append([]string{"MACROA_HOME=" + dir}, env...),
		WorkDir:  dir,
		UserHome: dir,
	})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	db, err := store.Open(context.Background(), filepath.Join(dir, "macroa.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return cfg, db, dir
}
