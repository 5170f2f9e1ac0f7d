//go:build !unix

package main

import (
	"errors"
	"os/exec"
	"syscall"
)

// The daemon needs flock(2) and signals: it runs on Unix systems only.

var errNoDaemon = errors.New("the daemon runs on Linux and other Unix systems only")

type daemonLock struct{}

type errDaemonRunning struct{ pid int }

func (e *errDaemonRunning) Error() string { return "a daemon is already running" }

func lockDaemon(string) (*daemonLock, error) { return nil, errNoDaemon }
func (l *daemonLock) release()               {}
func probeDaemon(string) (bool, int, error)  { return false, 0, nil }
func signalDaemon(int, syscall.Signal) error { return errNoDaemon }

func detach(*exec.Cmd) {}

// openNoFollow: this platform has no O_NOFOLLOW.
const openNoFollow = 0
