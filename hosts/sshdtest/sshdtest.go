// Package sshdtest starts a real OpenSSH sshd on loopback for tests: a
// throwaway configuration, host key and authorised client key in a
// temporary directory, logging in as the user the test runs as, with that
// user's login shell running each command as on any real host.
//
// The sessions' HOME is a directory of the server's own (Server.Home):
// bash reads ~/.bashrc for a command sent over SSH, and a developer's
// startup files must neither slow the tests down nor print into what
// they compare.
//
// A test that needs it calls Start; when no sshd is installed the test is
// skipped. The server is stopped when the test ends.
package sshdtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Options shape one server.
type Options struct {
	// MaxSessions is sshd's MaxSessions (sessions per connection); 0 keeps
	// OpenSSH's default, 10.
	MaxSessions int
	// ExtraConfig is more sshd_config text. Its lines up to a Match go
	// before the defaults here, so they win (sshd takes a keyword's first
	// value); a Match block and what follows go last.
	ExtraConfig string
}

// StartTimeout bounds how long Start and Restart wait for sshd to listen.
const StartTimeout = 10 * time.Second

// Server is one running sshd.
type Server struct {
	Addr          string        // 127.0.0.1:port
	Port          int           // the same on every Restart
	HostKey       ssh.PublicKey // the key the server presents now
	ClientKeyFile string        // an unencrypted ed25519 private key, 0600, authorised to log in
	ClientSigner  ssh.Signer    // the same key, parsed
	User          string        // the user to log in as: the one the test runs as
	Home          string        // HOME in the server's sessions: empty, the server's own
	Dir           string        // the server's temporary directory

	t    testing.TB
	bin  string
	cfg  string
	opts Options
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
	log  *logBuffer
}

// Start starts sshd on a free loopback port and waits until it listens;
// it skips the test when sshd is not installed, and stops the server when
// the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := findSSHD()
	if bin == "" {
		t.Skip("sshd not installed: apt-get install openssh-server")
	}
	u, err := user.Current()
	if err != nil {
		t.Fatalf("sshdtest: current user: %v", err)
	}
	if os.Geteuid() == 0 {
		// sshd running as root chroots its unprivileged half there.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("sshdtest: sshd as root needs /run/sshd: %v", err)
		}
	}
	s := &Server{t: t, bin: bin, opts: opts, User: u.Username, Dir: t.TempDir()}
	s.Home = filepath.Join(s.Dir, "home")
	if err := os.Mkdir(s.Home, 0o700); err != nil {
		t.Fatalf("sshdtest: %v", err)
	}
	s.writeHostKey()
	s.writeClientKey()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("sshd log:\n%s", s.Log())
		}
	})
	// The free port may be taken by another test before sshd binds it:
	// then another one.
	for attempt := 1; ; attempt++ {
		s.Port = freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
		s.writeConfig()
		err := s.launch()
		if err == nil {
			return s
		}
		if attempt < 3 && strings.Contains(s.Log(), "Address already in use") {
			continue
		}
		t.Fatalf("sshdtest: %v", err)
	}
}

// findSSHD is /usr/sbin/sshd, else sshd on PATH; "" when neither exists.
// sshd re-executes itself, so the path must be absolute.
func findSSHD() string {
	if fi, err := os.Stat("/usr/sbin/sshd"); err == nil && fi.Mode()&0o111 != 0 {
		return "/usr/sbin/sshd"
	}
	if p, err := exec.LookPath("sshd"); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			return abs
		}
	}
	return ""
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sshdtest: find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newKey makes an ed25519 key and its OpenSSH private key file text.
func newKey(t testing.TB) (ssh.Signer, []byte) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("sshdtest: generate key: %v", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatalf("sshdtest: marshal key: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("sshdtest: signer: %v", err)
	}
	return signer, pem.EncodeToMemory(block)
}

func (s *Server) writeFile(name string, data []byte) string {
	p := filepath.Join(s.Dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		s.t.Fatalf("sshdtest: %v", err)
	}
	return p
}

func (s *Server) writeHostKey() {
	signer, pemBytes := newKey(s.t)
	s.writeFile("host_ed25519", pemBytes)
	s.HostKey = signer.PublicKey()
}

func (s *Server) writeClientKey() {
	signer, pemBytes := newKey(s.t)
	s.ClientSigner = signer
	s.ClientKeyFile = s.writeFile("client_ed25519", pemBytes)
	s.writeFile("authorized_keys", ssh.MarshalAuthorizedKey(signer.PublicKey()))
}

func (s *Server) writeConfig() {
	head, tail := splitMatch(s.opts.ExtraConfig)
	var b strings.Builder
	b.WriteString(head)
	if head != "" && !strings.HasSuffix(head, "\n") {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `ListenAddress 127.0.0.1
Port %d
HostKey %s
PidFile %s
AuthorizedKeysFile %s
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowAgentForwarding no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
SetEnv HOME=%s
MaxStartups 200
LogLevel VERBOSE
`, s.Port, filepath.Join(s.Dir, "host_ed25519"), filepath.Join(s.Dir, "sshd.pid"), filepath.Join(s.Dir, "authorized_keys"), s.Home)
	if s.opts.MaxSessions > 0 {
		fmt.Fprintf(&b, "MaxSessions %d\n", s.opts.MaxSessions)
	}
	b.WriteString(tail)
	s.cfg = s.writeFile("sshd_config", []byte(b.String()))
}

// splitMatch cuts config text before its first Match line.
func splitMatch(text string) (head, tail string) {
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) > 0 && strings.EqualFold(f[0], "Match") {
			return strings.Join(lines[:i], ""), strings.Join(lines[i:], "")
		}
	}
	return text, ""
}

// KnownHostsLine is the known_hosts line for the server's current key,
// as [127.0.0.1]:port.
func (s *Server) KnownHostsLine() string {
	return knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, s.HostKey)
}

// Log is what sshd has written to its log since it was last started.
func (s *Server) Log() string {
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

// start runs sshd and fails the test when it does not listen.
func (s *Server) start() {
	s.t.Helper()
	if err := s.launch(); err != nil {
		s.t.Fatalf("sshdtest: %v", err)
	}
}

// launch runs sshd in the foreground and waits for it to listen.
func (s *Server) launch() error {
	s.log = newLogBuffer(fmt.Sprintf("Server listening on 127.0.0.1 port %d", s.Port))
	cmd := exec.Command(s.bin, "-D", "-e", "-f", s.cfg)
	cmd.Stdout, cmd.Stderr = s.log, s.log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start sshd: %w", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(s.done)
	select {
	case <-s.log.ready:
		return nil
	case <-s.done:
		s.cmd = nil
		return fmt.Errorf("sshd exited before listening:\n%s", s.log.String())
	case <-time.After(StartTimeout):
		s.Stop()
		return fmt.Errorf("sshd did not listen within %v:\n%s", StartTimeout, s.log.String())
	}
}

// Stop kills sshd and every process it started (the per-connection
// servers and the commands they run), as a host going down would, and
// waits for sshd to end. Open connections see their peer vanish.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	pid := s.cmd.Process.Pid
	for _, p := range append(descendants(pid), pid) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-s.done:
	case <-time.After(StartTimeout):
		s.t.Errorf("sshdtest: sshd (pid %d) did not end after SIGKILL", pid)
	}
	s.cmd = nil
}

// Restart stops the server if it runs and starts it again on the same
// port with the same keys.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

// RotateHostKey gives the server a new host key and restarts it, as a
// reinstalled host (or a man in the middle) would present.
func (s *Server) RotateHostKey() {
	s.t.Helper()
	s.Stop()
	s.writeHostKey()
	s.start()
}
