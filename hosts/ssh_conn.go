package hosts

import (
	"context"
	"errors"
	"fmt"
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
		closes := h.closes
		h.mu.Unlock()

		client, err := h.handshake(ctx, nil, h.Keys.Algorithms(h.Address))

		h.mu.Lock()
		h.dialing = nil
		close(dialing)
		if err == nil && h.closes != closes {
			// Closed meanwhile (the pool replaced the host): a
			// connection kept now would outlive its owner.
			h.mu.Unlock()
			client.Close()
			return nil, fmt.Errorf("%s: closed while connecting", h.Label)
		}
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

// needsPerson: a host key unknown, changed or revoked, or no key accepted.
func needsPerson(err error) bool {
	return errors.As(err, new(*UnknownHostError)) || errors.As(err, new(*HostKeyChangedError)) ||
		errors.As(err, new(*HostKeyRevokedError)) || errors.As(err, new(*AuthError))
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
