package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/scheduler"
)

// daemonStatus is what daemon status reports; its JSON field names are
// stable.
type daemonStatus struct {
	Running  bool       `json:"running"`
	PID      int        `json:"pid,omitempty"`
	LockFile string     `json:"lock_file"`
	Lease    *leaseJSON `json:"lease,omitempty"`
	Tasks    int        `json:"tasks"`
	Paused   int        `json:"paused"`
	RunsNow  int        `json:"runs_now"`
	NextAt   *time.Time `json:"next_at,omitempty"`
	NextTask string     `json:"next_task,omitempty"`
	Unit     *unitFile  `json:"unit,omitempty"`
	Log      string     `json:"log"`
}

// leaseJSON is who holds (or last held) the scheduler's lease.
type leaseJSON struct {
	Held       bool      `json:"held"`
	Self       bool      `json:"self"`
	Role       string    `json:"role"`
	Holder     string    `json:"holder"`
	Host       string    `json:"host"`
	PID        int       `json:"pid"`
	AcquiredAt time.Time `json:"acquired_at"`
	RenewedAt  time.Time `json:"renewed_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

func newDaemonStatusCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say whether a daemon runs, who runs due tasks, the task counts and the next due task (exit 0 running, 1 not)",
		Long: `Say whether a daemon runs (its lock and pid), which process holds the
scheduler's lease and so runs due tasks (the daemon, or an open cockpit while
no daemon runs), how many tasks there are, the next one due, and the systemd
unit when one is installed.

Exit status: 0 when a daemon runs, 1 when none does (with --json too).`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			st := daemonStatus{LockFile: daemonLockPath(cfg), Log: cfg.LogPath}
			st.Running, st.PID, err = probeDaemon(st.LockFile)
			if err != nil {
				return failErr("%v", err)
			}
			if !st.Running {
				st.PID = 0 // a pid left in the file names no daemon
			}
			if u := installedUnit(); u.Path != "" {
				u.Live = serviceLive(ctx, u)
				st.Unit = &u
			}
			svc, err := openSchedules(ctx, a)
			if err != nil {
				return err
			}
			s, err := svc.Status(ctx)
			if err != nil {
				return failErr("read the scheduler's state: %v", err)
			}
			fillStatus(&st, s)
			out := cmd.OutOrStdout()
			if asJSON {
				err = writeJSON(out, st)
			} else {
				printDaemonStatus(out, st, time.Now())
			}
			if err == nil && !st.Running {
				return silentFail
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func fillStatus(st *daemonStatus, s scheduler.Status) {
	st.Tasks, st.Paused, st.RunsNow = s.Tasks, s.Paused, s.Running
	st.NextAt, st.NextTask = optTime(s.Next), s.NextTask
	if s.Lease.Holder == "" {
		return
	}
	host, pid := holderParts(s.Lease.Holder)
	st.Lease = &leaseJSON{
		Held: s.Held, Self: s.Self, Role: s.Lease.Role, Holder: s.Lease.Holder, Host: host, PID: pid,
		AcquiredAt: s.Lease.AcquiredAt, RenewedAt: s.Lease.RenewedAt, ExpiresAt: s.Lease.ExpiresAt,
	}
}

// holderParts reads a lease holder "<host>/<pid>/<start ticks>".
func holderParts(h string) (host string, pid int) {
	parts := strings.Split(h, "/")
	if len(parts) >= 2 {
		pid, _ = strconv.Atoi(parts[1])
	}
	return parts[0], pid
}

func printDaemonStatus(out io.Writer, st daemonStatus, now time.Time) {
	var b strings.Builder
	field := func(label, value string) { fmt.Fprintf(&b, "%-10s %s\n", label+":", value) }
	if st.Running {
		d := "running"
		if st.PID > 0 {
			d += fmt.Sprintf(" (pid %d)", st.PID)
		}
		field("Daemon", d)
	} else {
		hint := "start it: macroa daemon start"
		if st.Unit != nil && st.Unit.Live {
			hint = "start it: " + st.Unit.systemctl() + " start macroa"
		}
		field("Daemon", "not running ("+hint+")")
	}
	field("Scheduler", leaseWords(st.Lease, now))
	tasks := fmt.Sprintf("%d to run, %d paused", st.Tasks, st.Paused)
	if st.RunsNow > 0 {
		tasks += fmt.Sprintf(", %d running now", st.RunsNow)
	}
	field("Tasks", tasks)
	if st.NextAt != nil {
		field("Next", cell(st.NextTask)+" at "+whenStamp(*st.NextAt, now))
	}
	if st.Unit != nil {
		state := "enabled"
		if !st.Unit.Live {
			state = "not enabled; enable it: " + st.Unit.enableCommand()
		}
		field("Unit", st.Unit.Path+" ("+st.Unit.Scope+", "+state+")")
	} else {
		field("Unit", "not installed (macroa daemon install --user)")
	}
	field("Log", st.Log)
	_, _ = io.WriteString(out, b.String())
}

// leaseWords says which process runs due tasks.
func leaseWords(l *leaseJSON, now time.Time) string {
	if l == nil {
		return "no process runs due tasks now (the daemon runs them, or an open cockpit while no daemon runs)"
	}
	who := roleWords(l.Role)
	if l.PID > 0 {
		who += fmt.Sprintf(" (pid %d", l.PID)
		if host, _ := os.Hostname(); l.Host != "" && l.Host != host {
			who += " on " + cell(l.Host)
		}
		who += ")"
	}
	if !l.Held {
		return "no process runs due tasks now; last run by " + who + ", until " + whenShort(l.RenewedAt, now)
	}
	s := "due tasks run in " + who + " since " + whenShort(l.AcquiredAt, now)
	if !l.RenewedAt.IsZero() {
		s += ", renewed " + span(now.Sub(l.RenewedAt)) + " ago"
	}
	return s
}

func roleWords(role string) string {
	switch role {
	case "daemon":
		return "the daemon"
	case "tui":
		return "a cockpit"
	case "":
		return "a process"
	}
	return cell(role)
}
