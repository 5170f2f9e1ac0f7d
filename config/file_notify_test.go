package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const approvalsToml = `[[hosts]]
name = "web1"
address = "10.0.0.5"

[[hosts]]
name = "db.1"
address = "10.0.0.6"

[policy]
autonomy = "auto-safe"
approval_expiry = "2h"
approval_wait = 90

[policy.hosts]
local = "auto-full"
web1 = "observe"
"db.1" = "suggest"

[[notify]]
type = "ntfy"
url = "https://ntfy.example.com"
topic = "macroa-alerts"
token = "tk_abcdefghijklmnopqrstuvwxyz012"
min_priority = "high"

[[notify]]
type = "gotify"
url = "http://127.0.0.1:8080/"
token_env = "GOTIFY_TOKEN"
timeout = "5s"

[[notify]]
type = "webhook"
url = "https://hooks.example.com/in?token=q-secret-123456"
`

func TestApprovalsAndNotifyToml(t *testing.T) {
	f := newFixture(t)
	f.toml(approvalsToml)
	f.env = []string{"GOTIFY_TOKEN=gotify-token-987654"}
	c := f.load()
	p := c.File.Policy
	if time.Duration(p.ApprovalExpiry) != 2*time.Hour || time.Duration(p.ApprovalWait) != 90*time.Second {
		t.Errorf("expiry, wait = %v, %v", p.ApprovalExpiry, p.ApprovalWait)
	}
	wantHosts := map[string]Autonomy{"local": AutonomyAutoFull, "web1": AutonomyObserve, "db.1": AutonomySuggest}
	if !reflect.DeepEqual(p.Hosts, wantHosts) {
		t.Errorf("hosts = %v", p.Hosts)
	}
	for host, want := range map[string]Autonomy{"local": AutonomyAutoFull, "web1": AutonomyObserve, "other": AutonomyAutoSafe} {
		if got := p.HostAutonomy(host); got != want {
			t.Errorf("HostAutonomy(%s) = %s, want %s", host, got, want)
		}
	}
	n := c.File.Notify
	if len(n) != 3 {
		t.Fatalf("notify = %+v", n)
	}
	want := []Notify{
		{Type: NotifyNtfy, URL: "https://ntfy.example.com", Topic: "macroa-alerts", Token: "tk_abcdefghijklmnopqrstuvwxyz012", MinPriority: NotifyHigh},
		{Type: NotifyGotify, URL: "http://127.0.0.1:8080/", TokenEnv: "GOTIFY_TOKEN", MinPriority: NotifyDefault, Timeout: Duration(5 * time.Second)},
		{Type: NotifyWebhook, URL: "https://hooks.example.com/in?token=q-secret-123456", MinPriority: NotifyDefault},
	}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("notify = %+v\nwant %+v", n, want)
	}
	if c.NotifyToken(0) != "tk_abcdefghijklmnopqrstuvwxyz012" || c.NotifyToken(1) != "gotify-token-987654" || c.NotifyToken(2) != "" || c.NotifyToken(3) != "" {
		t.Errorf("tokens = %q %q %q", c.NotifyToken(0), c.NotifyToken(1), c.NotifyToken(2))
	}
	secrets := c.SecretValues()
	for _, s := range []string{"tk_abcdefghijklmnopqrstuvwxyz012", "gotify-token-987654", "q-secret-123456"} {
		if !contains(secrets, s) {
			t.Errorf("SecretValues misses %q", s)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// FileSettings shows the new keys with their sources, tokens masked.
func TestFileSettingsMaskTokens(t *testing.T) {
	f := newFixture(t)
	f.toml(approvalsToml)
	c := f.load()
	got := map[string]Setting{}
	for _, s := range c.FileSettings() {
		got[s.Name] = s
	}
	check := func(name, value, source string) {
		t.Helper()
		s, ok := got[name]
		if !ok {
			t.Errorf("no %s in %v", name, got)
			return
		}
		if s.Value != value || s.Source != source {
			t.Errorf("%s = %q from %q, want %q from %q", name, s.Value, s.Source, value, source)
		}
	}
	file := "~/.macroa/config.toml line "
	check("policy.autonomy", "auto-safe", file+"10")
	check("policy.approval_expiry", "2h0m0s", file+"11")
	check("policy.approval_wait", "1m30s", file+"12")
	check("policy.hosts.local", "auto-full", file+"15")
	check(`policy.hosts."db.1"`, "suggest", file+"17")
	check("notify[0].type", "ntfy", file+"20")
	check("notify[0].token", "tk_a…z012", file+"23")
	check("notify[0].min_priority", "high", file+"24")
	check("notify[1].token_env", "GOTIFY_TOKEN (not set)", file+"29")
	check("notify[1].min_priority", "default", "default")
	check("notify[1].timeout", "5s", file+"30")
	check("notify[2].url", "https://hooks.example.com/in?token=****", file+"34")
	out, _ := json.Marshal(c.FileSettings())
	for _, secret := range []string{"abcdefghijkl", "q-secret"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("FileSettings shows %q: %s", secret, out)
		}
	}

	// Absent file: the defaults, from "default".
	f2 := newFixture(t)
	c2 := f2.load()
	got = map[string]Setting{}
	for _, s := range c2.FileSettings() {
		got[s.Name] = s
	}
	check("policy.autonomy", "suggest", "default")
	check("policy.approval_expiry", "24h0m0s", "default")
	check("policy.approval_wait", "10m0s", "default")
}

func TestApprovalsAndNotifyTomlErrors(t *testing.T) {
	cases := []struct {
		name string
		text string
		line int
		subs []string
	}{
		{"bad expiry", "[policy]\napproval_expiry = \"soon\"\n", 2, []string{"policy.approval_expiry", "duration like 30s"}},
		{"zero wait", "[policy]\napproval_wait = 0\n", 2, []string{"policy.approval_wait", "greater than zero"}},
		{"negative expiry", "[policy]\napproval_expiry = \"-1h\"\n", 2, []string{"policy.approval_expiry", "greater than zero"}},
		{"bad host level", "[policy.hosts]\nlocal = \"yolo\"\n", 2, []string{"policy.hosts.local", `"yolo" is not one of observe, suggest, auto-safe, auto-full`}},
		{"unknown host", "[[hosts]]\nname = \"web1\"\naddress = \"x\"\n\n[policy.hosts]\nweb2 = \"observe\"\n", 6,
			[]string{"policy.hosts.web2", `"web2" is not a host`, `"local"`}},
		{"hosts not a table", "[policy]\nhosts = \"web1\"\n", 2, []string{"policy.hosts", "want a table, got a string"}},
		{"notify without type", "[[notify]]\nurl = \"http://x\"\n", 1, []string{"notify[0].type", "required", "ntfy, gotify, webhook"}},
		{"bad notify type", "[[notify]]\ntype = \"slack\"\nurl = \"http://x\"\n", 2, []string{"notify[0].type", `"slack" is not one of ntfy, gotify, webhook`}},
		{"notify without url", "[[notify]]\ntype = \"webhook\"\n", 1, []string{"notify[0].url", "required"}},
		{"bad notify url", "[[notify]]\ntype = \"webhook\"\nurl = \"hooks.example.com\"\n", 3, []string{"notify[0].url", "http"}},
		{"bad type in second channel", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\n\n[[notify]]\ntype = \"pager\"\nurl = \"http://y\"\n", 6,
			[]string{"notify[1].type", `"pager" is not one of`}},
		{"ntfy without topic", "[[notify]]\ntype = \"ntfy\"\nurl = \"http://x\"\n", 1, []string{"notify[0].topic", "required for ntfy"}},
		{"bad ntfy topic", "[[notify]]\ntype = \"ntfy\"\nurl = \"http://x\"\ntopic = \"a/b\"\n", 4, []string{"notify[0].topic", "A-Z"}},
		{"topic on gotify", "[[notify]]\ntype = \"gotify\"\nurl = \"http://x\"\ntopic = \"t\"\n", 4, []string{"notify[0].topic", "only for ntfy"}},
		{"token and env", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\ntoken = \"abc\"\ntoken_env = \"T\"\n", 5, []string{"notify[0].token_env", "not both"}},
		{"bad token env", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\ntoken_env = \"1-T\"\n", 4, []string{"notify[0].token_env", "not an environment variable name"}},
		{"bad min priority", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\nmin_priority = \"max\"\n", 4,
			[]string{"notify[0].min_priority", `"max" is not one of low, default, high, urgent`}},
		{"bad notify timeout", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\ntimeout = \"-2s\"\n", 4, []string{"notify.timeout", "greater than zero"}},
		{"second channel's error", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\n\n[[notify]]\ntype = \"gotify\"\n", 5, []string{"notify[1].url", "required"}},
		{"unknown notify key", "[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\ntopik = \"t\"\n", 4, []string{"notify.topik: unknown key", `"topic"`}},
		{"notify a table", "[notify]\ntype = \"webhook\"\n", 1, []string{"notify"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.toml(tc.text)
			err := f.loadErr()
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want a *FileError", err, err)
			}
			if fe.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", fe.Line, tc.line, err)
			}
			subs := append([]string{fmt.Sprintf("~/.macroa/config.toml line %d: ", tc.line)}, tc.subs...)
			wantContains(t, err.Error(), subs...)
			if strings.Count(err.Error(), "\n") != 0 {
				t.Errorf("more than one sentence: %v", err)
			}
		})
	}
}

func TestNotifyTokenInOpenFileWarns(t *testing.T) {
	f := newFixture(t)
	f.toml("[[notify]]\ntype = \"webhook\"\nurl = \"http://x\"\ntoken = \"secret-token-1\"\n")
	if err := os.Chmod(filepath.Join(f.data, "config.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := f.load()
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "notify[0].token") || strings.Contains(c.Warnings[0], "secret-token") {
		t.Errorf("warnings = %q", c.Warnings)
	}
}
