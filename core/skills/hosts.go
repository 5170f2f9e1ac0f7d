package skills

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/termsafe"
)

// HostsReader is what the hosts skill reads the fleet through (core/app).
// Every method only reads; none calls a model.
type HostsReader interface {
	// HostNames lists the hosts by name, this machine (hosts.LocalName)
	// first.
	HostNames(ctx context.Context) ([]string, error)
	// HostHealth is the named hosts' health as fresh as asked: the latest
	// status, or a fresh probe when the host was never probed or its last
	// probe (answered or not) is older than two intervals. In the order
	// asked.
	HostHealth(ctx context.Context, names []string) ([]fleet.HostStatus, error)
	// UnitActive asks host `systemctl is-active -- unit` and returns its
	// one-word answer (active, inactive, failed, unknown, ...).
	UnitActive(ctx context.Context, host, unit string) (string, error)
}

// HostsSkill answers questions about the hosts' health: disk, memory,
// load, uptime, failed units, GPUs, one service, the overall state. It
// only reads, from the fleet's snapshots or a fresh probe; it never calls
// a model. What a host reports (mount points, unit and GPU names, why a
// probe failed) is cleaned before it is part of an answer.
type HostsSkill struct {
	Fleet HostsReader // nil: no hosts here
	Now   func() time.Time
}

// Run answers the intent: Action is disk, memory, load, uptime, failed,
// gpu, service (Args unit) or status; Args host names one host (weak: it
// may be no host at all, a miss) or all says every host.
func (s HostsSkill) Run(ctx context.Context, in Intent) Result {
	if s.Fleet == nil {
		return Fail("host questions are not available here")
	}
	names, res, ok := s.targets(ctx, in)
	if !ok {
		return res
	}
	if in.Action == "service" {
		return s.service(ctx, names, in.Arg("unit"))
	}
	sts, err := s.Fleet.HostHealth(ctx, names)
	if err != nil {
		return Fail(fmt.Sprintf("read the hosts' health: %v", err))
	}
	var out string
	if in.Action == "gpu" {
		out = s.gpus(sts)
	} else {
		var b strings.Builder
		for i, st := range sts {
			if i > 0 && in.Action != "failed" {
				b.WriteString("\n")
			}
			b.WriteString(s.answer(in.Action, st, len(sts) > 1))
		}
		out = strings.TrimRight(b.String(), "\n")
	}
	if out == "" {
		out = emptyAnswer(in.Action, len(sts))
	}
	if down := notCurrent(sts); len(down) == len(sts) && len(sts) > 0 {
		// Nothing current could be said: the question failed, and the
		// answer says why and what was last known.
		r := Fail("nothing current from " + strings.Join(down, ", "))
		r.Output = out
		return r
	}
	return OK(out)
}

// notCurrent names the hosts with nothing current to say, with their
// state: "web2 (unreachable)".
func notCurrent(sts []fleet.HostStatus) []string {
	var out []string
	for _, st := range sts {
		if !current(st) {
			state := st.State
			if state == "" {
				state = fleet.StateNew
			}
			out = append(out, fmt.Sprintf("%s (%s)", termsafe.Clean(st.Name), state))
		}
	}
	return out
}

// gpus answers "how hot is the GPU": a line for each GPU of a host that
// answered, then the hosts that have none and those that did not answer
// in one line ("no GPU on local, web1; hang, dead unreachable"); a host
// waiting for a person gets its own line, saying what to do.
func (s HostsSkill) gpus(sts []fleet.HostStatus) string {
	var lines, none, tail []string
	down := map[fleet.State][]string{}
	var order []fleet.State
	for _, st := range sts {
		name := termsafe.Clean(st.Name)
		switch {
		case current(st) && st.Snapshot.GPUs.OK && len(st.Snapshot.GPUs.Value) > 0:
			for _, g := range st.Snapshot.GPUs.Value {
				lines = append(lines, name+s.age(st)+": "+gpuLine(g))
			}
		case current(st):
			none = append(none, name)
		case st.State == fleet.StateUntrusted || st.State == fleet.StateRefused || st.State == fleet.StateDenied ||
			st.HasSnapshot && st.Snapshot.GPUs.OK && len(st.Snapshot.GPUs.Value) > 0:
			lines = append(lines, strings.TrimRight(s.answer("gpu", st, false), "\n"))
		default:
			state := st.State
			if state == "" {
				state = fleet.StateNew
			}
			if down[state] == nil {
				order = append(order, state)
			}
			down[state] = append(down[state], name)
		}
	}
	if len(none) > 0 {
		tail = append(tail, "no GPU on "+strings.Join(none, ", "))
	}
	for _, state := range order {
		tail = append(tail, strings.Join(down[state], ", ")+" "+string(state))
	}
	if len(tail) > 0 {
		lines = append(lines, strings.Join(tail, "; "))
	}
	return strings.Join(lines, "\n")
}

// targets resolves the intent's hosts against the inventory.
func (s HostsSkill) targets(ctx context.Context, in Intent) ([]string, Result, bool) {
	all, err := s.Fleet.HostNames(ctx)
	if err != nil {
		return nil, Fail(fmt.Sprintf("list the hosts: %v", err)), false
	}
	if in.Arg("all") != "" || in.Arg("host") == "" {
		return all, Result{}, true
	}
	name := in.Arg("host")
	if name == "localhost" {
		name = "local"
	}
	if !slices.Contains(all, name) {
		r := Fail(fmt.Sprintf("no host named %s; hosts: %s", termsafe.Clean(name), strings.Join(all, ", ")))
		// "disk usage of photos": perhaps no host question at all.
		r.Miss = in.Arg("weak") != ""
		return nil, r, false
	}
	return []string{name}, Result{}, true
}

// service asks each host whether unit is active.
func (s HostsSkill) service(ctx context.Context, names []string, unit string) Result {
	u, err := actions.ParseUnit(unit)
	if err != nil {
		return Fail(fmt.Sprintf("not a unit name: %v", err))
	}
	var lines []string
	allActive, failed := true, 0
	for _, h := range names {
		state, err := s.Fleet.UnitActive(ctx, h, u.String())
		if err != nil {
			lines = append(lines, fmt.Sprintf("%s: could not ask whether %s runs: %s", h, u, termsafe.Clean(err.Error())))
			allActive = false
			failed++
			continue
		}
		state = termsafe.Clean(strings.TrimSpace(state))
		if state == "active" {
			lines = append(lines, fmt.Sprintf("%s is running on %s", u, h))
		} else {
			allActive = false
			lines = append(lines, fmt.Sprintf("%s is not running on %s (%s)", u, h, state))
		}
	}
	if failed == len(names) {
		return Fail(strings.Join(lines, "; "))
	}
	r := OK(strings.Join(lines, "\n"))
	if !allActive {
		r.ExitCode = 3 // systemctl is-active's own code for "not active"
	}
	return r
}

func emptyAnswer(action string, hosts int) string {
	where := "on any host"
	if hosts == 1 {
		where = "on this host"
	}
	switch action {
	case "failed":
		return "no failed units " + where
	case "gpu":
		return "no GPU reported " + where
	}
	return "nothing to report"
}

func (s HostsSkill) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
