package sandbox

import (
	"fmt"
	"os"
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
	t.Cleanup(box.Close)
	start(t, box, "true")() // the thread that starts commands exists from now on
	ents, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	var tids []string
	for _, e := range ents {
		tids = append(tids, e.Name())
	}
	script := fmt.Sprintf(`/usr/bin/python3 -c "
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
nr = {'x86_64': 234, 'aarch64': 131}.get(os.uname().machine)
reached = [t for t in [%s] if libc.syscall(nr, %d, t, 0) == 0]
tk = libc.syscall({'x86_64': 200, 'aarch64': 130}.get(os.uname().machine), %d, 0)
print('reached', len(reached), 'tkill', tk)"`, strings.Join(tids, ","), os.Getpid(), os.Getpid())
	out, code := w.run(t, script, false)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("reached %d tkill 0", len(tids))) {
		t.Fatalf("plain run: exit %d, output %q: the control is broken", code, out)
	}
	out, code = start(t, box, script)()
	if code != 0 || !strings.Contains(out, "reached 0 tkill -1") {
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
