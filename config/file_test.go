package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/tier"
)

const fullToml = `theme = "dark"                 # a comment
user_name = "Ann"

[models]
nano = "llama3.2"

[providers.local]
base_url = "http://127.0.0.1:11434/v1"
api_key_env = "OLLAMA_KEY"
timeout = "60s"

[providers.cloud]
base_url = "https://api.example.com/v1"
api_key = "cloud-secret-key-0123456789"
timeout = 15

[tiers.nano]
provider = "local"
model = "llama3.2"

[tiers.opus]
provider = "openrouter"

[[hosts]]
name = "web1"
address = "10.0.0.5"
port = 2222
user = "root"
identity_file = "~/.ssh/id_ed25519"
tags = ["web"]

[[hosts]]
name = "db.1"
address = "db.internal"

[policy]
autonomy = "auto-safe"
protected = ["nginx"]
allow_commands = ["df", "uptime"]
deny_commands = ["rm"]

[budget]
session_usd = 0.5
daily_usd = 2
monthly_usd = 20

[keys.global]
quit = "ctrl+q"
[keys.chat]
send = ["enter", "Alt+Enter"]
newline = ["alt+enter", "ctrl+j"]
`

func TestFullConfigToml(t *testing.T) {
	f := newFixture(t)
	// Fix the deliberately odd key so the file is valid.
	f.toml(strings.Replace(fullToml, `"Alt+Enter"`, `"shift+ctrl+s"`, 1))
	f.env = []string{"OLLAMA_KEY=k"}
	c := f.load()
	fl := c.File
	if fl.Theme != "dark" || c.Theme != "dark" || c.UserName != "Ann" {
		t.Errorf("theme/user = %q %q %q", fl.Theme, c.Theme, c.UserName)
	}
	local := fl.Providers["local"]
	if local.BaseURL != "http://127.0.0.1:11434/v1" || local.APIKeyEnv != "OLLAMA_KEY" || time.Duration(local.Timeout) != time.Minute {
		t.Errorf("providers.local = %+v", local)
	}
	cloud := fl.Providers["cloud"]
	if cloud.APIKey.Reveal() != "cloud-secret-key-0123456789" || time.Duration(cloud.Timeout) != 15*time.Second {
		t.Errorf("providers.cloud = %+v", cloud)
	}
	if s := fmt.Sprintf("%v %+v %#v", cloud, cloud, cloud); strings.Contains(s, "0123456") {
		t.Errorf("printing a provider reveals its key: %s", s)
	}
	if r, ok := fl.Tier(tier.Nano); !ok || r.Provider != "local" || r.Model != "llama3.2" {
		t.Errorf("tiers.nano = %+v %v", r, ok)
	}
	if _, ok := fl.Tier(tier.Haiku); ok {
		t.Error("tiers.haiku present")
	}
	wantHosts := []Host{
		{Name: "web1", Address: "10.0.0.5", Port: 2222, User: "root", IdentityFile: filepath.Join(f.user, ".ssh/id_ed25519"), Tags: []string{"web"}, Sudo: SudoNever, PortSet: true},
		{Name: "db.1", Address: "db.internal", Port: 22, Sudo: SudoNever},
	}
	if !reflect.DeepEqual(fl.Hosts, wantHosts) {
		t.Errorf("hosts = %+v\nwant %+v", fl.Hosts, wantHosts)
	}
	wantPolicy := Policy{Autonomy: AutonomyAutoSafe, Protected: []string{"nginx"}, AllowCommands: []string{"df", "uptime"}, DenyCommands: []string{"rm"},
		ApprovalExpiry: Duration(DefaultApprovalExpiry), ApprovalWait: Duration(DefaultApprovalWait)}
	if !reflect.DeepEqual(fl.Policy, wantPolicy) {
		t.Errorf("policy = %+v", fl.Policy)
	}
	if fl.Budget != (Budget{SessionUSD: 0.5, DailyUSD: 2, MonthlyUSD: 20}) || c.SessionBudgetUSD != 0.5 {
		t.Errorf("budget = %+v, session %v", fl.Budget, c.SessionBudgetUSD)
	}
	if c.Source("MACROA_SESSION_BUDGET_USD") != "~/.macroa/config.toml line 43" {
		t.Errorf("budget source = %q", c.Source("MACROA_SESSION_BUDGET_USD"))
	}
	wantKeys := KeyBindings{
		"global": {"quit": {"ctrl+q"}},
		"chat":   {"send": {"enter", "ctrl+shift+s"}, "newline": {"alt+enter", "ctrl+j"}},
	}
	if !reflect.DeepEqual(fl.Keys, wantKeys) {
		t.Errorf("keys = %v", fl.Keys)
	}
	if c.Models[tier.Nano] != "llama3.2" || !c.ModelConfigured() {
		t.Errorf("nano = %q, configured %v", c.Models[tier.Nano], c.ModelConfigured())
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
}

func TestConfigTomlErrors(t *testing.T) {
	cases := []struct {
		name string
		text string
		line int
		subs []string
	}{
		{"syntax", "theme = \"dark\"\nuser_name = \n", 2, []string{"syntax error"}},
		{"syntax unclosed table", "theme = \"x\"\n\n[policy\n", 3, []string{"syntax error"}},
		{"unknown top-level key", "theme = \"x\"\nthemes = \"y\"\n", 2, []string{"themes: unknown key", `did you mean "theme"`}},
		{"unknown key in table", "[policy]\nautonomy = \"observe\"\n\n[budget]\nsession_usd = 1\ndayly_usd = 2\n", 6,
			[]string{"budget.dayly_usd: unknown key", `"daily_usd"`}},
		{"unknown key in second host", "[[hosts]]\nname = \"a\"\naddress = \"x\"\n\n[[hosts]]\nname = \"b\"\naddress = \"y\"\nadress = \"z\"\n", 8,
			[]string{"hosts.adress: unknown key", `"address"`}},
		{"unknown table", "theme = \"x\"\n\n[colours]\nfg = \"red\"\n", 3, []string{"colours: unknown key"}},
		{"bad enum", "theme = \"dark\"\n\n# policy\n\n\n[policy]\nautonomy = \"yolo\"\n", 7,
			[]string{`line 7: policy.autonomy: "yolo" is not one of observe, suggest, auto-safe, auto-full`}},
		{"bad url", "[providers.local]\nbase_url = \"localhost:11434\"\n", 2, []string{"providers.local.base_url", "http"}},
		{"missing url", "[providers.local]\napi_key = \"k\"\n", 1, []string{"providers.local.base_url", "required"}},
		{"bad timeout", "[providers.local]\nbase_url = \"http://x/v1\"\ntimeout = \"soon\"\n", 3, []string{"providers.local.timeout", "duration"}},
		{"zero timeout", "[providers.local]\nbase_url = \"http://x/v1\"\ntimeout = 0\n", 3, []string{"providers.local.timeout", "greater than zero"}},
		{"reserved provider", "[providers.openrouter]\nbase_url = \"http://x/v1\"\n", 1, []string{"providers.openrouter", "built-in"}},
		{"key and key env", "[providers.p]\nbase_url = \"http://x/v1\"\napi_key = \"a\"\napi_key_env = \"B\"\n", 4, []string{"not both"}},
		{"bad provider ref", "[providers.local]\nbase_url = \"http://x/v1\"\n\n[tiers.nano]\nprovider = \"lokal\"\n", 5,
			[]string{"tiers.nano.provider", `"lokal" is not a provider`, "[providers.lokal]"}},
		{"bad tier name", "[tiers.turbo]\nprovider = \"openrouter\"\n", 1, []string{"tiers.turbo", "not a tier"}},
		{"duplicate host", "[[hosts]]\nname = \"web1\"\naddress = \"a\"\n\n[[hosts]]\nname = \"web1\"\naddress = \"b\"\n", 6,
			[]string{"hosts[1].name", `"web1" is already used by the host at line 2`}},
		{"bad port", "[[hosts]]\nname = \"a\"\naddress = \"x\"\n\n[[hosts]]\nname = \"b\"\naddress = \"y\"\nport = 70000\n", 8,
			[]string{"hosts[1].port", "70000 is not a port"}},
		{"zero port", "[[hosts]]\nname = \"a\"\naddress = \"x\"\nport = 0\n", 4, []string{"hosts[0].port", "0 is not a port"}},
		{"host without name", "[[hosts]]\naddress = \"x\"\n", 1, []string{"hosts[0].name", "required"}},
		{"bad host name", "[[hosts]]\nname = \"Web 1\"\naddress = \"x\"\n", 2, []string{"hosts[0].name", "a-z"}},
		{"address like an option", "[[hosts]]\nname = \"a\"\naddress = \"-oProxyCommand=x\"\n", 3, []string{"hosts[0].address"}},
		{"wrong type", "[budget]\ndaily_usd = \"two\"\n", 2, []string{"budget.daily_usd", "want a number, got a string"}},
		{"wrong type int for string", "theme = \"x\"\nuser_name = 5\n", 2, []string{"user_name", "want a string, got an integer"}},
		{"wrong type string for list", "[policy]\nprotected = \"nginx\"\n", 2, []string{"policy.protected", "want an array, got a string"}},
		{"wrong type table for string", "[theme]\nx = 1\n", 1, []string{"theme", "a table"}},
		{"keys pane not a table", "[keys]\nglobal = \"q\"\n", 2, []string{"keys.global", "want a table, got a string"}},
		{"providers not a table", "theme = \"x\"\nproviders = \"local\"\n", 2, []string{"providers", "want a table, got a string"}},
		{"tiers not a table", "tiers = [1]\n", 1, []string{"tiers", "want a table, got an array"}},
		{"wrong type in first of two hosts", "[[hosts]]\nname = \"a\"\naddress = \"x\"\nport = \"22\"\n\n[[hosts]]\nname = \"b\"\naddress = \"y\"\nport = 23\n", 4,
			[]string{"hosts[0].port", "want an integer, got a string"}},
		{"wrong tag type in second host", "[[hosts]]\nname = \"a\"\naddress = \"x\"\ntags = [\"t\"]\n\n[[hosts]]\nname = \"b\"\naddress = \"y\"\ntags = [\"u\", 1]\n", 9,
			[]string{"hosts[1].tags", "want a string, got an integer"}},
		{"provider value not a table", "[providers]\nlocal = 1\n", 2, []string{"providers.local", "want a table, got an integer"}},
		{"hosts not an array of tables", "hosts = \"web1\"\n", 1, []string{"hosts", "string"}},
		{"negative budget", "[budget]\nmonthly_usd = -5\n", 2, []string{"budget.monthly_usd", "0 (unlimited) or more"}},
		{"allow and deny", "[policy]\nallow_commands = [\"rm\"]\ndeny_commands = [\"rm\"]\n", 3, []string{"policy.deny_commands", `"rm" is also in allow_commands`}},
		{"relative secret path", "[policy]\nsecret_paths = [\"~/ok\", \"work/private\"]\n", 2, []string{"policy.secret_paths", `"work/private" must be an absolute path or start with ~/`}},
		{"unknown pane", "[keys.chatt]\nsend = \"enter\"\n", 1, []string{"keys.chatt", "not a pane"}},
		{"bad key", "[keys.chat]\nsend = \"Enter\"\n", 2, []string{"keys.chat.send", `"enter"`}},
		{"key not a string", "[keys.chat]\nsend = 5\n", 2, []string{"keys.chat.send", "want a key"}},
		{"key conflict in pane", "[keys.chat]\nsend = \"enter\"\n\n# later\nsubmit = [\"x\", \"enter\"]\n", 5,
			[]string{"keys.chat.submit", `"enter" is also bound to keys.chat.send (line 2)`}},
		{"key conflict with global", "[keys.global]\nquit = \"ctrl+q\"\n\n[keys.hosts]\nrefresh = \"ctrl+q\"\n", 5,
			[]string{"keys.hosts.refresh", `"ctrl+q" is also bound to keys.global.quit (line 2)`}},
		{"key conflict global after pane", "[keys.memory]\nforget = \"d\"\n[keys.global]\ndelete = \"d\"\n", 4,
			[]string{"keys.global.delete", "keys.memory.forget (line 2)"}},
		{"modifier order does not hide a conflict", "[keys.chat]\na = \"shift+ctrl+x\"\nb = \"ctrl+shift+x\"\n", 3,
			[]string{"keys.chat.b", `"ctrl+shift+x" is also bound to keys.chat.a`}},
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
		})
	}
}

func TestConfigTomlSeveralErrorsSortedByLine(t *testing.T) {
	f := newFixture(t)
	f.toml("[[hosts]]\nname = \"a\"\naddress = \"x\"\nport = 0\n\n[policy]\nallow_commands = [\"\"]\nbogus = 1\n")
	err := f.loadErr()
	msg := err.Error()
	i4, i7, i8 := strings.Index(msg, "line 4"), strings.Index(msg, "line 7"), strings.Index(msg, "line 8")
	if i4 < 0 || i7 < 0 || i8 < 0 || !(i4 < i7 && i7 < i8) {
		t.Errorf("errors not all reported in line order:\n%s", msg)
	}
}

func TestConfigTomlUnknownKeyReportedOnce(t *testing.T) {
	f := newFixture(t)
	f.toml("[extra]\na = 1\nb = 2\n")
	err := f.loadErr()
	if n := strings.Count(err.Error(), "unknown key"); n != 1 {
		t.Errorf("%d unknown-key errors, want 1 for the table:\n%v", n, err)
	}
}

func TestAbsentConfigTomlDefaults(t *testing.T) {
	f := newFixture(t)
	c := f.load()
	want := File{Policy: Policy{Autonomy: AutonomySuggest, ApprovalExpiry: Duration(DefaultApprovalExpiry), ApprovalWait: Duration(DefaultApprovalWait)}}
	applyFileDefaults(&want)
	if !reflect.DeepEqual(c.File, want) {
		t.Errorf("File = %+v, want %+v", c.File, want)
	}
}

func TestAutonomyUnmarshal(t *testing.T) {
	for _, l := range AutonomyLevels {
		var a Autonomy
		if err := a.UnmarshalText([]byte(l)); err != nil || a != l {
			t.Errorf("%s: %v %v", l, a, err)
		}
	}
	var a Autonomy
	if err := a.UnmarshalText([]byte("Suggest")); err == nil {
		t.Error("case-insensitive match accepted")
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := Secret("abcdefghijklmnopqrstuvwxyz")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v|%s|%#v", s, s, s), fmt.Sprintf("%+v", Provider{APIKey: s})} {
		if strings.Contains(out, "ijklmnop") {
			t.Errorf("printed %q", out)
		}
	}
	if s.Reveal() != "abcdefghijklmnopqrstuvwxyz" {
		t.Error("Reveal changed the value")
	}
}

func BenchmarkLoad(b *testing.B) {
	user, work := b.TempDir(), b.TempDir()
	data := filepath.Join(user, ".macroa")
	if err := os.MkdirAll(data, 0o700); err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(data, "config.toml"), []byte(strings.Replace(fullToml, `"Alt+Enter"`, `"ctrl+s"`, 1)), 0o600)
	os.WriteFile(filepath.Join(data, ".env"), []byte("OPENROUTER_API_KEY=sk-or-v1-aaaaaaaaaaaaaaaaaaaaaaaa\n"), 0o600)
	os.WriteFile(filepath.Join(work, ".env"), []byte("MACROA_THEME=light\n"), 0o600)
	opts := LoadOptions{Environ: os.Environ(), WorkDir: work, UserHome: user}
	for b.Loop() {
		if _, err := Load(opts); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPricesValidated(t *testing.T) {
	f := newFixture(t)
	f.toml("[prices.\"vendor/model\"]\ninput = 0.1\noutput = -2\n")
	err := f.loadErr()
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "output") {
		t.Fatalf("want an error naming line 3 and the output price, got %v", err)
	}
	f.toml("[prices.\"vendor/model\"]\ninput = 0.1\noutput = 0.4\n[budget]\ndowngrade = true\n")
	c := f.load()
	if p := c.File.Prices["vendor/model"]; p.Input != 0.1 || p.Output != 0.4 || !c.File.Budget.Downgrade {
		t.Fatalf("prices/downgrade not loaded: %+v %+v", c.File.Prices, c.File.Budget)
	}
}
