package hosts

import (
	"fmt"
	"strings"
)

// CheckAlias says why ~/.ssh/config's settings for alias cannot be used
// as they are, nil when they can: a ProxyCommand (Macroa runs nothing
// from ssh_config, and dialling the host directly would bypass the route
// it configures), or a HostName, User or Port that config.toml would
// refuse (an option-like "-oProxyCommand=…" among them).
func (c *SSHConfig) CheckAlias(alias string) error {
	if c == nil {
		return nil
	}
	if v := c.Get(alias, "ProxyCommand"); v != "" && !strings.EqualFold(v, "none") {
		return fmt.Errorf("%s uses ProxyCommand, which Macroa does not run; use ProxyJump", alias)
	}
	if v := c.Get(alias, "HostName"); v != "" && (strings.HasPrefix(v, "-") || strings.ContainsAny(v, " \t\r\n@/")) {
		return fmt.Errorf("%s: its HostName %q in ssh_config is not a host name or IP address", alias, v)
	}
	if v := c.Get(alias, "User"); v != "" && (strings.HasPrefix(v, "-") || strings.ContainsAny(v, " \t\r\n@:")) {
		return fmt.Errorf("%s: its User %q in ssh_config is not a user name", alias, v)
	}
	if v := c.Get(alias, "Port"); v != "" && !validPort(v) {
		return fmt.Errorf("%s: its Port %q in ssh_config is not a port (want 1-65535)", alias, v)
	}
	return nil
}
