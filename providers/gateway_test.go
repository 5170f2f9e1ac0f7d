package providers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// The gateway tests send every model call through NewOpenAI to a real
// providertest server; only time (Now, Sleep) is injected.

// testClock is a settable Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock { return &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sleepRecorder is a Sleep that returns at once (unless ctx is done) and
// remembers what it was asked to wait.
type sleepRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waits)
}

// backend is one named provider: a providertest server and the real
// OpenAI-compatible client pointed at it.
type backend struct {
	name string
	srv  *providertest.Server
	prov Provider
}

func newBackend(t testing.TB, name string) *backend {
	t.Helper()
	srv := providertest.New(t)
	return &backend{name: name, srv: srv, prov: NewOpenAI(OpenAIConfig{
		Name: name, BaseURL: srv.URL(), APIKey: "sk-test-" + name, Timeout: 10 * time.Second,
	})}
}

func (b *backend) sent() int { return len(b.srv.ChatRequests()) }

// newGateway routes tier nano through the backends in order, all asking
// for model, with fast injected time.
func newGateway(t testing.TB, model string, o Options, backends ...*backend) (*Gateway, *testClock, *sleepRecorder) {
	t.Helper()
	clock, sleeper := newTestClock(), &sleepRecorder{}
	o.Providers = map[string]Provider{}
	var routes []Route
	for _, b := range backends {
		o.Providers[b.name] = b.prov
		routes = append(routes, Route{Provider: b.name, Model: model})
	}
	if o.Tiers == nil {
		o.Tiers = map[tier.Tier][]Route{tier.Nano: routes}
	}
	if o.Now == nil {
		o.Now = clock.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleeper.Sleep
	}
	return New(o), clock, sleeper
}

func userCall(text string) Call {
	return Call{Tier: tier.Nano, Request: Request{Messages: []Message{{Role: RoleUser, Content: text}}}}
}

func TestCallRetriesAndFallsBack(t *testing.T) {
	ok := providertest.Reply{Content: "fine"}
	s503 := providertest.Reply{Status: 503}
	tests := []struct {
		name          string
		primary       []providertest.Reply
		fallback      []providertest.Reply // nil: no fallback route
		wantContent   string
		wantErr       []string // substrings; nil: success
		wantKind      ErrorKind
		wantAttempts  int
		wantProviders []string
		wantSleeps    int
	}{
		{name: "retry then success", primary: []providertest.Reply{s503, s503, ok},
			wantContent: "fine", wantAttempts: 3, wantProviders: []string{"a"}, wantSleeps: 2},
		{name: "rate limited then success", primary: []providertest.Reply{{Status: 429}, ok},
			wantContent: "fine", wantAttempts: 2, wantProviders: []string{"a"}, wantSleeps: 1},
		{name: "retries exhausted", primary: []providertest.Reply{s503, s503, s503},
			wantErr: []string{"after 3 attempts"}, wantKind: Unavailable, wantAttempts: 3, wantProviders: []string{"a"}, wantSleeps: 2},
		{name: "401 stops without a retry or a fallback", primary: []providertest.Reply{{Status: 401}},
			fallback: []providertest.Reply{ok}, wantErr: []string{"rejected the API key", "check api_key"}, wantKind: Auth,
			wantAttempts: 1, wantProviders: []string{"a"}},
		{name: "403 stops without a retry or a fallback", primary: []providertest.Reply{{Status: 403, Error: "key disabled"}},
			fallback: []providertest.Reply{ok}, wantErr: []string{"refused access", "key disabled"}, wantKind: Auth,
			wantAttempts: 1, wantProviders: []string{"a"}},
		{name: "a rejected key in the fallback stops there", primary: []providertest.Reply{s503, s503, s503},
			fallback: []providertest.Reply{{Status: 401, Error: "bad key for b"}}, wantErr: []string{"bad key for b"}, wantKind: Auth,
			wantAttempts: 4, wantProviders: []string{"a", "b"}, wantSleeps: 2},
		{name: "unknown model goes to the fallback", primary: []providertest.Reply{{Status: 404, Error: "no such model"}},
			fallback: []providertest.Reply{ok}, wantContent: "fine", wantAttempts: 2, wantProviders: []string{"a", "b"}},
		{name: "exhausted primary falls back", primary: []providertest.Reply{s503, s503, s503},
			fallback: []providertest.Reply{ok}, wantContent: "fine", wantAttempts: 4, wantProviders: []string{"a", "b"}, wantSleeps: 2},
		{name: "bad request stops", primary: []providertest.Reply{{Status: 400, Error: "messages must not be empty"}},
			fallback: []providertest.Reply{ok}, wantErr: []string{"messages must not be empty"}, wantKind: BadRequest,
			wantAttempts: 1, wantProviders: []string{"a"}},
		{name: "every route fails", primary: []providertest.Reply{{Status: 404, Error: "model m1 not found"}},
			fallback: []providertest.Reply{{Status: 404, Error: "no model m1 for b"}}, wantErr: []string{"all 2 providers failed", "model \"m1\" is unknown to b"},
			wantKind: UnknownModel, wantAttempts: 2, wantProviders: []string{"a", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			a.srv.Script(tc.primary...)
			backends := []*backend{a}
			var b *backend
			if tc.fallback != nil {
				b = newBackend(t, "b")
				b.srv.Script(tc.fallback...)
				backends = append(backends, b)
			}
			g, _, sleeper := newGateway(t, "m1", Options{}, backends...)
			res, err := g.Call(context.Background(), userCall("hi"))

			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Call: %v", err)
				}
				if res.Content != tc.wantContent {
					t.Errorf("content = %q, want %q", res.Content, tc.wantContent)
				}
				if want := tc.wantProviders[len(tc.wantProviders)-1]; res.Provider != want {
					t.Errorf("provider = %q, want %q", res.Provider, want)
				}
			} else {
				if err == nil {
					t.Fatalf("Call succeeded with %q; want an error", res.Content)
				}
				for _, s := range tc.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q is more than one line", err)
				}
				pe, ok := AsError(err)
				if !ok || pe.Kind != tc.wantKind {
					t.Errorf("AsError(%v) = %+v, %v; want kind %v", err, pe, ok, tc.wantKind)
				}
			}
			if res.Attempts != tc.wantAttempts {
				t.Errorf("attempts = %d, want %d", res.Attempts, tc.wantAttempts)
			}
			if strings.Join(res.Providers, ",") != strings.Join(tc.wantProviders, ",") {
				t.Errorf("providers = %v, want %v", res.Providers, tc.wantProviders)
			}
			sent := a.sent()
			if b != nil {
				sent += b.sent()
			}
			if sent != tc.wantAttempts {
				t.Errorf("servers received %d requests, want %d", sent, tc.wantAttempts)
			}
			if sleeper.count() != tc.wantSleeps {
				t.Errorf("slept %d times (%v), want %d", sleeper.count(), sleeper.waits, tc.wantSleeps)
			}
		})
	}
}

func TestCallUsesTierModelUnlessRequestNamesOne(t *testing.T) {
	tests := []struct {
		name, reqModel, want string
	}{
		{"tier model", "", "tier-model"},
		{"request model", "asked-model", "asked-model"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			g, _, _ := newGateway(t, "tier-model", Options{}, a)
			c := userCall("hi")
			c.Request.Model = tc.reqModel
			if _, err := g.Call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			reqs := a.srv.ChatRequests()
			if len(reqs) != 1 || reqs[0].Chat.Model != tc.want {
				t.Fatalf("server saw %d requests, model %q; want 1 for %q", len(reqs), reqs[0].Chat.Model, tc.want)
			}
		})
	}
}

func TestCallWithoutRouteIsNotConfigured(t *testing.T) {
	a := newBackend(t, "a")
	g, _, _ := newGateway(t, "m", Options{}, a)
	c := userCall("hi")
	c.Tier = tier.Opus
	_, err := g.Call(context.Background(), c)
	if !errors.Is(err, ErrNotConfigured) || !strings.Contains(err.Error(), "opus") {
		t.Fatalf("err = %v; want ErrNotConfigured naming the opus tier", err)
	}
	if a.sent() != 0 {
		t.Fatalf("sent %d requests", a.sent())
	}
}

func TestStreamFallbackAfterDropResetsOnce(t *testing.T) {
	const fallbackText = "The answer is forty-two."
	drop := providertest.Reply{Chunks: []string{"Partial ", "answer ", "that ", "never ends"}, DropAfter: 2}
	tests := []struct {
		name        string
		maxAttempts int
		primary     []providertest.Reply
		wantSent    int // to the primary
	}{
		{name: "one attempt per route", maxAttempts: 1, primary: []providertest.Reply{drop}, wantSent: 1},
		{name: "retries fail without text", maxAttempts: 3,
			primary: []providertest.Reply{drop, {Status: 503}, {Status: 503}}, wantSent: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newBackend(t, "a"), newBackend(t, "b")
			a.srv.Script(tc.primary...)
			b.srv.Script(providertest.Reply{Content: fallbackText})
			g, _, _ := newGateway(t, "m", Options{MaxAttempts: tc.maxAttempts}, a, b)

			var mu sync.Mutex
			var before, after strings.Builder
			resets := 0
			c := userCall("question")
			c.OnDelta = func(s string) {
				mu.Lock()
				defer mu.Unlock()
				if resets == 0 {
					before.WriteString(s)
				} else {
					after.WriteString(s)
				}
			}
			c.OnReset = func() {
				mu.Lock()
				defer mu.Unlock()
				resets++
			}
			res, err := g.Call(context.Background(), c)
			if err != nil {
				t.Fatalf("Call: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if before.Len() == 0 {
				t.Errorf("the primary streamed nothing before dying; the test proves nothing")
			}
			if resets != 1 {
				t.Errorf("OnReset called %d times, want 1", resets)
			}
			if after.String() != fallbackText {
				t.Errorf("text after the reset = %q, want exactly %q", after.String(), fallbackText)
			}
			if res.Content != fallbackText || res.Provider != "b" {
				t.Errorf("result = %q from %q", res.Content, res.Provider)
			}
			if strings.Join(res.Providers, ",") != "a,b" {
				t.Errorf("providers = %v, want [a b]", res.Providers)
			}
			if a.sent() != tc.wantSent || res.Attempts != tc.wantSent+1 {
				t.Errorf("primary got %d requests, attempts %d; want %d and %d", a.sent(), res.Attempts, tc.wantSent, tc.wantSent+1)
			}
		})
	}
}

func TestStreamWithoutFailureNeverResets(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.Script(providertest.Reply{Chunks: []string{"one ", "two ", "three"}})
	g, _, _ := newGateway(t, "m", Options{}, a)
	var got strings.Builder
	c := userCall("count")
	c.OnDelta = func(s string) { got.WriteString(s) }
	c.OnReset = func() { t.Error("OnReset called without a retry") }
	res, err := g.Call(context.Background(), c)
	if err != nil || got.String() != "one two three" || res.Content != "one two three" || res.Attempts != 1 {
		t.Fatalf("Call = %q, %q, attempts %d, %v", got.String(), res.Content, res.Attempts, err)
	}
}
