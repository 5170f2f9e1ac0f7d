package providers

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

const (
	// maxBackoff caps the wait between two attempts at one route.
	maxBackoff = 4 * time.Second
	// maxRetryAfter is the longest Retry-After the gateway will sit out.
	// A provider asking for more is treated as down for this call: the
	// next route is better than a person staring at a spinner.
	maxRetryAfter = 10 * time.Second
)

// backoff returns the wait before retry number n (1 for the first retry):
// "full jitter", a random duration in [0, min(cap, base·2^(n-1))], which
// spreads out clients that failed together better than a fixed doubling.
func backoff(base time.Duration, n int) time.Duration {
	if base <= 0 {
		return 0
	}
	d := base
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	return rand.N(d + 1)
}

// retryAfterer is implemented by provider errors that carry the server's
// Retry-After; the gateway honours it when present.
type retryAfterer interface {
	RetryAfter() time.Duration
}

// retryAfter returns the wait a provider asked for, or 0.
func retryAfter(err error) time.Duration {
	var ra retryAfterer
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

// outcome is what the gateway does after a failed attempt.
type outcome int

const (
	retrySame outcome = iota // a transient fault: try this route again after a backoff
	nextRoute                // this provider cannot serve it: try the next route now
	stopAll                  // no route can serve it (bad request, canceled): stop
)

// classify decides what follows a failed attempt from the error kind. Only
// errors that say they are retryable are retried; an error of an unknown
// type is not, but another provider may still answer, so it moves on.
func classify(err error) outcome {
	pe, ok := AsError(err)
	if !ok {
		return nextRoute
	}
	if pe.Retryable() {
		return retrySame
	}
	switch {
	case pe.Kind == BadRequest && pe.Status == 404:
		// A wrong path is this provider's base URL at fault, not the request.
		return nextRoute
	case pe.Kind == BadRequest, pe.Kind == Canceled:
		return stopAll
	case pe.Kind == Auth:
		// The configured key was rejected: say which setting to fix now.
		// Sending the request elsewhere would hide that, and would send it
		// to a provider the person did not choose for it.
		return stopAll
	}
	return nextRoute
}

// errAttemptTimeout is the cause set when one attempt runs out of time while
// the caller's context is still live.
var errAttemptTimeout = errors.New("attempt timed out")

// attemptContext bounds one attempt. For a plain call the limit covers the
// whole call; for a streamed one it is the longest silence allowed, reset by
// every delta, so a long answer that keeps arriving is not cut off. The
// caller's own deadline still wins in both cases. The returned touch resets
// the silence timer; stop releases the context.
func attemptContext(ctx context.Context, limit time.Duration, streaming bool) (actx context.Context, touch func(), stop func()) {
	cctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(limit, func() { cancel(errAttemptTimeout) })
	touch = func() {}
	if streaming {
		touch = func() { timer.Reset(limit) }
	}
	return cctx, touch, func() { timer.Stop(); cancel(context.Canceled) }
}

// timedOut reports whether an attempt ended because of its own limit, not
// the caller's context.
func timedOut(parent, actx context.Context) bool {
	return parent.Err() == nil && errors.Is(context.Cause(actx), errAttemptTimeout)
}

// sleepCtx waits d or until ctx ends, whichever is first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
