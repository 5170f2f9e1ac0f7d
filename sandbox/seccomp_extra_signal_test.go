package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A command cannot signal any thread of this process, the one that
// started it (which shares its Landlock domain) included: tgkill with
// signal 0 asks the kernel whether the signal would be let through
// without sending one. Plainly every thread can be reached.
func TestConfinedCannotSignalThisProcess(t *testing.T) {
	requireFull(t)
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("python3 not installed at /usr/bin/python3: apt-get install python3")
	}
	w := newWorld(t)
	box := w.box()
	// The command waits for the list of this process's threads, taken
	// while it runs, so the thread that started it is on the list; the
	// list sits in a directory of the home granted whole.
	gates := filepath.Join(w.home, "gates")
	if err := os.Mkdir(gates, 0o700); err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`/usr/bin/python3 -c "
import ctypes, os, time
libc = ctypes.CDLL(None, use_errno=True)
m = os.uname().machine
tgkill, tkill = {'x86_64': (234, 200), 'aarch64': (131, 130)}[m]
p = os.path.join(os.environ['HOME'], 'gates', 'tids')
while not os.path.exists(p + '.done'):
    time.sleep(0.01)
tids = [int(x) for x in open(p).read().split()]
def by_kill(t):
    try:
        os.kill(t, 0)
        return True
    except OSError:
        return False
reached = [t for t in tids if libc.syscall(tgkill, %d, t, 0) == 0 or by_kill(t)]
print('reached', len(reached), 'of', len(tids), 'tkill', libc.syscall(tkill, %d, 0))"`, os.Getpid(), os.Getpid())
	writeTids := func() int {
		t.Helper()
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			t.Fatal(err)
		}
		var tids []string
		for _, e := range ents {
			tids = append(tids, e.Name())
		}
		list := filepath.Join(gates, "tids")
		if err := os.WriteFile(list, []byte(strings.Join(tids, " ")), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(list+".done", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		return len(tids)
	}
	// Plainly, with the test's environment, every thread is reached.
	plain := exec.Command("bash", "-c", script)
	plain.Env = append(os.Environ(), "HOME="+w.home)
	var out bytes.Buffer
	plain.Stdout, plain.Stderr = &out, &out
	if err := plain.Start(); err != nil {
		t.Fatal(err)
	}
	n := writeTids()
	if err := plain.Wait(); err != nil || !strings.Contains(out.String(), fmt.Sprintf("reached %d of %d tkill 0", n, n)) {
		t.Fatalf("plain run: %v, output %q: the control is broken", err, out.String())
	}
	os.Remove(filepath.Join(gates, "tids.done"))
	wait := start(t, box, script)
	writeTids()
	if out, code := wait(); code != 0 || !strings.Contains(out, "reached 0 of") || !strings.Contains(out, "tkill -1") {
		t.Errorf("a confined command reached this process's threads: exit %d, output %q", code, out)
	}
}

// A command cannot start a session of its own, the usual way out of the
// process group killed when it ends; plainly it can.
func TestConfinedCannotLeaveItsSession(t *testing.T) {
	requireFull(t)
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("python3 not installed at /usr/bin/python3: apt-get install python3")
	}
	w := newWorld(t)
	// In a child, which is no group leader: setsid would succeed for it.
	script := `/usr/bin/python3 -c "
import os
pid = os.fork()
if pid == 0:
    try:
        os.setsid(); print('left', flush=True)
    except OSError as e:
        print('stayed', e.errno, flush=True)
    os._exit(0)
os.waitpid(pid, 0)"`
	if out, code := w.run(t, script, false); code != 0 || !strings.Contains(out, "left") {
		t.Fatalf("plain run: exit %d, output %q: the control is broken", code, out)
	}
	if out, code := w.run(t, script, true); code != 0 || !strings.Contains(out, "stayed 1") {
		t.Errorf("a confined command left its session: exit %d, output %q", code, out)
	}
}
