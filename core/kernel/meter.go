package kernel

import (
	"context"
	"slices"
	"sync"

	"github.com/macroa/macroa/providers"
)

// meter is a Caller that counts one turn's model calls, so the turn's audit
// entry carries exactly its own tokens and cost (never another turn's), and
// stamps the turn's session on every call (the classifier and planner do
// not know it) so per-session budgets see them.
type meter struct {
	next    providers.Caller
	session string

	mu         sync.Mutex
	calls      int
	prompt     int64
	completion int64
	cost       float64
	model      string   // the last model that answered
	providers  []string // every provider tried, in order, without repeats
}

func newMeter(next providers.Caller, session string) *meter {
	return &meter{next: next, session: session}
}

func (m *meter) Call(ctx context.Context, c providers.Call) (providers.Result, error) {
	if c.Session == "" {
		c.Session = m.session
	}
	res, err := m.next.Call(ctx, c)
	m.mu.Lock()
	defer m.mu.Unlock()
	// Attempts counts every request sent, retries and fallbacks included;
	// a cache hit or a refused call (budget) sent nothing.
	if !res.Cached {
		m.calls += res.Attempts
	}
	m.prompt += res.Usage.PromptTokens
	m.completion += res.Usage.CompletionTokens
	m.cost += res.Usage.CostUSD
	if res.Model != "" {
		m.model = res.Model
	}
	for _, p := range res.Providers {
		if !slices.Contains(m.providers, p) {
			m.providers = append(m.providers, p)
		}
	}
	return res, err
}

// usage is what a turn's model calls added up to.
type usage struct {
	calls              int
	prompt, completion int64
	cost               float64
	model              string
	providers          []string
}

func (m *meter) totals() usage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return usage{m.calls, m.prompt, m.completion, m.cost, m.model, slices.Clone(m.providers)}
}
