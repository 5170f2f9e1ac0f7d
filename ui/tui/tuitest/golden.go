package tuitest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// The -update flag rewrites the golden files: go test ./ui/tui/... -update.
// Another package linked into the test binary (teatest's golden) may
// define it first; the binary then shares that one, since a second
// definition would panic.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata/*.golden")
	}
}

// Updating reports whether the test runs with -update.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// RequireGolden compares a view, ANSI stripped, with
// testdata/<name>.golden in the test's package and names the first line
// that differs; with -update it writes the file instead.
func RequireGolden(t testing.TB, name, view string) {
	t.Helper()
	got := ansi.Strip(view)
	path := filepath.Join("testdata", name+".golden")
	if Updating() {
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
		t.Fatalf("no golden file %s (go test -run %s -update writes it): %v", path, t.Name(), err)
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

// Lines splits a view, ANSI stripped, for assertions on single rows.
func Lines(view string) []string { return strings.Split(ansi.Strip(view), "\n") }
