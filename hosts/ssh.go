package hosts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/config"
)

// SSH defaults: every wait is bounded, so a dead host is an error in
// seconds, never a hang.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultKeepalive   = 15 * time.Second
)

// SSHHost runs commands on one host over SSH: one connection, kept open
// and checked with keepalives, its sessions (one per command) run side
// by side up to the server's limit, redialled when it died, after a
// backoff when dialling failed. Host keys are checked strictly (HostKeys).
type SSHHost struct {
	Label   string // the host's inventory name, returned by Name
	Address string // host:port
	User    string
	Auth    []ssh.AuthMethod
	// AuthNotes say which key files were left out and why (encrypted and
	// held by no agent, unreadable): said when no key was accepted.
	AuthNotes []string
	Keys      HostKeys
	// Jump is the host this one is reached through (ProxyJump): its own
	// connection, its own host key check. Nil: directly.
	Jump        *SSHHost
	Sudo        config.SudoPolicy // how a command that needs root runs (ApplySudo)
	DialTimeout time.Duration     // connect and handshake, and opening a session; DefaultDialTimeout when 0
	Keepalive   time.Duration     // DefaultKeepalive when 0; negative: none
	MaxOutput   int               // characters kept per stream; DefaultMaxOutput when 0

	mu      sync.Mutex
	cur     *sshConn
	dialing chan struct{} // closed when the dial under way ends
	down    *downState    // the last dials failed
	closes  int           // Close calls: a dial that saw one is not kept

	sandbox sandboxCache // what the host offers to confine a command (remote_sandbox.go)
}

var _ Transport = (*SSHHost)(nil)

// ErrConnectionLost: the connection ended before the command did; whether
// it ran, or how far, is unknown.
var ErrConnectionLost = errors.New("the connection ended before the command finished")

// killGrace is how long a killed session may take to end before the
// connection is asked whether it still answers, and how long that
// answer may take: a command's timeout is overrun by at most twice this.
const killGrace = time.Second

// Name is the host's inventory name.
func (h *SSHHost) Name() string { return h.Label }

// Run runs cmd on the host, at most timeout (0: no limit of its own),
// like Local.Run: a non-zero exit is in Output.ExitCode; the error is for
// a command that could not be started (the host is unreachable, its key
// unknown or changed, no session could be opened in time) or whose
// connection died (ErrConnectionLost).
func (h *SSHHost) Run(ctx context.Context, cmd Command, timeout time.Duration) (Output, error) {
	return h.Stream(ctx, cmd, timeout, nil)
}

// Stream is Run handing each line of output to onLine as it is printed,
// by Local.Stream's rules. The timeout counts from the call: waiting for
// the connection or a free session is part of it.
func (h *SSHHost) Stream(ctx context.Context, cmd Command, timeout time.Duration, onLine func(Line)) (Output, error) {
	line, err := RemoteLine(ApplySudo(cmd, h.Sudo, h.User))
	if err != nil {
		return Output{}, err
	}
	start := time.Now()
	openCtx := ctx
	if timeout > 0 {
		// Connecting and waiting for a free session count against the
		// command's time.
		var cancel context.CancelFunc
		openCtx, cancel = context.WithTimeoutCause(ctx, timeout, errOpenTimeout)
		defer cancel()
	}
	c, sess, err := h.openSession(openCtx)
	if err != nil {
		return Output{}, err
	}
	lingering := false
	defer func() {
		if !lingering {
			c.slots.release()
		}
	}()
	defer sess.Close()

	limit := h.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	out := newOutputs(limit, onLine)
	sess.Stdout, sess.Stderr = out.stdout, out.stderr

	done := make(chan error, 1)
	go func() { done <- sess.Run(line) }()
	left := time.Duration(0)
	if timeout > 0 {
		left = max(timeout-time.Since(start), time.Nanosecond)
	}
	var res Output
	runErr, timedOut, canceled := await(ctx, left, done)
	res.TimedOut, res.Canceled = timedOut, canceled
	if timedOut || canceled {
		lingering = h.kill(c, sess, done)
	}
	res.Duration = time.Since(start)
	// Nothing is handed on after this: output still arriving from an
	// abandoned session is dropped.
	res.Stdout, res.Stderr, res.Truncated = out.finish()

	var exit *ssh.ExitError
	switch {
	case res.TimedOut:
		res.ExitCode = ExitCodeTimeout
	case res.Canceled:
		res.ExitCode = 128 + 9
	case runErr == nil:
	case errors.As(runErr, &exit):
		res.ExitCode = exit.ExitStatus()
		if exit.Signal() != "" {
			res.ExitCode = 128 + signalNumber(exit.Signal())
		}
	case h.answers(c):
		// The connection is fine: the host would not run the command
		// (it refused the request, or ended it without a status).
		return res, fmt.Errorf("%s: run the command: %w", h.Label, runErr)
	default:
		h.drop(c)
		return res, fmt.Errorf("%s: %w (%v)", h.Label, ErrConnectionLost, runErr)
	}
	return res, nil
}

// signalNumber is the number of a signal SSH names ("KILL"); 0 unknown.
func signalNumber(name string) int {
	switch ssh.Signal(name) {
	case ssh.SIGHUP:
		return 1
	case ssh.SIGINT:
		return 2
	case ssh.SIGKILL:
		return 9
	case ssh.SIGSEGV:
		return 11
	case ssh.SIGPIPE:
		return 13
	case ssh.SIGTERM:
		return 15
	}
	return 0
}

// Close ends the connection, and one being dialled; commands still
// running on it end with ErrConnectionLost. The host may be used again:
// it dials anew.
func (h *SSHHost) Close() error {
	h.mu.Lock()
	c := h.cur
	h.closes++
	h.mu.Unlock()
	if c != nil {
		h.drop(c)
	}
	return nil
}
