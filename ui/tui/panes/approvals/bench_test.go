package approvals

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

// benchFrame is the frame budget: one frame at 60 Hz.
const benchFrame = 16 * time.Millisecond

const (
	benchPending = 1_000
	benchDecided = 10_000
)

// benchPane is the pane at 160x48 over a queue of 1,000 pending and
// 10,000 decided entries, with the whole history read (every page) so
// the history view holds all 10,000.
func benchPane(b *testing.B) (*Pane, *tuitest.Driver) {
	b.Helper()
	var es []store.Approval
	states := []store.ApprovalState{store.ApprovalSucceeded, store.ApprovalFailed, store.ApprovalRejected, store.ApprovalExpired, store.ApprovalInterrupted}
	for i := range benchPending {
		es = append(es, store.Approval{ID: store.ApprovalID(fmt.Sprintf("p%09d", i)), Kind: "service.restart",
			Params: params(map[string]string{"unit": fmt.Sprintf("app%d.service", i)}), Summary: fmt.Sprintf("restart app%d.service", i),
			Target: fmt.Sprintf("app%d", i), Risk: 1 + i%4, Verdict: "ask", Reason: "restarting a unit changes state", Level: "auto-safe",
			Proposer: "agent", Why: "the unit failed twice in the last hour; a restart usually clears it", Source: "tui", Session: "ops",
			CreatedAt: testNow.Add(-time.Duration(i) * time.Minute), ExpiresAt: testNow.Add(24 * time.Hour)})
	}
	for i := range benchDecided {
		at := testNow.Add(-time.Duration(benchDecided-i) * time.Minute)
		es = append(es, store.Approval{ID: store.ApprovalID(fmt.Sprintf("d%09d", i)), State: states[i%len(states)], Kind: "command.run",
			Params: params(map[string]string{"shell": fmt.Sprintf("du -sh /var/log/app%d", i)}), Summary: fmt.Sprintf("run: du -sh /var/log/app%d", i),
			Risk: 1 + i%4, Verdict: "ask", Proposer: "agent", CreatedAt: at, DecidedAt: at, UpdatedAt: at, DecidedBy: "person:ann", DecidedWhere: "cli",
			Output: "4.0K\t/var/log/app\n"})
	}
	p, _, d := newTestPane(b, es...)
	p.View(160, 48, true)
	d.Press("h")
	for p.Len() < benchDecided {
		n := p.Len()
		d.Press("G")
		if p.Len() == n {
			b.Fatalf("the history stopped at %d entries", n)
		}
	}
	d.Press("h")
	if p.view != open || p.Len() != benchPending || len(p.past) != benchDecided || p.counts.Pending != benchPending {
		b.Fatalf("loaded %d open and %d decided entries", p.Len(), len(p.past))
	}
	p.View(160, 48, true)
	return p, d
}

// benchKeys are the presses of one round: moving through the open list,
// a page down, details opened and closed, the history and a move through
// it, back.
var benchKeys = tuitest.Keys("j", "j", "pgdown", "k", "enter", "down", "esc", "h", "pgdown", "j", "G", "g", "h", "G", "g")

// BenchmarkApprovalsKeyPress is one key press in the pane holding 1,000
// pending and 10,000 decided entries: HandleKey and a full View at
// 160x48, as the program does per key. It reports the frame time's p50,
// p95 and slowest, and fails when p95 is over a frame.
func BenchmarkApprovalsKeyPress(b *testing.B) {
	p, _ := benchPane(b)
	frames := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := benchKeys[i%len(benchKeys)]
		i++
		start := time.Now()
		if cmd, _ := p.HandleKey(k); cmd != nil {
			_ = cmd // a read of the next page: not run, the pane holds everything
		}
		_ = p.View(160, 48, true)
		frames = append(frames, time.Since(start))
	}
	if len(p.past) != benchDecided {
		b.Fatalf("the history holds %d", len(p.past))
	}
	p50, p95 := pct(frames, 50), pct(frames, 95)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p95), "p95-ms")
	b.ReportMetric(ms(pct(frames, 100)), "max-ms")
	if p95 >= benchFrame {
		b.Errorf("p95 is %v over %d frames: over the %v frame budget", p95, len(frames), benchFrame)
	}
}

// pct is the p-th percentile of frames (nearest rank).
func pct(frames []time.Duration, p float64) time.Duration {
	if len(frames) == 0 {
		return 0
	}
	s := slices.Clone(frames)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkApprovalsDetailScroll scrolls the detail view of an entry
// whose run printed the most output an entry keeps (64 KiB), a key and a
// View per frame.
func BenchmarkApprovalsDetailScroll(b *testing.B) {
	line := "Nov 21 15:29:58 web-1 app[4242]: request served in 12 ms, status 200, bytes 5120\n"
	out := ""
	for len(out)+len(line) <= store.MaxApprovalOutput {
		out += line
	}
	e := sample()[5]
	e.Output = out
	p, _, d := newTestPane(b, e)
	d.Press("h", "enter")
	if _, ok := p.Shown(); !ok {
		b.Fatal("no detail view")
	}
	keys := tuitest.Keys("pgdown", "pgdown", "down", "pgup", "G", "g")
	frames := make([]time.Duration, 0, 1<<14)
	i := 0
	for b.Loop() {
		start := time.Now()
		p.HandleKey(keys[i%len(keys)])
		i++
		_ = p.View(160, 48, true)
		frames = append(frames, time.Since(start))
	}
	p95 := pct(frames, 95)
	b.ReportMetric(ms(pct(frames, 50)), "p50-ms")
	b.ReportMetric(ms(p95), "p95-ms")
	if p95 >= benchFrame {
		b.Errorf("p95 is %v: over the %v frame budget", p95, benchFrame)
	}
}
