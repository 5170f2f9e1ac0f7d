package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
)

func newHostsListCmd(a *app.App) *cobra.Command {
	var asJSON, sshAliases bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the hosts (this machine first) with their address, source, tags, state and last probe",
		Long: `List the hosts, this machine first: address, user, port, where each comes from
(config.toml, or ~/.ssh/config for its settings), tags, groups, the state of
the last probe and when a probe last answered.

--ssh-config lists instead the concrete aliases of ~/.ssh/config that are no
host yet: what macroa hosts add --from-ssh-config would import.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if sshAliases {
				sc, err := loadSSHConfig()
				if err != nil {
					return err
				}
				return printSSHAliases(out, cfg.File.Hosts, sc, asJSON)
			}
			// The hosts list without ~/.ssh/config when it cannot be
			// read: config.toml's hosts, and a warning naming the line.
			sc := readSSHConfig(cmd.ErrOrStderr())
			svc, err := openHosts(cmd.Context(), a)
			if err != nil {
				return err
			}
			sts, err := svc.List(cmd.Context())
			if err != nil {
				return failErr("read the hosts' status: %v", err)
			}
			rows := hostRows(inventory(cfg, sc), sts)
			if asJSON {
				return writeJSON(out, rows)
			}
			printHostRows(out, rows, time.Now())
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&sshAliases, "ssh-config", false, "list the aliases of ~/.ssh/config that are not hosts yet")
	return cmd
}

// hostRow is one host as list prints it.
type hostRow struct {
	Name     string     `json:"name"`
	Address  string     `json:"address"`
	HostName string     `json:"host_name,omitempty"`
	User     string     `json:"user,omitempty"`
	Port     int        `json:"port,omitempty"`
	Source   string     `json:"source"`
	Tags     []string   `json:"tags"`
	Groups   []string   `json:"groups"`
	State    string     `json:"state"`
	Why      string     `json:"why,omitempty"`
	LastSeen *time.Time `json:"last_seen,omitempty"`
	Alerts   int        `json:"alerts"`
}

// hostRows joins the inventory with what the fleet knows, in the
// inventory's order; a host only the fleet knows (from Prometheus) comes
// after.
func hostRows(inv []hosts.Host, sts []fleet.HostStatus) []hostRow {
	byName := map[string]fleet.HostStatus{}
	for _, s := range sts {
		byName[s.Name] = s
	}
	var rows []hostRow
	seen := map[string]bool{}
	for _, h := range inv {
		r := hostRow{Name: h.Name, Address: h.Address, User: h.User, Port: h.Port, Source: h.Origin,
			Tags: nonNil(h.Tags), Groups: nonNil(h.Groups), State: string(fleet.StateNew)}
		if h.HostName != h.Address {
			r.HostName = h.HostName
		}
		if h.IsLocal() {
			r.Port, r.Source = 0, "local"
		} else if h.Origin == hosts.OriginConfig && h.HostName != h.Address {
			r.Source = "config.toml + ssh_config"
		}
		if s, ok := byName[h.Name]; ok {
			fillState(&r, s)
		}
		seen[h.Name] = true
		rows = append(rows, r)
	}
	for _, s := range sts {
		if seen[s.Name] {
			continue
		}
		r := hostRow{Name: s.Name, Address: s.Address, Source: string(s.Source), Tags: nonNil(s.Tags), Groups: nonNil(s.Groups)}
		fillState(&r, s)
		rows = append(rows, r)
	}
	return rows
}

func fillState(r *hostRow, s fleet.HostStatus) {
	r.State, r.Why, r.Alerts = string(s.State), s.Why, s.Alerts
	if !s.LastSeen.IsZero() {
		t := s.LastSeen
		r.LastSeen = &t
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printHostRows(out io.Writer, rows []hostRow, now time.Time) {
	t := newTable("NAME", "ADDRESS", "USER", "PORT", "SOURCE", "TAGS", "GROUPS", "STATE", "LAST SEEN").alignRight(3)
	for _, r := range rows {
		addr := r.Address
		if r.HostName != "" {
			addr += " → " + r.HostName
		}
		port, seen := "-", "never"
		if r.Port != 0 {
			port = strconv.Itoa(r.Port)
		}
		if r.LastSeen != nil {
			seen = span(now.Sub(*r.LastSeen)) + " ago"
		}
		t.row(r.Name, clip(addr, 40), dash(r.User), port, r.Source, dash(strings.Join(r.Tags, ",")),
			dash(strings.Join(r.Groups, ",")), r.State, seen)
	}
	_ = t.write(out)
}

type aliasRow struct {
	Alias    string `json:"alias"`
	HostName string `json:"host_name"`
	User     string `json:"user"`
	Port     int    `json:"port"`
	Jump     string `json:"proxy_jump,omitempty"`
}

// printSSHAliases lists the concrete aliases of ~/.ssh/config no host
// names yet (by name or address).
func printSSHAliases(out io.Writer, cfgHosts []config.Host, sc *hosts.SSHConfig, asJSON bool) error {
	taken := map[string]bool{hosts.LocalName: true}
	for _, h := range cfgHosts {
		taken[h.Name], taken[h.Address] = true, true
	}
	rows := []aliasRow{}
	for _, al := range sc.Aliases() {
		if taken[al] {
			continue
		}
		h := hosts.ResolveAlias(al, sc)
		rows = append(rows, aliasRow{Alias: al, HostName: h.HostName, User: h.User, Port: h.Port, Jump: h.ProxyJump})
	}
	if asJSON {
		return writeJSON(out, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(out, "%s has no alias that is not a host yet.\n", sshConfigDisplay())
		return nil
	}
	t := newTable("ALIAS", "HOST NAME", "USER", "PORT", "PROXY JUMP").alignRight(3)
	for _, r := range rows {
		t.row(quoteName(r.Alias), quoteName(r.HostName), dash(r.User), strconv.Itoa(r.Port), dash(r.Jump))
	}
	_ = t.write(out)
	fmt.Fprintln(out, "Import them: macroa hosts add --from-ssh-config [ALIAS...]")
	return nil
}
