package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/tier"
)

// File is the parsed <data dir>/config.toml. Load fills in defaults even
// when the file is absent: Policy.Autonomy (suggest), Policy.ApprovalExpiry
// (24h), Policy.ApprovalWait (10m), each host's Port (22) and each notify
// channel's MinPriority (default).
type File struct {
	Theme     string               `toml:"theme"`     // theme name; MACROA_THEME overrides it
	UserName  string               `toml:"user_name"` // MACROA_USER_NAME overrides it
	Models    Models               `toml:"models"`    // MACROA_MODEL_* override these
	Providers map[string]Provider  `toml:"providers"` // named OpenAI-compatible endpoints
	Tiers     map[string]TierRoute `toml:"tiers"`     // keyed by tier name: nano, haiku, sonnet, opus
	Hosts     []Host               `toml:"hosts"`
	Policy    Policy               `toml:"policy"`
	Budget    Budget               `toml:"budget"`
	Prices    map[string]Price     `toml:"prices"` // model id → price, for providers that do not report cost
	Keys      KeyBindings          `toml:"keys"`   // pane → action → keys, canonical forms
	Notify    []Notify             `toml:"notify"` // where notifications go ([[notify]])
	Monitor   Monitor              `toml:"monitor"`
	Alerts    Alerts               `toml:"alerts"`
	// Prometheus lists Prometheus servers whose node_exporter targets are
	// watched as hosts ([[prometheus]]).
	Prometheus []Prometheus `toml:"prometheus"`
	// Sandbox is what happens to a command a model runs unasked when the
	// kernel cannot confine it; default SandboxBestEffort.
	Sandbox SandboxMode `toml:"sandbox"`
}

// Models maps each tier to a model id.
type Models struct {
	Nano   string `toml:"nano"`
	Haiku  string `toml:"haiku"`
	Sonnet string `toml:"sonnet"`
	Opus   string `toml:"opus"`
}

// Provider is a named OpenAI-compatible endpoint.
type Provider struct {
	BaseURL   HTTPURL  `toml:"base_url"`    // required
	APIKey    Secret   `toml:"api_key"`     // the key itself, or:
	APIKeyEnv string   `toml:"api_key_env"` // the name of a variable holding it
	Timeout   Duration `toml:"timeout"`     // 0 = use MACROA_NETWORK_TIMEOUT
}

// TierRoute sends one tier to a provider and, optionally, a model.
type TierRoute struct {
	Provider string `toml:"provider"` // a [providers.X] name, or BuiltinOpenRouter / BuiltinDefault; "" = the usual choice
	Model    string `toml:"model"`    // "" = the tier's model from MACROA_MODEL_* / [models]
}

// Built-in provider names a [tiers.X] entry may use without defining them.
const (
	BuiltinOpenRouter = "openrouter" // OpenRouter with OPENROUTER_API_KEY
	BuiltinDefault    = "default"    // MACROA_BASE_URL with MACROA_API_KEY
)

// Host is one machine Macroa looks after.
type Host struct {
	Name         string   `toml:"name"`          // unique, [a-z0-9._-]
	Address      string   `toml:"address"`       // host name or IP
	Port         int      `toml:"port"`          // 1..65535, 22 when not given
	User         string   `toml:"user"`          // "" = the SSH default
	IdentityFile string   `toml:"identity_file"` // "~/" is expanded
	Tags         []string `toml:"tags"`
	Groups       []string `toml:"groups"`
	// ProxyJump is the host to connect through: a [[hosts]] name, an
	// alias in ~/.ssh/config, or [user@]host[:port].
	ProxyJump string     `toml:"proxy_jump"`
	Sudo      SudoPolicy `toml:"sudo"`     // default SudoNever
	Interval  Duration   `toml:"interval"` // 0 = [monitor] interval
	// Prometheus, when set, is where this host's health is read (its
	// node_exporter's metrics) instead of an SSH probe; Instance is its
	// instance label there (default address:9100).
	Prometheus HTTPURL `toml:"prometheus"`
	Instance   string  `toml:"instance"`
	// PortSet says the file gave Port; otherwise ~/.ssh/config's Port for
	// the address applies, else 22.
	PortSet bool `toml:"-"`
}

// Policy is the autonomy policy.
type Policy struct {
	Autonomy      Autonomy `toml:"autonomy"`       // default AutonomySuggest
	Protected     []string `toml:"protected"`      // extra protected targets
	AllowCommands []string `toml:"allow_commands"` // commands that may run without approval
	DenyCommands  []string `toml:"deny_commands"`  // commands that never run automatically
	// SecretPaths are files and directories that hold credentials beyond
	// the ones Macroa knows (~/.ssh, ~/.aws, ...): a model's command or
	// file read never opens them unasked, and the sandbox never grants
	// them. "~/" is expanded.
	SecretPaths []string `toml:"secret_paths"`
	// ApprovalExpiry is how long a proposal waits for a person before it
	// expires (default DefaultApprovalExpiry).
	ApprovalExpiry Duration `toml:"approval_expiry"`
	// ApprovalWait is how long a front end that waits for a decision (the
	// cockpit, the REPL) waits (default DefaultApprovalWait).
	ApprovalWait Duration `toml:"approval_wait"`
	// Hosts overrides Autonomy for one host: a [[hosts]] name, or LocalHost
	// for this machine.
	Hosts map[string]Autonomy `toml:"hosts"`
}

// LocalHost is the [policy.hosts] key that names this machine.
const LocalHost = "local"

// The defaults of [policy].
const (
	DefaultApprovalExpiry = 24 * time.Hour
	DefaultApprovalWait   = 10 * time.Minute
)

// HostAutonomy is the level for a host (LocalHost or a [[hosts]] name):
// its [policy.hosts] entry, else the global level.
func (p Policy) HostAutonomy(host string) Autonomy {
	if l, ok := p.Hosts[host]; ok {
		return l
	}
	return p.Autonomy
}

// Notify is one [[notify]] channel.
type Notify struct {
	Type        NotifyType     `toml:"type"`         // required
	URL         HTTPURL        `toml:"url"`          // the server (ntfy, gotify) or the endpoint (webhook)
	Topic       string         `toml:"topic"`        // ntfy only, required there
	Token       Secret         `toml:"token"`        // the token itself, or:
	TokenEnv    string         `toml:"token_env"`    // the name of a variable holding it
	MinPriority NotifyPriority `toml:"min_priority"` // default NotifyDefault
	Timeout     Duration       `toml:"timeout"`      // one attempt; 0 = MACROA_NETWORK_TIMEOUT
}

// NotifyType is a kind of notification service.
type NotifyType string

// The notification services.
const (
	NotifyNtfy    NotifyType = "ntfy"    // https://ntfy.sh or a server of one's own
	NotifyGotify  NotifyType = "gotify"  // a Gotify server
	NotifyWebhook NotifyType = "webhook" // any endpoint taking a JSON POST
)

// NotifyTypes lists the services.
var NotifyTypes = []NotifyType{NotifyNtfy, NotifyGotify, NotifyWebhook}

// UnmarshalText accepts exactly one of NotifyTypes.
func (t *NotifyType) UnmarshalText(b []byte) error {
	for _, x := range NotifyTypes {
		if string(b) == string(x) {
			*t = x
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", string(b), joinNames(NotifyTypes))
}

// NotifyPriority is a notification's priority, least urgent first.
type NotifyPriority string

// The priorities.
const (
	NotifyLow     NotifyPriority = "low"
	NotifyDefault NotifyPriority = "default"
	NotifyHigh    NotifyPriority = "high"
	NotifyUrgent  NotifyPriority = "urgent"
)

// NotifyPriorities lists the priorities, least urgent first.
var NotifyPriorities = []NotifyPriority{NotifyLow, NotifyDefault, NotifyHigh, NotifyUrgent}

// UnmarshalText accepts exactly one of NotifyPriorities.
func (p *NotifyPriority) UnmarshalText(b []byte) error {
	for _, x := range NotifyPriorities {
		if string(b) == string(x) {
			*p = x
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", string(b), joinNames(NotifyPriorities))
}

// Rank orders the priorities: low 1, default 2, high 3, urgent 4; 0 for
// anything else.
func (p NotifyPriority) Rank() int {
	for i, x := range NotifyPriorities {
		if p == x {
			return i + 1
		}
	}
	return 0
}

func joinNames[T ~string](xs []T) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = string(x)
	}
	return strings.Join(names, ", ")
}

// Budget limits spending in US dollars; 0 means unlimited.
type Budget struct {
	SessionUSD float64 `toml:"session_usd"` // MACROA_SESSION_BUDGET_USD overrides it
	DailyUSD   float64 `toml:"daily_usd"`   // MACROA_DAILY_BUDGET_USD overrides it
	MonthlyUSD float64 `toml:"monthly_usd"` // MACROA_MONTHLY_BUDGET_USD overrides it
	// Downgrade moves a request that would exceed a budget to the cheapest
	// tier instead of refusing it, when that tier still fits.
	Downgrade bool `toml:"downgrade"`
}

// Price is what a model costs in US dollars per million tokens.
type Price struct {
	Input  float64 `toml:"input"`  // per million prompt tokens
	Output float64 `toml:"output"` // per million completion tokens
}

// Tier returns the [tiers.X] entry for t, if there is one.
func (f *File) Tier(t tier.Tier) (TierRoute, bool) {
	r, ok := f.Tiers[t.String()]
	return r, ok
}

// Model returns the [models] entry for t ("" when unset).
func (m Models) Model(t tier.Tier) string {
	switch t {
	case tier.Nano:
		return m.Nano
	case tier.Haiku:
		return m.Haiku
	case tier.Sonnet:
		return m.Sonnet
	case tier.Opus:
		return m.Opus
	}
	return ""
}
