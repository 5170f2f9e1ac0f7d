package approvals

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
)

func fileWrite(path, content string, mode os.FileMode) actions.Action {
	return actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: path, Content: content, Mode: mode}}
}

// params decodes an entry's file parameters.
func fileParams(t *testing.T, e Entry) actions.File {
	t.Helper()
	p, err := actions.DecodeParams(actions.Kind(e.Kind), []byte(e.Params))
	if err != nil {
		t.Fatal(err)
	}
	return p.(actions.File)
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFileWrite: the proposal carries the diff against the file there
// now; approved, the file is backed up (0600, in a 0700 directory, named
// in the entry's Undo) before it is written, the mode is applied, and
// the check passes.
func TestFileWrite(t *testing.T) {
	r := newRig(t, policy.Suggest)
	path := filepath.Join(r.dir, "app.conf")
	if err := os.WriteFile(path, []byte("port = 80\nhost = a\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	e := r.ask(fileWrite(path, "port = 8080\nhost = a\n", 0o600), AskOptions{}).Entry
	diff := fileParams(t, e).Diff
	if !strings.Contains(diff, "-port = 80\n") || !strings.Contains(diff, "+port = 8080\n") {
		t.Fatalf("the diff shown to the person:\n%s", diff)
	}
	got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.ApprovalSucceeded {
		t.Fatalf("%s: %s\n%s", got.State, got.Error, got.Output)
	}
	if s := readString(t, path); s != "port = 8080\nhost = a\n" {
		t.Fatalf("the file holds %q", s)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	var undo undoRecord
	if err := json.Unmarshal([]byte(got.Undo), &undo); err != nil || undo.Backup == "" || !undo.Existed {
		t.Fatalf("undo %q: %v", got.Undo, err)
	}
	if s := readString(t, undo.Backup); s != "port = 80\nhost = a\n" {
		t.Errorf("the backup holds %q", s)
	}
	if fi, _ := os.Stat(undo.Backup); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(undo.Backup)); fi.Mode().Perm() != 0o700 || filepath.Dir(undo.Backup) != filepath.Join(r.dir, "backups") {
		t.Errorf("backup dir %s mode %v", filepath.Dir(undo.Backup), fi.Mode().Perm())
	}
	if len(undo.Argv) == 0 || undo.Argv[len(undo.Argv)-1] != path {
		t.Errorf("undo argv %q", undo.Argv)
	}
}

// TestFileWriteKeepsMode: mode 0 keeps an existing file's mode (a 0600
// secret stays 0600) and makes a new file 0644.
func TestFileWriteKeepsMode(t *testing.T) {
	r := newRig(t, policy.AutoFull)
	old := filepath.Join(r.dir, "secret.env")
	if err := os.WriteFile(old, []byte("A=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ans := r.ask(fileWrite(old, "A=2\n", 0), AskOptions{}); !ans.Ran || ans.Entry.State != store.ApprovalSucceeded {
		t.Fatalf("%+v", ans.Entry)
	}
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o600 {
		t.Errorf("existing file's mode became %v", fi.Mode().Perm())
	}
	fresh := filepath.Join(r.dir, "new.txt")
	ans := r.ask(fileWrite(fresh, "hello\n", 0), AskOptions{})
	if ans.Entry.State != store.ApprovalSucceeded || readString(t, fresh) != "hello\n" {
		t.Fatalf("%s %s", ans.Entry.State, ans.Entry.Error)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file's mode %v", fi.Mode().Perm())
	}
	if !strings.Contains(fileParams(t, ans.Entry).Diff, "+++ "+fresh) {
		t.Errorf("a new file's diff: %q", fileParams(t, ans.Entry).Diff)
	}
}

// TestFileWriteRollback: when the check fails (a sha256sum that sees
// other content) the original is restored, or a new file removed.
func TestFileWriteRollback(t *testing.T) {
	r := newRig(t, policy.Suggest)
	r.fake("sha256sum", `echo "0000  $2"`)
	path := filepath.Join(r.dir, "app.conf")
	if err := os.WriteFile(path, []byte("original\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	e := r.ask(fileWrite(path, "broken\n", 0o600), AskOptions{}).Entry
	got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.ApprovalFailed || !strings.Contains(got.Error, "the check failed") || !strings.Contains(got.Error, "rolled back") {
		t.Fatalf("%s: %q", got.State, got.Error)
	}
	if s := readString(t, path); s != "original\n" {
		t.Fatalf("after the rollback the file holds %q", s)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("after the rollback the mode is %v", fi.Mode().Perm())
	}

	fresh := filepath.Join(r.dir, "fresh.conf")
	e = r.ask(fileWrite(fresh, "new\n", 0), AskOptions{}).Entry
	got, _ = r.svc.Approve(context.Background(), e.ID, person, Remember{})
	if got.State != store.ApprovalFailed || exists(fresh) {
		t.Fatalf("%s, new file left: %v", got.State, exists(fresh))
	}
}

// TestFileWriteAttacks: a write never lands anywhere but the file the
// person approved: not through a symbolic link (final component or a
// directory, there when proposed or swapped in before the run), not
// through a hard link, not into a FIFO (which would hang the write).
func TestFileWriteAttacks(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup returns the path proposed; swap, if set, changes things
		// between the proposal and the approval.
		setup func(t *testing.T, dir, victim string) string
		swap  func(t *testing.T, dir, victim, path string)
		want  string
	}{
		{"final component is a symlink", func(t *testing.T, dir, victim string) string {
			p := filepath.Join(dir, "link")
			must(t, os.Symlink(victim, p))
			return p
		}, nil, "symbolic link"},
		{"a directory is a symlink", func(t *testing.T, dir, victim string) string {
			must(t, os.Symlink(filepath.Dir(victim), filepath.Join(dir, "ldir")))
			return filepath.Join(dir, "ldir", filepath.Base(victim))
		}, nil, "symbolic link"},
		{"symlink swapped in after the proposal", func(t *testing.T, dir, victim string) string {
			p := filepath.Join(dir, "plain")
			must(t, os.WriteFile(p, []byte("plain\n"), 0o644))
			return p
		}, func(t *testing.T, dir, victim, path string) {
			must(t, os.Remove(path))
			must(t, os.Symlink(victim, path))
		}, "symbolic link"},
		{"directory swapped for a symlink after the proposal", func(t *testing.T, dir, victim string) string {
			must(t, os.Mkdir(filepath.Join(dir, "d"), 0o755))
			return filepath.Join(dir, "d", filepath.Base(victim))
		}, func(t *testing.T, dir, victim, path string) {
			must(t, os.Remove(filepath.Join(dir, "d")))
			must(t, os.Symlink(filepath.Dir(victim), filepath.Join(dir, "d")))
		}, "symbolic link"},
		{"file replaced after the backup", func(t *testing.T, dir, victim string) string {
			p := filepath.Join(dir, "plain")
			must(t, os.WriteFile(p, []byte("plain\n"), 0o644))
			return p
		}, nil, ""},
		{"a hard link to the victim", func(t *testing.T, dir, victim string) string {
			p := filepath.Join(dir, "hard")
			must(t, os.Link(victim, p))
			return p
		}, nil, "hard links"},
		{"a FIFO", func(t *testing.T, dir, victim string) string {
			p := filepath.Join(dir, "fifo")
			must(t, syscall.Mkfifo(p, 0o644))
			return p
		}, nil, "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, policy.Suggest)
			dir := filepath.Join(r.dir, "work")
			must(t, os.Mkdir(dir, 0o755))
			vdir := filepath.Join(r.dir, "victim")
			must(t, os.Mkdir(vdir, 0o755))
			victim := filepath.Join(vdir, "passwd")
			must(t, os.WriteFile(victim, []byte("root:x:0:0\n"), 0o644))
			path := tc.setup(t, dir, victim)
			e := r.ask(fileWrite(path, "owned\n", 0o777), AskOptions{}).Entry
			if tc.swap != nil {
				tc.swap(t, dir, victim, path)
			}
			if tc.want == "" {
				// Replaced between the backup and the write: the
				// executor's start hook runs in that window.
				r.svc.exec.started = func(store.ApprovalID) {
					must(t, os.WriteFile(path+".tmp", []byte("other\n"), 0o644))
					must(t, os.Rename(path+".tmp", path))
				}
				tc.want = "replaced after it was backed up"
				defer func() {
					if s := readString(t, path); s != "other\n" {
						t.Errorf("the file swapped in was written: %q", s)
					}
				}()
			}
			got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
			if err != nil {
				t.Fatal(err)
			}
			if got.State != store.ApprovalFailed || !strings.Contains(got.Error, tc.want) {
				t.Errorf("%s: %q, want an error about %q", got.State, got.Error, tc.want)
			}
			if s := readString(t, victim); s != "root:x:0:0\n" {
				t.Fatalf("the victim was written: %q", s)
			}
			if fi, _ := os.Stat(victim); fi.Mode().Perm() != 0o644 {
				t.Fatalf("the victim's mode changed: %v", fi.Mode().Perm())
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
