package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
)

func newHostsTrustCmd(a *app.App) *cobra.Command {
	var yes, asJSON bool
	var fingerprint string
	cmd := &cobra.Command{
		Use:   "trust NAME",
		Short: "Read a host's key, show its fingerprint and trust it once you accept",
		Long: `Connect to the host far enough to read the key it presents, show the host,
its address, the key type and its SHA256 fingerprint, and ask whether to
trust it. Check the fingerprint against one you got another way (on the
host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub). A trusted key is
added to Macroa's own known_hosts in the data dir.

Without a terminal it refuses unless --fingerprint names the key presented
(or --yes trusts whatever key the host presents). A key that CHANGED is
refused, and nothing is overwritten: the warning names the file and line of
the old key and the commands that remove it (ssh-keygen -R ... -f FILE) and
trust the new one, to run if the change is expected.

Exit status: 0 trusted (or trusted already), 1 not trusted (a changed key,
a --fingerprint other than the key presented, no at the question), 2 a
usage error (no such host; no terminal to ask on without --fingerprint or
--yes).`,
		Args:              exactArgs(1, "one host NAME"),
		ValidArgsFunction: completeHosts(a, false, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if name == hosts.LocalName {
				return usageErr("%q is this machine: it has no SSH key to trust", name)
			}
			if fingerprint != "" && !strings.HasPrefix(fingerprint, "SHA256:") {
				return usageErr("--fingerprint %s is not a SHA256 fingerprint (SHA256:…, as ssh-keygen -lf prints it)", quoteName(fingerprint))
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), probeWait)
			defer cancel()
			svc, err := openHosts(ctx, a)
			if err != nil {
				return err
			}
			list, err := svc.List(ctx)
			if err != nil {
				return failErr("read the hosts: %v", err)
			}
			if _, err := pickHosts(list, []string{name}); err != nil {
				return err
			}
			key, err := svc.ScanKey(ctx, name)
			if err != nil {
				return failErr("%s", oneSentence(err.Error()))
			}
			out := cmd.OutOrStdout()
			if key.Changed {
				rem, err := svc.KeyRemedy(ctx, name)
				if err != nil {
					rem = "If the change is expected, remove the old key from the known_hosts file that holds it, then: macroa hosts trust " + name
				}
				return failErr("WARNING: the host key of %s (%s) CHANGED: it now presents %s %s. Someone may be intercepting the connection, or the host was reinstalled. Refused; nothing was overwritten. %s",
					name, key.Address, key.Type, key.Fingerprint, oneSentence(rem))
			}
			if !asJSON {
				printKey(out, name, key)
			}
			// A fingerprint named is checked first, trusted already or
			// not: one that is not the key presented is a failure.
			if fingerprint != "" && fingerprint != key.Fingerprint {
				return failErr("%s presents %s, not %s: not trusted", name, key.Fingerprint, quoteName(fingerprint))
			}
			switch {
			case key.Known:
				if asJSON {
					return writeJSON(out, toTrustJSON(name, key, "known", ""))
				}
				fmt.Fprintln(out, "This key is trusted already.")
				return nil
			case fingerprint != "", yes:
			case !term.IsTerminal(os.Stdin.Fd()):
				return usageErr("no terminal to ask on: check the fingerprint and run macroa hosts trust %s --fingerprint %s (or --yes)", name, key.Fingerprint)
			default:
				ok, err := confirm(cmd.InOrStdin(), out, "Trust this key? [y/N] ")
				if err != nil {
					return failErr("read the answer: %v", err)
				}
				if !ok {
					return failErr("not trusted: %s stays unreachable until its key is", name)
				}
			}
			if err := svc.Trust(ctx, name, key.Fingerprint); err != nil {
				return failErr("%s", oneSentence(err.Error()))
			}
			file := svc.TrustFile()
			if asJSON {
				return writeJSON(out, toTrustJSON(name, key, "trusted", file))
			}
			fmt.Fprintf(out, "Trusted the %s key of %s: written to %s.\n", key.Type, name, cell(file))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "trust the key presented without asking")
	cmd.Flags().StringVar(&fingerprint, "fingerprint", "", "trust only when the host presents this key (SHA256:…)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

type trustJSON struct {
	Host        string `json:"host"`
	Address     string `json:"address"`
	Type        string `json:"type"`
	Fingerprint string `json:"fingerprint"`
	Result      string `json:"result"`         // known, trusted
	File        string `json:"file,omitempty"` // where a key trusted now was written
}

func toTrustJSON(name string, k fleet.KeyInfo, result, file string) trustJSON {
	return trustJSON{Host: name, Address: k.Address, Type: k.Type, Fingerprint: k.Fingerprint, Result: result, File: file}
}

func printKey(out interface{ Write([]byte) (int, error) }, name string, k fleet.KeyInfo) {
	fmt.Fprintf(out, "Host         %s\n", cell(name))
	fmt.Fprintf(out, "Address      %s\n", cell(k.Address))
	fmt.Fprintf(out, "Key type     %s\n", cell(k.Type))
	fmt.Fprintf(out, "Fingerprint  %s\n", cell(k.Fingerprint))
}
