package providers

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

func temp(f float64) *float64 { return &f }

func TestCacheOnlyForDeterministicCalls(t *testing.T) {
	tests := []struct {
		name       string
		temp       *float64
		stream     bool
		wantCached bool
	}{
		{name: "temperature 0", temp: temp(0), wantCached: true},
		{name: "temperature 0.2", temp: temp(0.2)},
		{name: "provider default temperature", temp: nil},
		{name: "streamed", temp: temp(0), stream: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			a.srv.Handle(func(r providertest.Recorded) providertest.Reply {
				return providertest.Reply{Content: "answer", PromptTokens: 10, CompletionTokens: 2}
			})
			g, _, _ := newGateway(t, "m", Options{}, a)
			c := userCall("what is 2+2?")
			c.Request.Temperature = tc.temp
			if tc.stream {
				c.OnDelta = func(string) {}
			}
			first, err := g.Call(context.Background(), c)
			if err != nil || first.Cached {
				t.Fatalf("first call: %+v, %v", first, err)
			}
			second, err := g.Call(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			wantSent := 2
			if tc.wantCached {
				wantSent = 1
			}
			if a.sent() != wantSent {
				t.Errorf("server received %d requests, want %d", a.sent(), wantSent)
			}
			if second.Cached != tc.wantCached {
				t.Errorf("Cached = %v, want %v", second.Cached, tc.wantCached)
			}
			if tc.wantCached {
				if second.Attempts != 0 || second.Content != "answer" || second.Provider != "a" || second.Usage != (Usage{}) {
					t.Errorf("hit = %+v; want the answer from a, 0 attempts, no usage", second)
				}
			}
		})
	}
}

func TestCacheKeyCoversEveryField(t *testing.T) {
	base := Call{Request: Request{
		Messages:    []Message{{Role: RoleSystem, Content: "be brief"}, {Role: RoleUser, Content: "hi"}},
		Temperature: temp(0),
	}}
	tests := []struct {
		name   string
		change func(c *Call)
	}{
		{"model", func(c *Call) { c.Request.Model = "other-model" }},
		{"message text", func(c *Call) { c.Request.Messages[1].Content = "hello" }},
		{"system prompt", func(c *Call) { c.Request.Messages[0].Content = "be long" }},
		{"tool calls", func(c *Call) {
			c.Request.Messages = append(c.Request.Messages,
				Message{Role: RoleAssistant, ToolCalls: []ToolCall{{ID: "1", Name: "f", Arguments: "{}"}}},
				Message{Role: RoleTool, ToolCallID: "1", Content: "42"},
				Message{Role: RoleUser, Content: "hi"})
		}},
		{"tools", func(c *Call) {
			c.Request.Tools = []Tool{{Name: "f", Parameters: json.RawMessage(`{"type":"object"}`)}}
		}},
		{"json flag", func(c *Call) { c.Request.JSON = true }},
		{"max tokens", func(c *Call) { c.Request.MaxTokens = 50 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newBackend(t, "a")
			g, _, _ := newGateway(t, "m", Options{}, a)
			c := base
			c.Request.Messages = append([]Message(nil), base.Request.Messages...)
			if _, err := g.Call(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			tc.change(&c)
			res, err := g.Call(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Cached || a.sent() != 2 {
				t.Fatalf("changing the %s was served from the cache (sent %d)", tc.name, a.sent())
			}
		})
	}
}

func TestCacheKeyCoversProvider(t *testing.T) {
	k1, ok1 := cacheKey("a", Request{Model: "m", Temperature: temp(0)})
	k2, ok2 := cacheKey("b", Request{Model: "m", Temperature: temp(0)})
	k3, _ := cacheKey("a", Request{Model: "m", Temperature: temp(0)})
	if !ok1 || !ok2 || k1 == k2 || k1 != k3 {
		t.Fatalf("keys: a=%s b=%s a again=%s", k1, k2, k3)
	}
}

func TestCacheExpiresAfterTTL(t *testing.T) {
	a := newBackend(t, "a")
	g, clock, _ := newGateway(t, "m", Options{CacheTTL: time.Minute}, a)
	c := userCall("hi")
	c.Request.Temperature = temp(0)
	steps := []struct {
		advance    time.Duration
		wantCached bool
		wantSent   int
	}{
		{0, false, 1},
		{59 * time.Second, true, 1},
		{time.Second, false, 2}, // exactly the TTL: expired
		{30 * time.Second, true, 2},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		res, err := g.Call(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if res.Cached != st.wantCached || a.sent() != st.wantSent {
			t.Errorf("step %d: cached=%v sent=%d; want %v, %d", i, res.Cached, a.sent(), st.wantCached, st.wantSent)
		}
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	clock := newTestClock()
	c := newResponseCache(2, time.Hour, clock.Now)
	c.put("x", Response{Content: "x"})
	c.put("y", Response{Content: "y"})
	if _, ok := c.get("x"); !ok { // x is now the most recently used
		t.Fatal("x missing")
	}
	c.put("z", Response{Content: "z"})
	for key, want := range map[string]bool{"x": true, "y": false, "z": true} {
		if _, ok := c.get(key); ok != want {
			t.Errorf("get(%s) present=%v, want %v", key, ok, want)
		}
	}
	if c.len() != 2 {
		t.Errorf("len = %d, want 2", c.len())
	}
}

func TestCacheHitIsACopy(t *testing.T) {
	c := newResponseCache(4, time.Hour, newTestClock().Now)
	c.put("k", Response{ToolCalls: []ToolCall{{Name: "f"}}})
	got, _ := c.get("k")
	got.ToolCalls[0].Name = "changed"
	again, _ := c.get("k")
	if again.ToolCalls[0].Name != "f" {
		t.Fatal("changing a hit changed the cached answer")
	}
}

func TestCacheOff(t *testing.T) {
	a := newBackend(t, "a")
	g, _, _ := newGateway(t, "m", Options{CacheSize: -1}, a)
	c := userCall("hi")
	c.Request.Temperature = temp(0)
	for range 2 {
		if res, err := g.Call(context.Background(), c); err != nil || res.Cached {
			t.Fatalf("Call = %+v, %v", res, err)
		}
	}
	if a.sent() != 2 {
		t.Fatalf("sent %d, want 2 with the cache off", a.sent())
	}
}
