package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
)

// userAgent names Macroa to the services.
const userAgent = "macroa-notify"

// attempt makes one request. retry says whether another attempt may
// succeed: a network error, a 5xx or a 429 answer.
func (n *Notifier) attempt(ctx context.Context, ch Channel, m Message) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, ch.Timeout)
	defer cancel()
	req, err := n.request(ctx, ch, m)
	if err != nil {
		return false, err
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := n.o.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, which may hold a token
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			err = fmt.Errorf("no answer within %s", ch.Timeout)
		}
		return true, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	err = fmt.Errorf("the server answered %s", resp.Status)
	if s := strings.Join(strings.Fields(string(snippet)), " "); s != "" {
		err = fmt.Errorf("%w: %s", err, s)
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, err
}

// request builds the request each service documents.
func (n *Notifier) request(ctx context.Context, ch Channel, m Message) (*http.Request, error) {
	base := strings.TrimRight(ch.URL, "/")
	switch ch.Type {
	case config.NotifyNtfy:
		// ntfy: POST the text to <server>/<topic>; the title, priority
		// (1-5) and tags go in headers.
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+url.PathEscape(ch.Topic), strings.NewReader(m.Body))
		if err != nil {
			return nil, badURL(err)
		}
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		if m.Title != "" {
			req.Header.Set("Title", headerText(m.Title))
		}
		req.Header.Set("Priority", strconv.Itoa(ntfyPriority(m.Priority)))
		if len(m.Tags) > 0 {
			req.Header.Set("Tags", headerText(strings.Join(m.Tags, ",")))
		}
		if ch.Token != "" {
			req.Header.Set("Authorization", "Bearer "+ch.Token)
		}
		return req, nil
	case config.NotifyGotify:
		// Gotify: POST JSON {title, message, priority 0-10} to
		// <server>/message with the application token in X-Gotify-Key.
		body, _ := json.Marshal(struct {
			Title    string `json:"title,omitempty"`
			Message  string `json:"message"`
			Priority int    `json:"priority"`
		}{m.Title, m.Body, gotifyPriority(m.Priority)})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/message", bytes.NewReader(body))
		if err != nil {
			return nil, badURL(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if ch.Token != "" {
			req.Header.Set("X-Gotify-Key", ch.Token)
		}
		return req, nil
	case config.NotifyWebhook:
		body, _ := json.Marshal(WebhookBody{Title: m.Title, Body: m.Body, Priority: m.Priority.String(),
			Kind: m.Kind, Tags: m.Tags, Time: n.o.Now().UTC().Format(time.RFC3339)})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.URL, bytes.NewReader(body))
		if err != nil {
			return nil, badURL(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if ch.Token != "" {
			req.Header.Set("Authorization", "Bearer "+ch.Token)
		}
		return req, nil
	}
	return nil, fmt.Errorf("%q is not a notification service (%s, %s or %s)", ch.Type,
		config.NotifyNtfy, config.NotifyGotify, config.NotifyWebhook)
}

// WebhookBody is the JSON a webhook channel receives.
type WebhookBody struct {
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Priority string   `json:"priority"` // low, default, high, urgent
	Kind     string   `json:"kind"`
	Tags     []string `json:"tags,omitempty"`
	Time     string   `json:"time"` // RFC 3339, UTC
}

func badURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("the URL is not usable: %w", err)
}

// headerText keeps a header value ASCII: other text is sent as an RFC 2047
// encoded word, which ntfy decodes.
func headerText(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// ntfyPriority maps to ntfy's 1 (min) - 5 (max); low is 2, default 3.
func ntfyPriority(p Priority) int {
	switch p {
	case Low:
		return 2
	case High:
		return 4
	case Urgent:
		return 5
	}
	return 3
}

// gotifyPriority maps to Gotify's 0-10: low 2 (quiet), default 5, high 8,
// urgent 10.
func gotifyPriority(p Priority) int {
	switch p {
	case Low:
		return 2
	case High:
		return 8
	case Urgent:
		return 10
	}
	return 5
}
