package config

import (
	"fmt"
	"strings"
)

// FileSource says where a config.toml key's value came from: "~/.macroa/
// config.toml line 9" when the file writes it, "default" when not. key is
// written like a FileError's field ("policy.hosts.web1", "notify[0].url").
func (c *Config) FileSource(key string) string {
	if c.file != nil && c.file.lines.has(key) {
		return fmt.Sprintf("%s line %d", c.fdisp, c.file.lines.line(key))
	}
	return sourceDefault
}

// FileSettings lists the approval and notification settings of config.toml
// as `macroa config` shows them, after Settings: [policy] autonomy,
// approval_expiry and approval_wait, each [policy.hosts] entry, and each
// [[notify]] channel's keys. Tokens are masked and credentials in URLs
// hidden; a token_env shows the variable's name and whether it is set.
func (c *Config) FileSettings() []Setting {
	p := c.File.Policy
	var out []Setting
	add := func(key, value, desc string, secret bool) {
		out = append(out, Setting{Name: key, Value: value, Source: c.FileSource(key), Description: desc, Secret: secret})
	}
	add("policy.autonomy", string(p.Autonomy), "Autonomy level: "+joinNames(AutonomyLevels)+".", false)
	add("policy.approval_expiry", p.ApprovalExpiry.String(), "How long a proposal waits for a person before it expires.", false)
	add("policy.approval_wait", p.ApprovalWait.String(), "How long the cockpit and the REPL wait for a decision.", false)
	if len(p.SecretPaths) > 0 {
		add("policy.secret_paths", strings.Join(p.SecretPaths, ", "), "Credentials a model's command never reads unasked, beside the known ones.", false)
	}
	add("sandbox", string(c.File.Sandbox), "A model's unasked commands when the kernel cannot confine them fully: "+joinNames(SandboxModes)+".", false)
	for _, h := range sortedKeys(p.Hosts) {
		add(path("policy", "hosts", h), string(p.Hosts[h]), "Autonomy level for host "+h+".", false)
	}
	for i, n := range c.File.Notify {
		el := fmt.Sprintf("notify[%d]", i)
		add(el+".type", string(n.Type), "Notification service.", false)
		add(el+".url", MaskURL(string(n.URL)), "Server or endpoint.", false)
		if n.Topic != "" {
			add(el+".topic", n.Topic, "ntfy topic.", false)
		}
		switch {
		case n.Token != "":
			add(el+".token", Mask(n.Token.Reveal()), "Access token.", true)
		case n.TokenEnv != "":
			state := "not set"
			if c.lookupVar(n.TokenEnv) != "" {
				state = "set"
			}
			add(el+".token_env", fmt.Sprintf("%s (%s)", n.TokenEnv, state), "Variable holding the access token.", false)
		}
		add(el+".min_priority", string(n.MinPriority), "Least priority sent: "+joinNames(NotifyPriorities)+".", false)
		timeout := c.NetworkTimeout.String()
		if n.Timeout != 0 {
			timeout = n.Timeout.String()
		}
		add(el+".timeout", timeout, "Time limit for one attempt.", false)
	}
	out = append(out, c.monitorSettings()...)
	return out
}

// NotifyToken returns the token of the i-th [[notify]] channel: its token,
// or the variable its token_env names (read from the environment, ./.env
// or <home>/.env). "" when there is none.
func (c *Config) NotifyToken(i int) string {
	if i < 0 || i >= len(c.File.Notify) {
		return ""
	}
	n := c.File.Notify[i]
	if n.Token != "" {
		return strings.TrimSpace(n.Token.Reveal())
	}
	if n.TokenEnv != "" {
		return strings.TrimSpace(c.lookupVar(n.TokenEnv))
	}
	return ""
}

// FileDisplay is config.toml's path as errors and sources show it
// ("~/.macroa/config.toml").
func (c *Config) FileDisplay() string {
	if c.fdisp != "" {
		return c.fdisp
	}
	return c.FilePath
}
