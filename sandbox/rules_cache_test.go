package sandbox

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/macroa/macroa/sandbox/support"
)

// start starts script in box and returns a wait that gives its output and
// exit code.
func start(t *testing.T, box *Box, script string) func() (string, int) {
	t.Helper()
	return startIn(t, box, "", script)
}

// startIn is start in working directory dir ("" for this process's).
func startIn(t *testing.T, box *Box, dir, script string) func() (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	release, err := box.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return func() (string, int) {
		err := cmd.Wait()
		release()
		if err != nil && cmd.ProcessState == nil {
			t.Fatalf("wait %q: %v", script, err)
		}
		return out.String(), cmd.ProcessState.ExitCode()
	}
}

// The kept allow-list follows the home: what was added since is judged
// like the rest, a credential that appears stays shut, and a granted file
// swapped for a link to a key is not read through its old grant.
func TestKeptRulesFollowTheHome(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	box := w.box()
	if out, code := start(t, box, `cat "$HOME/notes.txt"`)(); code != 0 || !strings.Contains(out, "buy milk") {
		t.Fatalf("first read: exit %d: %s", code, out)
	}
	writeFiles(t, w.home, map[string]string{"later.txt": "added later", ".git-credentials": "https://user:ghp_fake@github.com"})
	cases := []struct {
		name, script, want string
		ok                 bool
	}{
		{"a file added since is read", `cat "$HOME/later.txt"`, "added later", true},
		{"a credential added since stays shut", `cat "$HOME/.git-credentials"`, "ghp_fake", false},
	}
	for _, c := range cases {
		out, code := start(t, box, c.script)()
		if got := code == 0 && strings.Contains(out, c.want); got != c.ok {
			t.Errorf("%s: exit %d, output %q", c.name, code, out)
		}
	}
	// notes.txt was granted by name; now it is a link to the SSH key.
	notes := filepath.Join(w.home, "notes.txt")
	if err := os.Remove(notes); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(w.home, ".ssh/id_rsa"), notes); err != nil {
		t.Fatal(err)
	}
	if out, code := start(t, box, `cat "$HOME/notes.txt"`)(); code == 0 || strings.Contains(out, fakeKey) {
		t.Errorf("the key was read through a swapped link: exit %d: %s", code, out)
	}
}

// A command started under an allow-list that is then replaced runs to its
// end: the thread that started it stays until it is done, so its
// parent-death signal does not fire.
func TestReplacedRulesKeepRunningCommands(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	box := w.box()
	// The first command waits for a file in a directory of the home that
	// is granted whole, so the test decides when it ends.
	gates := filepath.Join(w.home, "gates")
	if err := os.Mkdir(gates, 0o700); err != nil {
		t.Fatal(err)
	}
	first := start(t, box, `while [ ! -e "$HOME/gates/go" ]; do sleep 0.02; done; echo alive`)
	// Replace the allow-list while the first command runs.
	if err := os.WriteFile(filepath.Join(w.home, "new.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := start(t, box, `cat "$HOME/new.txt"`)(); code != 0 {
		t.Fatalf("second command: exit %d: %s", code, out)
	}
	if err := os.WriteFile(filepath.Join(gates, "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, code := first()
	if code != 0 || !strings.Contains(out, "alive") {
		t.Errorf("the first command did not run to its end: exit %d, output %q", code, out)
	}
}

// Each mode and kernel: what an unasked command runs under, whether it
// must ask, and what a person is told once.
func TestBoxModes(t *testing.T) {
	full := support.Support{LandlockABI: 7, Seccomp: true}
	old := support.Support{LandlockABI: 3, Seccomp: true, Missing: []string{"Landlock ABI 3 cannot refuse TCP (it needs ABI 4, Linux 6.7)"}}
	none := support.Support{Missing: []string{"no Landlock: the kernel is older than 5.13 or built without it"}}
	cases := []struct {
		name        string
		mode        Mode
		s           support.Support
		label       string
		applies     string
		asks        bool
		noticeWants string // "" for no notice
	}{
		{"best-effort, full kernel", ModeBestEffort, full, "full", "confined (full)", false, ""},
		{"best-effort, old Landlock", ModeBestEffort, old, "partial", "confined (partial, best effort)", false, "cannot refuse TCP"},
		{"best-effort, nothing", ModeBestEffort, none, "none", "unconfined (none, best effort)", false, "sandbox none"},
		{"required, full kernel", ModeRequired, full, "full", "confined (full)", false, ""},
		{"required, old Landlock", ModeRequired, old, "partial", "ask first (required; this kernel gives partial)", true, ""},
		{"required, nothing", ModeRequired, none, "none", "ask first (required; this kernel gives none)", true, ""},
		{"off", ModeOff, full, "off", "unconfined (off)", false, "sandbox off"},
		{"unknown mode is best-effort", Mode("strict"), old, "partial", "confined (partial, best effort)", false, "partial"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := newBox(c.mode, c.s, "/home/ann", nil)
			if got := b.Label(); got != c.label {
				t.Errorf("Label = %q, want %q", got, c.label)
			}
			if got := b.Applies(); got != c.applies {
				t.Errorf("Applies = %q, want %q", got, c.applies)
			}
			if got := b.Refusal() != ""; got != c.asks {
				t.Errorf("Refusal = %q, want asking %v", b.Refusal(), c.asks)
			}
			n := b.Notice()
			switch {
			case c.noticeWants == "" && n != "":
				t.Errorf("Notice = %q, want none", n)
			case c.noticeWants != "" && !strings.Contains(n, c.noticeWants):
				t.Errorf("Notice = %q, want %q", n, c.noticeWants)
			}
			if c.asks {
				cmd := exec.Command("true")
				if _, err := b.Start(cmd); err == nil || cmd.Process != nil {
					t.Errorf("Start ran a command the mode refuses (err %v)", err)
				}
			}
		})
	}
}

// forgetOpened empties the process's opened allow-lists, closing them.
func forgetOpened() {
	openedLists.mu.Lock()
	defer openedLists.mu.Unlock()
	for _, l := range openedLists.entries {
		closeRules(l.opened)
	}
	openedLists.entries = nil
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// However many boxes a process makes (a test process makes one per test),
// the opened allow-lists it keeps are few, and no descriptor is held
// beyond them.
func TestOpenedListsStayFew(t *testing.T) {
	requireFull(t)
	forgetOpened()
	before := openFDs(t)
	for i := 0; i < 3*maxOpenedLists; i++ {
		w := newWorld(t)
		if out, code := start(t, w.box(), "true")(); code != 0 {
			t.Fatalf("exit %d: %s", code, out)
		}
		w.tcp.Close()
		w.udp.Close()
	}
	openedLists.mu.Lock()
	n := len(openedLists.entries)
	openedLists.mu.Unlock()
	if n > maxOpenedLists {
		t.Errorf("%d opened allow-lists kept, want at most %d", n, maxOpenedLists)
	}
	forgetOpened()
	if after := openFDs(t); after > before+2 {
		t.Errorf("%d descriptors open after, %d before: the boxes leak", after, before)
	}
}

// A command's private directory, and what it wrote there, is gone as soon
// as the command has been released, even when the process ends next
// (macroa run).
func TestPrivateDirectoryGoesWithTheCommand(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	out, code := start(t, w.box(), `echo kept > "$TMPDIR/f" && printf %s "$TMPDIR"`)()
	if code != 0 || !strings.HasPrefix(out, os.TempDir()) {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the command (%v)", out, err)
	}
}
