package main

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
)

// hostFlags are the settings `hosts add` takes.
type hostFlags struct {
	address, user, identity, jump, sudo, interval string
	port                                          int
	tags, groups                                  []string
	fromSSH, asJSON                               bool
}

func newHostsAddCmd(a *app.App) *cobra.Command {
	var f hostFlags
	cmd := &cobra.Command{
		Use:   "add NAME | --from-ssh-config [ALIAS...]",
		Short: "Add a host to config.toml: an alias of ~/.ssh/config, or one at --address",
		Long: `Add a host to config.toml's [[hosts]]. Without --address, NAME must be an
alias of ~/.ssh/config, whose HostName, User, Port, IdentityFile and ProxyJump
apply. --from-ssh-config imports the aliases named, or every concrete alias
that is no host yet.

Before the first connection, check and trust the host's key:
macroa hosts trust NAME.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.fromSSH {
				return importSSHHosts(cmd, a, f, args)
			}
			if len(args) != 1 {
				return usageErr("hosts add takes one host NAME (or --from-ssh-config [ALIAS...])\nUsage: %s", cmd.UseLine())
			}
			return addHost(cmd, a, f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.address, "address", "", "host name or IP to connect to (default: NAME as an ~/.ssh/config alias)")
	fl.StringVar(&f.user, "user", "", "user to log in as")
	fl.IntVar(&f.port, "port", 0, "SSH port (default: ~/.ssh/config's, else 22)")
	fl.StringVar(&f.identity, "identity-file", "", "private key file")
	fl.StringVar(&f.jump, "proxy-jump", "", "host to connect through")
	fl.StringArrayVar(&f.tags, "tag", nil, "a tag (repeatable)")
	fl.StringArrayVar(&f.groups, "group", nil, "a group (repeatable)")
	fl.StringVar(&f.sudo, "sudo", "", "how commands that need root run: never or sudo (passwordless sudo -n)")
	fl.StringVar(&f.interval, "interval", "", "time between two health probes (default: [monitor] interval)")
	fl.BoolVar(&f.fromSSH, "from-ssh-config", false, "import aliases of ~/.ssh/config")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	return cmd
}

// entry builds the [[hosts]] entry the flags describe.
func (f hostFlags) entry(name, address string) (config.Host, error) {
	h := config.Host{Name: name, Address: address, User: f.user, IdentityFile: f.identity, ProxyJump: f.jump,
		Tags: f.tags, Groups: f.groups}
	if f.port != 0 {
		if f.port < 1 || f.port > 65535 {
			return h, usageErr("--port %d is not a port (want 1-65535)", f.port)
		}
		h.Port, h.PortSet = f.port, true
	}
	if f.sudo != "" {
		if err := h.Sudo.UnmarshalText([]byte(f.sudo)); err != nil {
			return h, usageErr("--sudo %s", err)
		}
	}
	if f.interval != "" {
		if err := h.Interval.UnmarshalText([]byte(f.interval)); err != nil {
			return h, usageErr("--interval: %v", err)
		}
	}
	return h, nil
}

// checkName refuses a name config.toml cannot hold, in words.
func checkName(name string) error {
	switch {
	case name == "":
		return usageErr("name the host")
	case name == hosts.LocalName:
		return usageErr("%q is this machine, which is always a host", name)
	case !validHostName(name):
		return usageErr("%s is not a host name: use a-z, 0-9, '.', '_' and '-'", quoteName(name))
	}
	return nil
}

func validHostName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return s != ""
}

func addHost(cmd *cobra.Command, a *app.App, f hostFlags, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	cfg, err := loadConfig(a)
	if err != nil {
		return err
	}
	address := f.address
	var sc *hosts.SSHConfig
	if address == "" {
		var err error
		sc, err = loadSSHConfig()
		if err != nil {
			return err
		}
		if !slices.Contains(sc.Aliases(), name) {
			return usageErr("%s is not an alias in %s: give its --address, or add a Host %s block there first",
				quoteName(name), sshConfigDisplay(), quoteName(name))
		}
		address = name
	}
	h, err := f.entry(name, address)
	if err != nil {
		return err
	}
	warnings := addWarnings(cfg, sc, h)
	if err := writeHost(cfg, h); err != nil {
		return err
	}
	printWarnings(cmd.ErrOrStderr(), warnings)
	keys, _ := a.HostKeys()
	return printAdded(cmd.OutOrStdout(), cfg, sc, keys, []config.Host{h}, nil, f.asJSON)
}

// writeHost appends h to config.toml, a refusal in words.
func writeHost(cfg *config.Config, h config.Host) error {
	err := config.AddHost(cfg.FilePath, cfg.FileDisplay(), h)
	switch {
	case errors.Is(err, config.ErrHostExists):
		return failErr("a host named %s is already in %s (see: macroa hosts list)", quoteName(h.Name), cfg.FileDisplay())
	case errors.As(err, new(*config.BadHostError)):
		return usageErr("%s", oneSentence(err.Error()))
	case err != nil:
		return failErr("%s", oneSentence(err.Error()))
	}
	return nil
}

func importSSHHosts(cmd *cobra.Command, a *app.App, f hostFlags, aliases []string) error {
	if f.address != "" || f.user != "" || f.port != 0 || f.identity != "" || f.jump != "" {
		return usageErr("--from-ssh-config takes each host's settings from %s: --address, --user, --port, --identity-file and --proxy-jump do not apply", sshConfigDisplay())
	}
	cfg, err := loadConfig(a)
	if err != nil {
		return err
	}
	sc, err := loadSSHConfig()
	if err != nil {
		return err
	}
	known := sc.Aliases()
	taken := map[string]bool{hosts.LocalName: true}
	for _, h := range cfg.File.Hosts {
		taken[h.Name], taken[h.Address] = true, true
	}
	explicit := len(aliases) > 0
	if !explicit {
		for _, al := range known {
			if !taken[al] {
				aliases = append(aliases, al)
			}
		}
	}
	var added []config.Host
	var skipped []string
	for _, al := range aliases {
		switch {
		case !slices.Contains(known, al):
			return usageErr("%s is not an alias in %s (nothing more was added)", quoteName(al), sshConfigDisplay())
		case taken[al]:
			skipped = append(skipped, fmt.Sprintf("%s: a host already", quoteName(al)))
			continue
		case !validHostName(al):
			if explicit {
				return usageErr("the alias %s cannot be a host name (a-z, 0-9, '.', '_', '-'): add it as macroa hosts add NAME --address %s", quoteName(al), quoteName(al))
			}
			skipped = append(skipped, fmt.Sprintf("%s: not a host name (a-z, 0-9, '.', '_', '-'); add it with macroa hosts add NAME --address ALIAS", quoteName(al)))
			continue
		case sc.CheckAlias(al) != nil:
			// Its settings are what config.toml refuses, or need a
			// ProxyCommand Macroa does not run.
			if explicit {
				return usageErr("%s (nothing more was added)", oneSentence(sc.CheckAlias(al).Error()))
			}
			skipped = append(skipped, oneSentence(sc.CheckAlias(al).Error()))
			continue
		}
		h, err := f.entry(al, al)
		if err != nil {
			return err
		}
		if err := writeHost(cfg, h); err != nil {
			return err
		}
		taken[al] = true
		added = append(added, h)
	}
	if len(added) == 0 && len(skipped) == 0 {
		return failErr("%s has no alias that is not a host yet", sshConfigDisplay())
	}
	keys, _ := a.HostKeys()
	return printAdded(cmd.OutOrStdout(), cfg, sc, keys, added, skipped, f.asJSON)
}

type addedJSON struct {
	Added   []hostEntryJSON `json:"added"`
	Skipped []string        `json:"skipped,omitempty"`
}

type hostEntryJSON struct {
	Name    string   `json:"name"`
	Address string   `json:"address"`
	Port    int      `json:"port,omitempty"`
	User    string   `json:"user,omitempty"`
	Tags    []string `json:"tags,omitempty"`
	Groups  []string `json:"groups,omitempty"`
	// KnownAt is where its key is trusted already (file:line), "" when
	// it is to be checked and trusted.
	KnownAt string `json:"key_known_at,omitempty"`
}

// printAdded says what was added and, for each host, whether its key is
// trusted already (a known_hosts file holds one for its address) or is
// to be checked and trusted.
func printAdded(out io.Writer, cfg *config.Config, sc *hosts.SSHConfig, keys hosts.HostKeys, added []config.Host, skipped []string, asJSON bool) error {
	known := make([]string, len(added))
	for i, h := range added {
		known[i] = keyTrusted(keys, hosts.Resolve(h, sc).Addr())
	}
	if asJSON {
		j := addedJSON{Added: []hostEntryJSON{}, Skipped: skipped}
		for i, h := range added {
			j.Added = append(j.Added, hostEntryJSON{Name: h.Name, Address: h.Address, Port: h.Port, User: h.User, Tags: h.Tags, Groups: h.Groups, KnownAt: known[i]})
		}
		return writeJSON(out, j)
	}
	for _, s := range skipped {
		fmt.Fprintf(out, "Skipped %s\n", s)
	}
	var untrusted []string
	for i, h := range added {
		r := hosts.Resolve(h, sc)
		fmt.Fprintf(out, "Added %s (%s@%s) to %s.\n", h.Name, r.User, r.Addr(), cfg.FileDisplay())
		if known[i] != "" {
			fmt.Fprintf(out, "Its host key is trusted already (%s).\n", cell(known[i]))
		} else {
			untrusted = append(untrusted, h.Name)
		}
	}
	for _, n := range untrusted {
		fmt.Fprintf(out, "Before the first connection, check and trust the host key: macroa hosts trust %s\n", n)
	}
	return nil
}

func sshConfigDisplay() string { return "~/.ssh/config" }
