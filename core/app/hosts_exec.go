package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
)

// HostExec is a person's argument list run on hosts: `macroa hosts exec`,
// the !cmd of other hosts.
type HostExec struct {
	Hosts  []string // inventory names, resolved already
	Argv   []string // the program and its arguments, each kept whole
	Input  string   // as typed, for the audit log
	Source string   // who asks: cli
	// Timeout bounds each host's command, connecting included; 0: the
	// shell timeout.
	Timeout time.Duration
	// Transport gives each host's transport.
	Transport func(host string) (hosts.Transport, error)
	// OnLine is handed each line of output as it is printed, from the
	// goroutine running that host's command.
	OnLine func(host string, l hosts.Line)
}

// HostRun is how the command went on one host.
type HostRun struct {
	Host   string
	Output hosts.Output
	Err    error // could not run, or no outcome (connection lost)
}

// ErrExecDenied is an argument list the gate never runs.
var ErrExecDenied = errors.New("refused by the gate")

// ExecOnHosts runs x on every host at once, as a person's !cmd runs
// here: as typed, but never what the gate denies (deny_commands, a disk
// wiped), and only once its start is in the audit log; each host's
// outcome is recorded after. The words are quoted for the remote shell by
// hosts, never glued into a string here.
func (a *App) ExecOnHosts(ctx context.Context, x HostExec) ([]HostRun, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	if len(x.Argv) == 0 {
		return nil, errors.New("nothing to run: give the program and its arguments after --")
	}
	line, err := hosts.RemoteLine(hosts.Command{Argv: x.Argv})
	if err != nil {
		return nil, err
	}
	pc := approvalConfig(cfg)
	for _, h := range x.Hosts {
		target := h
		if h == hosts.LocalName {
			target = ""
		}
		act := actions.Action{Kind: actions.CommandRun, Host: target, Params: actions.Command{Shell: line}}
		if d := policy.Decide(act, target, pc.Level, pc.Policy); d.Verdict == policy.Deny {
			return nil, fmt.Errorf("%w on %s: %s", ErrExecDenied, h, d.Reason)
		}
	}
	db, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	secrets := cfg.SecretValues()
	entry := func(h string) store.AuditEntry {
		return store.AuditEntry{TurnID: store.NewTurnID(), Source: x.Source, Input: redact.String(x.Input, secrets...),
			Route: "hosts-exec", Skill: "shell", Action: redact.String(h+": "+line, secrets...), ChosenBy: "user"}
	}
	starts := make([]store.AuditEntry, len(x.Hosts))
	for i, h := range x.Hosts {
		starts[i] = entry(h)
		starts[i].Stage = store.StageStart
		if _, err := db.AppendAudit(context.WithoutCancel(ctx), starts[i]); err != nil {
			return nil, fmt.Errorf("the audit log cannot be written (%v), and Macroa runs nothing it cannot record", err)
		}
	}
	runs := make([]HostRun, len(x.Hosts))
	var wg sync.WaitGroup
	for i, h := range x.Hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			runs[i] = runOn(ctx, x, h, cmp.Or(x.Timeout, cfg.ShellTimeout))
			done := starts[i]
			done.Stage, done.Time = "", time.Time{}
			done.ElapsedMS = time.Since(start).Milliseconds()
			done.Success = runs[i].Err == nil && runs[i].Output.ExitCode == 0 && !runs[i].Output.TimedOut && !runs[i].Output.Canceled
			if !done.Success {
				done.Error = redact.String(runError(runs[i]), secrets...)
			}
			_, _ = db.AppendAudit(context.WithoutCancel(ctx), done)
		}()
	}
	wg.Wait()
	return runs, nil
}

func runOn(ctx context.Context, x HostExec, h string, timeout time.Duration) HostRun {
	r := HostRun{Host: h}
	t, err := x.Transport(h)
	if err != nil {
		r.Err = err
		return r
	}
	var onLine func(hosts.Line)
	if x.OnLine != nil {
		onLine = func(l hosts.Line) { x.OnLine(h, l) }
	}
	r.Output, r.Err = t.Stream(ctx, hosts.Command{Argv: x.Argv}, timeout, onLine)
	return r
}

// runError is a run's failure in words, for the audit log.
func runError(r HostRun) string {
	switch {
	case r.Err != nil:
		return strings.TrimSpace(r.Err.Error())
	case r.Output.TimedOut:
		return "timed out"
	case r.Output.Canceled:
		return "cancelled"
	}
	return fmt.Sprintf("exit code %d", r.Output.ExitCode)
}
