package tui

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The -update flag rewrites the golden files: go test ./ui/tui -update.
// teatest's golden package may define it first; the test binary then
// shares that one (a second definition would panic).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata/*.golden")
	}
}

func updatingGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// requireGolden compares a view, ANSI stripped, with testdata/<name>.golden
// and names the first line that differs.
func requireGolden(t *testing.T, name, view string) {
	t.Helper()
	got := ansi.Strip(view)
	path := filepath.Join("testdata", name+".golden")
	if updatingGoldens() {
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
		t.Fatalf("no golden file %s (go test ./ui/tui -run %s -update writes it): %v", path, t.Name(), err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("view differs from %s at line %d (-update accepts it):\n got: %q\nwant: %q\n--- got ---\n%s", path, i+1, g, w, got)
		}
	}
}

// lines splits a view for assertions on single rows.
func lines(view string) []string { return strings.Split(ansi.Strip(view), "\n") }
