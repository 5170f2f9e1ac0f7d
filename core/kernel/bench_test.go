package kernel_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// timedProvider measures the time spent inside the real provider (HTTP
// client, loopback, server), so the engine's own share can be isolated.
type timedProvider struct {
	providers.Provider
	inside atomic.Int64
}

func (p *timedProvider) Complete(ctx context.Context, r providers.Request) (providers.Response, error) {
	start := time.Now()
	defer func() { p.inside.Add(int64(time.Since(start))) }()
	return p.Provider.Complete(ctx, r)
}

func (p *timedProvider) Stream(ctx context.Context, r providers.Request, on func(string)) (providers.Response, error) {
	start := time.Now()
	defer func() { p.inside.Add(int64(time.Since(start))) }()
	return p.Provider.Stream(ctx, r, on)
}

// benchKernel is a kernel whose one provider answers at once over loopback.
func benchKernel(b *testing.B) (*kernel.Kernel, *timedProvider) {
	srv := providertest.New(b)
	srv.Handle(func(r providertest.Recorded) providertest.Reply {
		if strings.Contains(r.Chat.Messages[0].Content, "intent router") {
			return providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`}
		}
		return providertest.Reply{Content: "ok"}
	})
	cfg, db, dir := openData(b, "")
	tp := &timedProvider{Provider: providers.NewOpenAI(providers.OpenAIConfig{Name: "local", BaseURL: srv.URL()})}
	routes := map[tier.Tier][]providers.Route{}
	for _, t := range tier.All {
		routes[t] = []providers.Route{{Provider: "local", Model: "m"}}
	}
	gw := providers.New(providers.Options{Providers: map[string]providers.Provider{"local": tp}, Tiers: routes, CacheSize: -1})
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: func(context.Context) (providers.Caller, error) { return gw, nil }})
	return k, tp
}

// BenchmarkEngineOverhead runs 1,000 chat requests (a classifier call and a
// streamed answer each) through the whole kernel and reports the p50/p95 of
// the time not spent inside the provider: routing, gateway, budgets, the
// audit entry and usage rows. Target: p95 under 2 ms.
func BenchmarkEngineOverhead(b *testing.B) {
	k, tp := benchKernel(b)
	const n = 1000
	for b.Loop() {
		overhead := make([]time.Duration, 0, n)
		total := make([]time.Duration, 0, n)
		for range n {
			before := tp.inside.Load()
			start := time.Now()
			res := k.Run(context.Background(), kernel.Request{Input: "tell me a joke", Source: kernel.SourceCLI})
			d := time.Since(start)
			if !res.Success || res.LLMCalls != 2 {
				b.Fatalf("run: %+v", res)
			}
			total = append(total, d)
			overhead = append(overhead, d-time.Duration(tp.inside.Load()-before))
		}
		slices.Sort(overhead)
		slices.Sort(total)
		b.ReportMetric(ms(overhead[n/2]), "overhead-p50-ms")
		b.ReportMetric(ms(overhead[n*95/100]), "overhead-p95-ms")
		b.ReportMetric(ms(total[n*95/100]), "total-p95-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchFixture is a kernel using srv through the configuration, as the binary does.
func benchFixture(b *testing.B, srv *providertest.Server) *kernel.Kernel {
	cfg, db, dir := openData(b, "", "MACROA_BASE_URL="+srv.URL())
	return kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }})
}
