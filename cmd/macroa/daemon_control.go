package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
)

// How long start waits for the daemon it started to take the lock, and
// stop for the daemon it signalled to let go of it (runs get their grace,
// then are saved).
const (
	daemonStartWait = 5 * time.Second
	daemonStopWait  = 3*daemonGrace + 5*time.Second
)

func newDaemonStartCmd(a *app.App) *cobra.Command {
	return &cobra.Command{
		Use:   "start",
		Short: "Start the daemon in the background (already running: says so, exit 0)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			lockPath := daemonLockPath(cfg)
			out := cmd.OutOrStdout()
			if running, pid, err := probeDaemon(lockPath); err != nil {
				return failErr("%v", err)
			} else if running {
				fmt.Fprintf(out, "Daemon already running (pid %d).\n", pid)
				return nil
			}
			exe, err := executable()
			if err != nil {
				return failErr("%v", err)
			}
			devnull, err := os.Open(os.DevNull)
			if err != nil {
				return failErr("open %s: %v", os.DevNull, err)
			}
			defer devnull.Close()
			c := exec.Command(exe, "daemon")
			c.Stdin, c.Stdout, c.Stderr = devnull, devnull, devnull
			detach(c)
			if err := c.Start(); err != nil {
				return failErr("start the daemon: %v", err)
			}
			exited := make(chan error, 1)
			go func() { exited <- c.Wait() }()
			deadline := time.After(daemonStartWait)
			for {
				if running, pid, _ := probeDaemon(lockPath); running && pid == c.Process.Pid {
					fmt.Fprintf(out, "Daemon started (pid %d); log: %s\n", pid, cfg.LogPath)
					return nil
				}
				select {
				case err := <-exited:
					if running, pid, _ := probeDaemon(lockPath); running {
						// Another one won the race: one daemon runs.
						fmt.Fprintf(out, "Daemon already running (pid %d).\n", pid)
						return nil
					}
					return failErr("the daemon stopped as it started (%v); see: macroa logs", err)
				case <-deadline:
					return failErr("the daemon (pid %d) did not take its lock within %s; see: macroa logs", c.Process.Pid, daemonStartWait)
				case <-time.After(50 * time.Millisecond):
				}
			}
		},
	}
}

func newDaemonStopCmd(a *app.App) *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "Stop the running daemon (SIGTERM) and wait for it to finish (none running: says so, exit 0)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			lockPath := daemonLockPath(cfg)
			out := cmd.OutOrStdout()
			running, pid, err := probeDaemon(lockPath)
			if err != nil {
				return failErr("%v", err)
			}
			if !running {
				fmt.Fprintln(out, "No daemon running.")
				return nil
			}
			if pid == 0 {
				return failErr("a daemon holds %s but the file names no pid; stop it with systemctl or kill", lockPath)
			}
			if err := signalDaemon(pid, syscall.SIGTERM); err != nil {
				if errors.Is(err, syscall.EPERM) {
					return failErr("not allowed to stop the daemon (pid %d): it runs as another user; if it is a system service: sudo systemctl stop macroa", pid)
				}
				return failErr("stop the daemon (pid %d): %v", pid, err)
			}
			deadline := time.Now().Add(daemonStopWait)
			for time.Now().Before(deadline) {
				if running, _, _ := probeDaemon(lockPath); !running {
					fmt.Fprintln(out, "Daemon stopped.")
					if u := installedUnit(); serviceLive(cmd.Context(), u) {
						fmt.Fprintf(out, "As a service it starts again at the next boot or login; to stop it for good: %s\n", u.disableCommand())
					}
					return nil
				}
				time.Sleep(100 * time.Millisecond)
			}
			return failErr("the daemon (pid %d) is still running %s after SIGTERM; see: macroa logs", pid, daemonStopWait)
		},
	}
}

// executable is the running binary's absolute path, symlinks resolved.
func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the macroa binary: %w", err)
	}
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	return filepath.Abs(exe)
}
