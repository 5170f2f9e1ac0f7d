package hosts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/ssh"
)

// openSession opens a session for one command on the connection, in a
// free slot (see slots), dialling first when needed. A connection found
// dead, or with every slot held by commands that would not die, is
// replaced once. It waits at most until ctx ends, and each
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
		if (errors.Is(err, errConnDead) || errors.Is(err, errConnFull)) && attempt == 0 {
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
		// Refused: the limit is learned; acquire waits for a slot.
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

// kill ends a command that ran out of time or was cancelled: SIGKILL,
// and its session closed. OpenSSH delivers signals only to a user other
// than root (for root it runs without privilege separation after login,
// and refuses them), and keeps the session of a command still running:
// such a command runs on, its session lingers and keeps its slot until
// it ends (said by the true result). Only a connection that no longer
// answers, or whose every slot such sessions hold, is dropped, so the
// commands beside it go on.
func (h *SSHHost) kill(c *sshConn, sess *ssh.Session, done <-chan error) (lingering bool) {
	_ = sess.Signal(ssh.SIGKILL)
	_ = sess.Close()
	select {
	case <-done:
		return false
	case <-time.After(killGrace):
	}
	if !h.answers(c) {
		h.drop(c) // the session ends with the connection
		return false
	}
	if c.slots.linger() {
		// Lingering sessions hold every slot: the next command would
		// wait for ever. A new connection starts with all of them.
		h.drop(c)
	}
	go func() {
		<-done
		c.slots.unlinger()
	}()
	return true
}

// answers says whether the server replies to a keepalive within
// killGrace.
func (h *SSHHost) answers(c *sshConn) bool {
	replied := make(chan error, 1)
	go func() {
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		replied <- err
	}()
	select {
	case err := <-replied:
		return err == nil
	case <-time.After(killGrace):
		return false
	}
}
