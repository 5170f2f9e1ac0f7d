// Package config loads Macroa's effective settings and remembers where each
// one came from.
//
// Sources, highest precedence first:
//
//  1. the real process environment;
//  2. .env in the working directory (only that directory, never its parents);
//  3. <data dir>/.env;
//  4. <data dir>/config.toml, for the settings it can hold;
//  5. built-in defaults.
//
// The data directory is ~/.macroa unless MACROA_HOME (from the environment or
// the working directory's .env) says otherwise. Load only reads: it never
// creates the data directory or any file.
//
// Every environment setting is described once, in the table in this file;
// that table drives parsing, validation, [Config.Settings] and [Definitions].
package config

import (
	"strings"
	"time"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/tier"
)

// Kind says how a setting's text is parsed and validated.
type Kind int

const (
	KindString   Kind = iota // any text without control characters
	KindInt                  // a whole number, optionally bounded
	KindDuration             // seconds ("30", "2.5") or a Go duration ("2s", "1m"); always > 0
	KindFloat                // a decimal number, optionally bounded
	KindURL                  // an absolute http:// or https:// URL
	KindPath                 // a file system path; "~/" is expanded, relative paths are resolved
	KindBool                 // true/false, 1/0, yes/no, on/off
)

// String names the kind for documentation.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindInt:
		return "int"
	case KindDuration:
		return "duration"
	case KindFloat:
		return "float"
	case KindURL:
		return "url"
	case KindPath:
		return "path"
	case KindBool:
		return "bool"
	}
	return "unknown"
}

// Definition describes one setting, for documentation and `macroa config`.
type Definition struct {
	Name        string // environment variable, e.g. MACROA_CONTEXT_WINDOW
	Kind        Kind
	Default     string // as documented; "<home>" stands for the data directory
	Description string
	Secret      bool   // masked wherever it is shown
	FileKey     string // the config.toml key that can also hold it ("" = environment only)
}

// homePlaceholder appears in defaults that live under the data directory.
const homePlaceholder = "<home>"

// value is a parsed setting; only the field matching the kind is meaningful.
type value struct {
	s string
	i int64
	f float64
	d time.Duration
	b bool
}

// setting is one row of the table: its documentation, its bounds, and how it
// reaches the Config.
type setting struct {
	Definition
	min, max  float64 // inclusive bounds for int and float kinds, when hasMin/hasMax
	hasMin    bool
	hasMax    bool
	normalize func(string) string      // applied to the raw text before parsing
	fromFile  func(f *File) string     // reads FileKey from a decoded config.toml
	apply     func(c *Config, v value) // stores the parsed value
	show      func(c *Config) string   // the effective value, for Settings (before masking)
}

// homeSetting is resolved before everything else: it decides where the data
// directory's .env and config.toml live.
const homeSetting = "MACROA_HOME"

// table is the one list of environment settings, in display order. To add a
// setting: add a Config field, then one entry here.
var table = lazy.New(func() []setting {
	return []setting{
		{
			Definition: Definition{Name: homeSetting, Kind: KindPath, Default: "~/.macroa",
				Description: "Data directory (database, tools, logs, .env, config.toml). Read only from the environment or ./.env."},
			apply: func(c *Config, v value) { c.Home = v.s },
			show:  func(c *Config) string { return c.Home },
		},
		{
			Definition: Definition{Name: "OPENROUTER_API_KEY", Kind: KindString, Secret: true,
				Description: "API key for OpenRouter (https://openrouter.ai)."},
			apply: func(c *Config, v value) { c.OpenRouterKey = v.s },
			show:  func(c *Config) string { return c.OpenRouterKey },
		},
		{
			Definition: Definition{Name: "MACROA_BASE_URL", Kind: KindURL,
				Description: "OpenAI-compatible endpoint (Ollama, llama.cpp, vLLM, LM Studio, OpenAI), e.g. http://127.0.0.1:11434/v1."},
			apply: func(c *Config, v value) { c.BaseURL = v.s },
			show:  func(c *Config) string { return c.BaseURL },
		},
		{
			Definition: Definition{Name: "MACROA_API_KEY", Kind: KindString, Secret: true,
				Description: "API key for MACROA_BASE_URL, when it needs one."},
			apply: func(c *Config, v value) { c.APIKey = v.s },
			show:  func(c *Config) string { return c.APIKey },
		},
		modelSetting(tier.Nano, "google/gemini-2.5-flash-lite", func(f *File) string { return f.Models.Nano }),
		modelSetting(tier.Haiku, "anthropic/claude-haiku-4-5", func(f *File) string { return f.Models.Haiku }),
		modelSetting(tier.Sonnet, "anthropic/claude-sonnet-4-6", func(f *File) string { return f.Models.Sonnet }),
		modelSetting(tier.Opus, "anthropic/claude-opus-4-6", func(f *File) string { return f.Models.Opus }),
		{
			Definition: Definition{Name: "MACROA_DB_PATH", Kind: KindPath, Default: homePlaceholder + "/macroa.db",
				Description: "The one SQLite database (memory, sessions, audit, scheduler, approvals)."},
			apply: func(c *Config, v value) { c.DBPath = v.s },
			show:  func(c *Config) string { return c.DBPath },
		},
		{
			Definition: Definition{Name: "MACROA_TOOLS_DIR", Kind: KindPath, Default: homePlaceholder + "/tools",
				Description: "Directory of user tools (plug-ins)."},
			apply: func(c *Config, v value) { c.ToolsDir = v.s },
			show:  func(c *Config) string { return c.ToolsDir },
		},
		{
			Definition: Definition{Name: "MACROA_LOG_PATH", Kind: KindPath, Default: homePlaceholder + "/logs/macroa.log",
				Description: "Log file."},
			apply: func(c *Config, v value) { c.LogPath = v.s },
			show:  func(c *Config) string { return c.LogPath },
		},
		{
			Definition: Definition{Name: "MACROA_SHELL_TIMEOUT", Kind: KindDuration, Default: "30s",
				Description: "Time limit for one shell command (seconds, or a duration like 2m)."},
			apply: func(c *Config, v value) { c.ShellTimeout = v.d },
			show:  func(c *Config) string { return c.ShellTimeout.String() },
		},
		{
			Definition: Definition{Name: "MACROA_NETWORK_TIMEOUT", Kind: KindDuration, Default: "30s",
				Description: "Time limit for one network request, including model calls."},
			apply: func(c *Config, v value) { c.NetworkTimeout = v.d },
			show:  func(c *Config) string { return c.NetworkTimeout.String() },
		},
		{
			Definition: Definition{Name: "MACROA_SCHEDULER_POLL", Kind: KindDuration, Default: "10s",
				Description: "How often the scheduler looks for due tasks."},
			apply: func(c *Config, v value) { c.SchedulerPoll = v.d },
			show:  func(c *Config) string { return c.SchedulerPoll.String() },
		},
		{
			Definition: Definition{Name: "MACROA_HEARTBEAT_INTERVAL", Kind: KindDuration, Default: "60s",
				Description: "How often the background process reports that it is alive."},
			apply: func(c *Config, v value) { c.HeartbeatInterval = v.d },
			show:  func(c *Config) string { return c.HeartbeatInterval.String() },
		},
		{
			Definition: Definition{Name: "MACROA_CONTEXT_WINDOW", Kind: KindInt, Default: "20",
				Description: "Conversation turns kept as context (1-1000)."},
			min: 1, hasMin: true, max: 1000, hasMax: true,
			apply: func(c *Config, v value) { c.ContextWindow = int(v.i) },
			show:  func(c *Config) string { return itoa(int64(c.ContextWindow)) },
		},
		{
			Definition: Definition{Name: "MACROA_SESSION_BUDGET_USD", Kind: KindFloat, Default: "0",
				Description: "Spending limit per session in US dollars; 0 means unlimited.", FileKey: "budget.session_usd"},
			min: 0, hasMin: true,
			fromFile: func(f *File) string { return ftoa(f.Budget.SessionUSD) },
			apply:    func(c *Config, v value) { c.SessionBudgetUSD = v.f },
			show:     func(c *Config) string { return ftoa(c.SessionBudgetUSD) },
		},
		{
			Definition: Definition{Name: "MACROA_DAILY_BUDGET_USD", Kind: KindFloat, Default: "0",
				Description: "Spending limit per day (local time) in US dollars; 0 means unlimited.", FileKey: "budget.daily_usd"},
			min: 0, hasMin: true,
			fromFile: func(f *File) string { return ftoa(f.Budget.DailyUSD) },
			apply:    func(c *Config, v value) { c.DailyBudgetUSD = v.f },
			show:     func(c *Config) string { return ftoa(c.DailyBudgetUSD) },
		},
		{
			Definition: Definition{Name: "MACROA_MONTHLY_BUDGET_USD", Kind: KindFloat, Default: "0",
				Description: "Spending limit per calendar month in US dollars; 0 means unlimited.", FileKey: "budget.monthly_usd"},
			min: 0, hasMin: true,
			fromFile: func(f *File) string { return ftoa(f.Budget.MonthlyUSD) },
			apply:    func(c *Config, v value) { c.MonthlyBudgetUSD = v.f },
			show:     func(c *Config) string { return ftoa(c.MonthlyBudgetUSD) },
		},
		{
			Definition: Definition{Name: "MACROA_SESSION_BUDGET_TOKENS", Kind: KindInt, Default: "0",
				Description: "Token limit per session; 0 means unlimited."},
			min: 0, hasMin: true,
			apply: func(c *Config, v value) { c.SessionBudgetTokens = v.i },
			show:  func(c *Config) string { return itoa(c.SessionBudgetTokens) },
		},
		{
			Definition: Definition{Name: "MACROA_USER_NAME", Kind: KindString,
				Description: "Your name, for greetings.", FileKey: "user_name"},
			fromFile: func(f *File) string { return f.UserName },
			apply:    func(c *Config, v value) { c.UserName = v.s },
			show:     func(c *Config) string { return c.UserName },
		},
		{
			Definition: Definition{Name: "MACROA_HTTP_REFERER", Kind: KindString, Default: "https://github.com/macroa/macroa",
				Description: "HTTP-Referer header sent to OpenRouter."},
			apply: func(c *Config, v value) { c.HTTPReferer = v.s },
			show:  func(c *Config) string { return c.HTTPReferer },
		},
		{
			Definition: Definition{Name: "MACROA_APP_TITLE", Kind: KindString, Default: "Macroa",
				Description: "X-Title header sent to OpenRouter."},
			apply: func(c *Config, v value) { c.AppTitle = v.s },
			show:  func(c *Config) string { return c.AppTitle },
		},
		{
			Definition: Definition{Name: "MACROA_THEME", Kind: KindString, Default: "ansi",
				Description: "Colour theme: an embedded theme or one in <home>/themes.", FileKey: "theme"},
			fromFile: func(f *File) string { return f.Theme },
			apply:    func(c *Config, v value) { c.Theme = v.s },
			show:     func(c *Config) string { return c.Theme },
		},
	}
})

// modelSetting builds the row for one tier's model id.
func modelSetting(t tier.Tier, def string, fromFile func(*File) string) setting {
	name := "MACROA_MODEL_" + strings.ToUpper(t.String())
	return setting{
		Definition: Definition{Name: name, Kind: KindString, Default: def,
			Description: "Model id for the " + t.String() + " tier (a leading openrouter/ is stripped).",
			FileKey:     "models." + t.String()},
		normalize: stripOpenRouterPrefix,
		fromFile:  fromFile,
		apply: func(c *Config, v value) {
			if c.Models == nil {
				c.Models = make(map[tier.Tier]string, len(tier.All))
			}
			c.Models[t] = v.s
		},
		show: func(c *Config) string { return c.Models[t] },
	}
}

func stripOpenRouterPrefix(s string) string {
	return strings.TrimPrefix(s, "openrouter/")
}

// retired lists names the original Macroa read that this one ignores, with
// what replaces them. Setting one is not an error; it produces a warning.
var retired = []struct{ Name, Why string }{
	{"MACROA_MEMORY_DB_PATH", "Macroa keeps everything in one database; set MACROA_DB_PATH"},
	{"MACROA_SESSIONS_DB_PATH", "Macroa keeps everything in one database; set MACROA_DB_PATH"},
	{"MACROA_AUDIT_DB_PATH", "Macroa keeps everything in one database; set MACROA_DB_PATH"},
	{"MACROA_SCHEDULER_DB_PATH", "Macroa keeps everything in one database; set MACROA_DB_PATH"},
	{"MACROA_WATCHDOG_DB_PATH", "Macroa keeps everything in one database; set MACROA_DB_PATH"},
	{"MACROA_MEMORY_BACKEND", "memory always lives in the SQLite database (MACROA_DB_PATH)"},
	{"MACROA_SOCKET_PATH", "processes share the SQLite database instead of a socket"},
}

// Definitions returns every setting in display order, for documentation.
func Definitions() []Definition {
	settings := table.Get()
	out := make([]Definition, len(settings))
	for i, s := range settings {
		out[i] = s.Definition
	}
	return out
}

// lookupSetting finds a row by name.
func lookupSetting(name string) (*setting, bool) {
	settings := table.Get()
	for i := range settings {
		if settings[i].Name == name {
			return &settings[i], true
		}
	}
	return nil, false
}
