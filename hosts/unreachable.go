package hosts

import (
	"fmt"
	"time"
)

// Backoff between dials of a host that could not be reached: the first
// retry after BackoffMin, each failure doubling it up to BackoffMax; a
// connection that succeeds resets it.
const (
	BackoffMin = time.Second
	BackoffMax = time.Minute
)

// UnreachableError is a host that could not be reached: since the first
// of the dials that failed in a row, the last one's error, and when the
// next dial may be tried. Commands before RetryAt fail with it at once.
// Its text is for a person, who asked for a command now: it leaves the
// retry time out (RetryAt is the transport's affair).
type UnreachableError struct {
	Host    string
	Since   time.Time
	Err     error
	RetryAt time.Time
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("%s: unreachable since %s: %v", e.Host, e.Since.Format(time.TimeOnly), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// downState is a host's run of failed dials.
type downState struct {
	since, retryAt time.Time
	backoff        time.Duration
	err            error
}

// failed records a dial that failed at now; d may be nil (the first).
func (d *downState) failed(now time.Time, err error) *downState {
	if d == nil {
		d = &downState{since: now, backoff: BackoffMin}
	} else {
		d.backoff = min(2*d.backoff, BackoffMax)
	}
	d.err, d.retryAt = err, now.Add(d.backoff)
	return d
}

func (d *downState) error(host string) *UnreachableError {
	return &UnreachableError{Host: host, Since: d.since, Err: d.err, RetryAt: d.retryAt}
}

// Unreachable says whether the host's last dials failed, and since when,
// why and when the next may be tried; false once a dial succeeded.
func (h *SSHHost) Unreachable() (UnreachableError, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down == nil {
		return UnreachableError{}, false
	}
	return *h.down.error(h.Label), true
}
