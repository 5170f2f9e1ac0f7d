// Package notify sends short messages to a person's phone or chat: an
// approval is waiting, an action failed, later a host alert. A channel is
// an ntfy topic, a Gotify application or a generic JSON webhook, each
// configured in config.toml ([[notify]]) with the least priority it takes.
//
// Every message leaves with the configured secrets and key shapes redacted
// (redact) and control characters removed (termsafe), whatever its caller
// put in it. Each channel gets a few attempts with exponential backoff on
// network errors, 5xx and 429 answers; another 4xx answer is final.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/termsafe"
)

// Priority is a message's urgency, least urgent first.
type Priority int

// The priorities, as config.NotifyPriorities names them.
const (
	Low     Priority = 1
	Default Priority = 2
	High    Priority = 3
	Urgent  Priority = 4
)

// String names the priority as config.toml does.
func (p Priority) String() string {
	switch p {
	case Low:
		return string(config.NotifyLow)
	case Default:
		return string(config.NotifyDefault)
	case High:
		return string(config.NotifyHigh)
	case Urgent:
		return string(config.NotifyUrgent)
	}
	return "unknown"
}

// PriorityOf reads a configured priority; an unknown one is Default.
func PriorityOf(p config.NotifyPriority) Priority {
	if r := p.Rank(); r > 0 {
		return Priority(r)
	}
	return Default
}

// Message is one notification.
type Message struct {
	Title    string
	Body     string
	Priority Priority // zero is Default
	Tags     []string // ntfy shows them (as emoji where it knows the word)
	Kind     string   // what it is about: "approval.pending", "action.failed", "test"
}

// Channel is one configured destination.
type Channel struct {
	Name        string // for people: the type and the URL, credentials hidden
	Type        config.NotifyType
	URL         string // the server (ntfy, gotify) or the endpoint (webhook)
	Topic       string // ntfy
	Token       string // "" for none
	MinPriority Priority
	Timeout     time.Duration // one attempt
}

// Options build a Notifier.
type Options struct {
	Channels []Channel
	// Secrets are values removed from every message (config.SecretValues).
	Secrets []string
	// Client sends the requests; nil: a client of its own.
	Client *http.Client
	// Attempts per channel and message, the first included; 0: DefaultAttempts.
	Attempts int
	// Backoff is the wait after the first failed attempt, doubled after
	// each one up to MaxBackoff; 0: DefaultBackoff.
	Backoff time.Duration
	// Now stamps webhook messages; nil: time.Now.
	Now func() time.Time
}

// The defaults of Options.
const (
	DefaultAttempts = 4
	DefaultBackoff  = 500 * time.Millisecond
	MaxBackoff      = 8 * time.Second
	DefaultTimeout  = 30 * time.Second
	// MaxBody is the longest body sent, in bytes (ntfy turns a longer one
	// into an attachment).
	MaxBody = 4000
)

// Notifier sends messages to its channels. It is safe for concurrent use.
type Notifier struct {
	o Options
}

// New returns a Notifier over o.Channels.
func New(o Options) *Notifier {
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.Attempts <= 0 {
		o.Attempts = DefaultAttempts
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	for i := range o.Channels {
		if o.Channels[i].Timeout <= 0 {
			o.Channels[i].Timeout = DefaultTimeout
		}
		if o.Channels[i].MinPriority == 0 {
			o.Channels[i].MinPriority = Default
		}
	}
	return &Notifier{o: o}
}

// FromConfig returns a Notifier over the configured [[notify]] channels:
// tokens resolved (token or token_env), a channel without a timeout given
// MACROA_NETWORK_TIMEOUT, every configured secret redacted.
func FromConfig(c *config.Config) *Notifier {
	chans := make([]Channel, len(c.File.Notify))
	for i, n := range c.File.Notify {
		timeout := time.Duration(n.Timeout)
		if timeout <= 0 {
			timeout = c.NetworkTimeout
		}
		chans[i] = Channel{
			Name: ChannelName(n.Type, string(n.URL), n.Topic), Type: n.Type, URL: string(n.URL), Topic: n.Topic,
			Token: c.NotifyToken(i), MinPriority: PriorityOf(n.MinPriority), Timeout: timeout,
		}
	}
	return New(Options{Channels: chans, Secrets: c.SecretValues()})
}

// ChannelName names a channel for people: "ntfy https://ntfy.sh/alerts",
// credentials in the URL hidden.
func ChannelName(t config.NotifyType, url, topic string) string {
	u := config.MaskURL(url)
	if t == config.NotifyNtfy {
		u = strings.TrimRight(u, "/") + "/" + topic
	}
	return string(t) + " " + u
}

// Channels lists the channels.
func (n *Notifier) Channels() []Channel { return append([]Channel(nil), n.o.Channels...) }

// Result is what became of a message on one channel.
type Result struct {
	Channel  Channel
	Skipped  bool // below the channel's least priority: not sent
	Attempts int
	Err      error // nil when the service took the message
}

// Send sends m to every channel whose least priority it meets, all at
// once, each with its retries, and returns when every one is done or ctx
// ends. The error joins the channels' errors (nil when each took it).
func (n *Notifier) Send(ctx context.Context, m Message) error {
	var errs []error
	for _, r := range n.Deliver(ctx, m) {
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}

// Deliver is Send with one Result per channel, in the channels' order.
func (n *Notifier) Deliver(ctx context.Context, m Message) []Result {
	m = n.clean(m)
	out := make([]Result, len(n.o.Channels))
	var wg sync.WaitGroup
	for i, ch := range n.o.Channels {
		out[i].Channel = ch
		if m.Priority < ch.MinPriority {
			out[i].Skipped = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i].Attempts, out[i].Err = n.sendRetrying(ctx, ch, m)
		}()
	}
	wg.Wait()
	return out
}

// clean makes m safe to send: secrets redacted, control characters
// removed, the title one line, the body capped.
func (n *Notifier) clean(m Message) Message {
	scrub := func(s string) string { return termsafe.Clean(redact.String(s, n.o.Secrets...)) }
	m.Title = strings.Join(strings.Fields(scrub(m.Title)), " ")
	m.Body = capBytes(strings.TrimSpace(scrub(m.Body)), MaxBody)
	tags := make([]string, 0, len(m.Tags))
	for _, t := range m.Tags {
		if t = strings.Join(strings.Fields(scrub(t)), "_"); t != "" && !strings.Contains(t, ",") {
			tags = append(tags, t)
		}
	}
	m.Tags = tags
	m.Kind = strings.Join(strings.Fields(scrub(m.Kind)), "_")
	if m.Priority < Low || m.Priority > Urgent {
		m.Priority = Default
	}
	if m.Body == "" {
		m.Body = m.Title
	}
	return m
}

// capBytes cuts s to at most max bytes on a rune boundary, marking the cut.
func capBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const more = "…"
	cut := max - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}

// sendRetrying makes up to Attempts attempts, waiting Backoff, then twice
// as long, up to MaxBackoff, between them; it stops at a final answer or
// when ctx ends.
func (n *Notifier) sendRetrying(ctx context.Context, ch Channel, m Message) (int, error) {
	wait := n.o.Backoff
	var err error
	for attempt := 1; ; attempt++ {
		var retry bool
		retry, err = n.attempt(ctx, ch, m)
		if err == nil {
			return attempt, nil
		}
		if !retry || attempt >= n.o.Attempts {
			return attempt, n.fail(ch, err, attempt)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, n.fail(ch, fmt.Errorf("%w (stopped: %w)", err, ctx.Err()), attempt)
		case <-t.C:
		}
		wait = nextWait(wait)
	}
}

// nextWait doubles a wait, up to MaxBackoff.
func nextWait(w time.Duration) time.Duration { return min(2*w, MaxBackoff) }

// fail names the channel and the attempts, with secrets redacted.
func (n *Notifier) fail(ch Channel, err error, attempts int) error {
	s := err.Error()
	if attempts > 1 {
		s = fmt.Sprintf("%s (after %d attempts)", s, attempts)
	}
	return &Error{Channel: ch.Name, Msg: termsafe.Clean(redact.String(s, append([]string{ch.Token}, n.o.Secrets...)...))}
}

// Error is a channel that did not take a message.
type Error struct {
	Channel string
	Msg     string
}

func (e *Error) Error() string { return e.Channel + ": " + e.Msg }
