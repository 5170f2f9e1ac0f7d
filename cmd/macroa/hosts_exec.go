package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/suggest"
	"github.com/macroa/macroa/termsafe"
)

func newHostsExecCmd(a *app.App) *cobra.Command {
	var asJSON bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:               "exec NAME|@tag|@group... -- ARGV...",
		Short:             "Run an argument list on hosts, by name, tag or group, in parallel",
		ValidArgsFunction: completeHosts(a, true, false),
		Long: `Run a program with its arguments on the hosts named: hosts by name, and every
host with a tag or in a group (@tag, @group), each once. Each argument
reaches the program whole: it is quoted for the remote shell, never read by
it. Each line of output is prefixed with its host's name, escape sequences
removed. --timeout bounds each host's command, connecting included (default:
the shell timeout, MACROA_SHELL_TIMEOUT); connecting alone is bounded by
[monitor] timeout.

The exit status is the worst of the hosts' (255 for a host that could not be
reached, or whose command ran out of time); 2 for a usage error (a name that
is no host, a tag no host has).

It runs as you typed it, like !cmd, and is recorded in the audit log first;
what the gate denies ([policy] deny_commands, a disk wiped) is refused.`,
		Example: `  macroa hosts exec web1 -- df -h /
  macroa hosts exec web1 web2 -- uptime
  macroa hosts exec @prod --timeout 2m -- systemctl is-active nginx`,
		RunE: func(cmd *cobra.Command, args []string) error {
			at := cmd.ArgsLenAtDash()
			if at < 1 || len(args) <= at {
				return usageErr("hosts exec takes hosts (NAME, @tag or @group), then -- and the command\nUsage: %s", cmd.UseLine())
			}
			if timeout < 0 {
				return usageErr("--timeout %s is negative", timeout)
			}
			ctx := cmd.Context()
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			sc := readSSHConfig(cmd.ErrOrStderr())
			targets, err := execTargets(inventory(cfg, sc), args[:at])
			if err != nil {
				return err
			}
			limit := cmp.Or(timeout, cfg.ShellTimeout)
			svc, err := openHosts(ctx, a)
			if err != nil {
				return err
			}
			argv := args[at:]
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			pr := newPrefixer(targets, out, errOut)
			typed, err := hosts.RemoteLine(hosts.Command{Argv: argv})
			if err != nil {
				return usageErr("%s", oneSentence(err.Error()))
			}
			x := app.HostExec{Hosts: targets, Argv: argv, Source: "cli", Transport: svc.Transport, Timeout: limit,
				Input: "hosts exec " + strings.Join(args[:at], " ") + " -- " + typed}
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
					switch {
					case r.Err != nil:
						j.Error = oneSentence(r.Err.Error())
					case r.Output.TimedOut:
						j.Error = timedOut(limit)
					}
					js = append(js, j)
					continue
				}
				switch {
				case r.Err != nil:
					pr.note(r.Host, oneSentence(r.Err.Error()))
				case r.Output.TimedOut:
					pr.note(r.Host, timedOut(limit))
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
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "time limit of each host's command, connecting included (default: the shell timeout)")
	return cmd
}

// timedOut says a command ran out of its time, naming the limit.
func timedOut(limit time.Duration) string {
	return fmt.Sprintf("did not finish in %s (the limit: --timeout), and was stopped", limit)
}

type execJSON struct {
	Host     string `json:"host"`
	ExitCode int    `json:"exit_code"`
	Stdout   string `json:"stdout"`
	Stderr   string `json:"stderr"`
	Error    string `json:"error,omitempty"`
}

// execTargets resolves names, @tags and @groups to inventory names, each
// once, in the order asked; a name that is no host, or a tag no host has,
// is a usage error.
func execTargets(inv []hosts.Host, targets []string) ([]string, error) {
	var names, labels []string
	for _, h := range inv {
		names = append(names, h.Name)
		labels = append(labels, h.Tags...)
		labels = append(labels, h.Groups...)
	}
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, target := range targets {
		tag, ok := strings.CutPrefix(target, "@")
		if !ok {
			if !slices.Contains(names, target) {
				return nil, unknownHost(target, names)
			}
			add(target)
			continue
		}
		found := false
		for _, h := range inv {
			if slices.Contains(h.Tags, tag) || slices.Contains(h.Groups, tag) {
				add(h.Name)
				found = true
			}
		}
		if !found {
			msg := "no host has the tag or group " + quoteName(tag)
			if s := suggest.Closest(tag, labels); s != "" {
				msg += fmt.Sprintf("; did you mean @%s?", s)
			}
			return nil, usageErr("%s (see: macroa hosts list)", msg)
		}
	}
	return out, nil
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
