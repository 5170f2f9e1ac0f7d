package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// foreground is a `macroa daemon` started by a test, known to be up once
// it printed its line.
type foreground struct {
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *lockedBuffer
}

// runForeground starts `macroa daemon` in the sandbox and waits for the
// line saying it runs.
func runForeground(t *testing.T, s *sandbox) *foreground {
	t.Helper()
	cmd := exec.Command(binPath, "daemon")
	cmd.Dir, cmd.Env = s.home, s.env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	f := &foreground{cmd: cmd, done: make(chan struct{}), stderr: &lockedBuffer{}}
	cmd.Stderr = f.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		up <- line
	}()
	go func() { _ = cmd.Wait(); close(f.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-f.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	select {
	case line := <-up:
		want := fmt.Sprintf("Macroa daemon running (pid %d)", cmd.Process.Pid)
		if !strings.Contains(line, want) || !strings.Contains(line, filepath.Join(s.data, "logs")) {
			t.Fatalf("the daemon's first line is %q, want %q and where it logs\nstderr: %s", line, want, f.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the daemon did not say it runs\nstderr: %s", f.stderr.String())
	}
	return f
}

// stop sends sig and returns the exit code, failing after a deadline.
func (f *foreground) stop(t *testing.T, sig syscall.Signal, within time.Duration) int {
	t.Helper()
	_ = f.cmd.Process.Signal(sig)
	select {
	case <-f.done:
	case <-time.After(within):
		_ = f.cmd.Process.Kill()
		t.Fatalf("the daemon did not stop within %s of %s", within, sig)
	}
	return f.cmd.ProcessState.ExitCode()
}

// daemonStatusOf runs `daemon status --json` and decodes it.
func daemonStatusOf(t *testing.T, s *sandbox) (daemonStatus, int) {
	t.Helper()
	r := s.macroa("daemon", "status", "--json")
	var st daemonStatus
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("daemon status --json: %v\n%s%s", err, r.stdout, r.stderr)
	}
	return st, r.code
}

// TestE2EDaemonOneCopy: a second daemon on the same data dir is refused
// with the first one's pid; status names the running daemon and the lease
// it holds; SIGTERM stops it with exit 0 and its start and stop are in the
// log file, not on the terminal.
func TestE2EDaemonOneCopy(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	r := s.macroa("daemon", "status")
	expect(t, r, 1, "Daemon:    not running")

	d := runForeground(t, s)
	pid := d.cmd.Process.Pid
	r = s.macroa("daemon")
	want := fmt.Sprintf("a daemon is already running (pid %d)", pid)
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("a second daemon: exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, want)
	}

	var st daemonStatus
	waitFor(t, "status to name the daemon holding the lease", 20*time.Second, func() bool {
		var code int
		st, code = daemonStatusOf(t, s)
		return code == 0 && st.Running && st.PID == pid && st.Lease != nil && st.Lease.Held && st.Lease.Role == "daemon" && st.Lease.PID == pid
	})
	r = s.macroa("daemon", "status")
	expect(t, r, 0, fmt.Sprintf("running (pid %d)", pid))
	if !strings.Contains(r.stdout, "due tasks run in the daemon") {
		t.Errorf("status does not say the daemon runs due tasks:\n%s", r.stdout)
	}

	if code := d.stop(t, syscall.SIGTERM, 30*time.Second); code != 0 {
		t.Errorf("the daemon exited %d after SIGTERM, want 0\nstderr: %s", code, d.stderr.String())
	}
	if d.stderr.String() != "" {
		t.Errorf("the daemon printed on stderr: %q", d.stderr.String())
	}
	log, err := os.ReadFile(filepath.Join(s.data, "logs", "macroa.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`msg="daemon start"`, `msg="daemon stopping" signal=terminated`, `msg="daemon stop"`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the log has no %s:\n%s", want, log)
		}
	}
	st, code := daemonStatusOf(t, s)
	if code != 1 || st.Running || st.PID != 0 {
		t.Errorf("status after stop: exit %d, %+v", code, st)
	}
}

// TestE2EDaemonKilledFreesLock: a daemon killed with SIGKILL leaves no
// lock behind: the next one starts.
func TestE2EDaemonKilledFreesLock(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	d := runForeground(t, s)
	d.stop(t, syscall.SIGKILL, 10*time.Second)
	next := runForeground(t, s)
	if code := next.stop(t, syscall.SIGINT, 30*time.Second); code != 0 {
		t.Errorf("the second daemon exited %d after SIGINT, want 0", code)
	}
}

// TestE2EDaemonStartStop: daemon start runs one in the background (a
// second start says it runs already), daemon stop ends it.
func TestE2EDaemonStartStop(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	r := s.macroa("daemon", "start")
	expect(t, r, 0, "Daemon started (pid ")
	st, code := daemonStatusOf(t, s)
	if code != 0 || !st.Running || st.PID == 0 {
		t.Fatalf("status after start: exit %d, %+v", code, st)
	}
	t.Cleanup(func() {
		if processAlive(st.PID) {
			_ = syscall.Kill(st.PID, syscall.SIGKILL)
		}
	})
	expect(t, s.macroa("daemon", "start"), 0, fmt.Sprintf("Daemon already running (pid %d)", st.PID))
	expect(t, s.macroa("daemon", "stop"), 0, "Daemon stopped.")
	if processAlive(st.PID) {
		t.Errorf("the daemon (pid %d) still runs after stop", st.PID)
	}
	expect(t, s.macroa("daemon", "stop"), 0, "No daemon running.")
}

// TestE2EDaemonStopInterruptsRun: SIGTERM while a task runs past the
// grace period ends the daemon with exit 0, the run recorded as
// interrupted.
func TestE2EDaemonStopInterruptsRun(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	task := addTaskJSON(t, s, "long", "!sleep 120", "every:1")
	d := runForeground(t, s)
	waitFor(t, "the task to be running", 30*time.Second, func() bool {
		return strings.Contains(s.macroa("schedule", "history", task.ID).stdout, "running")
	})
	if code := d.stop(t, syscall.SIGTERM, 40*time.Second); code != 0 {
		t.Errorf("the daemon exited %d after SIGTERM, want 0\nstderr: %s", code, d.stderr.String())
	}
	r := s.macroa("schedule", "history", task.ID)
	if !strings.Contains(r.stdout, "interrupted") || strings.Contains(r.stdout, "running") {
		t.Errorf("the run cut short is not recorded as interrupted:\n%s", r.stdout)
	}
}

// TestE2EDaemonInstallUser: install --user writes a hardened unit into
// the user's systemd directory, names the commands to enable it, leaves an
// identical unit alone and a different one unless --force.
func TestE2EDaemonInstallUser(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	env := []string{"XDG_CONFIG_HOME="}
	r := s.run("", env, "daemon", "install", "--user")
	expect(t, r, 0, "Wrote ")
	for _, want := range []string{
		"systemctl --user daemon-reload && systemctl --user enable --now macroa",
		"loginctl enable-linger",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("install does not say %q:\n%s", want, r.stdout)
		}
	}
	path := filepath.Join(s.home, ".config", "systemd", "user", "macroa.service")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	exe, _ := filepath.EvalSymlinks(binPath)
	for _, want := range []string{
		"ExecStart=" + exe + " daemon\n",
		"Environment=MACROA_HOME=" + s.data + "\n",
		"NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "ReadWritePaths=-" + s.home + "\n",
		"PrivateTmp=yes\n", "MemoryMax=", "CPUQuota=", "Restart=on-failure\n", "RestartSec=",
		"WantedBy=default.target\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit has no %q:\n%s", want, unit)
		}
	}
	if strings.Contains(unit, "ProtectHome=") {
		t.Errorf("the unit protects the home directory the data dir and the tasks need:\n%s", unit)
	}

	expect(t, s.run("", env, "daemon", "install", "--user"), 0, "unchanged")
	if err := os.WriteFile(path, []byte(unit+"# edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = s.run("", env, "daemon", "install", "--user")
	if r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("install over a different unit: exit %d, stderr %q; want exit 1 naming --force", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); !strings.HasSuffix(string(b), "# edited\n") {
		t.Error("install changed a different unit without --force")
	}
	expect(t, s.run("", env, "daemon", "install", "--user", "--force"), 0, "Wrote ")
	if b, _ := os.ReadFile(path); string(b) != unit {
		t.Error("install --force did not write the unit")
	}
	expect(t, s.run("", env, "daemon", "status"), 1, path)

	if os.Geteuid() == 0 {
		// As root without --user and no terminal to ask on, install
		// warns, then refuses without --yes: the system's unit is never
		// written by this test.
		system := "/etc/systemd/system/macroa.service"
		_, before := os.Stat(system)
		r = s.run("", []string{"SUDO_USER="}, "daemon", "install")
		if _, after := os.Stat(system); before != nil && after == nil {
			_ = os.Remove(system)
			t.Errorf("install as root without --yes wrote %s", system)
		}
		if r.code != 2 || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stderr, "nothing was written") {
			t.Errorf("install as root without a terminal: exit %d, stderr %q; want exit 2 naming --yes", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "Warning: it runs as root") || strings.Contains(r.stdout, "Wrote ") {
			t.Errorf("install as root does not warn before it would write:\n%s", r.stdout)
		}
		if h := s.macroa("daemon", "install", "--help"); !strings.Contains(h.stdout, "--yes") {
			t.Errorf("install --help does not name --yes:\n%s", h.stdout)
		}
	} else {
		// The system's unit directory is not this user's to write.
		r = s.macroa("daemon", "install")
		if r.code != 1 || !strings.Contains(r.stderr, "--user") || !strings.Contains(r.stderr, "sudo") {
			t.Errorf("a system install without permission: exit %d, stderr %q; want exit 1 suggesting --user or sudo", r.code, r.stderr)
		}
	}
}

// TestE2EDaemonBesideReadOnlyCockpit: a read-only cockpit runs no tasks,
// so it never holds the scheduler's lease: a daemon started beside it
// takes the lease at once, and the cockpit's scheduler pane names it.
func TestE2EDaemonBesideReadOnlyCockpit(t *testing.T) {
	s := newSandbox(t)
	addTaskJSON(t, s, "tick", "!true", "every:1")
	ts := startTUI(t, s, nil, 160, 48, "--read-only")
	ts.waitText("5 scheduler")
	d := runForeground(t, s)
	waitFor(t, "the daemon to hold the lease beside the read-only cockpit", 20*time.Second, func() bool {
		st, _ := daemonStatusOf(t, s)
		return st.Lease != nil && st.Lease.Held && st.Lease.Role == "daemon" && st.Lease.PID == d.cmd.Process.Pid
	})
	ts.keys("M-5")
	ts.waitText("run by the daemon")
	ts.quit()
}

// TestE2EDaemonSecondSignalStopsAtOnce: a second ctrl+c while runs get
// their grace stops the daemon at once (exit 1); the next daemon records
// the run it cut short as interrupted.
func TestE2EDaemonSecondSignalStopsAtOnce(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	task := addTaskJSON(t, s, "long", "!sleep 120", "every:1")
	d := runForeground(t, s)
	waitFor(t, "the task to be running", 30*time.Second, func() bool {
		return strings.Contains(s.macroa("schedule", "history", task.ID).stdout, "running")
	})
	_ = d.cmd.Process.Signal(syscall.SIGINT)
	waitFor(t, "the daemon to log that it stops", 10*time.Second, func() bool {
		b, _ := os.ReadFile(filepath.Join(s.data, "logs", "macroa.log"))
		return strings.Contains(string(b), `msg="daemon stopping"`)
	})
	if code := d.stop(t, syscall.SIGINT, 5*time.Second); code != 1 {
		t.Errorf("the daemon exited %d after a second signal, want 1", code)
	}
	next := runForeground(t, s)
	waitFor(t, "the cut-short run recorded as interrupted", 30*time.Second, func() bool {
		return strings.Contains(s.macroa("schedule", "history", task.ID).stdout, "interrupted")
	})
	next.stop(t, syscall.SIGKILL, 10*time.Second)
}

// serviceCtl puts a systemctl first on PATH that answers is-enabled and
// is-active with answer (or, for "hang", does not answer at all), and
// returns the environment for it.
func serviceCtl(t *testing.T, dir, answer string) []string {
	t.Helper()
	bin := filepath.Join(dir, "bin-"+answer)
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\ncase \"$*\" in\n  *is-enabled*) echo " + answer + "d ;;\n  *is-active*) echo " + answer + " ;;\nesac\n[ " + answer + " = enable ]\n"
	if answer == "hang" {
		script = "#!/bin/sh\nsleep 60\n"
	}
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"XDG_CONFIG_HOME=", "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
}

// TestE2EDaemonServiceAdvice: a unit written but not enabled gets no
// systemctl advice from status or stop, only macroa daemon start; an
// enabled one does; a systemctl that does not answer holds nothing up.
func TestE2EDaemonServiceAdvice(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	off := serviceCtl(t, s.home, "disable")
	expect(t, s.run("", off, "daemon", "install", "--user"), 0, "Wrote ")

	startStop := func(env []string) string {
		t.Helper()
		r := s.run("", env, "daemon", "start")
		expect(t, r, 0, "Daemon started (pid ")
		var pid int
		if _, err := fmt.Sscanf(r.stdout[strings.Index(r.stdout, "pid "):], "pid %d", &pid); err == nil {
			t.Cleanup(func() {
				if processAlive(pid) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			})
		}
		r = s.run("", env, "daemon", "stop")
		expect(t, r, 0, "Daemon stopped.")
		return r.stdout
	}

	r := s.run("", off, "daemon", "status")
	expect(t, r, 1, "start it: macroa daemon start")
	if strings.Contains(r.stdout, "systemctl --user start") || !strings.Contains(r.stdout, "not enabled") {
		t.Errorf("status of a unit not enabled:\n%s", r.stdout)
	}
	if out := startStop(off); strings.Contains(out, "systemctl") || strings.Contains(out, "next boot") {
		t.Errorf("stop advises systemctl for a unit not enabled:\n%s", out)
	}

	on := serviceCtl(t, s.home, "enable")
	r = s.run("", on, "daemon", "status")
	expect(t, r, 1, "start it: systemctl --user start macroa")
	if out := startStop(on); !strings.Contains(out, "systemctl --user disable --now macroa") {
		t.Errorf("stop of an enabled service does not say how to stop it for good:\n%s", out)
	}

	r = s.run("", serviceCtl(t, s.home, "hang"), "daemon", "status")
	expect(t, r, 1, "start it: macroa daemon start")
	if r.elapsed > 15*time.Second {
		t.Errorf("status took %s beside a systemctl that does not answer", r.elapsed)
	}
}
