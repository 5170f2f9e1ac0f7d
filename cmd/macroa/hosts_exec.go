package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/termsafe"
)

func newHostsExecCmd(a *app.App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:               "exec NAME|@tag|@group -- ARGV...",
		Short:             "Run an argument list on one host, or on every host of a tag or group, in parallel",
		ValidArgsFunction: completeHosts(a, true, false),
		Long: `Run a program with its arguments on the hosts named: one host, or every host
with a tag or in a group (@tag, @group). Each argument reaches the program
whole: it is quoted for the remote shell, never read by it. Each line of
output is prefixed with its host's name, escape sequences removed. The exit
status is the worst of the hosts' (255 for a host that could not be reached).

It runs as you typed it, like !cmd, and is recorded in the audit log first;
what the gate denies ([policy] deny_commands, a disk wiped) is refused.`,
		Example: `  macroa hosts exec web1 -- df -h /
  macroa hosts exec @prod -- systemctl is-active nginx`,
		RunE: func(cmd *cobra.Command, args []string) error {
			at := cmd.ArgsLenAtDash()
			if at != 1 || len(args) < 2 {
				return usageErr("hosts exec takes a host (NAME, @tag or @group), then -- and the command\nUsage: %s", cmd.UseLine())
			}
			ctx := cmd.Context()
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			sc, err := loadSSHConfig()
			if err != nil {
				return err
			}
			targets, err := execTargets(inventory(cfg, sc), args[0])
			if err != nil {
				return err
			}
			svc, err := openHosts(ctx, a)
			if err != nil {
				return err
			}
			argv := args[1:]
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			pr := newPrefixer(targets, out, errOut)
			typed, err := hosts.RemoteLine(hosts.Command{Argv: argv})
			if err != nil {
				return usageErr("%s", oneSentence(err.Error()))
			}
			x := app.HostExec{Hosts: targets, Argv: argv, Source: "cli", Transport: svc.Transport,
				Input: "hosts exec " + args[0] + " -- " + typed}
			if !asJSON {
				x.OnLine = pr.line
			}
			runs, err := a.ExecOnHosts(ctx, x)
			if errors.Is(err, app.ErrExecDenied) {
				return failErr("%s; nothing ran", oneSentence(err.Error()))
			}
			if err != nil {
				return failErr("%s", oneSentence(err.Error()))
			}
			worst := 0
			var js []execJSON
			for _, r := range runs {
				code := r.Output.ExitCode
				if r.Err != nil || r.Output.TimedOut || r.Output.Canceled {
					code = 255
				}
				worst = max(worst, code)
				if asJSON {
					j := execJSON{Host: r.Host, ExitCode: code, Stdout: r.Output.Stdout, Stderr: r.Output.Stderr}
					if r.Err != nil {
						j.Error = oneSentence(r.Err.Error())
					}
					js = append(js, j)
					continue
				}
				switch {
				case r.Err != nil:
					pr.note(r.Host, oneSentence(r.Err.Error()))
				case r.Output.TimedOut:
					pr.note(r.Host, "timed out, and was stopped")
				case code != 0:
					pr.note(r.Host, fmt.Sprintf("exit code %d", code))
				}
			}
			if asJSON {
				if err := writeJSON(out, js); err != nil {
					return err
				}
			}
			if worst != 0 {
				return &exitError{code: worst}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the output of each host whole, after all finished)")
	return cmd
}

type execJSON struct {
	Host     string `json:"host"`
	ExitCode int    `json:"exit_code"`
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
	Error    string `json:"error,omitempty"`
}

// execTargets resolves NAME, @tag or @group to inventory names.
func execTargets(inv []hosts.Host, target string) ([]string, error) {
	var names []string
	for _, h := range inv {
		names = append(names, h.Name)
	}
	if tag, ok := strings.CutPrefix(target, "@"); ok {
		var out []string
		for _, h := range inv {
			if slices.Contains(h.Tags, tag) || slices.Contains(h.Groups, tag) {
				out = append(out, h.Name)
			}
		}
		if len(out) == 0 {
			return nil, failErr("no host has the tag or group %s (see: macroa hosts list)", quoteName(tag))
		}
		return out, nil
	}
	if !slices.Contains(names, target) {
		return nil, failErr("no host named %s; hosts: %s", quoteName(target), strings.Join(names, ", "))
	}
	return []string{target}, nil
}

// prefixer prints the lines of several hosts as they come, each whole,
// after its host's name, cleaned for the terminal.
type prefixer struct {
	mu       sync.Mutex
	width    int
	out, err io.Writer
}

func newPrefixer(names []string, out, errOut io.Writer) *prefixer {
	w := 0
	for _, n := range names {
		w = max(w, len(n))
	}
	return &prefixer{width: w, out: out, err: errOut}
}

func (p *prefixer) line(host string, l hosts.Line) {
	text := termsafe.Clean(strings.TrimRight(l.Text, "\r\n"))
	w := p.out
	if l.Stream == hosts.Stderr {
		w = p.err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, part := range strings.Split(text, "\n") {
		fmt.Fprintf(w, "%-*s | %s\n", p.width, host, part)
	}
}

// note is Macroa's own line about a host, on stderr.
func (p *prefixer) note(host, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.err, "%-*s | macroa: %s\n", p.width, host, termsafe.Clean(msg))
}
