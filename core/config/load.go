package config

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/macroa/macroa/core/suggest"
	"github.com/macroa/macroa/core/tier"
)

// LoadOptions are Load's inputs, so tests need no real environment.
type LoadOptions struct {
	Environ  []string // "KEY=value" entries, like os.Environ()
	WorkDir  string   // where ./.env is looked for; "" = nowhere
	UserHome string   // expands "~" and locates the default data directory
}

// Config is the effective configuration.
type Config struct {
	Home     string // data directory
	DBPath   string // the one SQLite database
	ToolsDir string
	LogPath  string

	ShellTimeout      time.Duration
	NetworkTimeout    time.Duration
	SchedulerPoll     time.Duration
	HeartbeatInterval time.Duration

	ContextWindow int // turns

	UserName    string
	HTTPReferer string
	AppTitle    string
	Theme       string

	OpenRouterKey string // secret
	BaseURL       string // OpenAI-compatible endpoint, "" when unset
	APIKey        string // secret, for BaseURL

	Models map[tier.Tier]string // every tier has an entry

	SessionBudgetUSD    float64 // 0 = unlimited
	DailyBudgetUSD      float64 // 0 = unlimited
	MonthlyBudgetUSD    float64 // 0 = unlimited
	SessionBudgetTokens int64   // 0 = unlimited

	File     File   // the parsed config.toml (see File for the defaults it always carries)
	FilePath string // <Home>/config.toml, whether or not it exists

	Warnings []string // problems worth telling the user that do not stop Macroa

	sources map[string]string // setting name → where its value came from
	layers  []envLayer        // environment, ./.env, <home>/.env: for ProviderAPIKey
}

// Setting is one setting as `macroa config` shows it.
type Setting struct {
	Name        string
	Value       string // effective value; secrets masked
	Source      string // "environment", "./.env line 4", "~/.macroa/.env line 2", "~/.macroa/config.toml line 9" or "default"
	Description string
	Secret      bool
}

// ValueError is a setting whose value is not acceptable.
type ValueError struct {
	Name   string // variable name, or the config.toml key when it came from there
	Value  string // as written (Error masks it for secrets)
	Source string // as in Setting.Source
	Reason string
	Secret bool
}

func (e *ValueError) Error() string {
	v := e.Value
	if e.Secret {
		v = Mask(v)
	}
	return fmt.Sprintf("%s=%q from %s: %s", e.Name, v, e.Source, e.Reason)
}

// FileError is a problem at a place in a file: a malformed .env line, or a
// config.toml syntax or schema error.
type FileError struct {
	File  string // as shown to the user: "./.env", "~/.macroa/config.toml"
	Line  int    // 1-based; 0 when unknown
	Field string // config.toml key path ("policy.autonomy"); "" for none
	Msg   string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

const sourceEnvironment = "environment"
const sourceDefault = "default"

// envLayer is one source of variables: the environment or a .env file.
type envLayer struct {
	vars    map[string]envEntry
	display string // "environment" or the file as shown
	dir     string // base for relative paths
	isFile  bool
}

func (l envLayer) source(e envEntry) string {
	if !l.isFile {
		return sourceEnvironment
	}
	return fmt.Sprintf("%s line %d", l.display, e.line)
}

// lookup returns a non-empty value; an empty value counts as not set, so
// `KEY=` in a .env never hides a lower source.
func (l envLayer) lookup(name string) (envEntry, bool) {
	e, ok := l.vars[name]
	if !ok || strings.TrimSpace(e.value) == "" {
		return envEntry{}, false
	}
	return e, true
}

// LoadDefault loads with os.Environ, the current directory and the user's
// home directory.
func LoadDefault() (*Config, error) {
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	return Load(LoadOptions{Environ: os.Environ(), WorkDir: wd, UserHome: home})
}

// Load reads the settings from every source; see the package documentation
// for the order. It reads at most three small files (./.env, <home>/.env,
// <home>/config.toml) and writes nothing. Several problems are joined into
// one error; each names the variable or key, the bad value and where it was
// written.
func Load(opts LoadOptions) (*Config, error) {
	l := &loader{opts: opts, c: &Config{sources: map[string]string{}}}
	if err := l.load(); err != nil {
		return nil, err
	}
	return l.c, nil
}

type loader struct {
	opts  LoadOptions
	c     *Config
	env   envLayer
	wd    envLayer
	data  envLayer
	file  *parsedFile
	fdisp string // config.toml as shown
	errs  []error
}

func (l *loader) load() error {
	l.env = envLayer{vars: environMap(l.opts.Environ), display: sourceEnvironment, dir: l.opts.WorkDir}

	// ./.env: only the working directory, never its parents.
	if l.opts.WorkDir != "" {
		p := filepath.Join(l.opts.WorkDir, ".env")
		layer, err := l.readEnvLayer(p, "./.env", l.opts.WorkDir, true)
		if err != nil {
			return err
		}
		l.wd = layer
	}

	if err := l.resolveHome(); err != nil {
		return err
	}
	home := l.c.Home

	dataEnv := filepath.Join(home, ".env")
	if l.wd.isFile && samePath(dataEnv, filepath.Join(l.opts.WorkDir, ".env")) {
		l.data = envLayer{} // same file as ./.env: already read
	} else {
		layer, err := l.readEnvLayer(dataEnv, l.display(dataEnv), home, false)
		if err != nil {
			return err
		}
		l.data = layer
	}
	if e, ok := l.data.lookup(homeSetting); ok && !samePath(l.resolvePathLike(e.value, home), home) {
		l.warn("%s in %s is ignored: the data directory is chosen by the environment or ./.env", homeSetting, l.data.source(e))
	}

	l.c.FilePath = filepath.Join(home, "config.toml")
	l.fdisp = l.display(l.c.FilePath)
	if err := l.readFile(); err != nil {
		return err
	}

	for i := range table {
		if table[i].Name != homeSetting {
			l.resolve(&table[i])
		}
	}
	l.c.layers = []envLayer{l.env, l.wd, l.data}
	l.retiredWarnings()
	l.typoWarnings()
	l.providerKeyWarnings()
	if len(l.errs) == 1 {
		return l.errs[0]
	}
	return errors.Join(l.errs...)
}

func environMap(environ []string) map[string]envEntry {
	m := make(map[string]envEntry, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			continue // also skips Windows' "=C:=C:\dir" entries
		}
		if _, dup := m[k]; !dup { // the first wins, as with os.Getenv
			m[k] = envEntry{key: k, value: v}
		}
	}
	return m
}

// readEnvLayer reads a .env file into a layer. An unreadable ./.env is
// skipped with a warning (it may belong to another project); an unreadable
// data-directory .env is an error.
func (l *loader) readEnvLayer(path, display, dir string, optional bool) (envLayer, error) {
	layer := envLayer{vars: map[string]envEntry{}, display: display, dir: dir, isFile: true}
	data, mode, ok, err := readSmallFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrPermission) {
			l.warn("%s is not readable, so it is ignored: %v", display, err)
			return envLayer{}, nil
		}
		return envLayer{}, fmt.Errorf("read %s: %w", display, err)
	}
	if !ok {
		return envLayer{}, nil
	}
	entries, err := parseEnv(string(data), display)
	if err != nil {
		return envLayer{}, err
	}
	var secret string
	for _, e := range entries {
		layer.vars[e.key] = e
		if secret == "" && e.value != "" && looksSecret(e.key) {
			secret = e.key
		}
	}
	if secret != "" && InsecurePerms(mode) && runtime.GOOS != "windows" {
		l.warn("%s holds %s but other users can read it (mode %04o); run: chmod 600 %s", display, secret, mode, display)
	}
	return layer, nil
}

func looksSecret(name string) bool {
	if s, ok := lookupSetting(name); ok {
		return s.Secret
	}
	u := strings.ToUpper(name)
	for _, w := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}

// resolveHome settles MACROA_HOME, from the environment or ./.env only.
func (l *loader) resolveHome() error {
	s, _ := lookupSetting(homeSetting)
	for _, layer := range []envLayer{l.env, l.wd} {
		if e, ok := layer.lookup(homeSetting); ok {
			v, reason := parseValue(s, e.value, layer.dir, l.opts.UserHome)
			if reason != "" {
				return &ValueError{Name: homeSetting, Value: e.value, Source: layer.source(e), Reason: reason}
			}
			s.apply(l.c, v)
			l.c.sources[homeSetting] = layer.source(e)
			return nil
		}
	}
	if l.opts.UserHome == "" {
		return fmt.Errorf("cannot tell where the data directory is: the home directory is unknown; set %s", homeSetting)
	}
	l.c.Home = filepath.Join(l.opts.UserHome, ".macroa")
	l.c.sources[homeSetting] = sourceDefault
	return nil
}

func (l *loader) readFile() error {
	data, mode, ok, err := readSmallFile(l.c.FilePath)
	if err != nil {
		return fmt.Errorf("read %s: %w", l.fdisp, err)
	}
	if !ok {
		applyFileDefaults(&l.c.File)
		return nil
	}
	pf, err := parseFile(data, l.fdisp, l.opts.UserHome)
	if err != nil {
		return err
	}
	l.file = pf
	l.c.File = pf.file
	if InsecurePerms(mode) && runtime.GOOS != "windows" {
		for _, name := range sortedKeys(pf.file.Providers) {
			if pf.file.Providers[name].APIKey != "" {
				l.warn("%s holds providers.%s.api_key but other users can read it (mode %04o); run: chmod 600 %s",
					l.fdisp, name, mode, l.fdisp)
				break
			}
		}
	}
	return nil
}

// resolve finds one setting's value by precedence, parses and applies it.
func (l *loader) resolve(s *setting) {
	name, raw, src, dir := s.Name, "", "", ""
	found := false
	for _, layer := range []envLayer{l.env, l.wd, l.data} {
		if e, ok := layer.lookup(s.Name); ok {
			raw, src, dir, found = e.value, layer.source(e), layer.dir, true
			break
		}
	}
	if !found && s.FileKey != "" && l.file != nil && l.file.defined(s.FileKey) {
		if v := s.fromFile(&l.file.file); strings.TrimSpace(v) != "" {
			name, raw, dir, found = s.FileKey, v, l.c.Home, true
			src = fmt.Sprintf("%s line %d", l.fdisp, l.file.lines.line(s.FileKey))
		}
	}
	if !found {
		l.c.sources[s.Name] = sourceDefault
		if s.Default == "" {
			s.apply(l.c, value{})
			return
		}
		raw, dir = strings.ReplaceAll(s.Default, homePlaceholder, l.c.Home), l.c.Home
	} else {
		l.c.sources[s.Name] = src
	}
	v, reason := parseValue(s, raw, dir, l.opts.UserHome)
	if reason != "" {
		l.errs = append(l.errs, &ValueError{Name: name, Value: raw, Source: l.c.sources[s.Name], Reason: reason, Secret: s.Secret})
		return
	}
	s.apply(l.c, v)
}

// parseValue parses raw for setting s. It returns a reason when raw is not
// acceptable; it never panics.
func parseValue(s *setting, raw, baseDir, userHome string) (value, string) {
	raw = strings.TrimSpace(raw)
	if s.normalize != nil {
		raw = s.normalize(raw)
	}
	for _, r := range raw {
		if unicode.IsControl(r) {
			return value{}, "contains a control character"
		}
	}
	var v value
	switch s.Kind {
	case KindString:
		if raw == "" {
			return v, "must not be empty"
		}
		v.s = raw
	case KindInt:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return v, "is out of range"
			}
			return v, "must be a whole number"
		}
		if r := s.checkBounds(float64(n)); r != "" {
			return v, r
		}
		v.i = n
	case KindFloat:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return v, "must be a number"
		}
		if r := s.checkBounds(f); r != "" {
			return v, r
		}
		v.f = f
	case KindDuration:
		d, err := parseDuration(raw)
		if err != nil {
			return v, err.Error()
		}
		v.d = d
	case KindURL:
		if err := checkHTTPURL(raw); err != nil {
			return v, "must be an http:// or https:// URL, like http://127.0.0.1:11434/v1"
		}
		v.s = raw
	case KindPath:
		p, reason := resolvePath(raw, baseDir, userHome)
		if reason != "" {
			return v, reason
		}
		v.s = p
	case KindBool:
		switch strings.ToLower(raw) {
		case "1", "true", "yes", "on":
			v.b = true
		case "0", "false", "no", "off":
			v.b = false
		default:
			return v, "must be true or false"
		}
	default:
		return v, "has an unknown kind"
	}
	return v, ""
}

func (s *setting) checkBounds(x float64) string {
	switch {
	case s.hasMin && s.hasMax && (x < s.min || x > s.max):
		return fmt.Sprintf("must be between %s and %s", ftoa(s.min), ftoa(s.max))
	case s.hasMin && x < s.min:
		return fmt.Sprintf("must be at least %s", ftoa(s.min))
	case s.hasMax && x > s.max:
		return fmt.Sprintf("must be at most %s", ftoa(s.max))
	}
	return ""
}

// parseDuration reads "30" or "2.5" (seconds) or a Go duration ("2s",
// "1m30s"); the result must be greater than zero.
func parseDuration(raw string) (time.Duration, error) {
	raw = strings.TrimSpace(raw)
	var d time.Duration
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("must be a number of seconds or a duration like 30s or 2m")
		}
		if f*float64(time.Second) > math.MaxInt64 {
			return 0, fmt.Errorf("is too long")
		}
		d = time.Duration(f * float64(time.Second))
	} else {
		var perr error
		d, perr = time.ParseDuration(raw)
		if perr != nil {
			return 0, fmt.Errorf("must be a number of seconds or a duration like 30s or 2m")
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("must be greater than zero")
	}
	return d, nil
}

// resolvePath expands "~" and makes a relative path absolute against
// baseDir (the directory of the file it was written in, or the working
// directory for the environment).
func resolvePath(raw, baseDir, userHome string) (string, string) {
	if raw == "" {
		return "", "must not be empty"
	}
	if raw == "~" || strings.HasPrefix(raw, "~/") || strings.HasPrefix(raw, `~\`) {
		if userHome == "" {
			return "", "uses ~ but the home directory is unknown"
		}
		return filepath.Join(userHome, raw[1:]), ""
	}
	if strings.HasPrefix(raw, "~") {
		return "", "~user paths are not supported; write the full path"
	}
	if !filepath.IsAbs(raw) && baseDir != "" {
		raw = filepath.Join(baseDir, raw)
	}
	return filepath.Clean(raw), ""
}

func expandTilde(p, userHome string) string {
	if userHome != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
		return filepath.Join(userHome, p[1:])
	}
	return p
}

// resolvePathLike resolves a path for comparison, ignoring errors.
func (l *loader) resolvePathLike(raw, base string) string {
	p, _ := resolvePath(strings.TrimSpace(raw), base, l.opts.UserHome)
	return p
}

func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// display shows a path with the home directory written as "~".
func (l *loader) display(p string) string {
	h := l.opts.UserHome
	if h != "" {
		if rel, err := filepath.Rel(h, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			if rel == "." {
				return "~"
			}
			return "~" + string(filepath.Separator) + rel
		}
	}
	return p
}

func (l *loader) warn(format string, args ...any) {
	l.c.Warnings = append(l.c.Warnings, fmt.Sprintf(format, args...))
}

func (l *loader) retiredWarnings() {
	for _, r := range retired {
		for _, layer := range []envLayer{l.env, l.wd, l.data} {
			if e, ok := layer.lookup(r.Name); ok {
				l.warn("%s is ignored: %s (set in %s)", r.Name, r.Why, layer.source(e))
				break
			}
		}
	}
}

// typoWarnings flags MACROA_*/OPENROUTER_* names that are close to a known
// setting but not one, like MACROA_CONTEX_WINDOW.
func (l *loader) typoWarnings() {
	known := map[string]bool{}
	for _, s := range table {
		known[s.Name] = true
	}
	for _, r := range retired {
		known[r.Name] = true
	}
	warned := map[string]bool{}
	for _, layer := range []envLayer{l.env, l.wd, l.data} {
		for _, name := range sortedKeys(layer.vars) {
			if known[name] || warned[name] || !(strings.HasPrefix(name, "MACROA_") || strings.HasPrefix(name, "OPENROUTER_")) {
				continue
			}
			if best := suggest.Closest(name, sortedKeys(known)); best != "" {
				warned[name] = true
				l.warn("%s (set in %s) is not a Macroa setting; did you mean %s?", name, layer.source(layer.vars[name]), best)
			}
		}
	}
}

// providerKeyWarnings notes api_key_env names that are not set anywhere.
func (l *loader) providerKeyWarnings() {
	for _, name := range sortedKeys(l.c.File.Providers) {
		p := l.c.File.Providers[name]
		if p.APIKeyEnv != "" && l.c.lookupVar(p.APIKeyEnv) == "" {
			l.warn("providers.%s.api_key_env names %s, which is not set", name, p.APIKeyEnv)
		}
	}
}

// lookupVar reads a variable through the environment and both .env files.
func (c *Config) lookupVar(name string) string {
	for _, layer := range c.layers {
		if e, ok := layer.lookup(name); ok {
			return e.value
		}
	}
	return ""
}

// ProviderAPIKey returns the API key for a provider name: the built-in
// "openrouter" (OPENROUTER_API_KEY) and "default" (MACROA_API_KEY), or a
// [providers.X] entry's api_key, or the variable its api_key_env names (read
// from the environment, ./.env or <home>/.env). "" when there is none.
func (c *Config) ProviderAPIKey(name string) string {
	switch name {
	case BuiltinOpenRouter:
		return c.OpenRouterKey
	case BuiltinDefault:
		return c.APIKey
	}
	p, ok := c.File.Providers[name]
	if !ok {
		return ""
	}
	if p.APIKey != "" {
		return p.APIKey.Reveal()
	}
	if p.APIKeyEnv != "" {
		return c.lookupVar(p.APIKeyEnv)
	}
	return ""
}

// ModelConfigured reports whether any model endpoint is configured:
// OPENROUTER_API_KEY, MACROA_BASE_URL, or a [providers] entry.
func (c *Config) ModelConfigured() bool {
	return c.OpenRouterKey != "" || c.BaseURL != "" || len(c.File.Providers) > 0
}

// Settings lists every setting in table order with its effective value
// (secrets masked) and source.
func (c *Config) Settings() []Setting {
	out := make([]Setting, 0, len(table))
	for i := range table {
		s := &table[i]
		v := s.show(c)
		if s.Secret {
			v = Mask(v)
		}
		src := c.sources[s.Name]
		if src == "" {
			src = sourceDefault
		}
		out = append(out, Setting{Name: s.Name, Value: v, Source: src, Description: s.Description, Secret: s.Secret})
	}
	return out
}

// Source returns where a setting's value came from ("" for an unknown name).
func (c *Config) Source(name string) string {
	return c.sources[name]
}

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
