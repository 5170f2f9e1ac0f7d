package providers

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/tier"
)

// timedProvider passes every call to the real provider and adds up the time
// spent inside it: the HTTP round trip and the server's handling. The
// gateway's own cost is the rest of the Call.
type timedProvider struct {
	Provider
	inside time.Duration
}

func (p *timedProvider) Complete(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	resp, err := p.Provider.Complete(ctx, req)
	p.inside += time.Since(start)
	return resp, err
}

// BenchmarkGatewayOverhead sends 1,000 requests per iteration through
// Gateway → NewOpenAI → a providertest server that answers at once, and
// reports percentiles of the gateway's engine overhead: each Call's total
// time minus the time spent in the provider call (HTTP and server). It
// covers the context guard, the cache lookup (a miss: temperature is
// unset), the cooldown check, the priority queue and the result. Target:
// p95 < 2ms.
//
//	go test ./providers/ -run '^$' -bench GatewayOverhead -benchtime 3x
func BenchmarkGatewayOverhead(b *testing.B) {
	srv := providertest.New(b)
	srv.SetDefault(providertest.Reply{Content: "ok"})
	timed := &timedProvider{Provider: NewOpenAI(OpenAIConfig{Name: "bench", BaseURL: srv.URL(), APIKey: "k", Timeout: 10 * time.Second})}
	g := New(Options{
		Providers: map[string]Provider{"bench": timed},
		Tiers:     map[tier.Tier][]Route{tier.Nano: {{Provider: "bench", Model: "anthropic/claude-haiku-4-5"}}},
	})
	history := make([]Message, 0, 21)
	history = append(history, Message{Role: RoleSystem, Content: "You are Macroa, a terse assistant for a Linux box."})
	for i := range 10 {
		history = append(history,
			Message{Role: RoleUser, Content: "how full is /var on host " + string(rune('a'+i)) + "?"},
			Message{Role: RoleAssistant, Content: "It is 42% full, 18 GB free."})
	}
	call := Call{Tier: tier.Nano, Priority: Interactive, Request: Request{Messages: append(history, Message{Role: RoleUser, Content: "and /home?"})}}
	ctx := context.Background()

	const perIter = 1000
	var overhead, total []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for range perIter {
			timed.inside = 0
			start := time.Now()
			if _, err := g.Call(ctx, call); err != nil {
				b.Fatal(err)
			}
			el := time.Since(start)
			total = append(total, el)
			overhead = append(overhead, el-timed.inside)
		}
	}
	b.StopTimer()
	if srv := len(srv.ChatRequests()); srv != len(total) {
		b.Fatalf("server saw %d requests for %d calls", srv, len(total))
	}
	slices.Sort(overhead)
	slices.Sort(total)
	pct := func(d []time.Duration, p float64) float64 {
		return float64(d[int(p*float64(len(d)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(overhead, 0.50), "overhead-p50-ms")
	b.ReportMetric(pct(overhead, 0.95), "overhead-p95-ms")
	b.ReportMetric(pct(total, 0.50), "total-p50-ms")
	b.ReportMetric(pct(total, 0.95), "total-p95-ms")
}
