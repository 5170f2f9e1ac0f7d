package providers

import (
	"context"
	"errors"
	"time"
)

// errAttemptExpired is the cause an attempt's own timer sets, which tells
// OpenAIConfig.Timeout apart from the caller's context ending.
var errAttemptExpired = errors.New("the provider's attempt timeout passed")

// attemptTimer is one attempt's context, ended by OpenAIConfig.Timeout.
type attemptTimer struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	limit  time.Duration
}

func (p *OpenAI) start(ctx context.Context) *attemptTimer {
	t := &attemptTimer{limit: p.timeout}
	t.ctx, t.cancel = context.WithCancelCause(ctx)
	if t.limit > 0 {
		t.timer = time.AfterFunc(t.limit, func() { t.cancel(errAttemptExpired) })
	}
	return t
}

// touch restarts the timer: a stream made progress.
func (t *attemptTimer) touch() {
	if t.timer != nil {
		t.timer.Reset(t.limit)
	}
}

func (t *attemptTimer) stop() {
	if t.timer != nil {
		t.timer.Stop()
	}
	t.cancel(context.Canceled)
}

func (t *attemptTimer) expired() bool {
	return errors.Is(context.Cause(t.ctx), errAttemptExpired)
}
