package kernel

import (
	"fmt"
	"strings"

	"github.com/macroa/macroa/core/agent"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/secretpath"
	"github.com/macroa/macroa/termsafe"
)

// Chooser names who chose what a run did: the person's own words, or a
// model. The audit entry of every run records it.
type Chooser string

const (
	ChosenByUser       Chooser = "user"       // typed it: !cmd, "remember …", "read file …"
	ChosenByKeyword    Chooser = "keyword"    // the keyword shortcut read it from the person's words
	ChosenByClassifier Chooser = "classifier" // a model picked the skill and its parameters
	ChosenByPlanner    Chooser = "planner"    // a model split the request into steps
	ChosenByAgent      Chooser = "agent"      // a model working through tools
)

// chooserOf says who chose a decision's skill and parameters.
func chooserOf(route router.Route) Chooser {
	switch route {
	case router.RouteClassifier:
		return ChosenByClassifier
	case router.RouteKeyword:
		return ChosenByKeyword
	case routePlan:
		return ChosenByPlanner
	}
	return ChosenByUser
}

// byModel reports whether a model chose the parameters, so they are
// untrusted and go through the gate.
func (c Chooser) byModel() bool {
	return c == ChosenByClassifier || c == ChosenByPlanner || c == ChosenByAgent
}

// judgement is what the gate found about one intent before it runs.
type judgement struct {
	action   string         // what would run, exactly: the command, "write ~/x (12 bytes)", "remember k = v"
	changes  bool           // it changes state (files, memory, anything a command may do)
	ask      string         // why a person must approve it when a model chose it; "" when it may run unasked
	readOnly bool           // it only reads, and may run unasked whoever chose it
	policy   agent.Decision // for a shell command: the shell policy's verdict
}

// judge describes an intent and decides whether it may run without asking,
// were a model to have chosen it. Risk comes from the skill and its
// parameters, never from anything a model says about them.
func (k *Kernel) judge(in skills.Intent) judgement {
	switch in.Skill {
	case skills.Shell:
		cmd := in.Arg("command")
		d := agent.CheckShellIn(cmd, agent.ShellContext{Dir: k.shell.Dir, AppliesEnv: true})
		if d.Allowed && k.box.Refusal() != "" {
			// Read-only by the parser, but without the sandbox nothing
			// would hold if the parser were wrong: a person decides.
			d.Allowed, d.Reason = false, k.box.Refusal()
		}
		j := judgement{action: cmd, readOnly: d.Allowed, changes: !d.Allowed, policy: d}
		if !d.Allowed {
			j.ask = d.Reason
		}
		return j
	case skills.File:
		p := strings.TrimSpace(in.Arg("path"))
		switch in.Action {
		case "write":
			return judgement{action: agent.WriteProposal("write", p, in.Arg("content")), changes: true,
				ask: "it writes a file"}
		default:
			action := in.Action
			if action == "" {
				action = "read"
			}
			j := judgement{action: action + " " + p, readOnly: true}
			if action != "read" {
				return j
			}
			// Judged on the file the path really leads to: a symlink or a
			// working directory inside ~/.ssh must not hide a key.
			why := secretpath.Why(p)
			if t, err := k.files.Resolve(p); err == nil {
				j.action = "read " + t.Shown()
				if s := t.Secret(); s != "" {
					why = s
				}
			}
			if why != "" {
				j.readOnly, j.ask = false, "it reads "+why
			}
			return j
		}
	case skills.Memory:
		switch in.Action {
		case "set":
			return judgement{action: fmt.Sprintf("remember %s = %s", in.Arg("key"), in.Arg("value")), changes: true,
				ask: "it changes what Macroa remembers about you"}
		case "forget":
			return judgement{action: "forget " + in.Arg("key"), changes: true,
				ask: "it deletes something Macroa remembers about you"}
		default:
			q := in.Arg("key")
			if q == "" {
				q = in.Arg("query")
			}
			return judgement{action: strings.TrimSpace(in.Action + " " + q), readOnly: true}
		}
	case skills.Reminder:
		switch in.Action {
		case "list":
			return judgement{action: "list reminders", readOnly: true}
		case "cancel":
			return judgement{action: "cancel reminder " + in.Arg("ref"), changes: true, ask: "it cancels a reminder"}
		}
		return judgement{action: fmt.Sprintf("remind %s: %s", in.Arg("when"), in.Arg("message")), changes: true,
			ask: "it sets a reminder"}
	case skills.Hosts:
		// It reads the fleet's snapshots, a probe or `systemctl is-active`.
		what := in.Arg("host")
		if in.Arg("all") != "" {
			what = "all hosts"
		}
		if u := in.Arg("unit"); u != "" {
			what = u + " on " + what
		}
		return judgement{action: strings.TrimSpace("hosts " + in.Action + " " + what), readOnly: true}
	case skills.Chat, skills.Agent:
		// An answer changes nothing; the agent's tools pass their own gate.
		return judgement{action: string(in.Skill), readOnly: true}
	}
	// A skill the gate does not know (a tool plugged in later) asks until
	// its risk is judged here: unknown is never read-only.
	return judgement{action: strings.TrimSpace(string(in.Skill) + " " + in.Action), changes: true,
		ask: "Macroa cannot tell what it would change"}
}

// gate decides whether a decision's skill may run here. A model-chosen
// intent that is not read-only never runs on this path: it goes to the
// approval queue (proposeIntent) when the front end gave one, and is
// refused when nobody can be asked. It returns the refusal to report, and
// false, when it may not run.
func (k *Kernel) gate(req Request, d router.Decision, by Chooser, j judgement) (skills.Result, bool) {
	if !by.byModel() || j.readOnly {
		return skills.Result{}, true
	}
	return refusal(d, by, j), false
}

// refusal is the result of a proposal nobody could be asked about: what
// was proposed, why it needs a person, and how to do it anyway.
func refusal(d router.Decision, by Chooser, j judgement) skills.Result {
	// Shown with every control character visible: the person must see what
	// was proposed, not what its escape sequences would draw.
	action := termsafe.Visible(j.action)
	how := "nobody could be asked here"
	if d.Intent.Skill == skills.Shell {
		how += "; type it yourself as !" + action
	}
	return skills.Result{
		Output: fmt.Sprintf("Proposed by the %s, not run: %s: %s", by, d.Intent.Skill, action),
		Error:  fmt.Sprintf("not run: the %s proposed it and it needs your approval (%s); %s", by, termsafe.Visible(j.ask), how),
	}
}
