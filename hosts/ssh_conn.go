package hosts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// sshConn is one open connection and the sessions running on it.
type sshConn struct {
	client *ssh.Client
	stop   chan struct{} // ends the keepalive loop; closed by drop
	slots  *slots
}

// conn returns the open connection, dialling one when there is none: one
// dial at a time (the others wait for it), none while a backoff after
// failed dials runs (UnreachableError at once). A host key error or a
// refused login (AuthError) is returned as is, every time: it needs a
// person, not a retry.
func (h *SSHHost) conn(ctx context.Context) (*sshConn, error) {
	for {
		h.mu.Lock()
		if h.cur != nil {
			c := h.cur
			h.mu.Unlock()
			return c, nil
		}
		if h.down != nil && time.Now().Before(h.down.retryAt) {
			err := h.down.error(h.Label)
			h.mu.Unlock()
			return nil, err
		}
		if wait := h.dialing; wait != nil {
			h.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("%s: wait for the connection: %w", h.Label, ctxErr(ctx))
			}
		}
		dialing := make(chan struct{})
		h.dialing = dialing
		h.mu.Unlock()

		client, err := h.handshake(ctx, nil, h.Keys.Algorithms(h.Address))

		h.mu.Lock()
		h.dialing = nil
		close(dialing)
		if err == nil {
			c := &sshConn{client: client, stop: make(chan struct{}), slots: newSlots()}
			h.cur, h.down = c, nil
			h.mu.Unlock()
			if every := h.keepalive(); every > 0 {
				go h.keepAlive(c, every)
			}
			return c, nil
		}
		if needsPerson(err) || ctx.Err() != nil {
			// A person must act, or the caller gave up: neither says
			// the host is down, and a host that showed its key or
			// refused a login answered.
			if needsPerson(err) {
				h.down = nil
			}
			h.mu.Unlock()
			return nil, fmt.Errorf("%s: %w", h.Label, err)
		}
		h.down = h.down.failed(time.Now(), err)
		ue := h.down.error(h.Label)
		h.mu.Unlock()
		return nil, ue
	}
}

// needsPerson: a host key unknown or changed, or no key accepted.
func needsPerson(err error) bool {
	return errors.As(err, new(*UnknownHostError)) || errors.As(err, new(*HostKeyChangedError)) ||
		errors.As(err, new(*AuthError))
}

func (h *SSHHost) keepalive() time.Duration {
	if h.Keepalive == 0 {
		return DefaultKeepalive
	}
	return h.Keepalive
}

func (h *SSHHost) dialTimeout() time.Duration {
	if h.DialTimeout <= 0 {
		return DefaultDialTimeout
	}
	return h.DialTimeout
}

// handshake connects (directly, or through Jump's connection) and logs
// in within the dial timeout and ctx. cb checks the host key; nil: Keys.
// algos are the host key algorithms asked for (nil: any). Its errors do
// not name the host: the caller does.
func (h *SSHHost) handshake(ctx context.Context, cb ssh.HostKeyCallback, algos []string) (*ssh.Client, error) {
	if cb == nil {
		var err error
		if cb, err = h.Keys.Callback(); err != nil {
			return nil, err
		}
	}
	timeout := h.dialTimeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	raw, err := h.rawConn(ctx)
	if err != nil {
		return nil, err
	}
	// The handshake ends with ctx: closing the connection unblocks it,
	// a TCP one and a channel through a jump host alike.
	unbound := context.AfterFunc(ctx, func() { _ = raw.Close() })
	cc, chans, reqs, err := ssh.NewClientConn(raw, h.Address, &ssh.ClientConfig{
		User: h.User, Auth: h.Auth, HostKeyCallback: cb, HostKeyAlgorithms: algos, Timeout: timeout,
	})
	if err != nil {
		raw.Close()
		var unknown *UnknownHostError
		var changed *HostKeyChangedError
		switch {
		case errors.As(err, &changed):
			return nil, changed
		case errors.As(err, &unknown):
			return nil, unknown
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, &AuthError{Address: h.Address, User: h.User, NoKeys: len(h.Auth) == 0, Notes: h.AuthNotes, Err: err}
		case ctx.Err() != nil:
			return nil, fmt.Errorf("SSH handshake with %s: no answer in time", h.Address)
		}
		return nil, fmt.Errorf("SSH handshake with %s: %w", h.Address, err)
	}
	client := ssh.NewClient(cc, chans, reqs)
	if !unbound() {
		client.Close()
		return nil, fmt.Errorf("SSH handshake with %s: no answer in time", h.Address)
	}
	return client, nil
}

// rawConn is the byte stream to the host: a TCP connection, or a channel
// through the jump host's connection.
func (h *SSHHost) rawConn(ctx context.Context) (net.Conn, error) {
	if h.Jump != nil {
		for attempt := 0; ; attempt++ {
			jc, err := h.Jump.conn(ctx)
			if err != nil {
				var ue *UnreachableError
				if errors.As(err, &ue) {
					err = ue.Err // said once, by this host's own UnreachableError
				}
				return nil, fmt.Errorf("through %s: %w", h.Jump.Label, err)
			}
			raw, err := jc.client.DialContext(ctx, "tcp", h.Address)
			if err == nil {
				return raw, nil
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("connect to %s through %s: no answer in time", h.Address, h.Jump.Label)
			}
			if errors.As(err, new(*ssh.OpenChannelError)) || attempt > 0 {
				return nil, fmt.Errorf("connect to %s through %s: %w", h.Address, h.Jump.Label, err)
			}
			// Not refused by the jump host: its connection is gone.
			// Dial it once more.
			h.Jump.drop(jc)
		}
	}
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", h.Address)
	if err != nil {
		return nil, &dialError{addr: h.Address, err: err, late: ctx.Err() != nil}
	}
	return raw, nil
}

// dialError is a TCP connect that failed, said in few words: "connect to
// 10.0.0.5:22: connection refused".
type dialError struct {
	addr string
	err  error
	late bool // the dial timeout (or the caller) ended it
}

func (e *dialError) Error() string {
	reason := e.err.Error()
	var se *os.SyscallError
	var op *net.OpError
	switch {
	case e.late:
		reason = "no answer in time"
	case errors.As(e.err, &se):
		reason = se.Err.Error()
	case errors.As(e.err, &op) && op.Err != nil:
		reason = op.Err.Error()
	}
	return "connect to " + e.addr + ": " + reason
}

func (e *dialError) Unwrap() error { return e.err }

// AuthError is a host that accepted none of the keys offered: like a
// host key error, it needs a person (a key to add to the agent or the
// host), so it is returned as is every time, without a backoff.
type AuthError struct {
	Address, User string
	NoKeys        bool     // there was no agent and no key file to offer
	Notes         []string // key files left out, and why
	Err           error
}

func (e *AuthError) Error() string {
	msg := fmt.Sprintf("log in to %s as %s: no key was accepted", e.Address, e.User)
	if e.NoKeys {
		msg += " (no ssh-agent and no key file)"
	}
	if len(e.Notes) > 0 {
		msg += "; left out: " + strings.Join(e.Notes, "; ")
	}
	return msg
}

func (e *AuthError) Unwrap() error { return e.Err }

// openSession opens a session for one command on the connection, in a
// free slot (see slots), dialling first when needed. A connection found
// dead is dialled once more. It waits at most until ctx ends, and each
// open at most the dial timeout.
func (h *SSHHost) openSession(ctx context.Context) (*sshConn, *ssh.Session, error) {
	for attempt := 0; ; attempt++ {
		c, err := h.conn(ctx)
		if err != nil {
			return nil, nil, err
		}
		sess, err := h.sessionIn(ctx, c)
		if err == nil {
			return c, sess, nil
		}
		if errors.Is(err, errConnDead) && attempt == 0 {
			h.drop(c)
			continue
		}
		return nil, nil, fmt.Errorf("%s: %w", h.Label, err)
	}
}

var errConnDead = errors.New("the connection is gone")

// sessionIn opens a session in one of c's slots. A server refusing it
// (over its MaxSessions) teaches the slots its limit and the open waits
// for a slot to free.
func (h *SSHHost) sessionIn(ctx context.Context, c *sshConn) (*ssh.Session, error) {
	for {
		if err := c.slots.acquire(ctx); err != nil {
			return nil, err
		}
		sess, err := h.newSession(ctx, c)
		if err == nil {
			c.slots.opened()
			return sess, nil
		}
		var refused *ssh.OpenChannelError
		if !errors.As(err, &refused) {
			c.slots.abandon()
			return nil, err
		}
		if err := c.slots.refused(ctx); err != nil {
			return nil, fmt.Errorf("open a session: %v; %w", refused, err)
		}
	}
}

// newSession opens one session within the dial timeout; a connection
// that does not answer in time is dropped.
func (h *SSHHost) newSession(ctx context.Context, c *sshConn) (*ssh.Session, error) {
	type result struct {
		s   *ssh.Session
		err error
	}
	got := make(chan result, 1)
	go func() {
		s, err := c.client.NewSession()
		got <- result{s, err}
	}()
	t := time.NewTimer(h.dialTimeout())
	defer t.Stop()
	var r result
	select {
	case r = <-got:
	case <-t.C:
		h.drop(c)
		r = <-got // the connection is closed: the open ends now
		if r.s != nil {
			r.s.Close()
		}
		return nil, fmt.Errorf("open a session: no answer within %v", h.dialTimeout())
	case <-ctx.Done():
		go func() {
			if r := <-got; r.s != nil {
				r.s.Close()
			}
		}()
		return nil, fmt.Errorf("open a session: %w", ctxErr(ctx))
	}
	if r.err != nil {
		var refused *ssh.OpenChannelError
		if errors.As(r.err, &refused) {
			return nil, r.err
		}
		return nil, fmt.Errorf("open a session: %w: %w", errConnDead, r.err)
	}
	return r.s, nil
}

// keepAlive asks the server for a reply every interval; one not answered
// within an interval drops the connection, so a dead host is noticed
// between commands.
func (h *SSHHost) keepAlive(c *sshConn, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		replied := make(chan error, 1)
		go func() {
			_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
			replied <- err
		}()
		select {
		case err := <-replied:
			if err == nil {
				continue
			}
		case <-time.After(every):
		case <-c.stop:
			return
		}
		h.drop(c)
		return
	}
}

// drop closes c, and forgets it if it is still the host's connection.
func (h *SSHHost) drop(c *sshConn) {
	h.mu.Lock()
	if h.cur == c {
		h.cur = nil
	}
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	h.mu.Unlock()
	_ = c.client.Close()
}

// errScanned ends a handshake once the host's key is read.
var errScanned = errors.New("host key read")

// ScanKey connects only far enough to read the key the host presents,
// for a person to check its fingerprint before trusting it: of the type
// known for it, when one is and the host still has a key of that type,
// so a second key type is not taken for a change. It neither uses nor
// changes the host's connection or backoff.
func (h *SSHHost) ScanKey(ctx context.Context) (ssh.PublicKey, error) {
	var key ssh.PublicKey
	scan := func(_ string, _ net.Addr, k ssh.PublicKey) error {
		key = k
		return errScanned
	}
	_, err := h.handshake(ctx, scan, h.Keys.Algorithms(h.Address))
	if key == nil {
		return nil, fmt.Errorf("%s: read the host key: %w", h.Label, err)
	}
	return key, nil
}
