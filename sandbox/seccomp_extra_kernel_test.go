package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// What the second filter and the dropped capabilities refuse, on this
// kernel: each attempt succeeds plainly and fails confined.
func TestConfinedCannotChangeWhatLandlockLeaves(t *testing.T) {
	requireFull(t)
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("python3 not installed at /usr/bin/python3: apt-get install python3")
	}
	victim := exec.Command("sleep", "300")
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.Process.Kill(); victim.Wait() })
	cases := []struct{ name, code string }{
		{"chmod a file in the home", `os.chmod(os.path.join(os.environ['HOME'], 'notes.txt'), 0o644)`},
		{"touch a file's times", `os.utime(os.path.join(os.environ['HOME'], 'notes.txt'), (0, 0))`},
		{"listen without bind", `s = socket.socket(); s.listen(1)`},
		{"TCP Fast Open to a loopback listener", `s = socket.socket(); s.sendto(b'x', 0x20000000, ('127.0.0.1', PORT))`},
		{"lower another process's limits", fmt.Sprintf(`resource.prlimit(%d, resource.RLIMIT_NOFILE, (5, 5))`, victim.Process.Pid)},
		{"renice another process", fmt.Sprintf(`os.setpriority(os.PRIO_PROCESS, %d, 19)`, victim.Process.Pid)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			port := w.tcp.Addr().String()[strings.LastIndex(w.tcp.Addr().String(), ":")+1:]
			code := strings.ReplaceAll(c.code, "PORT", port)
			script := py + ` -c "import os, socket, resource` + "\n" + code + "\n" + `print('done')"`
			if out, rc := w.run(t, script, false); rc != 0 || !strings.Contains(out, "done") {
				t.Fatalf("plain run: exit %d, output %q: the control is broken", rc, out)
			}
			if out, rc := w.run(t, script, true); rc == 0 || strings.Contains(out, "done") {
				t.Errorf("confined run was allowed: exit %d, output %q", rc, out)
			}
		})
	}
}

// A command started by a process with capabilities (root) has none: no
// effective or permitted one, none in its bounding set.
func TestConfinedHasNoCapabilities(t *testing.T) {
	requireFull(t)
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("python3 not installed at /usr/bin/python3: apt-get install python3")
	}
	w := newWorld(t)
	script := `/usr/bin/python3 -c "
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)()
assert libc.capget(hdr, data) == 0
bounding = [c for c in range(64) if libc.prctl(23, c, 0, 0, 0) == 1]
print('eff', data[0] | data[3], 'prm', data[1] | data[4], 'bnd', len(bounding))"`
	out, code := w.run(t, script, true)
	if code != 0 || !strings.Contains(out, "eff 0 prm 0 bnd 0") {
		t.Errorf("capabilities left in the sandbox: exit %d, output %q", code, out)
	}
	if os.Geteuid() == 0 {
		// The control: as root, a plain command has them all.
		if out, _ := w.run(t, script, false); strings.Contains(out, "eff 0 ") {
			t.Errorf("plain run as root has no capabilities: %q: the control is broken", out)
		}
	}
}
