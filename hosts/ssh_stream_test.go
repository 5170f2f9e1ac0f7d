package hosts

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
)

func trustedHost(t *testing.T, s *testServer, user string) *SSHHost {
	t.Helper()
	keys := HostKeys{Own: filepath.Join(t.TempDir(), "known_hosts")}
	if err := keys.Trust(s.addr, s.hostKey.PublicKey()); err != nil {
		t.Fatal(err)
	}
	h := sshHost(t, s, keys)
	h.User = user
	return h
}

// Stream hands on the remote command's lines as Local.Stream does.
func TestSSHStreamLines(t *testing.T) {
	s := startServer(t, newSigner(t), false)
	h := trustedHost(t, s, "root")
	var got []Line
	out, err := h.Stream(context.Background(), Command{Argv: []string{"sh", "-c",
		`printf 'one\ntwo\n'; printf 'oops\n' >&2; printf '\033[31mred\033[0m\r\nlast'`}}, 10*time.Second,
		func(l Line) { got = append(got, l) })
	if err != nil || out.ExitCode != 0 {
		t.Fatalf("%+v, %v", out, err)
	}
	var stdout, stderr []string
	for _, l := range got {
		if l.Stream == Stderr {
			stderr = append(stderr, l.Text)
		} else {
			stdout = append(stdout, l.Text)
		}
	}
	if want := []string{"one\n", "two\n", "red\n", "last"}; !slices.Equal(stdout, want) {
		t.Fatalf("stdout lines %q, want %q", stdout, want)
	}
	if want := []string{"oops\n"}; !slices.Equal(stderr, want) {
		t.Fatalf("stderr lines %q, want %q", stderr, want)
	}
	if out.Stdout != "one\ntwo\nred\nlast" || out.Stderr != "oops\n" {
		t.Fatalf("output %+v", out)
	}
}

// A command that needs root reaches the host through sudo for a user
// other than root under the sudo policy, and as is otherwise.
func TestSSHSudoPolicy(t *testing.T) {
	s := startServerWith(t, &testServer{hostKey: newSigner(t), echo: true})
	tests := []struct {
		user   string
		policy config.SudoPolicy
		want   string
	}{
		{"deploy", config.SudoAsk, "'sudo' '-n' '--' 'systemctl' 'restart' 'nginx'"},
		{"root", config.SudoAsk, "'systemctl' 'restart' 'nginx'"},
		{"deploy", config.SudoNever, "'systemctl' 'restart' 'nginx'"},
	}
	for _, tc := range tests {
		h := trustedHost(t, s, tc.user)
		h.Sudo = tc.policy
		out, err := h.Run(context.Background(), Command{Argv: []string{"systemctl", "restart", "nginx"}, Root: true}, 10*time.Second)
		if err != nil || out.Stdout != tc.want {
			t.Errorf("%s, %s: sent %q (%v), want %q", tc.user, tc.policy, out.Stdout, err, tc.want)
		}
	}
}

// A connection that completes after Close is not kept: Close ends the
// dial under way too.
func TestSSHCloseDuringDial(t *testing.T) {
	gate := make(chan struct{})
	s := startServerWith(t, &testServer{hostKey: newSigner(t), echo: true, gate: gate})
	h := trustedHost(t, s, "root")
	got := make(chan error, 1)
	go func() {
		_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, 10*time.Second)
		got <- err
	}()
	// Close once the dial is under way.
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		dialing := h.dialing != nil
		h.mu.Unlock()
		if dialing {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the dial did not start")
		}
		time.Sleep(time.Millisecond) // polling for the dial, within the deadline
	}
	h.Close()
	close(gate)
	if err := <-got; err == nil || !strings.Contains(err.Error(), "closed while connecting") {
		t.Fatalf("a command whose dial was closed: %v", err)
	}
	h.mu.Lock()
	kept := h.cur != nil
	h.mu.Unlock()
	if kept {
		t.Fatal("a connection dialled before Close was kept")
	}
	if out, err := h.Run(context.Background(), Command{Argv: []string{"x"}}, 10*time.Second); err != nil || out.Stdout != "'x'" {
		t.Fatalf("used again after Close: %+v, %v", out, err)
	}
}

// A host refusing to run a command is an error of its own: the
// connection is fine and kept.
func TestSSHExecRefused(t *testing.T) {
	s := startServerWith(t, &testServer{hostKey: newSigner(t), refuse: true})
	h := trustedHost(t, s, "root")
	_, err := h.Run(context.Background(), Command{Argv: []string{"true"}}, 10*time.Second)
	if err == nil || errors.Is(err, ErrConnectionLost) || !strings.Contains(err.Error(), "run the command") {
		t.Fatalf("a refused command: %v", err)
	}
	h.mu.Lock()
	kept := h.cur != nil
	h.mu.Unlock()
	if !kept {
		t.Fatal("the connection was dropped for a refused command")
	}
}
