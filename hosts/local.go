package hosts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/macroa/macroa/config"
)

// Output is what a finished command left behind.
type Output struct {
	Stdout, Stderr string
	ExitCode       int  // 124 on timeout, 128+N when killed by signal N
	TimedOut       bool // the timeout fired and the process group was killed
	Canceled       bool // the caller's context ended first
	Truncated      bool // a stream was cut at MaxOutput characters
	Duration       time.Duration
}

// ExitCodeTimeout is the exit code reported for a command that ran out of
// time, as coreutils' timeout(1) does.
const ExitCodeTimeout = 124

// Local runs commands on this machine.
type Local struct {
	MaxOutput int // characters kept per stream; 0 means DefaultMaxOutput
	// IODelay bounds how long to wait for output after the command exits,
	// for background children that keep the pipes open ("sleep 60 &").
	IODelay time.Duration
	// Sudo is how a command that needs root (Command.Root) runs here;
	// as root it runs as is.
	Sudo config.SudoPolicy
	// Confine, when set, starts every command inside its sandbox with a
	// minimal environment (see Confiner); nil runs commands as they are.
	Confine Confiner
}

// Run starts cmd and waits for it, at most timeout (0: no limit of its own).
// When the timeout fires or ctx ends, the whole process group is killed, so
// no child outlives the command. The error is only for a command that could
// not be started; a non-zero exit is reported in Output.ExitCode.
func (l Local) Run(ctx context.Context, cmd Command, timeout time.Duration) (Output, error) {
	return l.Stream(ctx, cmd, timeout, nil)
}

// Stream runs cmd like Run and, when onLine is not nil, hands it each line
// of output as the command prints it, stdout and stderr alike (see Line),
// so a person can watch a long command. onLine is called from one
// goroutine at a time, never after Stream returns; a slow onLine slows the
// command down rather than losing output. The Output is the same as Run's.
func (l Local) Stream(ctx context.Context, cmd Command, timeout time.Duration, onLine func(Line)) (Output, error) {
	if len(cmd.Argv) == 0 {
		return Output{}, errors.New("run command: empty argument list")
	}
	cmd = ApplySudo(cmd, l.Sudo, localUser())
	limit := l.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	ioDelay := l.IODelay
	if ioDelay <= 0 {
		ioDelay = 250 * time.Millisecond
	}

	c := exec.Command(cmd.Argv[0], cmd.Argv[1:]...)
	c.Dir = cmd.Dir
	switch {
	case l.Confine != nil:
		c.Env = append([]string(nil), cmd.Env...) // the confiner adds the rest
	case len(cmd.Env) > 0:
		c.Env = append(os.Environ(), cmd.Env...)
	}
	// Stdin stays nil (/dev/null): a command waiting for input must not
	// steal the terminal from the REPL or hang a script.
	stdout, stderr := &capture{limit: limit}, &capture{limit: limit}
	if onLine != nil {
		var mu sync.Mutex
		stdout.lines = &lineFeed{mu: &mu, stream: Stdout, on: onLine, limit: limit}
		stderr.lines = &lineFeed{mu: &mu, stream: Stderr, on: onLine, limit: limit}
	}
	c.Stdout, c.Stderr = stdout, stderr
	c.SysProcAttr = procAttr()
	c.WaitDelay = ioDelay

	start := time.Now()
	release, err := startCmd(c, l.Confine)
	if err != nil {
		return Output{}, fmt.Errorf("start %s: %w", cmd.Argv[0], err)
	}
	defer release()
	pgid := c.Process.Pid

	done := make(chan error, 1)
	go func() { done <- c.Wait() }()

	var out Output
	waitErr, timedOut, canceled := await(ctx, timeout, done)
	out.TimedOut, out.Canceled = timedOut, canceled
	if timedOut || canceled {
		killGroup(pgid)
		waitErr = <-done
	}
	out.Duration = time.Since(start)
	if onLine != nil {
		// Wait has returned, so the pipes are drained (or abandoned after
		// IODelay): what is left is a last line without a newline.
		stdout.lines.flush()
		stderr.lines.flush()
	}
	out.Stdout, out.Truncated = stdout.text()
	var errTrunc bool
	out.Stderr, errTrunc = stderr.text()
	out.Truncated = out.Truncated || errTrunc

	switch {
	case out.TimedOut:
		out.ExitCode = ExitCodeTimeout
	case c.ProcessState != nil:
		out.ExitCode = exitCode(c.ProcessState)
	case waitErr != nil && !errors.Is(waitErr, exec.ErrWaitDelay):
		return out, fmt.Errorf("wait for %s: %w", cmd.Argv[0], waitErr)
	}
	return out, nil
}

// startCmd starts c, inside confine's sandbox when there is one.
func startCmd(c *exec.Cmd, confine Confiner) (release func(), err error) {
	if confine != nil {
		return confine.Start(c)
	}
	return func() {}, c.Start()
}

// await waits for done, at most timeout (0: no limit of its own) and no
// longer than ctx; it says which came first. A transport's commands all
// wait this way.
func await(ctx context.Context, timeout time.Duration, done <-chan error) (err error, timedOut, canceled bool) {
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		timer = t.C
	}
	select {
	case err = <-done:
	case <-timer:
		timedOut = true
	case <-ctx.Done():
		canceled = true
	}
	return err, timedOut, canceled
}

// killGroup sends SIGKILL to every process in the group led by pgid.
func killGroup(pgid int) {
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
