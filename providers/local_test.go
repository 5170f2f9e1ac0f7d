package providers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// Detection takes the address to look at, so it is tested against
// providertest on a free port, never on Ollama's 11434.
func TestDetectLocal(t *testing.T) {
	withTags := func(names ...string) string {
		s := providertest.New(t)
		s.SetOllamaTags(names...)
		return s.Addr()
	}
	withModels := func(ids ...string) string {
		s := providertest.New(t)
		s.SetModels(ids...)
		return s.Addr()
	}
	ollamaBoth := providertest.New(t)
	ollamaBoth.SetOllamaTags("llama3.2:latest")
	ollamaBoth.SetModels("llama3.2:latest")
	emptyOllama := providertest.New(t)
	emptyOllama.SetOllamaTags()
	emptyOllama.SetModels()
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>router login</html>"))
	}))
	t.Cleanup(html.Close)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name      string
		addr      string
		found     bool
		kind      string
		models    string
		noModelsH string // a phrase of NoModels when models is empty
	}{
		{"ollama", withTags("llama3.2:latest", "qwen2.5"), true, KindOllama, "llama3.2:latest qwen2.5", ""},
		{"names with escape sequences are dropped", withTags("evil\x1b]52;c;aGk=\a", "bell\x07", "", "ok"), true, KindOllama, "ok", ""},
		{"ollama that also lists /v1/models", ollamaBoth.Addr(), true, KindOllama, "llama3.2:latest", ""},
		{"openai-compatible server on the port", withModels("qwen2.5-7b-instruct"), true, KindOpenAICompatible, "qwen2.5-7b-instruct", ""},
		{"address with /v1", withModels("m") + "/v1", true, KindOpenAICompatible, "m", ""},
		{"ollama with nothing pulled", emptyOllama.Addr(), true, KindOllama, "", "ollama pull"},
		{"openai-compatible with nothing loaded", withModels(), true, KindOpenAICompatible, "", "lists no models at /v1/models"},
		{"a web page on every path", html.URL, false, "", "", ""},
		{"chat-only server", providertest.New(t).Addr(), false, "", "", ""},
		{"nothing listening", closedURL, false, "", "", ""},
		{"too slow", slow.URL, false, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, found := DetectLocal(context.Background(), tc.addr, 0)
			if found != tc.found || s.Kind != tc.kind || strings.Join(s.Models, " ") != tc.models {
				t.Fatalf("DetectLocal(%s) = %+v, %v; want kind %q models %q found %v", tc.addr, s, found, tc.kind, tc.models, tc.found)
			}
			if tc.noModelsH != "" && !strings.Contains(s.NoModels(), tc.noModelsH) {
				t.Errorf("NoModels() = %q, want it to say %q", s.NoModels(), tc.noModelsH)
			}
			if el := time.Since(start); el > 1500*time.Millisecond {
				t.Errorf("took %v; two probes of 300ms each should not", el)
			}
		})
	}
}

// With nothing configured, a local server answers with its own first
// model, costs nothing unless config.toml prices it, and is named.
func TestFromConfigOrLocal(t *testing.T) {
	tests := []struct {
		name     string
		toml     string
		env      []string
		wantCost bool
		wantSent string
	}{
		// The server lists a model that shares a hosted model's list price.
		{name: "unpriced: free", wantSent: "anthropic/claude-haiku-4-5"},
		{name: "priced in config.toml", toml: "[prices.\"anthropic/claude-haiku-4-5\"]\ninput = 1000\noutput = 1000\n",
			wantCost: true, wantSent: "anthropic/claude-haiku-4-5"},
		{name: "a tier's model set explicitly", env: []string{"MACROA_MODEL_NANO=mine"}, wantSent: "mine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.SetModels("anthropic/claude-haiku-4-5", "other")
			srv.SetDefault(providertest.Reply{Content: "hello from the local server", Cost: ptr(9.0)})
			cfg := loadConfig(t, tc.env, tc.toml)
			gw, err := FromConfigOrLocal(context.Background(), cfg, NewLocalDetector(srv.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			ledger := &memLedger{}
			bud := &Budgeted{Next: gw, Ledger: ledger, Prices: NewPriceTable(cfg.File.Prices),
				ModelFor: func(t tier.Tier) string { return cfg.Models[t] }}
			res, err := bud.Call(context.Background(), userCall("hi"))
			if err != nil || res.Content != "hello from the local server" || res.Provider != LocalName {
				t.Fatalf("Call = %+v, %v", res, err)
			}
			if got := srv.ChatRequests()[0].Chat.Model; got != tc.wantSent {
				t.Errorf("asked for model %q, want %q", got, tc.wantSent)
			}
			if (res.Usage.CostUSD > 0) != tc.wantCost || ledger.entries[0].CostUSD != res.Usage.CostUSD {
				t.Errorf("cost %v (ledger %v), want cost > 0: %v", res.Usage.CostUSD, ledger.entries[0].CostUSD, tc.wantCost)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A configured key that is rejected is the answer: the local server,
// which the person did not choose, is neither probed nor asked.
func TestRejectedKeyDoesNotFallBackToLocal(t *testing.T) {
	or := providertest.New(t)
	or.SetDefault(providertest.Reply{Status: 401, Error: "User not found."})
	saved := openRouterURL
	openRouterURL = or.URL()
	t.Cleanup(func() { openRouterURL = saved })
	local := providertest.New(t)
	local.SetOllamaTags("llama3.2")
	local.SetModels("llama3.2")

	cfg := loadConfig(t, []string{"OPENROUTER_API_KEY=sk-or-rejected"}, "")
	gw, err := FromConfigOrLocal(context.Background(), cfg, NewLocalDetector(local.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	c := userCall("hi")
	c.OnDelta = func(string) {}
	_, err = gw.Call(context.Background(), c)
	if pe, ok := AsError(err); !ok || pe.Kind != Auth || !strings.Contains(err.Error(), "check OPENROUTER_API_KEY") {
		t.Fatalf("error %v: want the rejected key, naming OPENROUTER_API_KEY", err)
	}
	if n := len(or.Requests()); n != 1 {
		t.Errorf("OpenRouter got %d requests, want 1", n)
	}
	if n := len(local.Requests()); n != 0 {
		t.Errorf("the local server got %d requests, want 0", n)
	}
}

// The detector remembers a server it found, forgets a miss, and never
// probes from Found or Label.
func TestLocalDetector(t *testing.T) {
	srv := providertest.New(t)
	cfg := loadConfig(t, nil, "")
	d := NewLocalDetector(srv.Addr())
	if _, ok := d.Found(); ok || d.Label(cfg) != "" || len(srv.Requests()) != 0 {
		t.Fatalf("Found/Label before any probe: found %v, label %q, %d requests", ok, d.Label(cfg), len(srv.Requests()))
	}
	if _, ok := d.Detect(context.Background()); ok {
		t.Fatal("found a server that lists nothing")
	}
	if _, err := FromConfigOrLocal(context.Background(), cfg, d); !errors.Is(err, ErrNotConfigured) {
		t.Fatalf("nothing found: %v, want ErrNotConfigured", err)
	}
	srv.SetOllamaTags() // an Ollama with nothing pulled yet
	if _, err := FromConfigOrLocal(context.Background(), cfg, d); err == nil || !strings.Contains(err.Error(), "ollama pull") {
		t.Fatalf("an Ollama with no models: %v, want to be told to pull one", err)
	}
	srv.SetOllamaTags("llama3.2")
	if _, ok := d.Detect(context.Background()); !ok {
		t.Fatal("a model pulled later was not found")
	}
	probes := len(srv.Requests())
	want := "local: ollama at " + strings.TrimPrefix(srv.Addr(), "http://") + " (llama3.2)"
	if got := d.Label(cfg); got != want {
		t.Errorf("Label = %q, want %q", got, want)
	}
	if s := DescribeLocal(context.Background(), cfg, d); !s.Configured || !s.Local || s.Provider != want {
		t.Errorf("DescribeLocal = %+v, want the local server named", s)
	}
	if _, ok := d.Detect(context.Background()); !ok || len(srv.Requests()) != probes {
		t.Errorf("a found server was probed again: %d requests, want %d", len(srv.Requests()), probes)
	}
}

// Describing a configured provider never probes for a local one.
func TestDescribeLocalProbesOnlyWhenNothingIsConfigured(t *testing.T) {
	srv := providertest.New(t)
	srv.SetOllamaTags("llama3.2")
	cfg := loadConfig(t, []string{"OPENROUTER_API_KEY=sk-or-x"}, "")
	if s := DescribeLocal(context.Background(), cfg, NewLocalDetector(srv.Addr())); s.Provider != "openrouter" || s.Local {
		t.Errorf("DescribeLocal = %+v, want openrouter", s)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("the local server got %d requests, want 0", n)
	}
	empty := providertest.New(t)
	empty.SetOllamaTags()
	if s := DescribeLocal(context.Background(), loadConfig(t, nil, ""), NewLocalDetector(empty.Addr())); s.Configured || !strings.Contains(s.Hint, "ollama pull") {
		t.Errorf("an Ollama with no models: %+v, want a hint to pull one", s)
	}
}

// Start probes in the background; Label can be read meanwhile and names
// the server once the probe is done.
func TestLocalDetectorStart(t *testing.T) {
	srv := providertest.New(t)
	srv.SetModels("m")
	cfg := loadConfig(t, nil, "")
	d := NewLocalDetector(srv.Addr())
	d.Start(context.Background())
	deadline := time.After(5 * time.Second)
	for d.Label(cfg) == "" {
		select {
		case <-deadline:
			t.Fatal("the background probe never named the server")
		default:
			runtime.Gosched()
		}
	}
	if got := d.Label(cfg); !strings.HasPrefix(got, "local: openai-compatible at ") || !strings.HasSuffix(got, "(m)") {
		t.Errorf("Label = %q", got)
	}
}

// wrapped is a layer between a Budgeted and the gateway, as the kernel's
// redacting layer is.
type wrapped struct{ next Caller }

func (w wrapped) Call(ctx context.Context, c Call) (Result, error) { return w.next.Call(ctx, c) }
func (w wrapped) Unwrap() Caller                                   { return w.next }

// A spent budget refuses priced calls, but an unpriced local model costs
// nothing, so no cap stops it; a local model priced in config.toml is
// held to the caps like any other.
func TestLocalCallsAndBudgets(t *testing.T) {
	tests := []struct {
		name     string
		toml     string
		wantSent bool
	}{
		{"unpriced local model", "", true},
		{"priced local model", "[prices.\"anthropic/claude-haiku-4-5\"]\ninput = 1\noutput = 1\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.SetModels("anthropic/claude-haiku-4-5")
			cfg := loadConfig(t, nil, tc.toml)
			gw, err := FromConfigOrLocal(context.Background(), cfg, NewLocalDetector(srv.Addr()))
			if err != nil {
				t.Fatal(err)
			}
			ledger := &memLedger{}
			_ = ledger.Record(context.Background(), UsageEntry{CostUSD: 5}) // today's cap is spent
			bud := &Budgeted{Next: wrapped{gw}, Ledger: ledger, Limits: Limits{DailyUSD: 1},
				Prices: NewPriceTable(cfg.File.Prices), ModelFor: func(t tier.Tier) string { return cfg.Models[t] }}
			res, err := bud.Call(context.Background(), userCall("hi"))
			var be *BudgetError
			switch {
			case tc.wantSent && (err != nil || res.Usage.CostUSD != 0):
				t.Fatalf("Call = %+v, %v; want a free answer", res, err)
			case !tc.wantSent && !errors.As(err, &be):
				t.Fatalf("Call = %+v, %v; want the daily budget to refuse it", res, err)
			}
			if sent := len(srv.ChatRequests()) == 1; sent != tc.wantSent {
				t.Errorf("sent = %v, want %v", sent, tc.wantSent)
			}
		})
	}
}
