package config

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/tier"
)

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
	if pol, ok := generic["policy"].(map[string]any); ok {
		if hosts, ok := pol["hosts"]; ok {
			check(hosts, "policy", "hosts")
		}
	}
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
		if p.APIKeyEnv != "" && !reEnvName.Get().MatchString(p.APIKeyEnv) {
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
		case !reHostName.Get().MatchString(h.Name):
			v.add(field("name"), field("name"), fmt.Sprintf("%q may use only a-z, 0-9, '.', '_' and '-', starting with a letter or digit", h.Name))
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
			h.Port, h.PortSet = *hd.Port, true
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
		for _, g := range h.Groups {
			if !reHostName.Get().MatchString(g) {
				v.add(field("groups"), field("groups"), fmt.Sprintf("%q may use only a-z, 0-9, '.', '_' and '-', starting with a letter or digit", g))
				break
			}
		}
		if strings.HasPrefix(h.ProxyJump, "-") || strings.ContainsAny(h.ProxyJump, " \t\r\n/") {
			v.add(field("proxy_jump"), field("proxy_jump"), fmt.Sprintf("%q is not a host", h.ProxyJump))
		}
		if h.ProxyJump != "" && h.ProxyJump == h.Name {
			v.add(field("proxy_jump"), field("proxy_jump"), "a host cannot jump through itself")
		}
		if h.Interval != 0 && time.Duration(h.Interval) < time.Second {
			v.add(field("interval"), field("interval"), "must be at least 1s")
		}
		h.IdentityFile = expandTilde(h.IdentityFile, userHome)
		out[i] = h
	}
	return out
}

func (v *validator) policy(p *Policy, hosts []Host) {
	known := map[string]bool{LocalHost: true}
	for _, h := range hosts {
		known[h.Name] = true
	}
	for _, name := range sortedKeys(p.Hosts) {
		if !known[name] {
			f := path("policy", "hosts", name)
			v.add(f, f, fmt.Sprintf("%q is not a host: use %q for this machine or the name of a [[hosts]] entry", name, LocalHost))
		}
	}
	lists := []struct {
		name string
		list []string
	}{{"protected", p.Protected}, {"allow_commands", p.AllowCommands}, {"deny_commands", p.DenyCommands}, {"secret_paths", p.SecretPaths}}
	for _, l := range lists {
		for _, s := range l.list {
			if strings.TrimSpace(s) == "" {
				f := path("policy", l.name)
				v.add(f, f, "entries must not be empty")
				break
			}
		}
	}
	for _, s := range p.SecretPaths {
		if why := secretPathProblem(s); why != "" && strings.TrimSpace(s) != "" {
			f := path("policy", "secret_paths")
			v.add(f, f, why)
			break
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

// reNtfyTopic is what ntfy accepts as a topic name.
var reNtfyTopic = lazy.NewRegexp(`^[-_A-Za-z0-9]{1,64}$`)

func (v *validator) notify(ns []Notify) {
	for i, n := range ns {
		el := fmt.Sprintf("notify[%d]", i)
		field := func(k string) string { return el + "." + k }
		if n.Type == "" {
			v.add(el, field("type"), "is required ("+joinNames(NotifyTypes)+")")
		}
		if n.URL == "" {
			v.add(el, field("url"), "is required (an http:// or https:// URL)")
		}
		switch {
		case n.Type == NotifyNtfy && n.Topic == "":
			v.add(el, field("topic"), "is required for ntfy")
		case n.Type == NotifyNtfy && !reNtfyTopic.Get().MatchString(n.Topic):
			v.add(field("topic"), field("topic"), fmt.Sprintf("%q may use only A-Z, a-z, 0-9, '-' and '_' (at most 64)", n.Topic))
		case n.Type != NotifyNtfy && n.Type != "" && n.Topic != "":
			v.add(field("topic"), field("topic"), "is only for ntfy")
		}
		if n.Token != "" && n.TokenEnv != "" {
			v.add(field("token_env"), field("token_env"), "set token or token_env, not both")
		}
		if n.TokenEnv != "" && !reEnvName.Get().MatchString(n.TokenEnv) {
			v.add(field("token_env"), field("token_env"), fmt.Sprintf("%q is not an environment variable name", n.TokenEnv))
		}
		if strings.ContainsAny(n.Token.Reveal(), "\r\n") {
			v.add(field("token"), field("token"), "must be one line")
		}
	}
}
