package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/tier"
)

func TestDefaults(t *testing.T) {
	f := newFixture(t)
	c := f.load()
	home := filepath.Join(f.user, ".macroa")
	checks := []struct {
		name      string
		got, want any
	}{
		{"Home", c.Home, home},
		{"DBPath", c.DBPath, filepath.Join(home, "macroa.db")},
		{"ToolsDir", c.ToolsDir, filepath.Join(home, "tools")},
		{"LogPath", c.LogPath, filepath.Join(home, "logs", "macroa.log")},
		{"ShellTimeout", c.ShellTimeout, 30 * time.Second},
		{"NetworkTimeout", c.NetworkTimeout, 30 * time.Second},
		{"SchedulerPoll", c.SchedulerPoll, 10 * time.Second},
		{"HeartbeatInterval", c.HeartbeatInterval, 60 * time.Second},
		{"ContextWindow", c.ContextWindow, 20},
		{"HTTPReferer", c.HTTPReferer, "https://github.com/macroa/macroa"},
		{"AppTitle", c.AppTitle, "Macroa"},
		{"Theme", c.Theme, "ansi"},
		{"UserName", c.UserName, ""},
		{"OpenRouterKey", c.OpenRouterKey, ""},
		{"BaseURL", c.BaseURL, ""},
		{"SessionBudgetUSD", c.SessionBudgetUSD, 0.0},
		{"SessionBudgetTokens", c.SessionBudgetTokens, int64(0)},
		{"nano", c.Models[tier.Nano], "google/gemini-2.5-flash-lite"},
		{"haiku", c.Models[tier.Haiku], "anthropic/claude-haiku-4-5"},
		{"sonnet", c.Models[tier.Sonnet], "anthropic/claude-sonnet-4-6"},
		{"opus", c.Models[tier.Opus], "anthropic/claude-opus-4-6"},
		{"FilePath", c.FilePath, filepath.Join(home, "config.toml")},
		{"Autonomy", c.File.Policy.Autonomy, AutonomySuggest},
		{"ModelConfigured", c.ModelConfigured(), false},
		{"Warnings", len(c.Warnings), 0},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	for _, s := range c.Settings() {
		if s.Source != "default" {
			t.Errorf("%s source = %q, want default", s.Name, s.Source)
		}
	}
}

func TestPrecedence(t *testing.T) {
	// MACROA_THEME can come from all five sources.
	const (
		envLine  = "MACROA_THEME=from-env"
		wdEnv    = "# work\nMACROA_THEME=from-work\n"
		dataEnv  = "OTHER=1\n\nMACROA_THEME=from-data\n"
		tomlText = "user_name = \"Ann\"\n\ntheme = \"from-toml\"\n"
	)
	cases := []struct {
		name                      string
		env                       bool
		wd, data, file            bool
		wantValue, wantSource     string
		wantUserName, wantUserSrc string
	}{
		{"all five", true, true, true, true, "from-env", "environment", "Ann", "~/.macroa/config.toml line 1"},
		{"no environment", false, true, true, true, "from-work", "./.env line 2", "Ann", "~/.macroa/config.toml line 1"},
		{"data .env", false, false, true, true, "from-data", "~/.macroa/.env line 3", "Ann", "~/.macroa/config.toml line 1"},
		{"config.toml", false, false, false, true, "from-toml", "~/.macroa/config.toml line 3", "Ann", "~/.macroa/config.toml line 1"},
		{"default", false, false, false, false, "ansi", "default", "", "default"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.env {
				f.env = []string{envLine}
			}
			if tc.wd {
				f.workEnv(wdEnv)
			}
			if tc.data {
				f.dataEnv(dataEnv)
			}
			if tc.file {
				f.toml(tomlText)
			}
			c := f.load()
			if c.Theme != tc.wantValue {
				t.Errorf("Theme = %q, want %q", c.Theme, tc.wantValue)
			}
			s := settingByName(t, c, "MACROA_THEME")
			if s.Value != tc.wantValue || s.Source != tc.wantSource {
				t.Errorf("setting = %q from %q, want %q from %q", s.Value, s.Source, tc.wantValue, tc.wantSource)
			}
			if c.Source("MACROA_THEME") != tc.wantSource {
				t.Errorf("Source() = %q", c.Source("MACROA_THEME"))
			}
			u := settingByName(t, c, "MACROA_USER_NAME")
			if u.Value != tc.wantUserName || u.Source != tc.wantUserSrc {
				t.Errorf("user name = %q from %q, want %q from %q", u.Value, u.Source, tc.wantUserName, tc.wantUserSrc)
			}
		})
	}
}

func TestEmptyValueDoesNotHideLowerSource(t *testing.T) {
	f := newFixture(t)
	f.env = []string{"MACROA_CONTEXT_WINDOW="}
	f.workEnv("MACROA_CONTEXT_WINDOW=\n")
	f.dataEnv("MACROA_CONTEXT_WINDOW=7\n")
	c := f.load()
	if c.ContextWindow != 7 || c.Source("MACROA_CONTEXT_WINDOW") != "~/.macroa/.env line 1" {
		t.Errorf("ContextWindow = %d from %q, want 7 from the data .env", c.ContextWindow, c.Source("MACROA_CONTEXT_WINDOW"))
	}
}

func TestWorkDirEnvOnlyNotParents(t *testing.T) {
	f := newFixture(t)
	f.workEnv("MACROA_USER_NAME=parent\n")
	child := filepath.Join(f.work, "sub", "dir")
	if err := os.MkdirAll(child, 0o700); err != nil {
		t.Fatal(err)
	}
	f.work = child
	c := f.load()
	if c.UserName != "" {
		t.Errorf("UserName = %q: a parent directory's .env was read", c.UserName)
	}
}

func TestHomeFromEnvironment(t *testing.T) {
	f := newFixture(t)
	custom := filepath.Join(t.TempDir(), "custom")
	f.write(filepath.Join(custom, ".env"), "OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef0123\n")
	f.write(filepath.Join(custom, "config.toml"), "theme = \"dark\"\n")
	f.dataEnv("MACROA_APP_TITLE=ignored\n") // ~/.macroa is not the data dir now
	f.env = []string{"MACROA_HOME=" + custom}
	c := f.load()
	if c.Home != custom || c.Source("MACROA_HOME") != "environment" {
		t.Errorf("Home = %q from %q", c.Home, c.Source("MACROA_HOME"))
	}
	if c.DBPath != filepath.Join(custom, "macroa.db") || c.ToolsDir != filepath.Join(custom, "tools") {
		t.Errorf("paths not under the new home: %q %q", c.DBPath, c.ToolsDir)
	}
	if c.OpenRouterKey != "sk-or-v1-0123456789abcdef0123" {
		t.Errorf("key not read from $MACROA_HOME/.env")
	}
	if got, want := c.Source("OPENROUTER_API_KEY"), filepath.Join(custom, ".env")+" line 1"; got != want {
		t.Errorf("source = %q, want %q", got, want)
	}
	if c.Theme != "dark" || c.FilePath != filepath.Join(custom, "config.toml") {
		t.Errorf("config.toml not read from the new home: theme %q, path %q", c.Theme, c.FilePath)
	}
	if c.AppTitle != "Macroa" {
		t.Errorf("AppTitle = %q: ~/.macroa/.env was read although MACROA_HOME moved", c.AppTitle)
	}
	if !c.ModelConfigured() {
		t.Error("ModelConfigured() = false with OPENROUTER_API_KEY set")
	}
}

func TestHomeFromWorkDirEnvRelativeAndTilde(t *testing.T) {
	f := newFixture(t)
	f.workEnv("MACROA_HOME=state\n")
	c := f.load()
	if want := filepath.Join(f.work, "state"); c.Home != want || c.Source("MACROA_HOME") != "./.env line 1" {
		t.Errorf("Home = %q from %q, want %q from ./.env line 1", c.Home, c.Source("MACROA_HOME"), want)
	}

	f = newFixture(t)
	f.env = []string{"MACROA_HOME=~/elsewhere", "MACROA_DB_PATH=~/db/m.db"}
	c = f.load()
	if c.Home != filepath.Join(f.user, "elsewhere") || c.DBPath != filepath.Join(f.user, "db", "m.db") {
		t.Errorf("~ not expanded: %q %q", c.Home, c.DBPath)
	}
}

func TestHomeInDataEnvIsIgnored(t *testing.T) {
	f := newFixture(t)
	f.dataEnv("MACROA_HOME=/somewhere/else\n")
	c := f.load()
	if c.Home != f.data {
		t.Errorf("Home = %q, want %q", c.Home, f.data)
	}
	if len(c.Warnings) != 1 {
		t.Fatalf("warnings = %q, want one", c.Warnings)
	}
	wantContains(t, c.Warnings[0], "MACROA_HOME", "~/.macroa/.env line 1", "ignored")
}

func TestNoHomeDirectory(t *testing.T) {
	_, err := Load(LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), "MACROA_HOME") {
		t.Errorf("err = %v, want one telling to set MACROA_HOME", err)
	}
	c, err := Load(LoadOptions{Environ: []string{"MACROA_HOME=/srv/macroa"}})
	if err != nil || c.Home != "/srv/macroa" {
		t.Errorf("Load = %v, %v", c, err)
	}
}

func TestLoadCreatesNothing(t *testing.T) {
	user := t.TempDir()
	c, err := Load(LoadOptions{UserHome: user, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.Home); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created %s (stat err %v)", c.Home, err)
	}
	entries, _ := os.ReadDir(user)
	if len(entries) != 0 {
		t.Errorf("Load wrote into the home directory: %v", entries)
	}
}

func TestValueParsing(t *testing.T) {
	cases := []struct {
		env   string
		check func(c *Config) bool
	}{
		{"MACROA_SHELL_TIMEOUT=30", func(c *Config) bool { return c.ShellTimeout == 30*time.Second }},
		{"MACROA_SHELL_TIMEOUT=2.5", func(c *Config) bool { return c.ShellTimeout == 2500*time.Millisecond }},
		{"MACROA_SHELL_TIMEOUT=2s", func(c *Config) bool { return c.ShellTimeout == 2*time.Second }},
		{"MACROA_NETWORK_TIMEOUT=1m", func(c *Config) bool { return c.NetworkTimeout == time.Minute }},
		{"MACROA_HEARTBEAT_INTERVAL= 45 ", func(c *Config) bool { return c.HeartbeatInterval == 45*time.Second }},
		{"MACROA_CONTEXT_WINDOW=1000", func(c *Config) bool { return c.ContextWindow == 1000 }},
		{"MACROA_SESSION_BUDGET_USD=0.25", func(c *Config) bool { return c.SessionBudgetUSD == 0.25 }},
		{"MACROA_SESSION_BUDGET_TOKENS=50000", func(c *Config) bool { return c.SessionBudgetTokens == 50000 }},
		{"MACROA_BASE_URL=http://127.0.0.1:11434/v1", func(c *Config) bool {
			return c.BaseURL == "http://127.0.0.1:11434/v1" && c.ModelConfigured()
		}},
		{"MACROA_MODEL_OPUS=openrouter/anthropic/claude-opus-4-6", func(c *Config) bool {
			return c.Models[tier.Opus] == "anthropic/claude-opus-4-6"
		}},
		{"MACROA_DB_PATH=rel/x.db", func(c *Config) bool {
			return strings.HasSuffix(c.DBPath, filepath.Join("rel", "x.db")) && filepath.IsAbs(c.DBPath)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.env, func(t *testing.T) {
			f := newFixture(t)
			f.env = []string{tc.env}
			c := f.load()
			if !tc.check(c) {
				t.Errorf("unexpected config for %s: %+v", tc.env, c)
			}
		})
	}
}

func TestBadValuesNameVariableValueAndSource(t *testing.T) {
	cases := []struct {
		name    string
		env     string // environment entry, or
		wd      string // ./.env content
		toml    string // config.toml content
		wantAll []string
	}{
		{name: "int in .env", wd: "# c\n\nMACROA_CONTEXT_WINDOW=abc\n",
			wantAll: []string{"MACROA_CONTEXT_WINDOW", `"abc"`, "./.env line 3", "whole number"}},
		{name: "int out of bounds", env: "MACROA_CONTEXT_WINDOW=0",
			wantAll: []string{"MACROA_CONTEXT_WINDOW", `"0"`, "environment", "between 1 and 1000"}},
		{name: "huge int", env: "MACROA_SESSION_BUDGET_TOKENS=99999999999999999999999",
			wantAll: []string{"MACROA_SESSION_BUDGET_TOKENS", "environment", "out of range"}},
		{name: "negative tokens", env: "MACROA_SESSION_BUDGET_TOKENS=-1",
			wantAll: []string{"MACROA_SESSION_BUDGET_TOKENS", "at least 0"}},
		{name: "duration word", wd: "MACROA_SHELL_TIMEOUT=fast\n",
			wantAll: []string{"MACROA_SHELL_TIMEOUT", `"fast"`, "./.env line 1", "duration"}},
		{name: "duration zero", env: "MACROA_SCHEDULER_POLL=0",
			wantAll: []string{"MACROA_SCHEDULER_POLL", "greater than zero"}},
		{name: "duration negative", env: "MACROA_SHELL_TIMEOUT=-2s",
			wantAll: []string{"MACROA_SHELL_TIMEOUT", "greater than zero"}},
		{name: "duration overflow", env: "MACROA_SHELL_TIMEOUT=1e300",
			wantAll: []string{"MACROA_SHELL_TIMEOUT", "too long"}},
		{name: "url without scheme", env: "MACROA_BASE_URL=localhost:11434",
			wantAll: []string{"MACROA_BASE_URL", `"localhost:11434"`, "environment", "http"}},
		{name: "url ftp", wd: "export MACROA_BASE_URL=ftp://host/v1\n",
			wantAll: []string{"MACROA_BASE_URL", "./.env line 1", "http"}},
		{name: "float", env: "MACROA_SESSION_BUDGET_USD=lots",
			wantAll: []string{"MACROA_SESSION_BUDGET_USD", `"lots"`, "number"}},
		{name: "float NaN", env: "MACROA_SESSION_BUDGET_USD=NaN",
			wantAll: []string{"MACROA_SESSION_BUDGET_USD", "number"}},
		{name: "negative budget in toml", toml: "[budget]\nsession_usd = -1.0\n",
			wantAll: []string{"budget.session_usd", "config.toml line 2", "0 (unlimited) or more"}},
		{name: "control character", wd: "MACROA_USER_NAME=\"a\\nb\"\n",
			wantAll: []string{"MACROA_USER_NAME", "./.env line 1", "control character"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.env != "" {
				f.env = []string{tc.env}
			}
			if tc.wd != "" {
				f.workEnv(tc.wd)
			}
			if tc.toml != "" {
				f.toml(tc.toml)
			}
			err := f.loadErr()
			wantContains(t, err.Error(), tc.wantAll...)
		})
	}
}

func TestBadValueIsTyped(t *testing.T) {
	f := newFixture(t)
	f.workEnv("A=1\nMACROA_CONTEXT_WINDOW=abc\n")
	err := f.loadErr()
	var ve *ValueError
	if !errors.As(err, &ve) {
		t.Fatalf("err %T is not a *ValueError", err)
	}
	if ve.Name != "MACROA_CONTEXT_WINDOW" || ve.Value != "abc" || ve.Source != "./.env line 2" {
		t.Errorf("ValueError = %+v", ve)
	}
}

func TestSeveralBadValuesAreAllReported(t *testing.T) {
	f := newFixture(t)
	f.env = []string{"MACROA_CONTEXT_WINDOW=x", "MACROA_SHELL_TIMEOUT=y"}
	err := f.loadErr()
	wantContains(t, err.Error(), "MACROA_CONTEXT_WINDOW", "MACROA_SHELL_TIMEOUT")
}

func TestSecretValueMaskedInError(t *testing.T) {
	// No secret setting currently fails validation except through control
	// characters; make sure the message does not carry the key.
	f := newFixture(t)
	key := "sk-or-v1-SECRETSECRETSECRETSECRET\x01"
	f.env = []string{"OPENROUTER_API_KEY=" + key}
	err := f.loadErr()
	if strings.Contains(err.Error(), "SECRETSECRET") {
		t.Errorf("error reveals the secret: %v", err)
	}
	wantContains(t, err.Error(), "OPENROUTER_API_KEY", "control character")
}

func TestMalformedEnvFileLine(t *testing.T) {
	f := newFixture(t)
	f.dataEnv("A=1\n# ok\nthis is not an assignment\n")
	err := f.loadErr()
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 3 || fe.File != "~/.macroa/.env" {
		t.Fatalf("err = %v (%+v)", err, fe)
	}
	wantContains(t, err.Error(), "~/.macroa/.env line 3", "KEY=value")
}

func TestRetiredNamesWarn(t *testing.T) {
	f := newFixture(t)
	f.env = []string{"MACROA_AUDIT_DB_PATH=/x/audit.db"}
	f.workEnv("MACROA_SOCKET_PATH=/tmp/m.sock\nMACROA_MEMORY_BACKEND=json\n")
	c := f.load()
	want := map[string]string{
		"MACROA_AUDIT_DB_PATH":  "MACROA_AUDIT_DB_PATH is ignored: Macroa keeps everything in one database; set MACROA_DB_PATH (set in environment)",
		"MACROA_SOCKET_PATH":    "(set in ./.env line 1)",
		"MACROA_MEMORY_BACKEND": "(set in ./.env line 2)",
	}
	for name, text := range want {
		found := false
		for _, w := range c.Warnings {
			if strings.HasPrefix(w, name+" is ignored") && strings.Contains(w, text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no warning for %s containing %q in %q", name, text, c.Warnings)
		}
	}
	if c.DBPath != filepath.Join(f.data, "macroa.db") {
		t.Errorf("retired name changed DBPath to %q", c.DBPath)
	}
}

func TestTypoWarning(t *testing.T) {
	f := newFixture(t)
	f.workEnv("MACROA_CONTEX_WINDOW=5\nMACROA_SOMETHING_ELSE_ENTIRELY=1\n")
	c := f.load()
	if len(c.Warnings) != 1 {
		t.Fatalf("warnings = %q, want one", c.Warnings)
	}
	wantContains(t, c.Warnings[0], "MACROA_CONTEX_WINDOW", "./.env line 1", "did you mean MACROA_CONTEXT_WINDOW")
}

func TestWorldReadableSecretFileWarns(t *testing.T) {
	f := newFixture(t)
	f.dataEnv("OPENROUTER_API_KEY=sk-or-v1-aaaaaaaaaaaaaaaaaaaaaaaa\n")
	p := filepath.Join(f.data, ".env")
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	c := f.load()
	if len(c.Warnings) != 1 {
		t.Fatalf("warnings = %q", c.Warnings)
	}
	wantContains(t, c.Warnings[0], "~/.macroa/.env", "OPENROUTER_API_KEY", "0644", "chmod 600")
	if strings.Contains(c.Warnings[0], "aaaaaaaa") {
		t.Error("warning reveals the key")
	}

	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if c := f.load(); len(c.Warnings) != 0 {
		t.Errorf("warnings for a 0600 file: %q", c.Warnings)
	}
}

func TestSettingsMasksSecretsAndCoversTable(t *testing.T) {
	f := newFixture(t)
	key := "sk-or-v1-0123456789abcdefghijklmnop"
	f.workEnv("A=1\nB=2\nC=3\nOPENROUTER_API_KEY=" + key + "\n")
	c := f.load()
	settings := c.Settings()
	rows := table.Get()
	if len(settings) != len(rows) {
		t.Fatalf("Settings() has %d entries, table has %d", len(settings), len(rows))
	}
	for i, s := range settings {
		if s.Name != rows[i].Name || s.Description == "" {
			t.Errorf("entry %d = %+v", i, s)
		}
		if strings.Contains(s.Value, "0123456789abcdef") {
			t.Errorf("%s shows the secret: %q", s.Name, s.Value)
		}
	}
	s := settingByName(t, c, "OPENROUTER_API_KEY")
	if s.Value != Mask(key) || s.Source != "./.env line 4" || !s.Secret {
		t.Errorf("OPENROUTER_API_KEY = %+v", s)
	}
	if c.OpenRouterKey != key {
		t.Errorf("OpenRouterKey = %q", c.OpenRouterKey)
	}
	if s := settingByName(t, c, "MACROA_API_KEY"); s.Value != "(not set)" {
		t.Errorf("unset secret shows %q", s.Value)
	}
	if s := settingByName(t, c, "MACROA_SHELL_TIMEOUT"); s.Value != "30s" {
		t.Errorf("duration shows %q", s.Value)
	}
}

func TestModelsFromTomlAndEnv(t *testing.T) {
	f := newFixture(t)
	f.toml("[models]\nnano = \"llama3.2\"\nhaiku = \"openrouter/x/haiku\"\n")
	f.env = []string{"MACROA_MODEL_NANO=qwen2.5"}
	c := f.load()
	if c.Models[tier.Nano] != "qwen2.5" || c.Source("MACROA_MODEL_NANO") != "environment" {
		t.Errorf("nano = %q from %q", c.Models[tier.Nano], c.Source("MACROA_MODEL_NANO"))
	}
	if c.Models[tier.Haiku] != "x/haiku" || c.Source("MACROA_MODEL_HAIKU") != "~/.macroa/config.toml line 3" {
		t.Errorf("haiku = %q from %q", c.Models[tier.Haiku], c.Source("MACROA_MODEL_HAIKU"))
	}
	if c.File.Models.Model(tier.Nano) != "llama3.2" {
		t.Errorf("File.Models.Nano = %q", c.File.Models.Nano)
	}
	if len(c.Models) != len(tier.All) {
		t.Errorf("Models has %d entries", len(c.Models))
	}
}

func TestProviderAPIKey(t *testing.T) {
	f := newFixture(t)
	f.toml(`[providers.local]
base_url = "http://127.0.0.1:11434/v1"
api_key_env = "OLLAMA_KEY"

[providers.vllm]
base_url = "https://vllm.example/v1"
api_key = "inline-key"

[providers.none]
base_url = "http://x/v1"
api_key_env = "MISSING_KEY"
`)
	f.dataEnv("OLLAMA_KEY=from-data-env\n")
	f.env = []string{"OPENROUTER_API_KEY=or", "MACROA_API_KEY=def"}
	c := f.load()
	cases := map[string]string{"local": "from-data-env", "vllm": "inline-key", "none": "", "openrouter": "or", "default": "def", "nope": ""}
	for name, want := range cases {
		if got := c.ProviderAPIKey(name); got != want {
			t.Errorf("ProviderAPIKey(%q) = %q, want %q", name, got, want)
		}
	}
	if len(c.Warnings) != 1 {
		t.Fatalf("warnings = %q", c.Warnings)
	}
	wantContains(t, c.Warnings[0], "providers.none.api_key_env", "MISSING_KEY")
}

func TestEnvironMap(t *testing.T) {
	m := environMap([]string{"A=1", "A=2", "=C:=C:\\x", "B=x=y", "NOEQ"})
	if m["A"].value != "1" || m["B"].value != "x=y" || len(m) != 2 {
		t.Errorf("environMap = %+v", m)
	}
}

func TestLoadDefault(t *testing.T) {
	user, work := t.TempDir(), t.TempDir()
	t.Setenv("HOME", user)
	t.Setenv("USERPROFILE", user)
	t.Setenv("MACROA_HOME", "")
	t.Setenv("MACROA_CONTEXT_WINDOW", "42")
	t.Chdir(work)
	if err := os.WriteFile(filepath.Join(work, ".env"), []byte("MACROA_USER_NAME=Cwd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if c.ContextWindow != 42 || c.UserName != "Cwd" || c.Home != filepath.Join(user, ".macroa") {
		t.Errorf("LoadDefault: window %d, user %q, home %q", c.ContextWindow, c.UserName, c.Home)
	}
}

func TestWorkDirIsDataDir(t *testing.T) {
	f := newFixture(t)
	f.dataEnv("MACROA_USER_NAME=Bo\n")
	f.work = f.data
	c := f.load()
	if c.UserName != "Bo" || c.Source("MACROA_USER_NAME") != "./.env line 1" {
		t.Errorf("user = %q from %q", c.UserName, c.Source("MACROA_USER_NAME"))
	}
}

func TestEnvPathIsDirectory(t *testing.T) {
	f := newFixture(t)
	if err := os.Mkdir(filepath.Join(f.data, ".env"), 0o700); err != nil {
		t.Fatal(err)
	}
	err := f.loadErr()
	wantContains(t, err.Error(), "~/.macroa/.env", "directory")
}

func TestWorldReadableTomlWithKeyWarns(t *testing.T) {
	f := newFixture(t)
	f.toml("[providers.cloud]\nbase_url = \"https://x/v1\"\napi_key = \"abcdefghijklmnopqrstuvwxyz\"\n")
	if err := os.Chmod(filepath.Join(f.data, "config.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := f.load()
	if len(c.Warnings) != 1 {
		t.Fatalf("warnings = %q", c.Warnings)
	}
	wantContains(t, c.Warnings[0], "config.toml", "providers.cloud.api_key", "chmod 600")
	if strings.Contains(c.Warnings[0], "abcdefgh") {
		t.Error("warning reveals the key")
	}
}
