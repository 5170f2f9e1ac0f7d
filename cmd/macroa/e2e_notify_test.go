package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// notifyServer is a real local server for ntfy, Gotify and webhook
// channels: it records every request and answers status.
type notifyServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
	body []string
}

func newNotifyServer(t *testing.T, status int) *notifyServer {
	s := &notifyServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, r)
		s.body = append(s.body, string(b))
		s.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, `{"error":"go away"}`)
	}))
	t.Cleanup(s.Close)
	return s
}

// snapshot copies what the server recorded so far.
func (s *notifyServer) snapshot() ([]*http.Request, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...), append([]string(nil), s.body...)
}

func (s *sandbox) writeConfig(text string) string {
	s.t.Helper()
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		s.t.Fatal(err)
	}
	p := filepath.Join(s.data, "config.toml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

func TestE2ENotifyTest(t *testing.T) {
	ok := newNotifyServer(t, http.StatusOK)
	refused := newNotifyServer(t, http.StatusUnauthorized)
	s := newSandbox(t)
	s.writeConfig(`[[notify]]
type = "ntfy"
url = "` + ok.URL + `"
topic = "macroa-test"
token_env = "NTFY_TOKEN"
min_priority = "urgent"

[[notify]]
type = "gotify"
url = "` + refused.URL + `"
token = "gotify-app-token-1234567"

[[notify]]
type = "webhook"
url = "` + ok.URL + `/hook"
`)
	r := s.run("", []string{"NTFY_TOKEN=tk_e2e_ntfy_token_0001"}, "notify", "test")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	assertNoCrash(t, r)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "OK    ntfy "+ok.URL+"/macroa-test") ||
		!strings.HasPrefix(lines[1], "FAIL  gotify "+refused.URL) || !strings.Contains(lines[1], "401") ||
		!strings.HasPrefix(lines[2], "OK    webhook "+ok.URL+"/hook") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "1 of 3 channels") {
		t.Errorf("stderr: %s", r.stderr)
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, "gotify-app-token") || strings.Contains(out, "tk_e2e") {
			t.Errorf("a token was printed: %s", out)
		}
	}
	// The test reaches a channel whatever its least priority, once
	// (401 is not retried), in each service's shape.
	okReqs, okBodies := ok.snapshot()
	refusedReqs, _ := refused.snapshot()
	if len(okReqs) != 2 || len(refusedReqs) != 1 {
		t.Fatalf("requests: %d ok, %d refused", len(okReqs), len(refusedReqs))
	}
	for i, req := range okReqs {
		switch req.URL.Path {
		case "/macroa-test":
			if req.Header.Get("Authorization") != "Bearer tk_e2e_ntfy_token_0001" || req.Header.Get("Title") != "Macroa test notification" {
				t.Errorf("ntfy request: %v", req.Header)
			}
		case "/hook":
			var b map[string]any
			if err := json.Unmarshal([]byte(okBodies[i]), &b); err != nil || b["kind"] != "test" || b["title"] != "Macroa test notification" {
				t.Errorf("webhook body %s: %v", okBodies[i], err)
			}
		default:
			t.Errorf("unexpected path %s", req.URL.Path)
		}
	}
	if g := refusedReqs[0]; g.URL.Path != "/message" || g.Header.Get("X-Gotify-Key") != "gotify-app-token-1234567" {
		t.Errorf("gotify request: %s %v", g.URL.Path, g.Header)
	}

	r = s.run("", []string{"NTFY_TOKEN=tk_e2e_ntfy_token_0001"}, "notify", "test", "--json")
	var rows []notifyTestRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || r.code != 1 || len(rows) != 3 ||
		!rows[0].OK || rows[1].OK || !strings.Contains(rows[1].Error, "401") || rows[1].Attempts != 1 || !rows[2].OK {
		t.Errorf("--json: exit %d, %v\n%s", r.code, err, r.stdout)
	}

	// Every channel takes it: exit 0.
	s.writeConfig("[[notify]]\ntype = \"webhook\"\nurl = \"" + ok.URL + "/hook\"\n")
	expect(t, s.macroa("notify", "test"), 0, "OK    webhook")
}

func TestE2ENotifyUsage(t *testing.T) {
	s := newSandbox(t)
	r := s.macroa("notify", "test")
	if r.code != 2 || !strings.Contains(r.stderr, "no notification channel is configured") || !strings.Contains(r.stderr, "[[notify]]") {
		t.Errorf("no channel: exit %d, stderr %s", r.code, r.stderr)
	}
	if r := s.macroa("notify"); r.code != 2 || !strings.Contains(r.stderr, "macroa notify test") {
		t.Errorf("no subcommand: exit %d, stderr %s", r.code, r.stderr)
	}
	s.writeConfig("[[notify]]\ntype = \"pager\"\nurl = \"http://127.0.0.1:1\"\n")
	r = s.macroa("notify", "test")
	if r.code != 1 || !strings.Contains(r.stderr, `"pager" is not one of ntfy, gotify, webhook`) {
		t.Errorf("bad type: exit %d, stderr %s", r.code, r.stderr)
	}
	assertNoCrash(t, r)
}

// macroa config lists the new keys with the token masked.
func TestE2EConfigShowsNotify(t *testing.T) {
	s := newSandbox(t)
	s.writeConfig("[policy]\napproval_expiry = \"2h\"\n\n[[notify]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/h\"\ntoken = \"webhook-secret-token-0123456789\"\n")
	r := s.macroa("config")
	expect(t, r, 0, "policy.approval_expiry")
	for _, want := range []string{"2h0m0s", "notify[0].type", "notify[0].token", "webh…6789", "policy.approval_wait"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("macroa config does not show %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "secret-token") {
		t.Errorf("the token is shown:\n%s", r.stdout)
	}
	r = s.macroa("config", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"notify[0].token"`) || strings.Contains(r.stdout, "secret-token") {
		t.Errorf("json: exit %d\n%s", r.code, r.stdout)
	}
}
