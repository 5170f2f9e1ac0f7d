package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/macroa/macroa/tier"
)

// LoadOptions are Load's inputs, so tests need no real environment.
type LoadOptions struct {
	Environ  []string // "KEY=value" entries, like os.Environ()
	WorkDir  string   // where ./.env is looked for; "" = nowhere
	UserHome string   // expands "~" and locates the default data directory
	// SkipFile leaves config.toml unread: its defaults apply and FilePath
	// still names it. For a command that repairs the file when it does
	// not load.
	SkipFile bool
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
	file    *parsedFile       // config.toml as parsed, nil when absent: for FileSource
	fdisp   string            // config.toml as shown
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

// LoadDefault loads with os.Environ, the current directory and the user's
// home directory.
func LoadDefault() (*Config, error) {
	return Load(DefaultLoadOptions())
}

// DefaultLoadOptions are the options LoadDefault loads with.
func DefaultLoadOptions() LoadOptions {
	wd, _ := os.Getwd()
	home, _ := os.UserHomeDir()
	return LoadOptions{Environ: os.Environ(), WorkDir: wd, UserHome: home}
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
	l.c.fdisp = l.fdisp
	if err := l.readFile(); err != nil {
		return err
	}

	settings := table.Get()
	for i := range settings {
		if settings[i].Name != homeSetting {
			l.resolve(&settings[i])
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

func (l *loader) readFile() error {
	if l.opts.SkipFile {
		applyFileDefaults(&l.c.File)
		return nil
	}
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
	l.c.file = pf
	l.c.File = pf.file
	if InsecurePerms(mode) && runtime.GOOS != "windows" {
		for _, name := range sortedKeys(pf.file.Providers) {
			if pf.file.Providers[name].APIKey != "" {
				l.warn("%s holds providers.%s.api_key but other users can read it (mode %04o); run: chmod 600 %s",
					l.fdisp, name, mode, l.fdisp)
				break
			}
		}
		for i, n := range pf.file.Notify {
			if n.Token != "" {
				l.warn("%s holds notify[%d].token but other users can read it (mode %04o); run: chmod 600 %s",
					l.fdisp, i, mode, l.fdisp)
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
	settings := table.Get()
	out := make([]Setting, 0, len(settings))
	for i := range settings {
		s := &settings[i]
		v := s.show(c)
		if s.Secret {
			v = Mask(v)
		} else {
			v = MaskURL(v)
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
