package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/macroa/macroa/sandbox/support"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// world is a fake home with a credential and an ordinary file, a private
// temporary directory and loopback listeners a command may try to reach.
type world struct {
	home, tmp string
	tcp       net.Listener
	udp       *net.UDPConn
}

const fakeKey = "-----BEGIN OPENSSH PRIVATE KEY----- fake"

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{home: t.TempDir(), tmp: t.TempDir()}
	files := map[string]string{
		".ssh/id_rsa":           fakeKey,
		".config/gh/hosts.yml":  "oauth_token: gho_fake",
		".config/tool/settings": "colour = blue",
		".netrc":                "machine example.com password fake",
		"notes.txt":             "buy milk",
		"private/plan.txt":      "configured secret",
	}
	writeFiles(t, w.home, files)
	var err error
	// tcp4 without MPTCP: the listener is the parent's, only the command
	// is confined.
	w.tcp, err = (&net.ListenConfig{}).Listen(t.Context(), "tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.tcp.Close() })
	w.udp, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.udp.Close() })
	return w
}

// writeFiles writes each file (name relative to root: its body), making
// the directories on the way.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// box is the Box a test's commands run in: this kernel, best-effort, with
// one directory of the fake home named a secret as config.toml would.
func (w *world) box() *Box {
	return newBox(ModeBestEffort, support.Detect(), w.home, []string{filepath.Join(w.home, "private")})
}

// run runs script confined or, for the control, plainly with the same
// HOME and TMPDIR and the parent's environment.
func (w *world) run(t *testing.T, script string, confined bool) (string, int) {
	t.Helper()
	if confined {
		return start(t, w.box(), script)()
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "HOME="+w.home, "TMPDIR="+w.tmp)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	t.Fatalf("run %q: %v", script, err)
	return "", 0
}

func requireFull(t *testing.T) {
	t.Helper()
	if s := support.Detect(); s.Level() != support.LevelFull {
		t.Skipf("this kernel cannot confine fully (%s): needs Landlock ABI 4 (Linux 6.7) and seccomp", s.Describe())
	}
}

// Each case runs twice: plainly it succeeds, so the sandbox is what stops
// it confined.
func TestConfinedCommands(t *testing.T) {
	requireFull(t)
	t.Setenv("MACROA_API_KEY", "sk-parent-secret")
	stray := filepath.Join(os.TempDir(), fmt.Sprintf("macroa-sandbox-stray-%d", os.Getpid()))
	t.Cleanup(func() { os.Remove(stray) })
	cases := []struct {
		name   string
		script func(w *world) string
		// allowed: the confined run succeeds too.
		allowed bool
		// want is in the output of the plain run (and of an allowed one).
		want string
		// absent is a file the confined run must not have made.
		absent func(w *world) string
	}{
		{name: "write in home", script: func(*world) string { return `touch "$HOME/x" && echo made` }, want: "made",
			absent: func(w *world) string { return filepath.Join(w.home, "x") }},
		{name: "write in /tmp", script: func(*world) string { return `touch ` + stray + ` && echo made` }, want: "made",
			absent: func(*world) string { return stray }},
		{name: "write in the private directory", script: func(*world) string { return `echo kept > "$TMPDIR/f" && cat "$TMPDIR/f"` },
			allowed: true, want: "kept"},
		{name: "read an ssh key", script: func(*world) string { return `cat "$HOME/.ssh/id_rsa"` }, want: fakeKey},
		{name: "read the gh token", script: func(*world) string { return `cat "$HOME/.config/gh/hosts.yml"` }, want: "gho_fake"},
		{name: "read .netrc", script: func(*world) string { return `cat "$HOME/.netrc"` }, want: "password"},
		{name: "read a configured secret", script: func(*world) string { return `cat "$HOME/private/plan.txt"` }, want: "configured secret"},
		{name: "read notes", script: func(*world) string { return `cat "$HOME/notes.txt"` }, allowed: true, want: "buy milk"},
		{name: "read another config", script: func(*world) string { return `cat "$HOME/.config/tool/settings"` }, allowed: true, want: "colour"},
		{name: "list home", script: func(*world) string { return `ls "$HOME"` }, allowed: true, want: "notes.txt"},
		{name: "read system files", script: func(*world) string { return `grep -c root /etc/passwd` }, allowed: true, want: "1"},
		{name: "parent's environment", script: func(*world) string { return `set -o pipefail; cat /proc/$PPID/environ | tr '\0' '\n'` }, want: "PATH="},
		{name: "udp socket", script: func(*world) string {
			return `/usr/bin/python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM); print('udp ok')"`
		}, want: "udp ok"},
		{name: "background child writes", script: func(*world) string {
			return `(touch "$HOME/bg") & wait $! && echo made`
		}, want: "made", absent: func(w *world) string { return filepath.Join(w.home, "bg") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			script := c.script(w)
			out, code := w.run(t, script, false)
			if code != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("plain run: exit %d, output %q, want %q: the control is broken", code, out, c.want)
			}
			if c.absent != nil {
				os.Remove(c.absent(w))
			}
			out, code = w.run(t, script, true)
			if c.allowed {
				if code != 0 || !strings.Contains(out, c.want) {
					t.Errorf("confined: exit %d, output %q, want %q", code, out, c.want)
				}
				return
			}
			if code == 0 || strings.Contains(out, c.want) {
				t.Errorf("confined run was allowed: exit %d, output %q", code, out)
			}
			if c.absent != nil {
				if _, err := os.Stat(c.absent(w)); err == nil {
					t.Errorf("%s was made", c.absent(w))
				}
			}
		})
	}
}

func TestConfinedEnvironment(t *testing.T) {
	requireFull(t)
	t.Setenv("MACROA_API_KEY", "sk-parent-secret")
	w := newWorld(t)
	out, code := w.run(t, "env", false)
	if code != 0 || !strings.Contains(out, "sk-parent-secret") {
		t.Fatalf("plain env: exit %d, no key in %q", code, out)
	}
	out, code = w.run(t, "env", true)
	if code != 0 {
		t.Fatalf("confined env: exit %d: %s", code, out)
	}
	if strings.Contains(out, "sk-parent-secret") || strings.Contains(out, "MACROA_") {
		t.Errorf("the parent's environment reached the command:\n%s", out)
	}
	for _, want := range []string{"HOME=" + w.home, "TMPDIR=" + os.TempDir() + "/macroa-sandbox-", "PATH="} {
		if !strings.Contains(out, want) {
			t.Errorf("env lacks %s:\n%s", want, out)
		}
	}
}

// A TCP connect or a UDP datagram to a loopback listener: the plain run
// reaches it, the confined one does not, and the listener sees nothing.
func TestConfinedNetwork(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	tcpPort := w.tcp.Addr().(*net.TCPAddr).Port
	udpPort := w.udp.LocalAddr().(*net.UDPAddr).Port
	tcp := fmt.Sprintf(`echo hello > /dev/tcp/127.0.0.1/%d && echo sent`, tcpPort)
	udp := fmt.Sprintf(`echo hello > /dev/udp/127.0.0.1/%d && echo sent`, udpPort)

	if out, code := w.run(t, tcp, false); code != 0 {
		t.Fatalf("plain tcp: exit %d: %s", code, out)
	}
	expectAccept(t, w.tcp, "plain run")
	if out, code := w.run(t, tcp, true); code == 0 || strings.Contains(out, "sent") {
		t.Errorf("confined tcp connect allowed: exit %d: %s", code, out)
	}
	// Connect from the test itself: the first connection accepted must be
	// this one, so the confined command's never arrived.
	c, err := net.Dial("tcp4", w.tcp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := expectAccept(t, w.tcp, "probe"); got != c.LocalAddr().String() {
		t.Errorf("listener accepted %s before the test's own connection %s", got, c.LocalAddr())
	}

	if out, code := w.run(t, udp, false); code != 0 {
		t.Fatalf("plain udp: exit %d: %s", code, out)
	}
	expectDatagram(t, w.udp, "hello")
	if out, code := w.run(t, udp, true); code == 0 || strings.Contains(out, "sent") {
		t.Errorf("confined udp send allowed: exit %d: %s", code, out)
	}
	probe, err := net.Dial("udp4", w.udp.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	if _, err := probe.Write([]byte("probe")); err != nil {
		t.Fatal(err)
	}
	if got := expectDatagram(t, w.udp, ""); got != "probe" {
		t.Errorf("first datagram after the confined run is %q, want the test's probe", got)
	}
}

func expectAccept(t *testing.T, l net.Listener, who string) string {
	t.Helper()
	l.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	c, err := l.Accept()
	if err != nil {
		t.Fatalf("%s: no connection: %v", who, err)
	}
	defer c.Close()
	return c.RemoteAddr().String()
}

func expectDatagram(t *testing.T, c *net.UDPConn, want string) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no datagram: %v", err)
	}
	got := string(buf[:n])
	if want != "" && !strings.Contains(got, want) {
		t.Fatalf("datagram %q, want %q", got, want)
	}
	return got
}

// What seccomp refuses and Landlock does not cover, each allowed plainly.
func TestConfinedSyscalls(t *testing.T) {
	requireFull(t)
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("python3 not installed at /usr/bin/python3: apt-get install python3")
	}
	cases := []struct{ name, code string }{
		{"raw socket", "import socket; socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)"},
		{"unix socket", "import socket; socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)"},
		{"udp over IPv6", "import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)"},
		{"personality", "import ctypes; l=ctypes.CDLL(None); assert l.personality(0x0040000) != -1"},
		{"ptrace", "import ctypes; l=ctypes.CDLL(None); assert l.ptrace(0, 0, 0, 0) != -1"},
		{"keyring", "import ctypes; l=ctypes.CDLL(None); assert l.syscall(248, b'user', b'k', b'v', 1, -4) != -1"},
	}
	// Python itself runs confined, so a refusal below is the syscall's.
	w := newWorld(t)
	if out, code := w.run(t, py+` -c "print('alive')"`, true); code != 0 || !strings.Contains(out, "alive") {
		t.Fatalf("python3 does not run confined: exit %d: %s", code, out)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			script := py + ` -c "` + c.code + `; print('done')"`
			if out, code := w.run(t, script, false); code != 0 || !strings.Contains(out, "done") {
				t.Fatalf("plain run: exit %d: %s", code, out)
			}
			out, code := w.run(t, script, true)
			if code == 0 || strings.Contains(out, "done") {
				t.Errorf("confined run was allowed: exit %d: %s", code, out)
			}
			if !strings.Contains(out, "Operation not permitted") && !strings.Contains(out, "AssertionError") {
				t.Errorf("refused for another reason than the filter: %s", out)
			}
		})
	}
}

// What each required level accepts of what the kernel let the child apply.
func TestEnough(t *testing.T) {
	full := support.Support{LandlockABI: 7, Seccomp: true}
	old := support.Support{LandlockABI: 3, Seccomp: true}
	cases := []struct {
		name                 string
		require              support.Level
		s                    support.Support
		landlocked, filtered bool
		ok                   bool
	}{
		{"full, all applied", support.LevelFull, full, true, true, true},
		{"full, no TCP rules", support.LevelFull, old, true, true, false},
		{"full, seccomp failed", support.LevelFull, full, true, false, false},
		{"full, landlock failed", support.LevelFull, full, false, true, false},
		{"partial, files only", support.LevelPartial, old, true, false, true},
		{"partial, seccomp only", support.LevelPartial, support.Support{Seccomp: true}, false, true, true},
		{"partial, nothing", support.LevelPartial, support.Support{}, false, false, false},
		{"none, nothing", support.LevelNone, support.Support{}, false, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := enough(c.require, c.s, c.landlocked, c.filtered)
			if (err == nil) != c.ok {
				t.Errorf("enough = %v, want ok %v", err, c.ok)
			}
		})
	}
}

// homeDir is this user's home, or a temporary one where there is none.
func homeDir(tb testing.TB) string {
	if h, err := os.UserHomeDir(); err == nil {
		return h
	}
	return tb.TempDir()
}
