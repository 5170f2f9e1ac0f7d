package config

import (
	"fmt"
	"strings"

	"github.com/macroa/macroa/suggest"
)

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
	for _, s := range table.Get() {
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
