package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/notify"
	"github.com/macroa/macroa/store"
)

// Notifications: when [[notify]] channels are configured, the sender
// subscribes (in Start, or when the approval queue is first built, for a
// process that never calls Start) to this process's approval events and sends a message for each entry
// that starts waiting for a person (not for a proposal merged into one
// already waiting) and for each action that failed. Other processes send
// their own, so each message goes out once. The subscription is the queue:
// publishing never waits for a send, and one goroutine sends in order.
// Shutdown lets it send what is queued for at most notifyDrain (less when
// its context ends sooner), then cancels what is left.

// notifyDrain bounds how long Shutdown waits for queued notifications.
const notifyDrain = 10 * time.Second

// notifyLoop is the running sender.
type notifyLoop struct {
	sub    *events.Subscription[events.Event]
	cancel context.CancelFunc // ends the send in flight
	done   chan struct{}      // closed when the goroutine has returned
}

// startNotify starts the sender once, when channels are configured. a.mu
// is held. Start and the approval queue's builder call it.
func (a *App) startNotify(cfg *config.Config) {
	if a.notes != nil || len(cfg.File.Notify) == 0 {
		return
	}
	n := notify.FromConfig(cfg)
	sub := a.broker().SubscribeWith(context.Background(), events.SubscribeOptions[events.Event]{
		Name: "notify", Filter: func(e events.Event) bool { _, ok := messageOf(e); return ok },
	})
	ctx, cancel := context.WithCancel(context.Background())
	l := &notifyLoop{sub: sub, cancel: cancel, done: make(chan struct{})}
	log := a.logger()
	db := a.db // open: Start and the queue's builder open it first; closed after stopNotify
	go func() {
		defer close(l.done)
		for e := range sub.C {
			m, _ := messageOf(e)
			if c, ok := e.(events.ApprovalChanged); ok && c.State == string(store.ApprovalFailed) && db != nil {
				// Why it failed is in the entry, not the event.
				if entry, err := db.GetApproval(ctx, store.ApprovalID(c.ID)); err == nil {
					m.Body = failedBody(c, entry)
				} else {
					log.Warn("notify: read the failed approval", "id", c.ID, "err", err.Error())
				}
			}
			if err := n.Send(ctx, m); err != nil {
				log.Warn("notify: a notification was not delivered", "kind", m.Kind, "err", err.Error())
			} else if f, ok := e.(events.TaskFired); ok && m.Kind == reminderKind && db != nil {
				// Delivered: a cockpit opened later need not show it again.
				if err := db.MarkShown(ctx, store.TaskRunID(f.Run)); err != nil {
					log.Warn("notify: mark the reminder shown", "run", f.Run, "err", err.Error())
				}
			}
		}
	}()
	a.notes = l
}

// stopNotify ends the sender (started or not): the queued messages are
// sent until ctx ends or notifyDrain passes, then the rest is dropped.
func (a *App) stopNotify(ctx context.Context) {
	a.mu.Lock()
	l := a.notes
	a.notes = nil
	a.mu.Unlock()
	if l == nil {
		return
	}
	l.sub.Stop()
	t := time.NewTimer(notifyDrain)
	defer t.Stop()
	select {
	case <-l.done:
	case <-ctx.Done():
	case <-t.C:
	}
	l.cancel()
	<-l.done
}

// approvalMessage is the notification for an event, ok false for an event
// that sends none.
// messageOf is the notification an event asks for, if any.
func messageOf(e events.Event) (notify.Message, bool) {
	if m, ok := taskMessage(e); ok {
		return m, true
	}
	if m, ok := hostMessage(e); ok {
		return m, true
	}
	return approvalMessage(e)
}

func approvalMessage(e events.Event) (notify.Message, bool) {
	c, ok := e.(events.ApprovalChanged)
	if !ok {
		return notify.Message{}, false
	}
	risk := actions.Risk(c.Risk)
	host := c.Host
	if host == "" {
		host = config.LocalHost
	}
	lines := []string{
		"id: " + c.ID,
		"risk: " + risk.String(),
		"host: " + host,
	}
	if c.Proposer != "" {
		lines = append(lines, "proposed by: "+c.Proposer)
	}
	switch {
	case c.State == "pending" && !c.Merged:
		lines = append(lines, "", "approve: macroa approvals approve "+c.ID, "reject: macroa approvals reject "+c.ID)
		return notify.Message{
			Title:    "Approval waiting: " + c.Summary,
			Body:     c.Summary + "\n\n" + strings.Join(lines, "\n"),
			Priority: riskPriority(risk),
			Tags:     []string{"approval", risk.String()},
			Kind:     "approval.pending",
		}, true
	case c.State == "failed":
		return notify.Message{
			Title:    "Action failed: " + c.Summary,
			Body:     failedBody(c, store.Approval{}),
			Priority: notify.High,
			Tags:     []string{"failed"},
			Kind:     "action.failed",
		}, true
	}
	return notify.Message{}, false
}

// What a failed action's notification quotes of its run: the error up to
// failedErrorMax bytes. The notifier redacts and cleans it like the rest
// of the message.
const failedErrorMax = 500

// failedBody is the body of an "Action failed" message: the summary, why
// it failed (the entry's error and exit code, when e is the entry read
// back), the entry's facts and where to see the output.
func failedBody(c events.ApprovalChanged, e store.Approval) string {
	var b strings.Builder
	b.WriteString(c.Summary + "\n")
	if e.ID != "" {
		if msg := strings.TrimSpace(e.Error); msg != "" {
			b.WriteString("\nerror: " + cut(strings.Join(strings.Fields(msg), " "), failedErrorMax) + "\n")
		}
		if e.ExitCode != 0 {
			fmt.Fprintf(&b, "exit code: %d\n", e.ExitCode)
		}
		// Never the output: what a command printed may hold anything
		// (a password file's line), and a channel may be a public
		// topic. The output is one command away.
	}
	host := c.Host
	if host == "" {
		host = config.LocalHost
	}
	lines := []string{"", "id: " + c.ID, "risk: " + actions.Risk(c.Risk).String(), "host: " + host}
	if c.Proposer != "" {
		lines = append(lines, "proposed by: "+c.Proposer)
	}
	lines = append(lines, "", "details: macroa approvals show "+c.ID)
	b.WriteString(strings.Join(lines, "\n"))
	return b.String()
}

// cut shortens s to at most max bytes on a rune boundary, marking the cut.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	end := max - len("…")
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + "…"
}

// riskPriority: low and medium risk wait at default priority, high at
// high, critical is urgent.
func riskPriority(r actions.Risk) notify.Priority {
	switch {
	case r >= actions.Critical:
		return notify.Urgent
	case r >= actions.High:
		return notify.High
	}
	return notify.Default
}

// NotifyTest sends a test message to every configured channel, whatever
// its least priority, and returns each channel's result.
func (a *App) NotifyTest(ctx context.Context) ([]notify.Result, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	if len(cfg.File.Notify) == 0 {
		return nil, nil
	}
	chans := notify.FromConfig(cfg).Channels()
	for i := range chans {
		chans[i].MinPriority = notify.Low
	}
	n := notify.New(notify.Options{Channels: chans, Secrets: cfg.SecretValues()})
	host, _ := os.Hostname()
	if host == "" {
		host = "this machine"
	}
	return n.Deliver(ctx, notify.Message{
		Title:    "Macroa test notification",
		Body:     fmt.Sprintf("A test from macroa notify test on %s at %s. Approvals waiting and failed actions will arrive here.", host, time.Now().Format("15:04:05")),
		Priority: notify.Default,
		Tags:     []string{"test"},
		Kind:     "test",
	}), nil
}
