package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestE2EDaemonLockSymlinkLeavesTargetAlone: a daemon.lock in the data dir
// that is a symbolic link must not be followed: the file it leads to keeps
// its content (a daemon run for someone else, or a planted link, must not
// truncate or write a file elsewhere).
func TestE2EDaemonLockSymlinkLeavesTargetAlone(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(s.home, "victim")
	const content = "precious\n"
	if err := os.WriteFile(victim, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(s.data, "daemon.lock")); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() { done <- s.run("", nil, "daemon") }()
	// Whether the daemon refuses the link or replaces it, the target must
	// be unchanged while it runs and after it stops.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := daemonStatusOf(t, s); st.Running {
			break
		}
		select {
		case r := <-done:
			done <- r
			deadline = time.Now()
		case <-time.After(100 * time.Millisecond):
		}
	}
	got, err := os.ReadFile(victim)
	if err != nil {
		t.Fatalf("read the link's target: %v", err)
	}
	stopDaemonOf(t, s, done)
	if string(got) != content {
		t.Errorf("the daemon followed daemon.lock, a symlink, and changed %s: %q, want %q", victim, got, content)
	}
}

// stopDaemonOf ends a daemon started with s.run in the background, if it
// runs, through `daemon stop`, and waits for it.
func stopDaemonOf(t *testing.T, s *sandbox, done chan result) {
	t.Helper()
	select {
	case <-done:
		return
	default:
	}
	_ = s.macroa("daemon", "stop")
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Error("the daemon did not stop within 30s of daemon stop")
	}
}
