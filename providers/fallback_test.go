package providers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

func TestCooldownSkipsFailingProviderThenProbesIt(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	a.srv.SetDefault(providertest.Reply{Status: 503})
	b.srv.SetDefault(providertest.Reply{Content: "from b"})
	g, clock, _ := newGateway(t, "m", Options{Cooldown: 30 * time.Second}, a, b)

	steps := []struct {
		name          string
		advance       time.Duration
		aHealthy      bool // a answers from this step on
		wantProvider  string
		wantProviders string
		wantSentToA   int // a's total so far
	}{
		{name: "three failures start the cooldown", wantProvider: "b", wantProviders: "a,b", wantSentToA: 3},
		{name: "cooling: a is skipped", advance: 10 * time.Second, wantProvider: "b", wantProviders: "b", wantSentToA: 3},
		{name: "still cooling", advance: 19 * time.Second, wantProvider: "b", wantProviders: "b", wantSentToA: 3},
		// After the cooldown a gets one probe; it fails, so it cools again
		// at once and the call moves on without two more retries.
		{name: "probe after cooldown fails", advance: 2 * time.Second, wantProvider: "b", wantProviders: "a,b", wantSentToA: 4},
		{name: "cooling again", advance: time.Second, wantProvider: "b", wantProviders: "b", wantSentToA: 4},
		{name: "recovered", advance: 31 * time.Second, aHealthy: true, wantProvider: "a", wantProviders: "a", wantSentToA: 5},
		{name: "healthy stays primary", advance: time.Second, aHealthy: true, wantProvider: "a", wantProviders: "a", wantSentToA: 6},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		if st.aHealthy {
			a.srv.SetDefault(providertest.Reply{Content: "from a"})
		}
		res, err := g.Call(context.Background(), userCall("hi"))
		if err != nil {
			t.Fatalf("%s: Call: %v", st.name, err)
		}
		if res.Provider != st.wantProvider || strings.Join(res.Providers, ",") != st.wantProviders {
			t.Errorf("%s: answered by %q after %v; want %q after %s", st.name, res.Provider, res.Providers, st.wantProvider, st.wantProviders)
		}
		if a.sent() != st.wantSentToA {
			t.Errorf("%s: a received %d requests in all, want %d", st.name, a.sent(), st.wantSentToA)
		}
	}
}

func TestAllCoolingTriesAnyway(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.Script(providertest.Reply{Status: 503}, providertest.Reply{Status: 503}, providertest.Reply{Status: 503})
	g, _, _ := newGateway(t, "m", Options{}, a)
	if _, err := g.Call(context.Background(), userCall("hi")); err == nil {
		t.Fatal("first call succeeded; want three 503s")
	}
	if !g.cool.cooling("a") {
		t.Fatal("a is not cooling after three retryable failures")
	}
	// a is the only route: it is tried although cooling, and now answers.
	res, err := g.Call(context.Background(), userCall("hi"))
	if err != nil || res.Provider != "a" || a.sent() != 4 {
		t.Fatalf("Call = %+v, %v, a sent %d; want a tried anyway", res, err, a.sent())
	}
	if g.cool.cooling("a") {
		t.Error("a success did not clear the cooldown")
	}
}

func TestNonRetryableFailuresDoNotCool(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	a.srv.SetDefault(providertest.Reply{Status: 404, Error: "model m not found"})
	g, _, _ := newGateway(t, "m", Options{}, a, b)
	for range 4 {
		if _, err := g.Call(context.Background(), userCall("hi")); err != nil {
			t.Fatal(err)
		}
	}
	if g.cool.cooling("a") || a.sent() != 4 {
		t.Fatalf("cooling=%v, a sent %d; an unknown model is not a retryable failure and must not start a cooldown", g.cool.cooling("a"), a.sent())
	}
}
