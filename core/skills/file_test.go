package skills_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/core/skills"
)

// fileTree is a home directory (root) with a working directory inside it,
// and a directory outside it holding a secret.
type fileTree struct {
	root, work, outside string
}

const outsideSecret = "top secret outside the root"

func newFileTree(t *testing.T) fileTree {
	t.Helper()
	ft := fileTree{root: t.TempDir(), outside: t.TempDir()}
	ft.work = filepath.Join(ft.root, "work")
	mustWrite(t, filepath.Join(ft.outside, "secret.txt"), outsideSecret, 0o600)
	mustWrite(t, filepath.Join(ft.work, "hello.txt"), "hello from work\n", 0o644)
	mustWrite(t, filepath.Join(ft.root, "notes.txt"), "notes at root", 0o644)
	mustWrite(t, filepath.Join(ft.root, "sub", "a.txt"), "a", 0o644)
	mustMkdir(t, filepath.Join(ft.root, "sub", "b"))
	mustMkdir(t, filepath.Join(ft.root, "empty"))
	mustWrite(t, filepath.Join(ft.root, "bin.dat"), "ELF\x00\x01\x02binary", 0o644)
	mustWrite(t, filepath.Join(ft.root, "big.txt"), strings.Repeat("a", 60_000)+"TAIL", 0o644)
	// Symlinks: two leading outside (absolute and relative), one to a
	// directory outside, and one that stays inside.
	mustSymlink(t, filepath.Join(ft.outside, "secret.txt"), filepath.Join(ft.root, "abs-link"))
	rel, err := filepath.Rel(ft.root, filepath.Join(ft.outside, "secret.txt"))
	if err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, rel, filepath.Join(ft.root, "rel-link"))
	mustSymlink(t, ft.outside, filepath.Join(ft.root, "link-dir"))
	mustSymlink(t, "notes.txt", filepath.Join(ft.root, "inner-link"))
	return ft
}

func (ft fileTree) skill() skills.FileSkill { return skills.FileSkill{Root: ft.root, WorkDir: ft.work} }

func mustWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	mustMkdir(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func fileIntent(action, path string, extra ...string) skills.Intent {
	args := map[string]string{"path": path}
	for i := 0; i+1 < len(extra); i += 2 {
		args[extra[i]] = extra[i+1]
	}
	return skills.Intent{Skill: skills.File, Action: action, Args: args}
}

// listOutside returns every name under dir, to prove nothing was created there.
func listOutside(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestFileSkillReadListExists(t *testing.T) {
	ft := newFileTree(t)
	tests := []struct {
		name       string
		action     string
		path       string
		wantOK     bool
		wantOutput string // exact, when wantOK and not empty
		contains   []string
		absent     []string // must appear in neither Output nor Error
	}{
		{name: "read relative to the working dir", action: "read", path: "hello.txt", wantOK: true, wantOutput: "hello from work\n"},
		{name: "empty action reads", action: "", path: "hello.txt", wantOK: true, wantOutput: "hello from work\n"},
		{name: "read tilde path", action: "read", path: "~/notes.txt", wantOK: true, wantOutput: "notes at root"},
		{name: "read absolute path inside the root", action: "read", path: filepath.Join(ft.root, "notes.txt"), wantOK: true, wantOutput: "notes at root"},
		{name: "read dot-dot that stays inside", action: "read", path: "../notes.txt", wantOK: true, wantOutput: "notes at root"},
		{name: "read symlink that stays inside", action: "read", path: "~/inner-link", wantOK: true, wantOutput: "notes at root"},
		{name: "read missing file", action: "read", path: "~/nope.txt", contains: []string{"no such file", filepath.Join(ft.root, "nope.txt")}},
		{name: "read directory suggests list", action: "read", path: "~/sub", contains: []string{"is a directory", "list directory"}},
		{name: "read binary refused", action: "read", path: "~/bin.dat", contains: []string{"binary"}, absent: []string{"ELF"}},
		{name: "read large file truncated", action: "read", path: "~/big.txt", wantOK: true,
			contains: []string{"[... truncated:", "60004 bytes"}, absent: []string{"TAIL"}},

		{name: "list directory", action: "list", path: "~/sub", wantOK: true, wantOutput: "a.txt\nb/"},
		{name: "list empty directory", action: "list", path: "~/empty", wantOK: true, wantOutput: "(empty directory)"},
		{name: "list the working dir", action: "list", path: ".", wantOK: true, wantOutput: "hello.txt"},
		{name: "list a file", action: "list", path: "~/notes.txt", contains: []string{"not a directory"}},

		{name: "exists file", action: "exists", path: "~/notes.txt", wantOK: true, wantOutput: "Exists: " + filepath.Join(ft.root, "notes.txt") + " (file, 13 bytes)"},
		{name: "exists directory", action: "exists", path: "~/sub", wantOK: true, wantOutput: "Exists: " + filepath.Join(ft.root, "sub") + " (directory)"},
		{name: "exists missing", action: "exists", path: "~/nope", wantOK: true, wantOutput: "Does not exist: " + filepath.Join(ft.root, "nope")},

		{name: "empty path", action: "read", path: "  ", contains: []string{"no path given"}},
		{name: "unknown action", action: "delete", path: "~/notes.txt", contains: []string{`unknown file action "delete"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ft.skill().Run(context.Background(), fileIntent(tc.action, tc.path))
			if res.Success != tc.wantOK {
				t.Fatalf("Success = %v, want %v (output %q, error %q)", res.Success, tc.wantOK, res.Output, res.Error)
			}
			if tc.wantOK && tc.wantOutput != "" && res.Output != tc.wantOutput {
				t.Errorf("Output = %q, want %q", res.Output, tc.wantOutput)
			}
			if !tc.wantOK && res.Error == "" {
				t.Errorf("a failure without an Error sentence")
			}
			text := res.Output + res.Error
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("result %q does not mention %q", text, s)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(text, s) {
					t.Errorf("result %q should not contain %q", text, s)
				}
			}
		})
	}
}

func TestFileSkillTruncatedLength(t *testing.T) {
	ft := newFileTree(t)
	res := ft.skill().Run(context.Background(), fileIntent("read", "~/big.txt"))
	body, marker, ok := strings.Cut(res.Output, "\n[... truncated:")
	if !ok {
		t.Fatalf("no truncation marker in %d characters of output", len(res.Output))
	}
	if len(body) != 50_000 || strings.Trim(body, "a") != "" {
		t.Errorf("kept %d characters before the marker, want the first 50000", len(body))
	}
	if !strings.Contains(marker, filepath.Join(ft.root, "big.txt")) {
		t.Errorf("marker %q does not name the file", marker)
	}
}

func TestFileSkillRefusesOutsideRoot(t *testing.T) {
	tests := []struct {
		name    string
		workDir string // "" = the tree's work dir
		action  string
		path    string
	}{
		{name: "absolute path outside", action: "read", path: "/etc/hostname"},
		{name: "dot-dot from the root", action: "read", path: "../outside.txt", workDir: "root"},
		{name: "dot-dot from the working dir", action: "read", path: "../../outside.txt"},
		{name: "tilde dot-dot", action: "read", path: "~/../x"},
		{name: "absolute symlink to a file outside", action: "read", path: "~/abs-link"},
		{name: "relative symlink to a file outside", action: "read", path: "~/rel-link"},
		{name: "read through a symlinked directory", action: "read", path: "~/link-dir/secret.txt"},
		{name: "list a symlinked directory", action: "list", path: "~/link-dir"},
		{name: "exists through a symlinked directory", action: "exists", path: "~/link-dir/secret.txt"},
		{name: "write absolute path outside", action: "write", path: "/tmp/macroa-should-not-exist.txt"},
		{name: "write dot-dot", action: "write", path: "~/../escaped.txt"},
		{name: "write through a symlinked directory", action: "write", path: "~/link-dir/new.txt"},
		{name: "write over a file through a symlinked directory", action: "write", path: "~/link-dir/secret.txt"},
		{name: "write creating dirs through a symlinked directory", action: "write", path: "~/link-dir/deeper/new.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFileTree(t)
			f := ft.skill()
			if tc.workDir == "root" {
				f.WorkDir = ft.root
			}
			before := listOutside(t, ft.outside)
			parentBefore := listOutside(t, filepath.Dir(ft.root))

			res := f.Run(context.Background(), fileIntent(tc.action, tc.path, "content", "PWNED"))

			if res.Success {
				t.Fatalf("Success = true for %s %s: %q", tc.action, tc.path, res.Output)
			}
			if !strings.Contains(res.Error, "outside the allowed root") {
				t.Errorf("Error = %q, want it to say the path is outside the allowed root", res.Error)
			}
			if strings.Contains(res.Output+res.Error, outsideSecret) {
				t.Errorf("the secret outside the root leaked: %q", res.Output+res.Error)
			}
			if got := readOrEmpty(filepath.Join(ft.outside, "secret.txt")); got != outsideSecret {
				t.Errorf("the file outside the root was changed to %q", got)
			}
			if after := listOutside(t, ft.outside); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Errorf("files appeared outside the root: %v, before %v", after, before)
			}
			if after := listOutside(t, filepath.Dir(ft.root)); len(after) != len(parentBefore) {
				t.Errorf("files appeared beside the root: %d entries, before %d", len(after), len(parentBefore))
			}
			if _, err := os.Lstat("/tmp/macroa-should-not-exist.txt"); err == nil {
				t.Errorf("a file was written to /tmp")
			}
		})
	}
}

func readOrEmpty(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func TestFileSkillWrite(t *testing.T) {
	tests := []struct {
		name     string
		path     string // as typed
		existing string // where an existing file sits, relative to the root; "" = none
		mode     os.FileMode
		target   string // where the content must land, relative to the root
		wantMode os.FileMode
	}{
		{name: "new file with parents", path: "~/new/deep/file.txt", target: "new/deep/file.txt", wantMode: 0o644},
		{name: "relative path lands in the working dir", path: "out.txt", target: "work/out.txt", wantMode: 0o644},
		{name: "absolute path inside the root", path: "ABS/abs.txt", target: "abs.txt", wantMode: 0o644},
		{name: "keeps a private file private", path: "~/secret.env", existing: "secret.env", mode: 0o600, target: "secret.env", wantMode: 0o600},
		{name: "keeps an executable executable", path: "~/run.sh", existing: "run.sh", mode: 0o755, target: "run.sh", wantMode: 0o755},
		{name: "keeps a group-writable mode past the umask", path: "~/shared.txt", existing: "shared.txt", mode: 0o664, target: "shared.txt", wantMode: 0o664},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ft := newFileTree(t)
			path := tc.path
			if rest, ok := strings.CutPrefix(path, "ABS/"); ok {
				path = filepath.Join(ft.root, rest)
			}
			if tc.existing != "" {
				mustWrite(t, filepath.Join(ft.root, tc.existing), "old content that is longer than the new", tc.mode)
			}
			const content = "new content\nline two\n"
			res := ft.skill().Run(context.Background(), fileIntent("write", path, "content", content))
			if !res.Success {
				t.Fatalf("write failed: %s", res.Error)
			}
			target := filepath.Join(ft.root, tc.target)
			if want := "Written to " + target + " (21 bytes)"; res.Output != want {
				t.Errorf("Output = %q, want %q", res.Output, want)
			}
			if got := readOrEmpty(target); got != content {
				t.Errorf("file holds %q, want %q", got, content)
			}
			st, err := os.Stat(target)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != tc.wantMode {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), tc.wantMode)
			}
			entries, err := os.ReadDir(filepath.Dir(target))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".macroa-tmp") {
					t.Errorf("temporary file left behind: %s", e.Name())
				}
			}
		})
	}
}

// TestFileSkillWriteReplacesAtomically checks the write goes to a new file
// renamed over the old one: a hard link to the old file still sees the old
// content in full, which an in-place truncate-and-write would have changed.
func TestFileSkillWriteReplacesAtomically(t *testing.T) {
	ft := newFileTree(t)
	target := filepath.Join(ft.root, "doc.txt")
	mustWrite(t, target, "old", 0o644)
	if err := os.Link(target, filepath.Join(ft.root, "doc.old")); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ content string }{{"first rewrite"}, {""}, {"third"}}
	for _, tc := range tests {
		res := ft.skill().Run(context.Background(), fileIntent("write", "~/doc.txt", "content", tc.content))
		if !res.Success {
			t.Fatalf("write %q failed: %s", tc.content, res.Error)
		}
		if got := readOrEmpty(target); got != tc.content {
			t.Errorf("doc.txt = %q, want %q", got, tc.content)
		}
	}
	if got := readOrEmpty(filepath.Join(ft.root, "doc.old")); got != "old" {
		t.Errorf("the old file was modified in place: %q", got)
	}
}

func TestFileSkillWriteRefusesDirectory(t *testing.T) {
	ft := newFileTree(t)
	tests := []string{"~/sub", "~", "../work"}
	for _, path := range tests {
		t.Run(path, func(t *testing.T) {
			res := ft.skill().Run(context.Background(), fileIntent("write", path, "content", "x"))
			if res.Success || !strings.Contains(res.Error, "is a directory") {
				t.Errorf("got success=%v error=%q, want a refusal naming the directory", res.Success, res.Error)
			}
			if st, err := os.Stat(filepath.Join(ft.root, "sub")); err != nil || !st.IsDir() {
				t.Errorf("sub is no longer a directory")
			}
		})
	}
}

func TestFileSkillResolve(t *testing.T) {
	ft := newFileTree(t)
	mustSymlink(t, "sub", filepath.Join(ft.root, "sub-link"))
	mustSymlink(t, filepath.Join(ft.root, "notes.txt"), filepath.Join(ft.root, "abs-inner"))
	mustSymlink(t, "../notes.txt", filepath.Join(ft.root, "sub", "up"))
	mustSymlink(t, "../../x", filepath.Join(ft.root, "sub", "out"))
	tests := []struct {
		path     string
		real     string // relative to the root; "" = an error
		exists   bool
		errorHas string
	}{
		{path: "~/notes.txt", real: "notes.txt", exists: true},
		{path: "hello.txt", real: "work/hello.txt", exists: true},
		{path: "~", real: ".", exists: true},
		{path: "~/inner-link", real: "notes.txt", exists: true},
		{path: "~/abs-inner", real: "notes.txt", exists: true},
		{path: "~/sub-link/a.txt", real: "sub/a.txt", exists: true},
		{path: "~/sub-link/new/deeper.txt", real: "sub/new/deeper.txt"},
		{path: "~/sub/up", real: "notes.txt", exists: true},
		{path: "~/sub/out", errorHas: "outside the allowed root"},
		{path: "~/abs-link", errorHas: "outside the allowed root"},
		{path: "~/notes.txt/x", errorHas: "not a directory"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			tg, err := ft.skill().Resolve(tc.path)
			if tc.real == "" {
				if err == nil || !strings.Contains(err.Error(), tc.errorHas) {
					t.Fatalf("Resolve = %+v, %v; want an error saying %q", tg, err, tc.errorHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(ft.root, tc.real); tg.Real != want || tg.Exists() != tc.exists {
				t.Errorf("Real = %s, exists %v; want %s, %v", tg.Real, tg.Exists(), want, tc.exists)
			}
		})
	}
}
