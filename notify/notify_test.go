package notify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
)

// recorded is one request a test server received.
type recorded struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// server is a real local HTTP server that records every request and
// answers with the statuses it is given in turn (then 200).
type server struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []recorded
	statuses []int
	hold     chan struct{} // when set, requests wait on it
}

func newServer(t *testing.T, statuses ...int) *server {
	s := &server{statuses: statuses}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		status := http.StatusOK
		if len(s.statuses) > 0 {
			status, s.statuses = s.statuses[0], s.statuses[1:]
		}
		hold := s.hold
		s.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"error":"`+http.StatusText(status)+`"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

// fast keeps backoff short so retries take milliseconds.
func fast(chans ...Channel) *Notifier {
	return New(Options{Channels: chans, Backoff: time.Millisecond, Secrets: []string{"hunter2-secret-value"},
		Now: func() time.Time { return time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC) }})
}

func TestNtfyRequestShape(t *testing.T) {
	s := newServer(t)
	n := fast(Channel{Name: "ntfy", Type: config.NotifyNtfy, URL: s.URL + "/", Topic: "macroa-alerts", Token: "tk_ntfytoken0123456789"})
	err := n.Send(context.Background(), Message{Title: "Approval waiting: restart nginx", Body: "id: a1b2\nrisk: high",
		Priority: High, Tags: []string{"approval", "high"}, Kind: "approval.pending"})
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	checks := map[string][2]string{
		"method":        {r.Method, "POST"},
		"path":          {r.Path, "/macroa-alerts"},
		"body":          {r.Body, "id: a1b2\nrisk: high"},
		"Title":         {r.Header.Get("Title"), "Approval waiting: restart nginx"},
		"Priority":      {r.Header.Get("Priority"), "4"},
		"Tags":          {r.Header.Get("Tags"), "approval,high"},
		"Authorization": {r.Header.Get("Authorization"), "Bearer tk_ntfytoken0123456789"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", name, c[0], c[1])
		}
	}
}

// ntfy's priorities are 1-5 and its headers ASCII: a title in another
// script goes as an RFC 2047 word that decodes back.
func TestNtfyPrioritiesAndUnicodeTitle(t *testing.T) {
	for _, tc := range []struct {
		p    Priority
		want string
	}{{Low, "2"}, {Default, "3"}, {High, "4"}, {Urgent, "5"}, {0, "3"}} {
		s := newServer(t)
		n := New(Options{Channels: []Channel{{Type: config.NotifyNtfy, URL: s.URL, Topic: "t", MinPriority: Low}}})
		if err := n.Send(context.Background(), Message{Title: "Genehmigung für ärger", Body: "b", Priority: tc.p}); err != nil {
			t.Fatal(err)
		}
		r := s.requests()[0]
		if got := r.Header.Get("Priority"); got != tc.want {
			t.Errorf("priority %v → %q, want %q", tc.p, got, tc.want)
		}
		title, err := new(mime.WordDecoder).DecodeHeader(r.Header.Get("Title"))
		if err != nil || title != "Genehmigung für ärger" {
			t.Errorf("title %q decodes to %q, %v", r.Header.Get("Title"), title, err)
		}
		if r.Header.Get("Authorization") != "" {
			t.Error("an Authorization header without a token")
		}
	}
}

func TestGotifyRequestShape(t *testing.T) {
	s := newServer(t)
	n := fast(Channel{Type: config.NotifyGotify, URL: s.URL + "/gotify/", Token: "AppTokenXyz123"})
	for _, p := range []Priority{Default, High, Urgent} {
		if err := n.Send(context.Background(), Message{Title: "T", Body: "the body", Priority: p}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for i, want := range []int{5, 8, 10} {
		r := reqs[i]
		if r.Method != "POST" || r.Path != "/gotify/message" || r.Header.Get("X-Gotify-Key") != "AppTokenXyz123" ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || r.RawQuery != "" {
			t.Errorf("request %d = %s %s?%s %v", i, r.Method, r.Path, r.RawQuery, r.Header)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatalf("body %q: %v", r.Body, err)
		}
		if body["title"] != "T" || body["message"] != "the body" || body["priority"] != float64(want) || len(body) != 3 {
			t.Errorf("body %d = %v, want priority %d", i, body, want)
		}
	}
}

func TestWebhookRequestShape(t *testing.T) {
	s := newServer(t)
	n := fast(Channel{Type: config.NotifyWebhook, URL: s.URL + "/hook?x=1", Token: "webhook-token-42"},
		Channel{Type: config.NotifyWebhook, URL: s.URL + "/plain"})
	if err := n.Send(context.Background(), Message{Title: "Action failed: x", Body: "details", Priority: High, Kind: "action.failed"}); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		var body WebhookBody
		dec := json.NewDecoder(strings.NewReader(r.Body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			t.Fatalf("body %q: %v", r.Body, err)
		}
		want := WebhookBody{Title: "Action failed: x", Body: "details", Priority: "high", Kind: "action.failed", Time: "2026-12-02T08:00:00Z"}
		if body.Title != want.Title || body.Body != want.Body || body.Priority != want.Priority || body.Kind != want.Kind || body.Time != want.Time {
			t.Errorf("body = %+v", body)
		}
		auth := r.Header.Get("Authorization")
		switch r.Path {
		case "/hook":
			if auth != "Bearer webhook-token-42" || r.RawQuery != "x=1" {
				t.Errorf("hook: auth %q query %q", auth, r.RawQuery)
			}
		case "/plain":
			if auth != "" {
				t.Errorf("plain: auth %q", auth)
			}
		default:
			t.Errorf("path %q", r.Path)
		}
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name     string
		statuses []int
		attempts int
		ok       bool
	}{
		{"two 5xx then success", []int{500, 503}, 3, true},
		{"429 is retried", []int{429}, 2, true},
		{"always failing stops at the bound", []int{502, 502, 502, 502, 502, 502}, DefaultAttempts, false},
		{"400 is final", []int{400}, 1, false},
		{"401 is final", []int{401}, 1, false},
		{"404 is final", []int{404}, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, tc.statuses...)
			n := fast(Channel{Name: "hook", Type: config.NotifyWebhook, URL: s.URL})
			res := n.Deliver(context.Background(), Message{Title: "t", Body: "b"})
			if len(res) != 1 || res[0].Attempts != tc.attempts || (res[0].Err == nil) != tc.ok {
				t.Fatalf("result = %+v, want %d attempts, ok %v", res, tc.attempts, tc.ok)
			}
			if got := len(s.requests()); got != tc.attempts {
				t.Errorf("server saw %d requests, want %d", got, tc.attempts)
			}
			if !tc.ok {
				var e *Error
				if !errors.As(res[0].Err, &e) || e.Channel != "hook" || !strings.Contains(e.Msg, "the server answered") {
					t.Errorf("err = %v", res[0].Err)
				}
			}
		})
	}
}

// A network error (nothing listening) is retried, and the error names
// the cause without repeating a URL's token.
func TestNetworkErrorRetriedAndRedacted(t *testing.T) {
	s := newServer(t)
	url := s.URL + "/hook?token=query-token-123456"
	s.Close()
	n := fast(Channel{Name: "hook", Type: config.NotifyWebhook, URL: url})
	res := n.Deliver(context.Background(), Message{Title: "t"})
	if res[0].Err == nil || res[0].Attempts != DefaultAttempts {
		t.Fatalf("result = %+v", res[0])
	}
	if strings.Contains(res[0].Err.Error(), "query-token") {
		t.Errorf("error shows the token: %v", res[0].Err)
	}
}

func TestMinPriority(t *testing.T) {
	s := newServer(t)
	chans := []Channel{
		{Name: "low", Type: config.NotifyWebhook, URL: s.URL + "/low", MinPriority: Low},
		{Name: "default", Type: config.NotifyWebhook, URL: s.URL + "/default"}, // zero = default
		{Name: "high", Type: config.NotifyWebhook, URL: s.URL + "/high", MinPriority: High},
		{Name: "urgent", Type: config.NotifyWebhook, URL: s.URL + "/urgent", MinPriority: Urgent},
	}
	n := fast(chans...)
	want := map[Priority][]string{
		Low:     {"/low"},
		Default: {"/low", "/default"},
		High:    {"/low", "/default", "/high"},
		Urgent:  {"/low", "/default", "/high", "/urgent"},
	}
	for _, p := range []Priority{Low, Default, High, Urgent} {
		before := len(s.requests())
		res := n.Deliver(context.Background(), Message{Title: "t", Priority: p})
		var got []string
		for _, r := range s.requests()[before:] {
			got = append(got, r.Path)
		}
		if strings.Join(sorted(got), " ") != strings.Join(sorted(want[p]), " ") {
			t.Errorf("%s went to %v, want %v", p, got, want[p])
		}
		for _, r := range res {
			sent := !r.Skipped
			if sent != (p >= r.Channel.MinPriority) {
				t.Errorf("%s on %s: skipped %v", p, r.Channel.Name, r.Skipped)
			}
		}
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// A server that does not answer: each attempt ends at the channel's
// timeout, and the whole send ends when ctx does, without waiting out
// the backoff.
func TestTimeoutAndContext(t *testing.T) {
	s := newServer(t)
	s.hold = make(chan struct{})
	defer close(s.hold)
	n := New(Options{Channels: []Channel{{Name: "slow", Type: config.NotifyWebhook, URL: s.URL, Timeout: 50 * time.Millisecond}},
		Attempts: 2, Backoff: time.Millisecond})
	res := n.Deliver(context.Background(), Message{Title: "t"})
	if res[0].Err == nil || res[0].Attempts != 2 || !strings.Contains(res[0].Err.Error(), "no answer within 50ms") {
		t.Fatalf("result = %+v", res[0])
	}

	n = New(Options{Channels: []Channel{{Name: "slow", Type: config.NotifyWebhook, URL: s.URL, Timeout: time.Hour}},
		Attempts: 5, Backoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan []Result)
	go func() { done <- n.Deliver(ctx, Message{Title: "t"}) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(s.requests()) < 3 && time.Now().Before(deadline) { // the first attempt arrived (plus the two above)
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case res := <-done:
		if res[0].Err == nil || !errors.Is(ctx.Err(), context.Canceled) {
			t.Errorf("result = %+v", res[0])
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send did not end with its context")
	}
}

// No secret reaches any request: a configured secret value, a token
// shape and a bearer token in the text are redacted in the title, the
// body and the tags, and escape sequences are removed.
func TestNoSecretInAnyRequest(t *testing.T) {
	s := newServer(t)
	n := fast(
		Channel{Type: config.NotifyNtfy, URL: s.URL, Topic: "t"},
		Channel{Type: config.NotifyGotify, URL: s.URL},
		Channel{Type: config.NotifyWebhook, URL: s.URL + "/hook"},
	)
	ghToken := "ghp_" + strings.Repeat("A1b2", 9)
	m := Message{
		Title:    "restart with hunter2-secret-value \x1b[31mred\x1b[0m",
		Body:     "ran: curl -H 'Authorization: Bearer abcdefgh12345678' " + ghToken + "\npassword is hunter2-secret-value\x07",
		Tags:     []string{"hunter2-secret-value"},
		Priority: Urgent,
	}
	if err := n.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		all := r.Path + r.RawQuery + r.Body
		for k, v := range r.Header {
			all += k + ": " + strings.Join(v, ",") + "\n"
		}
		for _, secret := range []string{"hunter2", ghToken, "abcdefgh12345678", "\x1b", "\x07"} {
			if strings.Contains(all, secret) {
				t.Errorf("%s %s carries %q:\n%s", r.Method, r.Path, secret, all)
			}
		}
		if !strings.Contains(all, "[redacted]") {
			t.Errorf("%s: nothing redacted:\n%s", r.Path, all)
		}
	}
}

func TestFromConfig(t *testing.T) {
	home := t.TempDir()
	toml := `[[notify]]
type = "ntfy"
url = "https://ntfy.example.com"
topic = "alerts"
token_env = "NTFY_TOKEN"
min_priority = "urgent"

[[notify]]
type = "webhook"
url = "https://user:pw-secret-1@hooks.example.com/in"
timeout = "3s"
`
	if err := writeFile(home+"/config.toml", toml); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.LoadOptions{Environ: []string{"MACROA_HOME=" + home, "NTFY_TOKEN=tk_fromenv12345", "MACROA_NETWORK_TIMEOUT=7s"}, UserHome: home})
	if err != nil {
		t.Fatal(err)
	}
	ch := FromConfig(cfg).Channels()
	if len(ch) != 2 {
		t.Fatalf("channels = %+v", ch)
	}
	if ch[0].Name != "ntfy https://ntfy.example.com/alerts" || ch[0].Token != "tk_fromenv12345" || ch[0].MinPriority != Urgent || ch[0].Timeout != 7*time.Second {
		t.Errorf("ntfy channel = %+v", ch[0])
	}
	if ch[1].Name != "webhook https://****@hooks.example.com/in" || ch[1].MinPriority != Default || ch[1].Timeout != 3*time.Second {
		t.Errorf("webhook channel = %+v", ch[1])
	}
}

func writeFile(path, text string) error { return os.WriteFile(path, []byte(text), 0o600) }

// A title or tag crafted to add a header stays inside its own header.
func TestNoHeaderInjection(t *testing.T) {
	s := newServer(t)
	n := fast(Channel{Type: config.NotifyNtfy, URL: s.URL, Topic: "t"})
	m := Message{Title: "hello\r\nX-Evil: 1\nClick: https://evil.example", Body: "b", Tags: []string{"a\r\nX-Evil: 2", "b,c"}}
	if err := n.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := s.requests()[0]
	if r.Header.Get("X-Evil") != "" || r.Header.Get("Click") != "" {
		t.Errorf("a header was injected: %v", r.Header)
	}
	if got := r.Header.Get("Title"); got != "hello X-Evil: 1 Click: https://evil.example" {
		t.Errorf("Title = %q", got)
	}
	if got := r.Header.Get("Tags"); got != "a_X-Evil:_2" {
		t.Errorf("Tags = %q", got)
	}
}

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	w := DefaultBackoff
	var got []time.Duration
	for range 6 {
		got = append(got, w)
		w = nextWait(w)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, MaxBackoff, MaxBackoff}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("waits = %v, want %v", got, want)
		}
	}
	if nextWait(6*time.Second) != MaxBackoff {
		t.Error("a wait past half the cap is not capped")
	}
}
