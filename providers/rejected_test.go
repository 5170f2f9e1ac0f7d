package providers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// A rejected key ends the call with the sentence naming the setting: one
// request, no retry, no fallback, and later calls (the classifier's second
// try, the chat after it) send nothing more.
func TestRejectedKeyEndsTheCall(t *testing.T) {
	sse := func(events ...string) providertest.Reply {
		return providertest.Reply{ContentType: "text/event-stream", Raw: strings.Join(events, "\n\n") + "\n\n"}
	}
	const hint = "check api_key or api_key_env in [providers.a]"
	tests := []struct {
		name   string
		reply  providertest.Reply
		stream bool
		want   []string
	}{
		{"401", providertest.Reply{Status: 401}, false, []string{"a rejected the API key (HTTP 401): " + hint}},
		{"401 to a stream", providertest.Reply{Status: 401, Error: "Incorrect API key provided"}, true,
			[]string{"a rejected the API key (HTTP 401): Incorrect API key provided; " + hint}},
		{"403", providertest.Reply{Status: 403, Error: "key disabled"}, false, []string{"a refused access (HTTP 403): key disabled; " + hint}},
		{"invalid_api_key inside a stream", providertest.Reply{StreamError: "Incorrect API key provided",
			StreamErrorCode: "invalid_api_key", StreamErrorType: "invalid_request_error"}, true,
			[]string{"a rejected the API key: Incorrect API key provided; " + hint}},
		{"invalid_api_key after text arrived", providertest.Reply{Chunks: []string{"Hel"}, StreamError: "bad key",
			StreamErrorCode: "invalid_api_key"}, true, []string{"a rejected the API key: bad key; " + hint}},
		{"authentication_error event", sse(`event: error` + "\n" + `data: {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`),
			true, []string{"a rejected the API key: invalid x-api-key; " + hint}},
		{"OpenRouter's 401 code in a stream", sse(`data: {"error":{"code":401,"message":"No auth credentials found"}}`),
			true, []string{"a rejected the API key (HTTP 401): No auth credentials found; " + hint}},
		{"a key error in the text of a stream event", providertest.Reply{StreamError: "Invalid API key"}, true,
			[]string{"a rejected the API key: Invalid API key; " + hint}},
		{"invalid_api_key in a 200 body", providertest.Reply{Raw: `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`},
			false, []string{"a rejected the API key: Incorrect API key provided; " + hint}},
		{"invalid_api_key in a 200 body to a stream", providertest.Reply{Raw: `{"error":{"message":"Incorrect API key provided","code":"invalid_api_key"}}`},
			true, []string{"a rejected the API key: Incorrect API key provided; " + hint}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newBackend(t, "a"), newBackend(t, "b")
			a.srv.SetDefault(tc.reply)
			routes := []Route{{Provider: "a", Model: "m"}, {Provider: "b", Model: "m"}}
			g, _, sleeper := newGateway(t, "m", Options{Tiers: map[tier.Tier][]Route{tier.Nano: routes, tier.Haiku: routes}}, a, b)

			resets := 0
			call := func(t tier.Tier) error {
				c := userCall("hi")
				c.Tier = t
				if tc.stream {
					c.OnDelta, c.OnReset = func(string) {}, func() { resets++ }
				}
				_, err := g.Call(context.Background(), c)
				return err
			}
			err := call(tier.Nano)
			pe, ok := AsError(err)
			if !ok || pe.Kind != Auth {
				t.Fatalf("error %v: want an auth error", err)
			}
			for _, w := range tc.want {
				if err.Error() != w {
					t.Errorf("error %q, want %q", err, w)
				}
			}
			if a.sent() != 1 || b.sent() != 0 || sleeper.count() != 0 || resets != 0 {
				t.Errorf("a got %d requests, b %d, slept %d, resets %d; want 1, 0, 0, 0", a.sent(), b.sent(), sleeper.count(), resets)
			}
			if g.cool.cooling("a") {
				t.Error("a rejected key started a cooldown")
			}
			// The caller tries again at another tier (the classifier does):
			// the same sentence, and nothing more is sent anywhere.
			if err2 := call(tier.Haiku); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second call: %v, want %q", err2, err)
			}
			if a.sent() != 1 || b.sent() != 0 {
				t.Errorf("after a second call a got %d requests, b %d; want 1, 0", a.sent(), b.sent())
			}
		})
	}
}

// A rejected key is the key itself: a call for another model sends nothing.
func TestRejectedKeyHoldsForEveryModel(t *testing.T) {
	for _, status := range []int{401, 403} {
		a := newBackend(t, "a")
		a.srv.Script(providertest.Reply{Status: status})
		g, _, _ := newGateway(t, "m", Options{}, a)
		if _, err := g.Call(context.Background(), userCall("hi")); err == nil {
			t.Fatalf("HTTP %d: the first call succeeded", status)
		}
		other := userCall("hi")
		other.Request.Model = "m2"
		if _, err := g.Call(context.Background(), other); err == nil {
			t.Errorf("HTTP %d: a call for another model succeeded", status)
		}
		if a.sent() != 1 {
			t.Errorf("HTTP %d: a got %d requests, want 1", status, a.sent())
		}
	}
}

// The rejection is remembered for the cooldown period, then asked again.
func TestRejectedKeyIsAskedAgainLater(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.Script(providertest.Reply{Status: 401})
	g, clock, _ := newGateway(t, "m", Options{Cooldown: time.Minute}, a)
	for range 2 {
		if _, err := g.Call(context.Background(), userCall("hi")); err == nil {
			t.Fatal("a call with the rejected key succeeded")
		}
	}
	clock.Advance(time.Minute)
	if _, err := g.Call(context.Background(), userCall("hi")); err != nil || a.sent() != 2 {
		t.Fatalf("after the period: %v, a got %d requests; want a fresh answer from the second", err, a.sent())
	}
}

// Error events that are not about the key keep their kind: a rejected-key
// reading must not stop retries of an ordinary outage.
func TestKeyErrorsAreReadNarrowly(t *testing.T) {
	tests := []struct {
		status int
		body   errorBody
		want   ErrorKind
	}{
		{0, errorBody{message: "upstream overloaded"}, Unavailable},
		{0, errorBody{message: "the model answered about API keys in general"}, Unavailable},
		{0, errorBody{message: "x", code: "invalid_api_key"}, Auth},
		{0, errorBody{message: "x", typ: "authentication_error"}, Auth},
		{200, errorBody{message: "Incorrect API key provided: sk-ab***"}, Auth},
		{403, errorBody{message: "Your chosen model requires moderation and your input was flagged"}, BadRequest},
		{503, errorBody{message: "Unauthorized"}, Unavailable},
	}
	for _, tc := range tests {
		if got := kindFor(tc.status, tc.body); got != tc.want {
			t.Errorf("kindFor(%d, %+v) = %v, want %v", tc.status, tc.body, got, tc.want)
		}
	}
}

// An answer that talks about keys is an answer, not a rejected key.
func TestAnswerAboutKeysIsNotARejection(t *testing.T) {
	a := newBackend(t, "a")
	a.srv.SetDefault(providertest.Reply{Content: "401 Unauthorized means an invalid API key: check it"})
	g, _, _ := newGateway(t, "m", Options{}, a)
	for _, stream := range []bool{false, true} {
		c := userCall("what does 401 mean?")
		if stream {
			c.OnDelta = func(string) {}
		}
		res, err := g.Call(context.Background(), c)
		if err != nil || !strings.Contains(res.Content, "invalid API key") {
			t.Fatalf("stream=%v: %+v, %v; want the answer", stream, res, err)
		}
	}
}
