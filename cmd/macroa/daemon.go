package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
)

// daemonGrace is how long a stopping daemon lets runs finish before it
// interrupts them, and then how long it waits for them to be saved.
const daemonGrace = 10 * time.Second

// daemonRole names the daemon on the scheduler's lease.
const daemonRole = "daemon"

func newDaemonCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Run the headless runner in the foreground: it runs scheduled tasks and watches the hosts",
		Long: `macroa daemon runs in the foreground until SIGTERM or ctrl+c and runs due
scheduled tasks; it logs to the log file (macroa logs -f), not the terminal.
One daemon runs per data directory: a second one is refused. On SIGTERM runs
going get ` + daemonGrace.String() + ` to finish, then are interrupted and recorded as such
(a second signal stops it at once).

While no daemon runs, an open cockpit (macroa tui) runs due tasks itself.
To run it as a systemd service: macroa daemon install --user.`,
		Example: `  macroa daemon
  macroa daemon install --user
  macroa daemon status`,
		Args: subcommandArgs(true),
		RunE: func(cmd *cobra.Command, args []string) error { return runDaemon(cmd, a) },
	}
	run := &cobra.Command{
		Use:   "run",
		Short: "Run the daemon in the foreground (the same as macroa daemon)",
		Args:  exactArgs(0, "no arguments"),
		RunE:  func(cmd *cobra.Command, args []string) error { return runDaemon(cmd, a) },
	}
	cmd.AddCommand(run, newDaemonStartCmd(a), newDaemonStopCmd(a), newDaemonStatusCmd(a), newDaemonInstallCmd(a))
	return cmd
}

// daemonLockPath is the daemon's lock file in the data dir.
func daemonLockPath(cfg *config.Config) string { return filepath.Join(cfg.Home, "daemon.lock") }

// runDaemon is the daemon in the foreground: the lock, the log, the
// scheduler's runner; it returns once a signal stopped it.
func runDaemon(cmd *cobra.Command, a *app.App) error {
	cfg, err := loadConfig(a)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.Home, 0o700); err != nil {
		return failErr("create the data directory: %v", err)
	}
	lock, err := lockDaemon(daemonLockPath(cfg))
	if err != nil {
		var running *errDaemonRunning
		if errors.As(err, &running) {
			return failErr("%s; see: macroa daemon status", running.Error())
		}
		return failErr("%v", err)
	}
	defer lock.release()

	log, closer, err := openLog(cfg.LogPath, cfg.SecretValues()...)
	if err != nil {
		return failErr("%v", err)
	}
	defer closer.Close()
	a.SetLog(log) // before the kernel and the broker are built

	// Signals are read here rather than through a context: runs keep
	// going through the grace period instead of ending with the signal.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(sigs)

	ctx := cmd.Context()
	if err := openKernel(ctx, a); err != nil {
		log.Error("daemon did not start", "err", err)
		return err
	}
	// The store watcher looks when the database is written (inotify), and
	// the daemon adds no safety look: idle, it wakes only for its lease.
	a.SetWatchSafety(-1)
	a.SetRole(fleet.RoleDaemon) // polls the hosts, taking the lease from a cockpit
	if err := a.Start(ctx); err != nil {
		log.Error("daemon did not start", "err", err)
		return failErr("%v", err)
	}
	svc, err := a.Schedules()
	if err == nil {
		err = svc.Start(ctx, daemonRole)
	}
	if err != nil {
		log.Error("daemon did not start", "err", err)
		return failErr("start the scheduler: %v", err)
	}
	log.Info("daemon start", "pid", os.Getpid(), "version", version(), "data", cfg.Home)
	fmt.Fprintf(cmd.OutOrStdout(), "Macroa daemon running (pid %d): it runs scheduled tasks and watches the hosts; log: %s\n", os.Getpid(), cfg.LogPath)

	sig := <-sigs
	log.Info("daemon stopping", "signal", sig.String())
	go func() {
		// A second signal (ctrl+c again) stops at once; the next start
		// records the runs it cut short as interrupted.
		s := <-sigs
		log.Warn("daemon stopped at once", "signal", s.String())
		os.Exit(1)
	}()
	svc.Stop(daemonGrace)
	sctx, cancel := context.WithTimeout(context.Background(), daemonGrace)
	defer cancel()
	if err := a.Shutdown(sctx); err != nil {
		log.Warn("daemon shutdown", "err", err)
	}
	log.Info("daemon stop", "pid", os.Getpid())
	return nil
}
