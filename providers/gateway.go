package providers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/macroa/macroa/tier"
)

// Options configures a Gateway. Zero values take the defaults given.
type Options struct {
	Providers map[string]Provider
	Tiers     map[tier.Tier][]Route // per tier: primary first, then fallbacks
	Windows   map[string]int        // model → context window in tokens, over DefaultWindows

	MaxAttempts    int           // sends per route, default 3 (1 try + 2 retries)
	AttemptTimeout time.Duration // per attempt (per silence when streaming), default 60s
	BaseBackoff    time.Duration // default 250ms, doubled per retry, full jitter, capped at 4s
	Cooldown       time.Duration // how long a provider is skipped after 3 retryable failures in a row, default 30s
	Concurrency    int           // calls in flight per provider, default 4
	CacheSize      int           // entries, default 256; negative turns the cache off
	CacheTTL       time.Duration // default 10 min

	// Local marks a gateway to an auto-detected local server: its calls
	// cost nothing unless LocalPrices (config.toml [prices]) prices the
	// model, whatever a price list or the server says (see Result).
	Local       bool
	LocalPrices PriceTable

	Now   func() time.Time                                 // default time.Now
	Sleep func(ctx context.Context, d time.Duration) error // default: a timer that ctx interrupts
}

// Defaults for Options.
const (
	DefaultMaxAttempts    = 3
	DefaultAttemptTimeout = 60 * time.Second
	DefaultBaseBackoff    = 250 * time.Millisecond
	DefaultCooldown       = 30 * time.Second
	DefaultConcurrency    = 4
	DefaultCacheSize      = 256
	DefaultCacheTTL       = 10 * time.Minute
)

// Gateway is the model layer's one place for retries, fallback, cooldown,
// priority, caching and the context guard. Providers below it never retry.
// It is safe for concurrent use.
type Gateway struct {
	o        Options
	windows  map[string]int
	cool     *cooldowns
	cache    *responseCache // nil when off
	rejected rejectedKeys
	limitMu  sync.Mutex
	limiters map[string]*limiter
}

var _ Caller = (*Gateway)(nil)

// New returns a Gateway over o.Providers routed by o.Tiers.
func New(o Options) *Gateway {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = DefaultBaseBackoff
	}
	if o.Cooldown <= 0 {
		o.Cooldown = DefaultCooldown
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.CacheSize == 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = DefaultCacheTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	g := &Gateway{
		o:        o,
		windows:  maps.Clone(DefaultWindows),
		cool:     newCooldowns(o.Cooldown, o.Now),
		rejected: rejectedKeys{period: o.Cooldown, now: o.Now},
		limiters: map[string]*limiter{},
	}
	maps.Copy(g.windows, o.Windows)
	if o.CacheSize > 0 {
		g.cache = newResponseCache(o.CacheSize, o.CacheTTL, o.Now)
	}
	return g
}

// Call answers c at its tier, or at a higher one when the prompt only fits
// there. See the package files for each concern: contextguard.go (what is
// sent), fallback.go (where), retry.go (how often), queue.go (when) and
// cache.go (whether at all).
func (g *Gateway) Call(ctx context.Context, c Call) (Result, error) {
	steps, err := g.plan(c)
	if err != nil {
		return Result{}, err
	}
	steps = g.cool.skipCooling(steps)

	r := run{g: g, c: c}
	var last error
	for i, s := range steps {
		res, err := r.route(ctx, s, steps[i+1:])
		if err == nil {
			return res, nil
		}
		last = err
		if ctx.Err() != nil {
			return r.result(s), r.stopped(ctx, err)
		}
		if classify(err) == stopAll {
			return r.result(s), err
		}
	}
	return r.result(steps[len(steps)-1]), r.failure(last)
}

// plan lists the routes to try with the request trimmed for each route's
// model. If no route of the asked tier can take the prompt even after
// trimming, it moves up to the first tier whose model has a larger window
// and can; otherwise it refuses. It never returns a step whose request is
// estimated over its model's window.
func (g *Gateway) plan(c Call) ([]step, error) {
	routes := g.o.Tiers[c.Tier]
	if len(routes) == 0 {
		return nil, fmt.Errorf("no provider is routed for the %s tier: %w", c.Tier, ErrNotConfigured)
	}
	best := tooLongError{window: -1} // the largest window tried, for the error
	t, window := c.Tier, 0
	for {
		var steps []step
		for _, rt := range g.o.Tiers[t] {
			req := c.Request
			if req.Model == "" || t != c.Tier {
				// A tier move takes the new tier's model: the caller's
				// model is the one that was too small.
				req.Model = rt.Model
			}
			w := windowFor(g.windows, req.Model)
			window = max(window, w)
			fitted, ok := fitWindow(req, w)
			if ok {
				steps = append(steps, step{Route: Route{Provider: rt.Provider, Model: req.Model}, tier: t, req: fitted})
			} else if w > best.window {
				best = tooLongError{tokens: requestTokens(fitted), model: req.Model, window: w}
			}
		}
		if len(steps) > 0 {
			return steps, nil
		}
		next, ok := g.largerTier(t, window)
		if !ok {
			return nil, &best
		}
		t = next
	}
}

// largerTier returns the first tier above t with a route whose model's
// window is larger than window.
func (g *Gateway) largerTier(t tier.Tier, window int) (tier.Tier, bool) {
	for {
		next, ok := t.Next()
		if !ok {
			return t, false
		}
		t = next
		for _, rt := range g.o.Tiers[t] {
			if windowFor(g.windows, rt.Model) > window {
				return t, true
			}
		}
	}
}

// limiter returns the in-flight limiter for a provider, made on first use.
func (g *Gateway) limiter(provider string) *limiter {
	g.limitMu.Lock()
	defer g.limitMu.Unlock()
	l := g.limiters[provider]
	if l == nil {
		l = newLimiter(g.o.Concurrency)
		g.limiters[provider] = l
	}
	return l
}

// run is the state of one Call across its routes and attempts.
type run struct {
	g         *Gateway
	c         Call
	attempts  int
	providers []string
	shown     atomic.Bool // text reached OnDelta since the last reset
}

// route tries one step up to MaxAttempts times. rest is the routes after it,
// to know whether leaving a provider that just started cooling down has
// somewhere to go.
func (r *run) route(ctx context.Context, s step, rest []step) (Result, error) {
	p, ok := r.g.o.Providers[s.Provider]
	if !ok {
		return Result{}, &Error{Provider: s.Provider, Kind: Unavailable,
			Message: fmt.Sprintf("provider %q is routed but not defined", s.Provider)}
	}
	key, useCache := "", cacheable(r.c) && r.g.cache != nil
	if useCache {
		key, useCache = cacheKey(s.Provider, s.req)
	}
	if useCache {
		if resp, ok := r.g.cache.get(key); ok {
			// Nothing was sent, so nothing was spent.
			resp.Usage = Usage{}
			res := r.result(s)
			res.Response, res.Provider, res.Cached = resp, s.Provider, true
			return res, nil
		}
	}
	if e := r.g.rejected.get(s.Provider); e != nil {
		return Result{}, e // sending the same key again would be rejected again
	}
	r.providers = append(r.providers, s.Provider)

	var last error
	for n := 1; n <= r.g.o.MaxAttempts; n++ {
		resp, err := r.attempt(ctx, p, s)
		if err == nil {
			r.g.cool.succeeded(s.Provider)
			if useCache {
				r.g.cache.put(key, resp)
			}
			res := r.result(s)
			res.Response, res.Provider = resp, s.Provider
			return res, nil
		}
		last = err
		r.g.rejected.note(s.Provider, err)
		if ctx.Err() != nil || classify(err) != retrySame {
			return Result{}, err
		}
		r.g.cool.failed(s.Provider)
		if n == r.g.o.MaxAttempts || (r.g.cool.cooling(s.Provider) && hasHealthy(r.g.cool, rest)) {
			break
		}
		wait := backoff(r.g.o.BaseBackoff, n)
		if ra := retryAfter(err); ra > maxRetryAfter {
			break
		} else if ra > wait {
			wait = ra
		}
		if err := r.g.o.Sleep(ctx, wait); err != nil || ctx.Err() != nil {
			return Result{}, last
		}
	}
	return Result{}, last
}

// hasHealthy reports whether any of steps goes to a provider not cooling.
func hasHealthy(c *cooldowns, steps []step) bool {
	for _, s := range steps {
		if !c.cooling(s.Provider) {
			return true
		}
	}
	return false
}

// attempt sends once, holding one of the provider's slots. Before a resend
// it calls OnReset if text from an earlier attempt reached OnDelta.
func (r *run) attempt(ctx context.Context, p Provider, s step) (Response, error) {
	lim := r.g.limiter(s.Provider)
	if err := lim.acquire(ctx, r.c.Priority); err != nil {
		return Response{}, fmt.Errorf("wait for %s: %w", s.Provider, err)
	}
	defer lim.release()

	if r.shown.Swap(false) && r.c.OnReset != nil {
		r.c.OnReset()
	}
	r.attempts++

	streaming := r.c.OnDelta != nil
	actx, touch, stop := attemptContext(ctx, r.g.o.AttemptTimeout, streaming)
	defer stop()

	var resp Response
	var err error
	if streaming {
		// active drops a straggling delta that a provider might deliver
		// after its call returned, so it cannot land after a reset.
		var active atomic.Bool
		active.Store(true)
		resp, err = p.Stream(actx, s.req, func(text string) {
			if !active.Load() || text == "" {
				return
			}
			touch()
			r.shown.Store(true)
			r.c.OnDelta(text)
		})
		active.Store(false)
	} else {
		resp, err = p.Complete(actx, s.req)
	}
	if err != nil && timedOut(ctx, actx) {
		// The provider may report our own cut-off as a cancel; it is a
		// timeout of this attempt, and worth a retry.
		err = &Error{Provider: s.Provider, Kind: Timeout, Model: s.req.Model, After: r.g.o.AttemptTimeout,
			Midway: r.shown.Load(), Message: err.Error(), Err: errAttemptTimeout}
	}
	return resp, err
}

// stopped explains a call the caller's context ended: the context's error
// and, when different, the provider's, both reachable with errors.Is/As.
func (r *run) stopped(ctx context.Context, err error) error {
	cause := context.Cause(ctx)
	if errors.Is(err, cause) {
		return fmt.Errorf("model call stopped: %w", err)
	}
	return fmt.Errorf("model call stopped (%w): %w", cause, err)
}

// result fills the bookkeeping fields of a Result.
func (r *run) result(s step) Result {
	res := Result{Tier: s.tier, Attempts: r.attempts, Providers: append([]string(nil), r.providers...)}
	if r.g.o.Local {
		res.LocalPrices = r.g.o.LocalPrices
		if res.LocalPrices == nil {
			res.LocalPrices = PriceTable{}
		}
	}
	return res
}

// failure wraps the last provider error once every route has failed,
// keeping *Error reachable with errors.As.
func (r *run) failure(last error) error {
	n := distinct(r.providers)
	switch {
	case n > 1:
		return fmt.Errorf("all %d providers failed; the last said: %w", n, last)
	case r.attempts > 1:
		return fmt.Errorf("%w (after %d attempts)", last, r.attempts)
	}
	return last
}

func distinct(names []string) int {
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	return len(seen)
}
