package providers

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/tier"
)

// LocalDetector finds the local server once for a process and remembers it,
// so the model layer, the status bar and `macroa config` agree on it. Only
// a server with a model is remembered: one started, or given a model,
// later is found by the next Detect.
type LocalDetector struct {
	Addr    string        // where to look, e.g. DefaultOllamaAddr
	Timeout time.Duration // per probe; 0 means DetectLocal's default

	probing sync.Mutex // held while probing, so callers at once probe once
	mu      sync.Mutex // guards server
	server  *LocalServer
}

// NewLocalDetector looks at addr.
func NewLocalDetector(addr string) *LocalDetector { return &LocalDetector{Addr: addr} }

// Detect returns the server found earlier, or probes for one now.
func (d *LocalDetector) Detect(ctx context.Context) (LocalServer, bool) {
	d.probing.Lock()
	defer d.probing.Unlock()
	if s, ok := d.Found(); ok {
		return s, true
	}
	s, ok := DetectLocal(ctx, d.Addr, d.Timeout)
	if ok && len(s.Models) > 0 {
		d.mu.Lock()
		d.server = &s
		d.mu.Unlock()
	}
	return s, ok
}

// Found returns the server with a model found so far, without probing: it
// never waits on the network, so a front end may call it while drawing.
func (d *LocalDetector) Found() (LocalServer, bool) {
	if d == nil {
		return LocalServer{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.server == nil {
		return LocalServer{}, false
	}
	return *d.server, true
}

// Start probes in the background, off every caller's path; the answer is
// read later with Found.
func (d *LocalDetector) Start(ctx context.Context) {
	go d.Detect(ctx)
}

// Label is what a status line shows for the server found so far, with the
// model the nano tier would use; "" when none was found or it lists no
// model.
func (d *LocalDetector) Label(cfg *config.Config) string {
	s, ok := d.Found()
	if !ok {
		return ""
	}
	return s.Label(localModel(cfg, s, tier.Nano))
}

// FromConfigOrLocal builds the configured Gateway; only when nothing at all
// is configured does it use a local server d finds. A configured provider
// that fails (a rejected key, an outage) never leads here: that gateway is
// returned and its errors are the answer.
func FromConfigOrLocal(ctx context.Context, cfg *config.Config, d *LocalDetector) (*Gateway, error) {
	gw, err := FromConfig(cfg)
	if !errors.Is(err, ErrNotConfigured) || d == nil {
		return gw, err
	}
	s, ok := d.Detect(ctx)
	if !ok {
		return nil, ErrNotConfigured
	}
	if len(s.Models) == 0 {
		return nil, errors.New(s.NoModels())
	}
	return FromLocal(cfg, s)
}

// FromLocal builds a Gateway to a detected local server. Every tier whose
// model was not set explicitly (MACROA_MODEL_<TIER>, or a model in
// [tiers.T]) uses the server's first model. Its calls cost nothing unless
// config.toml [prices] prices the model: the built-in list prices are for
// hosted models.
func FromLocal(cfg *config.Config, s LocalServer) (*Gateway, error) {
	if len(s.Models) == 0 {
		return nil, errors.New(s.NoModels())
	}
	prov := NewOpenAI(OpenAIConfig{
		Name: LocalName, BaseURL: s.Addr + "/v1", Timeout: cfg.NetworkTimeout,
		KeyHint: "MACROA_BASE_URL and MACROA_API_KEY (the local server wants a key)",
	})
	tiers := make(map[tier.Tier][]Route, len(tier.All))
	for _, t := range tier.All {
		tiers[t] = []Route{{Provider: LocalName, Model: localModel(cfg, s, t)}}
	}
	return New(Options{
		Providers: map[string]Provider{LocalName: prov}, Tiers: tiers,
		Local: true, LocalPrices: PriceTable(cfg.File.Prices),
	}), nil
}

// localModel is the model tier t asks a local server for: the one set
// explicitly, else the server's first.
func localModel(cfg *config.Config, s LocalServer, t tier.Tier) string {
	if r, ok := cfg.File.Tier(t); ok && r.Model != "" {
		return r.Model
	}
	if m := cfg.Models[t]; m != "" && cfg.Source("MACROA_MODEL_"+strings.ToUpper(t.String())) != "default" {
		return m
	}
	if len(s.Models) == 0 {
		return ""
	}
	return s.Models[0]
}

// DescribeLocal is Describe, and when nothing is configured, the local
// server d finds (probing now, within its short timeout): a command that
// prints the settings says what will answer.
func DescribeLocal(ctx context.Context, cfg *config.Config, d *LocalDetector) Summary {
	s := Describe(cfg)
	if s.Configured || d == nil {
		return s
	}
	srv, ok := d.Detect(ctx)
	switch {
	case !ok:
		return s
	case len(srv.Models) == 0:
		s.Hint = srv.NoModels()
		return s
	}
	s.Configured, s.Local, s.Hint = true, true, ""
	s.Provider = srv.Label(localModel(cfg, srv, tier.Nano))
	return s
}
