package hosts

import (
	"errors"
	"fmt"
)

// JumpKeyError is a jump host on the way whose key needs a person
// (unknown, changed or revoked): the host behind it waits for that, and
// the key to check is the jump host's, never the host's own. It wraps
// the jump host's key error.
type JumpKeyError struct {
	Jump string // the jump host's name
	Err  error
}

func (e *JumpKeyError) Error() string {
	var unknown *UnknownHostError
	var changed *HostKeyChangedError
	var revoked *HostKeyRevokedError
	switch {
	case errors.As(e.Err, &unknown):
		return fmt.Sprintf("through %s: %s's key is not known: macroa hosts trust %s", e.Jump, e.Jump, e.Jump)
	case errors.As(e.Err, &changed):
		return fmt.Sprintf("through %s: %v", e.Jump, changed)
	case errors.As(e.Err, &revoked):
		return fmt.Sprintf("through %s: %v", e.Jump, revoked)
	}
	return fmt.Sprintf("through %s: %v", e.Jump, e.Err)
}

func (e *JumpKeyError) Unwrap() error { return e.Err }

// throughJump says that the jump host's connection failed with err.
func throughJump(jump string, err error) error {
	if errors.As(err, new(*JumpKeyError)) {
		return fmt.Errorf("through %s: %w", jump, err) // a hop further on said whose key
	}
	if errors.As(err, new(*UnknownHostError)) || errors.As(err, new(*HostKeyChangedError)) || errors.As(err, new(*HostKeyRevokedError)) {
		return &JumpKeyError{Jump: jump, Err: err}
	}
	return fmt.Errorf("through %s: %w", jump, err)
}
