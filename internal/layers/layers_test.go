// Package layers holds the test that keeps imports pointing down: cmd →
// ui → core → providers, store, hosts, themes → config → the leaves. A
// package that imports a layer above its own fails the tests, with the file
// and the import named.
package layers

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/macroa/macroa/"

// rank orders the top-level folders: a file may import only folders of a
// lower rank, or its own folder.
var rank = map[string]int{
	"internal": 6, "cmd": 5, "ui": 4, "core": 3,
	"providers": 2, "store": 2, "hosts": 2, "themes": 2, "notify": 2,
	"config": 1, "sandbox": 1,
	"tier": 0, "redact": 0, "suggest": 0, "termsafe": 0, "secretpath": 0,
	"lazy": -1,
}

func TestImportsPointDown(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	problems, checked, err := upwardImports(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if checked == 0 {
		t.Fatal("no imports were checked: the walk found no code")
	}
}

// The check finds an upward import, and a folder with no layer.
func TestUpwardImportIsFound(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"providers/p.go": "package providers\nimport _ \"" + module + "core/kernel\"\n",
		"core/k.go":      "package core\nimport _ \"" + module + "providers\"\n",
		"newthing/n.go":  "package newthing\n",
	}
	for name, src := range files {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	problems, _, err := upwardImports(root)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(problems, "\n")
	if len(problems) != 2 || !strings.Contains(joined, "providers/p.go imports "+module+"core/kernel") ||
		!strings.Contains(joined, `folder "newthing" has no layer`) {
		t.Fatalf("problems = %q, want the upward import and the unknown folder", problems)
	}
}

// upwardImports walks the Go files under root and lists every import of
// this module that points up, and every folder without a layer.
func upwardImports(root string) (problems []string, checked int, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		from := topFolder(rel)
		fromRank, known := rank[from]
		if !known {
			problems = append(problems, rel+`: folder "`+from+`" has no layer: add it to rank`)
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, module) {
				continue
			}
			checked++
			if to := topFolder(strings.TrimPrefix(p, module)); to != from && rank[to] >= fromRank {
				problems = append(problems, rel+" imports "+p+": "+from+" may only import layers below it")
			}
		}
		return nil
	})
	return problems, checked, err
}

// topFolder is the first element of a slash path.
func topFolder(p string) string {
	first, _, _ := strings.Cut(p, "/")
	return first
}
