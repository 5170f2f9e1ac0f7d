package hosts

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/macroa/macroa/hosts/sshdtest"
)

// A command waiting for a session on a full connection gives up at its
// own timeout, with an error saying why; the command holding the
// session is not disturbed.
func TestSSHDSessionWaitIsBounded(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{MaxSessions: 1})
	h := sshdHost(t, s, knownHostsFor(t, s))
	started := make(chan struct{})
	long := make(chan error, 1)
	go func() {
		var once bool
		out, err := h.Stream(context.Background(), Command{Argv: []string{"sh", "-c", "echo up; sleep 2"}}, sshdTimeout,
			func(Line) {
				if !once {
					once = true
					close(started)
				}
			})
		if err == nil && out.ExitCode != 0 {
			err = os.ErrInvalid
		}
		long <- err
	}()
	select {
	case <-started:
	case err := <-long:
		t.Fatalf("the long command ended first: %v", err)
	case <-time.After(sshdTimeout):
		t.Fatal("the long command did not start")
	}
	start := time.Now()
	_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "no session could be opened in time") {
		t.Fatalf("a command on a full connection: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("waited %v for a session with a timeout of 300ms", took)
	}
	if err := <-long; err != nil {
		t.Fatalf("the long command: %v", err)
	}
}

// A host with keys of two types presents the one known_hosts knows,
// whichever it is, so a second key type is never taken for a change.
func TestSSHDHostKeyTypeKnown(t *testing.T) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	ecdsaFile := filepath.Join(t.TempDir(), "host_ecdsa")
	if err := os.WriteFile(ecdsaFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	ecdsaPub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	s := sshdtest.Start(t, sshdtest.Options{ExtraConfig: "HostKey " + ecdsaFile + "\n"})
	other, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	otherPub, err := ssh.NewPublicKey(&other.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []ssh.PublicKey{ecdsaPub, s.HostKey, otherPub} {
		t.Run(key.Type(), func(t *testing.T) {
			own := filepath.Join(t.TempDir(), "known_hosts")
			line := knownhosts.Line([]string{knownhosts.Normalize(s.Addr)}, key) + "\n"
			if err := os.WriteFile(own, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			keys := HostKeys{Own: own}
			if got := keys.Algorithms(s.Addr); len(got) < 2 || got[0] != key.Type() {
				t.Fatalf("Algorithms = %q, want %s first", got, key.Type())
			}
			h := sshdHost(t, s, keys)
			scanned, err := h.ScanKey(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			_, runErr := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout)
			if key == otherPub {
				// The server has no key of the known type: a change.
				if !errors.As(runErr, new(*HostKeyChangedError)) || scanned.Type() == key.Type() {
					t.Fatalf("known key of a type the server lacks: %v (scanned %s)", runErr, scanned.Type())
				}
				return
			}
			if runErr != nil || ssh.FingerprintSHA256(scanned) != ssh.FingerprintSHA256(key) {
				t.Fatalf("known %s key: %v, scanned %s", key.Type(), runErr, scanned.Type())
			}
		})
	}
	if got := (HostKeys{Own: filepath.Join(t.TempDir(), "none")}).Algorithms(s.Addr); got != nil {
		t.Fatalf("Algorithms of an unknown host = %q", got)
	}
	if got := keyAlgorithms(ssh.KeyAlgoRSA); len(got) != 3 || got[0] != ssh.KeyAlgoRSASHA512 {
		t.Fatalf("RSA algorithms = %q", got)
	}
}

// A command that runs out of time ends at its timeout, and the commands
// beside it on the same connection go on (OpenSSH keeps the session of a
// command it could not signal: it lingers, the connection stays).
func TestSSHDTimeoutSparesSiblings(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{})
	h := sshdHost(t, s, knownHostsFor(t, s))
	if _, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, sshdTimeout); err != nil {
		t.Fatal(err)
	}
	sibling := make(chan error, 1)
	go func() {
		out, err := h.Run(context.Background(), Command{Argv: []string{"sh", "-c", "sleep 3; echo done"}}, sshdTimeout)
		if err == nil && out.Stdout != "done\n" {
			err = errors.New("sibling printed " + out.Stdout)
		}
		sibling <- err
	}()
	start := time.Now()
	out, err := h.Run(context.Background(), Command{Argv: []string{"sleep", "30"}}, 300*time.Millisecond)
	if err != nil || !out.TimedOut || out.ExitCode != ExitCodeTimeout {
		t.Fatalf("timed-out command: %+v, %v", out, err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("the timeout took %v", took)
	}
	if err := <-sibling; err != nil {
		t.Fatalf("the command beside it: %v", err)
	}
	if out, err := h.Run(context.Background(), Command{Argv: []string{"echo", "after"}}, sshdTimeout); err != nil || out.Stdout != "after\n" {
		t.Fatalf("after the timeout: %+v, %v", out, err)
	}
}

// Commands that outlive their time on a root login linger in their
// sessions; once they hold every slot, the connection is replaced, so
// the next command runs at once instead of waiting for them.
func TestSSHDLingeringSessionsRecycle(t *testing.T) {
	s := sshdtest.Start(t, sshdtest.Options{MaxSessions: 2})
	h := sshdHost(t, s, knownHostsFor(t, s))
	var first *sshConn
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			out, err := h.Run(context.Background(), Command{Argv: []string{"sleep", "30"}}, 300*time.Millisecond)
			if err != nil || !out.TimedOut {
				t.Errorf("a command outliving its time: %+v, %v", out, err)
			}
		})
	}
	wg.Wait()
	h.mu.Lock()
	first = h.cur
	h.mu.Unlock()
	if first == nil {
		t.Fatal("the connection was dropped by the timeouts")
	}
	out, err := h.Run(context.Background(), Command{Argv: []string{"echo", "free"}}, 5*time.Second)
	if err != nil || out.Stdout != "free\n" {
		t.Fatalf("after two lingering sessions: %+v, %v", out, err)
	}
	h.mu.Lock()
	now := h.cur
	h.mu.Unlock()
	if now == first {
		t.Fatal("the connection full of lingering sessions was kept")
	}
}
