package hosts

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
)

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
		var revoked *HostKeyRevokedError
		switch {
		case errors.As(err, &revoked):
			revoked.Name = h.Label
			return nil, revoked
		case errors.As(err, &changed):
			changed.Name = h.Label
			return nil, changed
		case errors.As(err, &unknown):
			unknown.Name = h.Label
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
				return nil, throughJump(h.Jump.Label, err)
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
