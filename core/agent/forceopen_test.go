package agent

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The switch that opens the parser is for tests: no file the binary is
// built from calls it, except one only a test build tag includes.
func TestForceReadOnlyOnlyInTests(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		checked++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, "ForceReadOnlyForTesting(") && !strings.HasSuffix(p, "core/agent/forceopen.go") &&
			!strings.HasPrefix(src, "//go:build sandboxtest") {
			t.Errorf("%s opens the shell policy outside a test", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d files checked: the walk missed the code", checked)
	}
}

func TestForceReadOnlyOpensAndCloses(t *testing.T) {
	cmd := "cat ~/.ssh/id_rsa"
	if CheckShell(cmd).Allowed {
		t.Fatal("the policy allows reading a key")
	}
	restore := ForceReadOnlyForTesting()
	if d := CheckShell(cmd); !d.Allowed {
		t.Errorf("forced open, the policy still refuses: %s", d.Reason)
	}
	restore()
	if CheckShell(cmd).Allowed {
		t.Error("the policy stayed open after restore")
	}
}
