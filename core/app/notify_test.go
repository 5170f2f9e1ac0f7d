package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/notify"
	"github.com/macroa/macroa/store"
)

// hookServer is a real local webhook endpoint recording what it gets.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []notify.WebhookBody
	got    chan struct{}
	hold   chan struct{} // when set, requests wait on it
}

func newHookServer(t *testing.T, hold chan struct{}) *hookServer {
	h := &hookServer{got: make(chan struct{}, 100), hold: hold}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var b notify.WebhookBody
		if err := json.Unmarshal(data, &b); err != nil {
			t.Errorf("webhook body %q: %v", data, err)
		}
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.mu.Unlock()
		h.got <- struct{}{}
		if h.hold != nil {
			select {
			case <-h.hold:
			case <-r.Context().Done():
			}
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) received() []notify.WebhookBody {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]notify.WebhookBody(nil), h.bodies...)
}

// waitFor waits for n requests in all, failing after a deadline.
func (h *hookServer) waitFor(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for len(h.received()) < n {
		select {
		case <-h.got:
		case <-deadline:
			t.Fatalf("%d notifications arrived, want %d", len(h.received()), n)
		}
	}
}

// notifyApp is a real App over a fresh data dir whose config.toml sends
// notifications to url.
func notifyApp(t *testing.T, url string) *App {
	t.Helper()
	dir := t.TempDir()
	toml := "[[notify]]\ntype = \"webhook\"\nurl = \"" + url + "\"\nmin_priority = \"low\"\ntimeout = \"5s\"\n"
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + dir, "DEPLOY_TOKEN=very-secret-deploy-token"}, WorkDir: dir, UserHome: dir})
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Config: cfg, WorkDir: dir, UserHome: dir})
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return a
}

func TestNotifyApprovalEvents(t *testing.T) {
	h := newHookServer(t, nil)
	a := notifyApp(t, h.URL)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	evs := []events.ApprovalChanged{
		{ID: "a1", State: "pending", Risk: 1, Summary: "restart nginx", Proposer: "agent"},
		{ID: "a1", State: "pending", Risk: 1, Summary: "restart nginx", Merged: true},   // merged: none
		{ID: "a1", State: "approved", Risk: 1, Summary: "restart nginx"},                // none
		{ID: "a2", State: "pending", Risk: 3, Summary: "update packages", Host: "web1"}, // high
		{ID: "a3", State: "pending", Risk: 4, Summary: "stop sshd with very-secret-deploy-token"},
		{ID: "a4", State: "failed", Risk: 2, Summary: "restart redis"},
		{ID: "a5", State: "succeeded", Risk: 2, Summary: "restart redis"}, // none
	}
	for _, e := range evs {
		a.publish(e)
	}
	a.publish(events.StoreChanged{Parts: []events.StorePart{events.PartApprovals}}) // another process's change: none
	h.waitFor(t, 4)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := h.received()
	want := []struct{ title, priority, kind string }{
		{"Approval waiting: restart nginx", "default", "approval.pending"},
		{"Approval waiting: update packages", "high", "approval.pending"},
		{"Approval waiting: stop sshd with [redacted]", "urgent", "approval.pending"},
		{"Action failed: restart redis", "high", "action.failed"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d notifications: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Title != w.title || got[i].Priority != w.priority || got[i].Kind != w.kind {
			t.Errorf("notification %d = %+v, want %+v", i, got[i], w)
		}
	}
	wantBody := "restart nginx\n\nid: a1\nrisk: low\nhost: local\nproposed by: agent\n\napprove: macroa approvals approve a1\nreject: macroa approvals reject a1"
	if got[0].Body != wantBody {
		t.Errorf("body =\n%s\nwant\n%s", got[0].Body, wantBody)
	}
	if b := got[1].Body; !contains(b, "host: web1", "risk: high", "macroa approvals approve a2") {
		t.Errorf("body = %s", b)
	}
	if contains(got[2].Body, "very-secret") {
		t.Errorf("a secret reached the webhook: %s", got[2].Body)
	}
}

// A notification service that does not answer never holds up the
// publisher, and Shutdown sends what is queued until its context ends.
func TestNotifyNeverBlocksAndStopsAtShutdown(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	h := newHookServer(t, hold)
	a := notifyApp(t, h.URL)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	published := make(chan struct{})
	go func() {
		for i := 0; i < 50; i++ {
			a.publish(events.ApprovalChanged{ID: "x", State: "pending", Risk: 2, Summary: "s"})
		}
		close(published)
	}()
	select {
	case <-published:
	case <-time.After(10 * time.Second):
		t.Fatal("publishing waited for the notification service")
	}
	h.waitFor(t, 1) // the first send is stuck in the server
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error)
	go func() { done <- a.Shutdown(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Shutdown waited for the notification service beyond its context")
	}
	if n := len(h.received()); n != 1 {
		t.Errorf("%d requests after a stuck first one, want 1", n)
	}
}

// Without channels nothing subscribes.
func TestNoNotifyWithoutChannels(t *testing.T) {
	a, _ := newApp(t)
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.notes != nil {
		t.Fatal("a notification sender runs with no channel configured")
	}
}

func TestNotifyTest(t *testing.T) {
	h := newHookServer(t, nil)
	a := notifyApp(t, h.URL)
	res, err := a.NotifyTest(context.Background())
	if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Skipped {
		t.Fatalf("NotifyTest = %+v, %v", res, err)
	}
	if got := h.received(); len(got) != 1 || got[0].Kind != "test" || got[0].Title != "Macroa test notification" {
		t.Errorf("received %+v", got)
	}
}

// Through the real queue: a proposal that waits sends one notification
// (its merged twin none), and the action failing when approved sends
// another.
func TestNotifyFromTheQueue(t *testing.T) {
	h := newHookServer(t, nil)
	a := notifyApp(t, h.URL)
	ctx := context.Background()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	svc, err := a.Approvals()
	if err != nil {
		t.Fatal(err)
	}
	p := approvals.Proposal{
		Action:   actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "echo trying; exit 3"}},
		Proposer: approvals.ByAgent, Why: "to see it fail", Source: "cli",
	}
	first, err := svc.Ask(ctx, p, approvals.AskOptions{Where: approvals.CLI})
	if err != nil || first.Entry.State != store.ApprovalPending {
		t.Fatalf("Ask = %+v, %v", first, err)
	}
	if again, err := svc.Ask(ctx, p, approvals.AskOptions{Where: approvals.CLI}); err != nil || !again.Merged {
		t.Fatalf("second Ask = %+v, %v", again, err)
	}
	h.waitFor(t, 1)
	id := string(first.Entry.ID)
	e, err := svc.Approve(ctx, first.Entry.ID, approvals.Decider{Who: "person:test", Where: approvals.CLI}, approvals.Remember{})
	if err != nil || e.State != store.ApprovalFailed {
		t.Fatalf("Approve = %+v, %v", e, err)
	}
	h.waitFor(t, 2)
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	got := h.received()
	if len(got) != 2 {
		t.Fatalf("got %d notifications: %+v", len(got), got)
	}
	if got[0].Kind != "approval.pending" || !contains(got[0].Title, "Approval waiting: ") ||
		!contains(got[0].Body, "id: "+id, "proposed by: agent", "macroa approvals approve "+id) {
		t.Errorf("waiting = %+v", got[0])
	}
	if got[1].Kind != "action.failed" || got[1].Priority != "high" || !contains(got[1].Title, "Action failed: ") {
		t.Errorf("failed = %+v", got[1])
	}
}

// A process that never calls Start (macroa run queuing a proposal) sends
// its notification too, by the time Shutdown returns.
func TestNotifyWithoutStart(t *testing.T) {
	h := newHookServer(t, nil)
	a := notifyApp(t, h.URL)
	ctx := context.Background()
	svc, err := a.Approvals()
	if err != nil {
		t.Fatal(err)
	}
	p := approvals.Proposal{Action: actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "true"}}, Proposer: approvals.ByAgent}
	if ans, err := svc.Ask(ctx, p, approvals.AskOptions{Where: approvals.CLI}); err != nil || ans.Entry.State != store.ApprovalPending {
		t.Fatalf("Ask = %+v, %v", ans, err)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.received(); len(got) != 1 || got[0].Kind != "approval.pending" {
		t.Fatalf("received %+v", got)
	}
}
