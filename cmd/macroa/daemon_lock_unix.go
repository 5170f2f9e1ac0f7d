//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// daemonLock is the daemon's exclusive lock on <data dir>/daemon.lock,
// holding its pid. The kernel drops the lock when the process ends, however
// it ends (kill -9 too), so a stale file never blocks the next daemon.
type daemonLock struct{ f *os.File }

// errDaemonRunning is another process holding the lock.
type errDaemonRunning struct{ pid int }

func (e *errDaemonRunning) Error() string {
	if e.pid > 0 {
		return fmt.Sprintf("a daemon is already running (pid %d)", e.pid)
	}
	return "a daemon is already running"
}

// openNoFollow refuses to open a file through a symbolic link.
const openNoFollow = syscall.O_NOFOLLOW

// lockDaemon takes the lock and writes this process's pid into the file.
// It tries for a moment before giving up, so a `daemon status` probing
// the lock at the same instant does not turn a daemon away.
func lockDaemon(path string) (*daemonLock, error) {
	// O_NOFOLLOW: a link planted at the lock's path must not have its
	// target truncated and overwritten with a pid.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|openNoFollow, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("the daemon's lock file %s is a symbolic link: remove it and start again", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open the daemon's lock file: %w", err)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			pid := readPid(f)
			f.Close()
			return nil, &errDaemonRunning{pid: pid}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("write the daemon's pid to %s: %w", path, err)
	}
	return &daemonLock{f: f}, nil
}

// release empties the file and drops the lock.
func (l *daemonLock) release() {
	_ = l.f.Truncate(0)
	_ = l.f.Close()
}

// probeDaemon says whether a process holds the lock at path and the pid
// the file names. It takes a shared lock for an instant to find out, and
// creates nothing.
func probeDaemon(path string) (running bool, pid int, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, fmt.Errorf("open the daemon's lock file: %w", err)
	}
	defer f.Close()
	pid = readPid(f)
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	switch {
	case err == nil:
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false, pid, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true, pid, nil
	}
	return false, pid, fmt.Errorf("probe the lock %s: %w", path, err)
}

// readPid is the pid the lock file holds; 0 when it holds none.
func readPid(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid < 1 {
		return 0
	}
	return pid
}

// signalDaemon sends sig to the daemon's pid.
func signalDaemon(pid int, sig syscall.Signal) error {
	return syscall.Kill(pid, sig)
}

// detach makes c a session of its own, so the daemon it starts outlives
// the terminal and the shell that started it.
func detach(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
