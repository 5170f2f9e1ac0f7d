package skills

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFileSkillRaces changes the tree between Resolve and the steps that
// act on the target, past the re-check Write does first: each step must
// notice the target is no longer the one resolved and touch nothing.
func TestFileSkillRaces(t *testing.T) {
	const key = "canary-key"
	tests := []struct {
		name  string
		setup func(t *testing.T, home string) // before Resolve
		path  string
		swap  func(t *testing.T, home string) // after Resolve
		step  func(f FileSkill, tg Target) string
		want  string
	}{
		{name: "parent directory swapped for a symlink to ~/.ssh", path: "~/sub/authorized_keys",
			setup: func(t *testing.T, home string) { mkdir(t, filepath.Join(home, "sub")) },
			swap: func(t *testing.T, home string) {
				rename(t, filepath.Join(home, "sub"), filepath.Join(home, "sub.old"))
				link(t, ".ssh", filepath.Join(home, "sub"))
			},
			step: openDirStep, want: "changed after it was checked"},
		{name: "missing directory made a symlink to ~/.ssh", path: "~/a/authorized_keys",
			swap: func(t *testing.T, home string) { link(t, ".ssh", filepath.Join(home, "a")) },
			step: openDirStep, want: "changed after it was checked"},
		{name: "missing nested directory made a symlink to ~/.ssh", path: "~/a/b/authorized_keys",
			swap: func(t *testing.T, home string) {
				mkdir(t, filepath.Join(home, "a"))
				link(t, "../.ssh", filepath.Join(home, "a/b"))
			},
			step: openDirStep, want: "changed after it was checked"},
		{name: "existing file replaced by another", path: "~/notes.txt",
			setup: func(t *testing.T, home string) { write(t, filepath.Join(home, "notes.txt"), "old") },
			swap: func(t *testing.T, home string) {
				rename(t, filepath.Join(home, "notes.txt"), filepath.Join(home, "notes.old"))
				link(t, ".ssh/authorized_keys", filepath.Join(home, "notes.txt"))
			},
			step: placeStep, want: "changed after it was checked"},
		{name: "new file's name taken by a symlink", path: "~/new.txt",
			swap: func(t *testing.T, home string) { link(t, ".ssh/authorized_keys", filepath.Join(home, "new.txt")) },
			step: placeStep, want: "appeared after it was checked"},
		{name: "read target swapped for a symlink to the key", path: "~/notes.txt",
			setup: func(t *testing.T, home string) { write(t, filepath.Join(home, "notes.txt"), "old") },
			swap: func(t *testing.T, home string) {
				rename(t, filepath.Join(home, "notes.txt"), filepath.Join(home, "notes.old"))
				link(t, ".ssh/authorized_keys", filepath.Join(home, "notes.txt"))
			},
			step: func(f FileSkill, tg Target) string { return f.Read(tg).Error }, want: "changed after it was checked"},
		{name: "read target swapped for a FIFO", path: "~/notes.txt",
			setup: func(t *testing.T, home string) { write(t, filepath.Join(home, "notes.txt"), "old") },
			swap: func(t *testing.T, home string) {
				p := filepath.Join(home, "notes.txt")
				rename(t, p, filepath.Join(home, "notes.old"))
				if err := syscall.Mkfifo(p, 0o600); err != nil {
					t.Skipf("no FIFOs here: %v", err)
				}
			},
			step: func(f FileSkill, tg Target) string { return f.Read(tg).Error }, want: "changed after it was checked"},
		{name: "write after the path changed", path: "~/notes.txt",
			setup: func(t *testing.T, home string) { write(t, filepath.Join(home, "notes.txt"), "old") },
			swap: func(t *testing.T, home string) {
				rename(t, filepath.Join(home, "notes.txt"), filepath.Join(home, "notes.old"))
				link(t, ".ssh/authorized_keys", filepath.Join(home, "notes.txt"))
			},
			step: func(f FileSkill, tg Target) string { return f.Write(tg, "PWNED").Error }, want: "changed after it was checked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			keys := filepath.Join(home, ".ssh", "authorized_keys")
			mkdir(t, filepath.Dir(keys))
			write(t, keys, key)
			if tc.setup != nil {
				tc.setup(t, home)
			}
			f := FileSkill{Root: home, WorkDir: home}
			tg, err := f.Resolve(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			tc.swap(t, home)
			if got := tc.step(f, tg); !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want it to say %q", got, tc.want)
			}
			if b, err := os.ReadFile(keys); err != nil || string(b) != key {
				t.Errorf("authorized_keys = %q, %v", b, err)
			}
			entries, err := os.ReadDir(filepath.Dir(keys))
			if err != nil || len(entries) != 1 {
				t.Errorf("~/.ssh holds %v (%v), want authorized_keys alone", entries, err)
			}
		})
	}
}

// openDirStep opens the target's directory as Write would.
func openDirStep(f FileSkill, tg Target) string {
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return err.Error()
	}
	defer root.Close()
	dir, err := f.openDir(root, tg)
	if err != nil {
		return err.Error()
	}
	dir.Close()
	return ""
}

// placeStep moves a finished temporary file into place as Write would.
func placeStep(f FileSkill, tg Target) string {
	root, err := os.OpenRoot(filepath.Dir(tg.Real))
	if err != nil {
		return err.Error()
	}
	defer root.Close()
	fh, tmp, err := createTemp(root, filepath.Base(tg.Real), 0o644)
	if err != nil {
		return err.Error()
	}
	fh.Close()
	msg := place(root, tmp, filepath.Base(tg.Real), tg)
	_ = root.Remove(tmp)
	return msg
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o700); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func rename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}
