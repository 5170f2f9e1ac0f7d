package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/suggest"
	"github.com/macroa/macroa/termsafe"
)

func newHostsCmd(a *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "hosts",
		Aliases: []string{"host"},
		Short:   "List, add, remove and trust hosts, read their health, run commands on them",
		Long: `Hosts are this machine (local) and the machines Macroa reaches over SSH:
the [[hosts]] of config.toml, which may name aliases of ~/.ssh/config.
Their health is probed in one round trip (a POSIX shell, coreutils and
/proc on the host) by the daemon, or an open cockpit while no daemon runs.

A host's key is checked strictly, against ~/.ssh/known_hosts and Macroa's
own known_hosts: a new host is trusted only once you saw its fingerprint
(macroa hosts trust NAME), and a changed key is refused, with the file and
line of the old key and the commands that remove it and trust the new one.

Exit status: 0 success, 1 failure, 2 a usage error (a name that is no host
among them); hosts exec passes on the remote command's status, 255 for a host
not reached or a command out of time.`,
		Example: `  macroa hosts add web1                      # an alias of ~/.ssh/config
  macroa hosts add db1 --address 10.0.0.5 --user ops --tag prod
  macroa hosts add --from-ssh-config
  macroa hosts trust web1
  macroa hosts status --probe
  macroa hosts exec @prod -- uptime
  macroa hosts alerts web1 --all`,
		Args: subcommandArgs(true),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newHostsListCmd(a), newHostsAddCmd(a), newHostsRemoveCmd(a), newHostsTrustCmd(a),
		newHostsStatusCmd(a), newHostsExecCmd(a), newHostsAlertsCmd(a))
	return cmd
}

// loadSSHConfig reads ~/.ssh/config; a file that does not parse is a
// usage error naming the file and line.
func loadSSHConfig() (*hosts.SSHConfig, error) {
	c, err := hosts.LoadSSHConfig(hosts.DefaultSSHConfigPath())
	if err != nil {
		return nil, usageErr("%s", oneSentence(err.Error()))
	}
	return c, nil
}

// readSSHConfig reads ~/.ssh/config for a command that works without
// it: a file that does not parse is a warning naming the file and line,
// on errOut, and the hosts resolve from config.toml alone (nil).
func readSSHConfig(errOut io.Writer) *hosts.SSHConfig {
	c, err := hosts.LoadSSHConfig(hosts.DefaultSSHConfigPath())
	if err != nil {
		fmt.Fprintf(errOut, "macroa: warning: %s; its settings are left out until it is fixed\n", oneSentence(err.Error()))
		return nil
	}
	return c
}

// unknownHost is a name that is no host: a usage error, with the name
// closest to it and the hosts there are.
func unknownHost(name string, all []string) error {
	msg := "no host named " + quoteName(name)
	if s := suggest.Closest(name, all); s != "" {
		msg += fmt.Sprintf("; did you mean %s?", s)
	}
	if len(all) == 0 {
		return usageErr("%s (there are none yet: macroa hosts add)", msg)
	}
	return usageErr("%s (hosts: %s)", msg, strings.Join(all, ", "))
}

// inventory is every host, this machine first: what each command on
// hosts resolves names against.
func inventory(cfg *config.Config, sc *hosts.SSHConfig) []hosts.Host {
	out := []hosts.Host{hosts.LocalHost(config.SudoNever)}
	for _, h := range cfg.File.Hosts {
		if h.Name != hosts.LocalName {
			out = append(out, hosts.Resolve(h, sc))
		}
	}
	return out
}

// quoteName shows a name a person typed (or a file holds) with every
// control character visible.
func quoteName(s string) string { return termsafe.Visible(s) }

// oneSentence folds an error onto one line, in a person's words: Go's
// context errors, should one come through, read as what happened.
func oneSentence(s string) string {
	s = strings.NewReplacer("context deadline exceeded", "no answer in time", "context canceled", "cancelled").Replace(s)
	return strings.Join(strings.Fields(termsafe.Clean(s)), " ")
}
