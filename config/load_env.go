package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

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
