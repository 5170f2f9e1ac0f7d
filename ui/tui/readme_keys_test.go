package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestReadmeConfigExampleOpensTheCockpit: the README's config.toml
// example is what a new user copies. Its [keys.*] rebinds must name
// actions the cockpit has: an unknown one stops `macroa tui` at start.
func TestReadmeConfigExampleOpensTheCockpit(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	// The example with [keys.*]: the README has other toml blocks too.
	var example string
	for rest := string(readme); example == ""; {
		var ok bool
		if _, rest, ok = strings.Cut(rest, "```toml\n"); !ok {
			t.Fatal("the README has no config.toml example with [keys.*]")
		}
		block, _, _ := strings.Cut(rest, "```")
		if strings.Contains(block, "[keys.") {
			example = block
		}
	}
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "config.toml"), []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + home, "OLLAMA_KEY=k"}, WorkDir: home, UserHome: home})
	if err != nil {
		t.Fatalf("the README's config.toml example does not load: %v", err)
	}
	c := newRealCockpit(t)
	a := New(Options{Runner: c.b, Sessions: c.b, Audit: c.b, Usage: c.b, Styles: tuitest.Styles(t, "ansi"), Keys: cfg.File.Keys})
	if err := a.CheckKeys(); err != nil {
		t.Fatalf("the README's config.toml example stops the cockpit: %v", err)
	}
}
