package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
)

// TestInventoryConfigProblem: the fleet says config.toml no longer loads
// once it changed so (keeping the hosts read before), and that it loads
// again once fixed; an unchanged file is not loaded again.
func TestInventoryConfigProblem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("[monitor]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	loads := 0
	inv := newInventory(&config.Config{FilePath: path, Home: dir}, func() (*config.Config, error) {
		loads++
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if strings.Contains(string(b), "broken") {
			return nil, errors.New("config.toml: line 1: broken")
		}
		return &config.Config{FilePath: path}, nil
	}, dir, slog.New(slog.DiscardHandler))
	h := &HostsService{inv: inv}
	for i, tc := range []struct {
		body      string // "" leaves the file as it is
		want      string
		wantLoads int
	}{
		{"", "", 0},
		{"broken\n", "config.toml: line 1: broken", 1},
		{"", "config.toml: line 1: broken", 1},
		{"[monitor]\ninterval = \"30s\"\n", "", 2},
	} {
		if tc.body != "" {
			if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			// A new size or time, whatever the file system's clock grain.
			at := time.Now().Add(time.Duration(i) * time.Second)
			if err := os.Chtimes(path, at, at); err != nil {
				t.Fatal(err)
			}
		}
		if got := h.ConfigProblem(context.Background()); got != tc.want || loads != tc.wantLoads {
			t.Fatalf("step %d: problem %q after %d loads, want %q after %d", i, got, loads, tc.want, tc.wantLoads)
		}
	}
}
