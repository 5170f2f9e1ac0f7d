package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// update rewrites the golden files: go test ./ui/tui -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// requireGolden compares a view, ANSI stripped, with testdata/<name>.golden.
func requireGolden(t *testing.T, name, view string) {
	t.Helper()
	got := ansi.Strip(view)
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no golden file %s (run go test ./ui/tui -update): %v", path, err)
	}
	if got != string(want) {
		t.Fatalf("view differs from %s (go test ./ui/tui -update to accept):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// lines splits a view for assertions on single rows.
func lines(view string) []string { return strings.Split(ansi.Strip(view), "\n") }
