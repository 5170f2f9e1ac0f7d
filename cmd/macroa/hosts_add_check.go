package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts"
)

// addWarnings are what `hosts add` notices in a host's settings and says
// without refusing it: a key file that is not there, a jump host that is
// no host nor alias (it would be dialled as an address).
func addWarnings(cfg *config.Config, sc *hosts.SSHConfig, h config.Host) []string {
	var out []string
	if sc == nil {
		// Only to check names against: a file that does not parse was
		// said already, or is not needed.
		sc, _ = hosts.LoadSSHConfig(hosts.DefaultSSHConfigPath())
	}
	r := hosts.Resolve(h, sc)
	if h.IdentityFile != "" {
		for _, f := range r.IdentityFiles {
			if _, err := os.Stat(f); err != nil {
				out = append(out, fmt.Sprintf("--identity-file %s: %s; connecting will fail until it is there",
					quoteName(f), oneSentence(statReason(err))))
			}
		}
	}
	if h.ProxyJump != "" {
		names := []string{hosts.LocalName}
		for _, c := range cfg.File.Hosts {
			names = append(names, c.Name)
		}
		var aliases []string
		if sc != nil {
			aliases = sc.Aliases()
		}
		for _, hop := range strings.Split(h.ProxyJump, ",") {
			hop = strings.TrimSpace(hop)
			if hop == "" || strings.ContainsAny(hop, "@:.[") || slices.Contains(names, hop) || slices.Contains(aliases, hop) {
				continue // an address, or a host or alias known
			}
			out = append(out, fmt.Sprintf("--proxy-jump %s is no host of %s and no alias of %s: it will be dialled as an address",
				quoteName(hop), cfg.FileDisplay(), sshConfigDisplay()))
		}
	}
	return out
}

func statReason(err error) string {
	if os.IsNotExist(err) {
		return "no such file"
	}
	return err.Error()
}

func printWarnings(errOut io.Writer, ws []string) {
	for _, w := range ws {
		fmt.Fprintf(errOut, "macroa: warning: %s\n", w)
	}
}

// keyTrusted says where the key of the host at addr is known already,
// "" when no known_hosts file holds one.
func keyTrusted(keys hosts.HostKeys, addr string) string {
	at, err := keys.KnownAt(addr)
	if err != nil || len(at) == 0 {
		return ""
	}
	return at[0].String()
}
