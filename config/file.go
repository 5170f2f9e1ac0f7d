package config

import "github.com/macroa/macroa/tier"

// File is the parsed <data dir>/config.toml. Load fills in two defaults even
// when the file is absent: Policy.Autonomy (suggest) and each host's Port (22).
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
}

// Policy is the autonomy policy.
type Policy struct {
	Autonomy      Autonomy `toml:"autonomy"`       // default AutonomySuggest
	Protected     []string `toml:"protected"`      // extra protected targets
	AllowCommands []string `toml:"allow_commands"` // commands that may run without approval
	DenyCommands  []string `toml:"deny_commands"`  // commands that never run automatically
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
