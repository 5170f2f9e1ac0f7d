package hosts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// SSH defaults: every wait is bounded, so a dead host is an error in
// seconds, never a hang.
const (
	DefaultDialTimeout = 10 * time.Second
	DefaultKeepalive   = 15 * time.Second
)

// SSHHost runs commands on one host over SSH: one connection, kept open
// and checked with keepalives, a session per command, redialled when it
// died. Host keys are checked strictly (HostKeys).
type SSHHost struct {
	Name        string // as the inventory names it
	Address     string // host:port
	User        string
	Auth        []ssh.AuthMethod
	Keys        HostKeys
	DialTimeout time.Duration // DefaultDialTimeout when 0
	Keepalive   time.Duration // DefaultKeepalive when 0; negative: none
	MaxOutput   int           // characters kept per stream; DefaultMaxOutput when 0

	mu     sync.Mutex
	client *ssh.Client
	stop   chan struct{} // ends the client's keepalive loop
}

// ErrConnectionLost: the connection ended before the command did; whether
// it ran, or how far, is unknown.
var ErrConnectionLost = errors.New("the connection ended before the command finished")

// Run runs cmd on the host, at most timeout (0: no limit of its own),
// like Local.Run: a non-zero exit is in Output.ExitCode; the error is for
// a command that could not be started or whose connection died.
func (h *SSHHost) Run(ctx context.Context, cmd Command, timeout time.Duration) (Output, error) {
	line, err := RemoteLine(cmd)
	if err != nil {
		return Output{}, err
	}
	c, err := h.conn(ctx)
	if err != nil {
		return Output{}, err
	}
	sess, err := c.NewSession()
	if err != nil {
		// The connection died since its last use: dial once more.
		h.drop(c)
		if c, err = h.conn(ctx); err != nil {
			return Output{}, err
		}
		if sess, err = c.NewSession(); err != nil {
			h.drop(c)
			return Output{}, fmt.Errorf("%s: open a session: %w", h.Name, err)
		}
	}
	defer sess.Close()
	limit := h.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	stdout, stderr := &capture{limit: limit}, &capture{limit: limit}
	sess.Stdout, sess.Stderr = stdout, stderr

	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- sess.Run(line) }()
	var out Output
	runErr, timedOut, canceled := await(ctx, timeout, done)
	out.TimedOut, out.Canceled = timedOut, canceled
	if out.TimedOut || out.Canceled {
		_ = sess.Signal(ssh.SIGKILL)
		// A host that stopped answering may never close the session: the
		// connection goes, and the next command dials again.
		h.drop(c)
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	}
	out.Duration = time.Since(start)
	var t1, t2 bool
	out.Stdout, t1 = stdout.text()
	out.Stderr, t2 = stderr.text()
	out.Truncated = t1 || t2
	var exit *ssh.ExitError
	switch {
	case out.TimedOut:
		out.ExitCode = ExitCodeTimeout
	case out.Canceled:
		out.ExitCode = 128 + 9
	case runErr == nil:
	case errors.As(runErr, &exit):
		out.ExitCode = exit.ExitStatus()
		if exit.Signal() != "" {
			out.ExitCode = 128 + signalNumber(exit.Signal())
		}
	default:
		h.drop(c)
		return out, fmt.Errorf("%s: %w (%v)", h.Name, ErrConnectionLost, runErr)
	}
	return out, nil
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

// conn returns the open connection, dialling one when there is none.
func (h *SSHHost) conn(ctx context.Context) (*ssh.Client, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.client != nil {
		return h.client, nil
	}
	cb, err := h.Keys.Callback()
	if err != nil {
		return nil, err
	}
	c, err := h.dial(ctx, cb)
	if err != nil {
		return nil, err
	}
	h.client, h.stop = c, make(chan struct{})
	if every := h.keepalive(); every > 0 {
		go h.keepAlive(c, every, h.stop)
	}
	return c, nil
}

func (h *SSHHost) keepalive() time.Duration {
	if h.Keepalive == 0 {
		return DefaultKeepalive
	}
	return h.Keepalive
}

// dial connects and shakes hands within DialTimeout (and ctx).
func (h *SSHHost) dial(ctx context.Context, cb ssh.HostKeyCallback) (*ssh.Client, error) {
	timeout := h.DialTimeout
	if timeout <= 0 {
		timeout = DefaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", h.Address)
	if err != nil {
		return nil, fmt.Errorf("%s: connect to %s: %w", h.Name, h.Address, err)
	}
	deadline, _ := ctx.Deadline()
	_ = raw.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	cc, chans, reqs, err := ssh.NewClientConn(raw, h.Address, &ssh.ClientConfig{
		User: h.User, Auth: h.Auth, HostKeyCallback: cb, Timeout: timeout,
	})
	if err != nil {
		raw.Close()
		var unknown *UnknownHostError
		var changed *HostKeyChangedError
		if errors.As(err, &unknown) || errors.As(err, &changed) {
			return nil, fmt.Errorf("%s: %w", h.Name, unknownOrChanged(unknown, changed))
		}
		return nil, fmt.Errorf("%s: SSH handshake with %s: %w", h.Name, h.Address, err)
	}
	_ = raw.SetDeadline(time.Time{})
	return ssh.NewClient(cc, chans, reqs), nil
}

func unknownOrChanged(u *UnknownHostError, c *HostKeyChangedError) error {
	if c != nil {
		return c
	}
	return u
}

// keepAlive asks the server for a reply every interval; one not answered
// within an interval drops the connection, so a dead host is noticed
// between commands.
func (h *SSHHost) keepAlive(c *ssh.Client, every time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		replied := make(chan error, 1)
		go func() {
			_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			replied <- err
		}()
		select {
		case err := <-replied:
			if err == nil {
				continue
			}
		case <-time.After(every):
		case <-stop:
			return
		}
		h.drop(c)
		return
	}
}

// drop closes c if it is still the host's connection.
func (h *SSHHost) drop(c *ssh.Client) {
	h.mu.Lock()
	if h.client == c {
		h.client = nil
		close(h.stop)
	}
	h.mu.Unlock()
	_ = c.Close()
}

// Close ends the connection.
func (h *SSHHost) Close() error {
	h.mu.Lock()
	c := h.client
	h.mu.Unlock()
	if c != nil {
		h.drop(c)
	}
	return nil
}

// errScanned ends a handshake once the host's key is read.
var errScanned = errors.New("host key read")

// ScanKey connects only far enough to read the key the host presents,
// for a person to check its fingerprint before trusting it.
func (h *SSHHost) ScanKey(ctx context.Context) (ssh.PublicKey, error) {
	var key ssh.PublicKey
	_, err := h.dial(ctx, func(_ string, _ net.Addr, k ssh.PublicKey) error {
		key = k
		return errScanned
	})
	if key == nil {
		return nil, err
	}
	return key, nil
}
