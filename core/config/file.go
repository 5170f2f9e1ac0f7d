package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/macroa/macroa/core/suggest"
	"github.com/macroa/macroa/core/tier"
)

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

// Autonomy is how much the autonomy loop may do without a person.
type Autonomy string

const (
	AutonomyObserve  Autonomy = "observe"   // nothing runs
	AutonomySuggest  Autonomy = "suggest"   // everything waits for approval
	AutonomyAutoSafe Autonomy = "auto-safe" // low-risk actions run, the rest waits
	AutonomyAutoFull Autonomy = "auto-full" // all but protected targets and denied commands run
)

// AutonomyLevels lists the levels from least to most autonomous.
var AutonomyLevels = []Autonomy{AutonomyObserve, AutonomySuggest, AutonomyAutoSafe, AutonomyAutoFull}

// UnmarshalText accepts exactly one of AutonomyLevels.
func (a *Autonomy) UnmarshalText(b []byte) error {
	s := string(b)
	for _, l := range AutonomyLevels {
		if s == string(l) {
			*a = l
			return nil
		}
	}
	names := make([]string, len(AutonomyLevels))
	for i, l := range AutonomyLevels {
		names[i] = string(l)
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

// HTTPURL is an absolute http:// or https:// URL.
type HTTPURL string

// UnmarshalText accepts only absolute http(s) URLs.
func (u *HTTPURL) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if err := checkHTTPURL(s); err != nil {
		return err
	}
	*u = HTTPURL(s)
	return nil
}

func checkHTTPURL(s string) error {
	p, err := url.Parse(s)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%q is not an http:// or https:// URL (like http://127.0.0.1:11434/v1)", s)
	}
	return nil
}

// Duration is a positive length of time, written "60s", "2m" or a number of
// seconds.
type Duration time.Duration

// UnmarshalText accepts a Go duration or a number of seconds; it must be > 0.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// Secret is a string that never prints itself: fmt shows it masked.
type Secret string

// String returns the masked secret, so logging a Provider does not leak it.
func (s Secret) String() string { return Mask(string(s)) }

// GoString returns the masked secret for %#v.
func (s Secret) GoString() string { return strconv.Quote(Mask(string(s))) }

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

// UnmarshalText stores the secret as written.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
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

// fileDecode is what the TOML decoder fills. Its fields shadow File's where
// the raw form is needed for validation with exact lines: keys of any shape,
// and a host's port as "given or not".
type fileDecode struct {
	File
	Keys  map[string]map[string]any `toml:"keys"`
	Hosts []hostDecode              `toml:"hosts"`
}

type hostDecode struct {
	Host
	Port *int `toml:"port"`
}

// parsedFile is a decoded, validated config.toml with what Load needs to
// name sources.
type parsedFile struct {
	file    File
	lines   keyLines
	defined func(key string) bool
}

var (
	reHostName = regexp.MustCompile(`^[a-z0-9._-]+$`)
	reEnvName  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	reTomlErr  = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)
	reTypeErr  = regexp.MustCompile(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
)

// parseFile decodes and validates config.toml. display names the file in
// errors; userHome expands "~/" in paths.
func parseFile(data []byte, display, userHome string) (*parsedFile, error) {
	text := strings.TrimPrefix(string(data), "\uFEFF")

	// Pass 1 tells syntax errors from schema errors.
	var generic map[string]any
	if _, err := toml.Decode(text, &generic); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &FileError{File: display, Line: syntaxLine(text, pe.Position), Msg: "syntax error: " + pe.Message}
		}
		return nil, &FileError{File: display, Msg: "syntax error: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}

	lines := scanKeyLines(text)
	v := &validator{display: display, lines: lines}
	// The decoder quietly skips a non-table value where a Go map is expected,
	// so those shapes are checked on the generic form first.
	v.tablesOnly(generic)
	if err := v.err(); err != nil {
		return nil, err
	}

	var fd fileDecode
	md, err := toml.Decode(text, &fd)
	if err != nil {
		return nil, decodeError(err, display, generic, lines)
	}

	undecoded := md.Undecoded()
	reported := map[string]bool{}
	for _, k := range undecoded {
		if parentReported(k, reported) {
			continue
		}
		reported[k.String()] = true
		msg := "unknown key"
		if s := suggestField(k); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add(k.String(), k.String(), msg)
	}

	f := fd.File
	f.Keys = v.keys(fd.Keys)
	f.Hosts = v.hosts(fd.Hosts, userHome)
	v.providers(f.Providers)
	v.tiers(f.Tiers, f.Providers)
	v.policy(&f.Policy)
	v.budget(f.Budget)
	v.prices(f.Prices)
	if err := v.err(); err != nil {
		return nil, err
	}
	applyFileDefaults(&f)
	return &parsedFile{
		file:  f,
		lines: lines,
		defined: func(key string) bool {
			return md.IsDefined(strings.Split(key, ".")...)
		},
	}, nil
}

// syntaxLine is the line of a syntax error. The lexer counts a line once
// it has read its newline, so an error about an unexpected end of line is
// placed by its byte offset instead, on the line that needs fixing.
func syntaxLine(text string, p toml.Position) int {
	if p.Start > 0 && p.Start <= len(text) {
		return strings.Count(text[:p.Start], "\n") + 1
	}
	return p.Line
}

func applyFileDefaults(f *File) {
	if f.Policy.Autonomy == "" {
		f.Policy.Autonomy = AutonomySuggest
	}
}

func parentReported(k toml.Key, reported map[string]bool) bool {
	for n := len(k) - 1; n > 0; n-- {
		if reported[k[:n].String()] {
			return true
		}
	}
	return false
}

// tablesOnly reports values that must be tables (the map-typed parts of the
// schema) but are not.
func (v *validator) tablesOnly(generic map[string]any) {
	check := func(val any, parts ...string) bool {
		if _, ok := val.(map[string]any); ok {
			return true
		}
		p := path(parts...)
		v.add(p, p, "want a table, got "+tomlTypeName(val))
		return false
	}
	for _, top := range []string{"providers", "tiers", "keys"} {
		val, ok := generic[top]
		if !ok || !check(val, top) {
			continue
		}
		if top != "keys" {
			continue // their entries decode into structs, which check themselves
		}
		panes := val.(map[string]any)
		for _, pane := range sortedKeys(panes) {
			check(panes[pane], top, pane)
		}
	}
}

func tomlTypeName(val any) string {
	switch val.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

// decodeError turns the decoder's schema errors into a FileError.
func decodeError(err error, display string, generic map[string]any, lines keyLines) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: display, Line: pe.Position.Line, Field: pe.LastKey, Msg: pe.Message}
	}
	msg := err.Error()
	m := reTomlErr.FindStringSubmatch(msg)
	if m == nil {
		return &FileError{File: display, Msg: strings.TrimPrefix(msg, "toml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	field, _ := strconv.Unquote(`"` + m[2] + `"`)
	text, got := friendlyTypeError(m[3])
	if f, l, ok := locateInArray(generic, lines, field, got); ok {
		field, line = f, l
	}
	return &FileError{File: display, Line: line, Field: field, Msg: text}
}

var goTypeNames = map[string]string{
	// TOML values, as the decoder prints their Go types
	"string": "a string", "int64": "an integer", "float64": "a number", "bool": "a boolean",
	"[]any": "an array", "[]map[string]any": "an array of tables", "map[string]any": "a table",
	"time.Time": "a date-time", "toml.LocalDate": "a date or time", "toml.LocalTime": "a date or time",
	"toml.LocalDatetime": "a date or time",
	// destinations
	"integer": "an integer", "float": "a number", "boolean": "a boolean",
	"slice": "an array", "map": "a table", "primitive (string-like)": "a string",
}

var reTableErr = regexp.MustCompile(`^type mismatch for .*: expected table but found (.+)$`)

// friendlyTypeError rewrites the decoder's type errors as "want X, got Y",
// and returns Y.
func friendlyTypeError(msg string) (text, got string) {
	name := func(s string) string {
		if n, ok := goTypeNames[s]; ok {
			return n
		}
		return s
	}
	if m := reTableErr.FindStringSubmatch(msg); m != nil {
		got = name(m[1])
		return "want a table, got " + got, got
	}
	if m := reTypeErr.FindStringSubmatch(msg); m != nil {
		got = name(m[1])
		return fmt.Sprintf("want %s, got %s", name(m[2]), got), got
	}
	return msg, ""
}

// locateInArray corrects errors inside an array of tables ([[hosts]]): the
// decoder names the key without the element and gives the line of its last
// occurrence. This finds the first element whose value has the wrong type.
func locateInArray(generic map[string]any, lines keyLines, field, got string) (string, int, bool) {
	top, rest, ok := strings.Cut(field, ".")
	if !ok || got == "" {
		return "", 0, false
	}
	elems, ok := asTables(generic[top])
	if !ok {
		return "", 0, false
	}
	key, _, _ := strings.Cut(rest, ".")
	for i, el := range elems {
		val, present := el[key]
		if !present {
			continue
		}
		match := tomlTypeName(val) == got
		if arr, isArr := val.([]any); isArr {
			for _, x := range arr {
				match = match || tomlTypeName(x) == got
			}
		}
		if match {
			f := fmt.Sprintf("%s[%d].%s", top, i, rest)
			return f, lines.line(f), true
		}
	}
	return "", 0, false
}

func asTables(v any) ([]map[string]any, bool) {
	switch x := v.(type) {
	case []map[string]any:
		return x, true
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

// validator collects errors that carry a line found by the key scanner.
type validator struct {
	display string
	lines   keyLines
	errs    []*FileError
}

// add records an error for field, located at the line of path.
func (v *validator) add(path, field, msg string) {
	v.errs = append(v.errs, &FileError{File: v.display, Line: v.lines.line(path), Field: field, Msg: msg})
}

func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Line < v.errs[j].Line })
	errs := make([]error, len(v.errs))
	for i, e := range v.errs {
		errs[i] = e
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

func path(parts ...string) string { return toml.Key(parts).String() }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (v *validator) providers(ps map[string]Provider) {
	for _, name := range sortedKeys(ps) {
		p := ps[name]
		at := path("providers", name)
		switch {
		case name == BuiltinOpenRouter || name == BuiltinDefault:
			v.add(at, at, fmt.Sprintf("%q is a built-in provider name; choose another", name))
			continue
		case strings.TrimSpace(name) == "":
			v.add(at, at, "provider name must not be empty")
			continue
		}
		if p.BaseURL == "" {
			v.add(at, path("providers", name, "base_url"), "is required (an http:// or https:// URL)")
		}
		if p.APIKey != "" && p.APIKeyEnv != "" {
			v.add(path("providers", name, "api_key_env"), path("providers", name, "api_key_env"),
				"set api_key or api_key_env, not both")
		}
		if p.APIKeyEnv != "" && !reEnvName.MatchString(p.APIKeyEnv) {
			v.add(path("providers", name, "api_key_env"), path("providers", name, "api_key_env"),
				fmt.Sprintf("%q is not an environment variable name", p.APIKeyEnv))
		}
	}
}

func (v *validator) tiers(ts map[string]TierRoute, ps map[string]Provider) {
	for _, name := range sortedKeys(ts) {
		r := ts[name]
		at := path("tiers", name)
		if t, err := tier.Parse(name); err != nil || t.String() != name {
			v.add(at, at, "not a tier (want nano, haiku, sonnet or opus)")
			continue
		}
		if r.Provider == "" || r.Provider == BuiltinOpenRouter || r.Provider == BuiltinDefault {
			continue
		}
		if _, ok := ps[r.Provider]; !ok {
			f := path("tiers", name, "provider")
			v.add(f, f, fmt.Sprintf("%q is not a provider: define [providers.%s] or use %q or %q",
				r.Provider, toml.Key{r.Provider}.String(), BuiltinOpenRouter, BuiltinDefault))
		}
	}
}

func (v *validator) hosts(hs []hostDecode, userHome string) []Host {
	if hs == nil {
		return nil
	}
	out := make([]Host, len(hs))
	firstLine := map[string]int{}
	for i, hd := range hs {
		h := hd.Host
		el := fmt.Sprintf("hosts[%d]", i)
		field := func(k string) string { return el + "." + k }
		switch {
		case h.Name == "":
			v.add(el, field("name"), "is required")
		case !reHostName.MatchString(h.Name):
			v.add(field("name"), field("name"), fmt.Sprintf("%q may use only a-z, 0-9, '.', '_' and '-'", h.Name))
		default:
			if l, dup := firstLine[h.Name]; dup {
				v.add(field("name"), field("name"), fmt.Sprintf("%q is already used by the host at line %d", h.Name, l))
			} else {
				firstLine[h.Name] = v.lines.line(field("name"))
			}
		}
		switch {
		case strings.TrimSpace(h.Address) == "":
			v.add(el, field("address"), "is required")
		case strings.HasPrefix(h.Address, "-") || strings.ContainsAny(h.Address, " \t\r\n@/"):
			v.add(field("address"), field("address"), fmt.Sprintf("%q is not a host name or IP address", h.Address))
		}
		if strings.HasPrefix(h.User, "-") || strings.ContainsAny(h.User, " \t\r\n@:") {
			v.add(field("user"), field("user"), fmt.Sprintf("%q is not a user name", h.User))
		}
		h.Port = 22
		if hd.Port != nil {
			h.Port = *hd.Port
			if h.Port < 1 || h.Port > 65535 {
				v.add(field("port"), field("port"), fmt.Sprintf("%d is not a port (want 1-65535)", h.Port))
			}
		}
		for _, t := range h.Tags {
			if strings.TrimSpace(t) == "" {
				v.add(field("tags"), field("tags"), "tags must not be empty")
				break
			}
		}
		h.IdentityFile = expandTilde(h.IdentityFile, userHome)
		out[i] = h
	}
	return out
}

func (v *validator) policy(p *Policy) {
	lists := []struct {
		name string
		list []string
	}{{"protected", p.Protected}, {"allow_commands", p.AllowCommands}, {"deny_commands", p.DenyCommands}}
	for _, l := range lists {
		for _, s := range l.list {
			if strings.TrimSpace(s) == "" {
				f := path("policy", l.name)
				v.add(f, f, "entries must not be empty")
				break
			}
		}
	}
	allowed := map[string]bool{}
	for _, c := range p.AllowCommands {
		allowed[c] = true
	}
	for _, c := range p.DenyCommands {
		if allowed[c] {
			f := path("policy", "deny_commands")
			v.add(f, f, fmt.Sprintf("%q is also in allow_commands", c))
		}
	}
}

func (v *validator) budget(b Budget) {
	for _, x := range []struct {
		name string
		val  float64
	}{{"session_usd", b.SessionUSD}, {"daily_usd", b.DailyUSD}, {"monthly_usd", b.MonthlyUSD}} {
		if x.val < 0 || math.IsNaN(x.val) || math.IsInf(x.val, 0) {
			f := path("budget", x.name)
			v.add(f, f, fmt.Sprintf("%v must be 0 (unlimited) or more", x.val))
		}
	}
}

func (v *validator) prices(p map[string]Price) {
	for _, model := range sortedKeys(p) {
		for _, x := range []struct {
			name string
			val  float64
		}{{"input", p[model].Input}, {"output", p[model].Output}} {
			if x.val < 0 || math.IsNaN(x.val) || math.IsInf(x.val, 0) {
				f := path("prices", model, x.name)
				v.add(f, f, fmt.Sprintf("%v must be 0 or more (US dollars per million tokens)", x.val))
			}
		}
	}
}

// suggestField proposes a known key close to an unknown one, using the
// toml tags of the schema.
func suggestField(k toml.Key) string {
	t := reflect.TypeOf(File{})
	for _, seg := range k[:len(k)-1] {
		for t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Map:
			t = t.Elem()
		case reflect.Struct:
			f, ok := fieldByTag(t, seg)
			if !ok {
				return ""
			}
			t = f.Type
		default:
			return ""
		}
	}
	for t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	var tags []string
	for i := 0; i < t.NumField(); i++ {
		if tag := strings.Split(t.Field(i).Tag.Get("toml"), ",")[0]; tag != "" {
			tags = append(tags, tag)
		}
	}
	return suggest.Closest(strings.ToLower(k[len(k)-1]), tags)
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if strings.Split(t.Field(i).Tag.Get("toml"), ",")[0] == tag {
			return t.Field(i), true
		}
	}
	return reflect.StructField{}, false
}
