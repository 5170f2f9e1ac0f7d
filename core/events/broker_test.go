package events

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// recv reads one event or fails.
func recv[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case e, ok := <-c:
		if !ok {
			t.Fatal("channel closed early")
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	panic("unreachable")
}

// closed reports whether c closes (after any events still in it) in time.
func closed[T any](c <-chan T) bool {
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-c:
			if !ok {
				return true
			}
		case <-timeout:
			return false
		}
	}
}

// label names an event for comparisons.
func label(e Event) string {
	switch e := e.(type) {
	case Token:
		return "t:" + e.Text
	case RunCompleted:
		return "c:" + e.Skill
	case StoreChanged:
		return "s"
	}
	return fmt.Sprintf("%T", e)
}

func TestDeliveryPerType(t *testing.T) {
	for _, tc := range []struct {
		e    any
		want Delivery
	}{
		{Token{}, Lossy},
		{RunStarted{}, Guaranteed},
		{RouteDecided{}, Guaranteed},
		{PlanCreated{}, Guaranteed},
		{StreamReset{}, Guaranteed},
		{Escalated{}, Guaranteed},
		{BudgetWarning{}, Guaranteed},
		{RunCompleted{}, Guaranteed},
		{StoreChanged{}, Guaranteed},
		{42, Guaranteed}, // a type that does not say
	} {
		if got := DeliveryOf(tc.e); got != tc.want {
			t.Errorf("%T: %s, want %s", tc.e, got, tc.want)
		}
	}
}

// TestOrder: one subscriber gets lossy and guaranteed events in the order
// they were published, also when it reads only after all were published.
func TestOrder(t *testing.T) {
	mixed := func(n int) []Event {
		var out []Event
		for i := 0; i < n; i++ {
			if i%3 == 0 {
				out = append(out, RunCompleted{Skill: fmt.Sprint(i)})
			} else {
				out = append(out, Token{Text: fmt.Sprint(i)})
			}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		events   []Event
		readLate bool
	}{
		{"guaranteed", []Event{RunCompleted{Skill: "a"}, RunCompleted{Skill: "b"}, StoreChanged{}}, false},
		{"lossy", []Event{Token{Text: "a"}, Token{Text: "b"}, Token{Text: "c"}}, false},
		{"mixed, read while published", mixed(500), false},
		{"mixed, read afterwards", mixed(500), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := b.Subscribe(ctx)
			var want, got []string
			for _, e := range tc.events {
				want = append(want, label(e))
			}
			read := func() {
				for range tc.events {
					got = append(got, label(recv(t, c)))
				}
			}
			if tc.readLate {
				for _, e := range tc.events {
					b.Publish(e)
				}
				read()
			} else {
				done := make(chan struct{})
				go func() { defer close(done); read() }()
				for _, e := range tc.events {
					b.Publish(e)
				}
				<-done
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("got  %v\nwant %v", got, want)
			}
		})
	}
}

// TestDrops: a subscriber that does not read loses lossy events beyond its
// buffer, counted, and never a guaranteed one; Lossless loses nothing.
func TestDrops(t *testing.T) {
	for _, tc := range []struct {
		name          string
		opts          SubscribeOptions[Event]
		tokens, state int
		wantDropped   uint64
	}{
		{"lossy beyond the buffer (one in hand, ten queued)", SubscribeOptions[Event]{Buffer: 10}, 100, 0, 89},
		{"guaranteed never dropped", SubscribeOptions[Event]{Buffer: 10}, 0, 5000, 0},
		{"guaranteed fill the buffer, tokens dropped", SubscribeOptions[Event]{Buffer: 10}, 20, 30, 20},
		{"lossless keeps tokens", SubscribeOptions[Event]{Buffer: 10, Lossless: true}, 3000, 10, 0},
		{"filtered events are not drops", SubscribeOptions[Event]{Buffer: 10, Filter: ForTurn("mine")}, 100, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := b.SubscribeWith(ctx, tc.opts)
			// The pump may hold one event in hand while nobody reads, so
			// guaranteed events go first, and the buffer is filled before
			// any token is published.
			for i := 0; i < tc.state; i++ {
				b.Publish(RunCompleted{Skill: fmt.Sprint(i)})
			}
			if tc.state == 0 && tc.tokens > 0 && tc.opts.Filter == nil {
				// Let the pump take the first token in hand, so the
				// buffer count below is exact.
				b.Publish(Token{Text: "first"})
				waitFor(t, "the pump to hold the first token", func() bool {
					s.mu.Lock()
					defer s.mu.Unlock()
					return s.queue.len() == 0
				})
				tc.tokens--
			}
			for i := 0; i < tc.tokens; i++ {
				b.Publish(Token{Text: fmt.Sprint(i)})
			}
			if got := s.Dropped(); got != tc.wantDropped {
				t.Fatalf("dropped %d, want %d", got, tc.wantDropped)
			}
			state := 0
			s.Stop()
			for e := range s.C {
				if _, ok := e.(RunCompleted); ok {
					state++
				}
			}
			if state != tc.state {
				t.Fatalf("%d guaranteed events delivered, want %d", state, tc.state)
			}
		})
	}
}

// TestSlowSubscriber: a subscriber far behind never slows the publisher
// for long nor loses a state change, and a fast one beside it gets all.
func TestSlowSubscriber(t *testing.T) {
	b := New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := b.SubscribeWith(ctx, SubscribeOptions[Event]{Buffer: 4})
	fast := b.Subscribe(ctx)
	const n = 2000
	fastGot := make(chan int)
	go func() {
		got := 0
		for e := range fast {
			if _, ok := e.(RunCompleted); ok {
				got++
				if got == n {
					break
				}
			}
		}
		fastGot <- got
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		b.Publish(Token{Text: "x"})
		b.Publish(RunCompleted{Skill: fmt.Sprint(i)})
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("publishing %d events took %s: the slow subscriber held it up", 2*n, d)
	}
	if got := <-fastGot; got != n {
		t.Fatalf("fast subscriber got %d state changes, want %d", got, n)
	}
	for i := 0; i < n; i++ {
		for {
			e := recv(t, slow.C)
			if rc, ok := e.(RunCompleted); ok {
				if rc.Skill != fmt.Sprint(i) {
					t.Fatalf("state change %d arrived as %q", i, rc.Skill)
				}
				break
			}
		}
	}
	if slow.Dropped() == 0 {
		t.Fatal("the slow subscriber dropped no tokens: the test did not test")
	}
}

// TestEnd: every way a subscription ends closes its channel and leaves
// publishing safe.
func TestEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(b *Bus, s *Subscription[Event], cancel context.CancelFunc)
		// queued: events published before the end are still delivered.
		queued bool
	}{
		{"context cancelled", func(_ *Bus, _ *Subscription[Event], cancel context.CancelFunc) { cancel() }, false},
		{"broker closed", func(b *Bus, _ *Subscription[Event], _ context.CancelFunc) { b.Close() }, false},
		{"broker closed twice", func(b *Bus, _ *Subscription[Event], _ context.CancelFunc) { b.Close(); b.Close() }, false},
		{"stopped", func(_ *Bus, s *Subscription[Event], _ context.CancelFunc) { s.Stop() }, true},
		{"stopped, then cancelled", func(_ *Bus, s *Subscription[Event], cancel context.CancelFunc) { s.Stop(); s.Stop(); cancel() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := New(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := b.SubscribeWith(ctx, SubscribeOptions[Event]{})
			b.Publish(RunCompleted{Skill: "before"})
			b.Publish(RunCompleted{Skill: "before"})
			waitFor(t, "the pump to take the first event", func() bool {
				s.mu.Lock()
				defer s.mu.Unlock()
				return s.queue.len() == 1
			})
			tc.end(b, s, cancel)
			b.Publish(RunCompleted{Skill: "after"}) // must not panic nor arrive
			n := 0
			timeout := time.After(5 * time.Second)
		read:
			for {
				select {
				case e, ok := <-s.C:
					if !ok {
						break read
					}
					if e.(RunCompleted).Skill == "after" {
						t.Fatal("an event published after the end arrived")
					}
					n++
				case <-timeout:
					t.Fatal("channel not closed")
				}
			}
			if tc.queued && n != 2 {
				t.Fatalf("%d queued events delivered after Stop, want 2", n)
			}
			select {
			case <-s.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("Done not closed")
			}
			if got := b.subs.Load(); got != nil && len(*got) != 0 {
				t.Fatalf("%d subscribers still registered", len(*got))
			}
		})
	}
}

func TestClosedAndNilBroker(t *testing.T) {
	b := New(nil)
	b.Close()
	b.Publish(Token{})
	if !closed(b.Subscribe(context.Background())) {
		t.Fatal("subscribing to a closed broker gave an open channel")
	}
	var nb *Bus
	nb.Publish(Token{})
	nb.Close()
	s := nb.SubscribeWith(context.Background(), SubscribeOptions[Event]{})
	s.Stop()
	if !closed(s.C) {
		t.Fatal("subscribing to a nil broker gave an open channel")
	}
}

// TestConcurrent: publishers and subscribers coming and going at once;
// run with -race. Every subscriber that stays sees every state change of
// each publisher in that publisher's order.
func TestConcurrent(t *testing.T) {
	b := New(slog.New(slog.DiscardHandler))
	const publishers, perPublisher, stayers = 4, 500, 3
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var subs []*Subscription[Event]
	for i := 0; i < stayers; i++ {
		subs = append(subs, b.SubscribeWith(ctx, SubscribeOptions[Event]{Buffer: 8}))
	}
	var wg sync.WaitGroup
	stopChurn := make(chan struct{})
	wg.Add(1)
	go func() { // subscribers that come and go
		defer wg.Done()
		for {
			select {
			case <-stopChurn:
				return
			default:
			}
			cctx, ccancel := context.WithCancel(ctx)
			c := b.Subscribe(cctx)
			select {
			case <-c:
			default:
			}
			ccancel()
			for range c {
			}
		}
	}()
	var pubs sync.WaitGroup
	for p := 0; p < publishers; p++ {
		pubs.Add(1)
		go func() {
			defer pubs.Done()
			for i := 0; i < perPublisher; i++ {
				b.Publish(Token{TurnID: fmt.Sprint(p), Text: "x"})
				b.Publish(RunCompleted{TurnID: fmt.Sprint(p), Skill: fmt.Sprint(i)})
			}
		}()
	}
	pubs.Wait()
	close(stopChurn)
	wg.Wait()
	for _, s := range subs {
		s.Stop()
		next := map[string]int{}
		for e := range s.C {
			rc, ok := e.(RunCompleted)
			if !ok {
				continue
			}
			if rc.Skill != fmt.Sprint(next[rc.TurnID]) {
				t.Fatalf("publisher %s: event %s arrived when %d was due", rc.TurnID, rc.Skill, next[rc.TurnID])
			}
			next[rc.TurnID]++
		}
		for p := 0; p < publishers; p++ {
			if next[fmt.Sprint(p)] != perPublisher {
				t.Fatalf("publisher %d: %d state changes delivered, want %d", p, next[fmt.Sprint(p)], perPublisher)
			}
		}
	}
}

// TestNoLeak: subscriptions that end leave no goroutine behind.
func TestNoLeak(t *testing.T) {
	b := New(nil)
	before := runtime.NumGoroutine()
	for i := 0; i < 10000; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		c := b.Subscribe(ctx)
		if i%2 == 0 {
			b.Publish(RunCompleted{}) // some end with an event in hand
		}
		cancel()
		if i%100 == 0 {
			for range c {
			}
		}
	}
	waitFor(t, "the subscriptions' goroutines to end", func() bool {
		return runtime.NumGoroutine() <= before
	})
	if got := b.subs.Load(); got != nil && len(*got) != 0 {
		t.Fatalf("%d subscribers still registered", len(*got))
	}
}

// TestDropWarning: drops are reported in the log, gathered into one
// warning per interval with the count, and the rest when the subscription
// ends; a nil logger logs nothing (and must not panic).
func TestDropWarning(t *testing.T) {
	h := &recordHandler{}
	b := New(slog.New(h))
	b.warnEvery = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	s := b.SubscribeWith(ctx, SubscribeOptions[Event]{Name: "slow view", Buffer: 1})
	b.Publish(RunCompleted{}) // in the pump's hand
	b.Publish(RunCompleted{}) // fills the buffer
	for i := 0; i < 50; i++ {
		b.Publish(Token{})
	}
	waitFor(t, "a drop warning", func() bool { return len(h.get()) > 0 })
	for i := 0; i < 7; i++ {
		b.Publish(Token{})
	}
	cancel()
	<-s.Done()
	got := h.get()
	if len(got) != 2 {
		t.Fatalf("warnings %v: want one for the first burst and one at the end", got)
	}
	for i, want := range []string{"subscriber=slow view dropped=50 dropped_total=50", "subscriber=slow view dropped=7 dropped_total=57"} {
		if !strings.Contains(got[i], want) {
			t.Fatalf("warning %d = %q, want %q in it", i, got[i], want)
		}
	}
	if s.Dropped() != 57 {
		t.Fatalf("dropped %d, want 57", s.Dropped())
	}
}

// TestBacklogWarning: guaranteed events pile up for a subscriber that
// stopped reading; the log says so as the pile doubles, not per event.
func TestBacklogWarning(t *testing.T) {
	h := &recordHandler{}
	b := New(slog.New(h))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.SubscribeWith(ctx, SubscribeOptions[Event]{Name: "stuck", Buffer: 2})
	for i := 0; i < 40; i++ {
		b.Publish(RunCompleted{})
	}
	got := h.get()
	if len(got) != 2 {
		t.Fatalf("warnings %q: want two, at 16 and 32 queued", got)
	}
	for i, want := range []string{"queued=16", "queued=32"} {
		if !strings.Contains(got[i], "subscriber=stuck "+want) {
			t.Fatalf("warning %d = %q, want %s", i, got[i], want)
		}
	}
}

type recordHandler struct {
	mu   sync.Mutex
	recs []string
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *recordHandler) WithGroup(string) slog.Handler            { return h }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.Key + "=" + a.Value.String()); return true })
	h.mu.Lock()
	h.recs = append(h.recs, b.String())
	h.mu.Unlock()
	return nil
}

func (h *recordHandler) get() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.recs...)
}

// TestCutOffWhenFarBehind: a subscriber that stops reading without ending
// its context is cut off once too many guaranteed events wait for it: its
// channel closes, the log says so, memory stops growing, and the other
// subscribers keep receiving everything.
func TestCutOffWhenFarBehind(t *testing.T) {
	var logged strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logged.Write(p)
	}), nil))
	b := NewBroker[Event](log)
	b.maxQueued = 50
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stalled := b.SubscribeWith(ctx, SubscribeOptions[Event]{Name: "stalled"})
	reader := b.Subscribe(ctx)
	got := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range reader {
			got++
			if got == 200 {
				return
			}
		}
	}()
	for i := 0; i < 200; i++ {
		b.Publish(RunCompleted{TurnID: fmt.Sprint(i)})
	}
	<-done
	select {
	case <-stalled.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled subscription was never ended")
	}
	if !stalled.CutOff() {
		t.Fatal("CutOff() = false for a subscriber that fell behind")
	}
	n := 0
	for range stalled.C {
		n++
	}
	if n > 50 {
		t.Fatalf("the cut-off subscriber still delivered %d events after its end", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logged.String(), "cut off") || !strings.Contains(logged.String(), "stalled") {
		t.Fatalf("log %q: want the cut-off named", logged.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
