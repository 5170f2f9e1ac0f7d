package providers

import (
	"sync"
	"time"

	"github.com/macroa/macroa/tier"
)

// Route is one step of a tier's fallback chain: a provider and the model to
// ask it for.
type Route struct {
	Provider string
	Model    string
}

// cooldownAfter is how many retryable failures in a row put a provider on
// cooldown (LiteLLM's idea: stop hammering a provider that is down, and
// stop making every request wait for its retries).
const cooldownAfter = 3

// cooldowns tracks consecutive retryable failures per provider.
type cooldowns struct {
	mu     sync.Mutex
	period time.Duration
	now    func() time.Time
	state  map[string]*health
}

type health struct {
	failures int       // retryable failures in a row
	until    time.Time // skipped until then
}

func newCooldowns(period time.Duration, now func() time.Time) *cooldowns {
	return &cooldowns{period: period, now: now, state: map[string]*health{}}
}

// failed records a retryable failure. The count is not cleared when a
// cooldown starts, so once one ends a single further failure starts the
// next: the provider gets one probe, not three more requests' worth.
func (c *cooldowns) failed(provider string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.state[provider]
	if h == nil {
		h = &health{}
		c.state[provider] = h
	}
	h.failures++
	if h.failures >= cooldownAfter {
		h.until = c.now().Add(c.period)
	}
}

// succeeded clears a provider's failures.
func (c *cooldowns) succeeded(provider string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.state, provider)
}

// cooling reports whether a provider is on cooldown now.
func (c *cooldowns) cooling(provider string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.state[provider]
	return h != nil && c.now().Before(h.until)
}

// step is one route of a planned call: where to send, at which tier, and
// the request as trimmed for that route's model.
type step struct {
	Route
	tier tier.Tier
	req  Request
}

// skipCooling drops steps whose provider is cooling down, unless every step
// is: then all are tried anyway, since a provider that may have recovered
// beats a certain failure.
func (c *cooldowns) skipCooling(steps []step) []step {
	healthy := make([]step, 0, len(steps))
	for _, s := range steps {
		if !c.cooling(s.Provider) {
			healthy = append(healthy, s)
		}
	}
	if len(healthy) == 0 {
		return steps
	}
	return healthy
}
