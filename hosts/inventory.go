package hosts

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
)

// Where a Host's entry comes from.
const (
	OriginConfig    = "config.toml" // a [[hosts]] entry
	OriginSSHConfig = "ssh_config"  // an alias in ~/.ssh/config only
	OriginJump      = "proxy_jump"  // a [user@]host[:port] named only as a ProxyJump
	OriginLocal     = "local"       // this machine
)

// DefaultSSHPort is where SSH listens when nothing says otherwise.
const DefaultSSHPort = 22

// Host is one host of the inventory with its connection settings
// resolved: config.toml first, then ~/.ssh/config for its address taken
// as an alias, then the defaults.
type Host struct {
	Name          string // the inventory name
	Address       string // as configured: a name, an IP or an ~/.ssh/config alias
	HostName      string // what is connected to: ssh_config's HostName for the alias, else Address
	Port          int
	User          string
	IdentityFiles []string // absolute; none: the agent and the default key files
	ProxyJump     string   // a host name, an alias or [user@]host[:port], comma-separated hops; "" directly
	Tags, Groups  []string
	Sudo          config.SudoPolicy
	Interval      time.Duration // 0: the [monitor] interval
	Prometheus    string        // a Prometheus server's URL reporting this host, "" none
	Instance      string        // its instance label there
	Origin        string        // OriginConfig, OriginSSHConfig, OriginJump or OriginLocal
	// Refused says why ~/.ssh/config's settings for its address cannot be
	// used (SSHConfig.CheckAlias): it is not connected to; "" usable.
	Refused string
}

// Addr is HostName:Port, what is dialled.
func (h Host) Addr() string {
	return net.JoinHostPort(h.HostName, strconv.Itoa(h.Port))
}

// IsLocal says the host is this machine.
func (h Host) IsLocal() bool { return h.Origin == OriginLocal || h.Name == LocalName }

// LocalHost is this machine as an inventory entry.
func LocalHost(sudo config.SudoPolicy) Host {
	return Host{Name: LocalName, Address: "localhost", HostName: "localhost", User: localUser(), Sudo: sudo, Origin: OriginLocal}
}

// Resolve settles a [[hosts]] entry's connection settings: each one
// config.toml gives wins; otherwise ~/.ssh/config's for the address taken
// as a Host alias (ssh may be nil: none); otherwise port 22 and the user
// Macroa runs as.
func Resolve(cfg config.Host, ssh *SSHConfig) Host {
	h := fromSSHConfig(cfg.Address, ssh)
	h.Name, h.Origin = cfg.Name, OriginConfig
	if cfg.PortSet && cfg.Port > 0 {
		h.Port = cfg.Port
	}
	if cfg.User != "" {
		h.User = cfg.User
	}
	if cfg.IdentityFile != "" {
		h.IdentityFiles = []string{expandHome(cfg.IdentityFile, homeOf(ssh))}
	}
	if cfg.ProxyJump != "" {
		h.ProxyJump = cfg.ProxyJump
	}
	h.Tags, h.Groups = slices.Clone(cfg.Tags), slices.Clone(cfg.Groups)
	h.Sudo = cfg.Sudo
	if h.Sudo == "" {
		h.Sudo = config.SudoNever
	}
	h.Interval = time.Duration(cfg.Interval)
	h.Prometheus, h.Instance = string(cfg.Prometheus), cfg.Instance
	if h.Prometheus != "" && h.Instance == "" {
		h.Instance = net.JoinHostPort(cfg.Address, "9100")
	}
	return h
}

// ResolveAlias is an ~/.ssh/config alias as a host of its own (for an
// import, or a ProxyJump naming one).
func ResolveAlias(alias string, ssh *SSHConfig) Host {
	h := fromSSHConfig(alias, ssh)
	h.Name, h.Origin, h.Sudo = alias, OriginSSHConfig, config.SudoNever
	return h
}

// fromSSHConfig is what ~/.ssh/config says of alias, over the defaults.
func fromSSHConfig(alias string, ssh *SSHConfig) Host {
	h := Host{Address: alias, HostName: alias, Port: DefaultSSHPort, User: localUser()}
	if err := ssh.CheckAlias(alias); err != nil {
		h.Refused = err.Error()
	}
	home := homeOf(ssh)
	if v := ssh.Get(alias, "HostName"); v != "" {
		h.HostName = expandTokens(v, alias, "", home)
	}
	if v := ssh.Get(alias, "Port"); v != "" {
		if p, err := strconv.Atoi(v); err == nil {
			h.Port = p
		}
	}
	if v := ssh.Get(alias, "User"); v != "" {
		h.User = v
	}
	if v := ssh.Get(alias, "ProxyJump"); v != "" && !strings.EqualFold(v, "none") {
		h.ProxyJump = v
	}
	for _, f := range ssh.GetAll(alias, "IdentityFile") {
		if strings.EqualFold(f, "none") {
			continue
		}
		f = expandHome(expandTokens(f, alias, h.User, home), home)
		if !filepath.IsAbs(f) {
			f = filepath.Join(home, f) // ssh reads a relative one from the home directory
		}
		if !slices.Contains(h.IdentityFiles, f) {
			h.IdentityFiles = append(h.IdentityFiles, f)
		}
	}
	return h
}

func homeOf(c *SSHConfig) string {
	if c != nil && c.home != "" {
		return c.home
	}
	home, _ := os.UserHomeDir()
	return home
}

// expandHome resolves a leading ~/.
func expandHome(p, home string) string {
	if p == "~" {
		return home
	}
	if strings.HasPrefix(p, "~/") {
		return filepath.Join(home, p[2:])
	}
	return p
}

// expandTokens replaces the ssh_config(5) tokens Macroa knows: %h the
// alias, %r the remote user, %u the local user, %d the home directory,
// %% a percent sign. Others are left as written.
func expandTokens(s, alias, remoteUser, home string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'h':
			b.WriteString(alias)
		case 'r':
			b.WriteString(remoteUser)
		case 'u':
			b.WriteString(localUser())
		case 'd':
			b.WriteString(home)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteByte('%')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
