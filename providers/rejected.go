package providers

import (
	"sync"
	"time"
)

// rejectedKeys remembers which provider rejected its key, for a while (the
// gateway's Cooldown). Later calls of the same run (the classifier's second
// try, the chat after it, a planner step) get the same sentence at once
// instead of sending the rejected key again; a run started after the
// period asks again, so a fault on the provider's side does not outlive it.
type rejectedKeys struct {
	mu     sync.Mutex
	period time.Duration
	now    func() time.Time
	errs   map[string]rejection
}

type rejection struct {
	err   *Error
	until time.Time
}

// note records an Auth error from provider: a 401, a 403 (a refusal about
// the prompt's content is not Auth, see kindFor) or a key error inside an
// answer.
func (r *rejectedKeys) note(provider string, err error) {
	e, ok := AsError(err)
	if !ok || e.Kind != Auth {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errs == nil {
		r.errs = map[string]rejection{}
	}
	r.errs[provider] = rejection{err: e, until: r.now().Add(r.period)}
}

// get returns a copy of the error a provider's key was rejected with, or
// nil when it was not, or long enough ago to ask again.
func (r *rejectedKeys) get(provider string) *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rj, ok := r.errs[provider]
	if !ok || !r.now().Before(rj.until) {
		return nil
	}
	c := *rj.err
	return &c
}
