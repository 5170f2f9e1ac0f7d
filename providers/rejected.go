package providers

import (
	"net/http"
	"sync"
)

// rejectedKeys remembers which provider rejected its key. A Gateway's keys
// come from the configuration it was built with, so a key rejected once is
// rejected for the rest of its life: later calls (the classifier's second
// try, the chat after it, a planner step) get the same sentence at once
// instead of sending the key again.
type rejectedKeys struct {
	mu   sync.Mutex
	errs map[string]*Error
}

// rejectKey is the latch key for e: the provider for a rejected key
// (401, or a key error inside an answer), the provider and model for a
// refused access (403), which may hold for one model only.
func rejectKey(provider, model string, e *Error) string {
	if e.Status == http.StatusForbidden {
		return provider + "\x00" + model
	}
	return provider
}

// note records an Auth error from provider for model.
func (r *rejectedKeys) note(provider, model string, err error) {
	e, ok := AsError(err)
	if !ok || e.Kind != Auth {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errs == nil {
		r.errs = map[string]*Error{}
	}
	r.errs[rejectKey(provider, model, e)] = e
}

// get returns a copy of the error a provider's key (or its access to model)
// was rejected with, or nil.
func (r *rejectedKeys) get(provider, model string) *Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.errs[provider]
	if e == nil {
		e = r.errs[provider+"\x00"+model]
	}
	if e == nil {
		return nil
	}
	c := *e
	return &c
}
