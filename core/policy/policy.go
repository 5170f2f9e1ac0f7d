// Package policy is the one gate every proposed action goes through:
// Decide, a pure function of the action, the host, the autonomy level and
// the configured policy, says whether the action runs by itself, asks a
// person, or is denied, how risky it is and why.
//
// Risk comes from the action's kind, parameters and target, never from
// what a model says about them. Shell text (command.run) is parsed and
// judged command by command; what cannot be parsed asks. Protected units
// are matched by canonical name (actions.CanonicalUnit) whatever the alias
// or suffix a proposer used.
//
// Deny means the gate will never run the action by itself at any level:
// the queue keeps it, as critical, for a person to see. Ask means it waits
// for a person's approval. Run means it may run now.
package policy

import (
	"fmt"

	"github.com/macroa/macroa/core/actions"
)

// Level is an autonomy level.
type Level string

// The levels, least autonomous first.
const (
	Observe  Level = "observe"   // nothing runs; proposals are recorded for a person
	Suggest  Level = "suggest"   // everything asks
	AutoSafe Level = "auto-safe" // low risk runs, the rest asks
	AutoFull Level = "auto-full" // all runs but protected targets, critical risk, shell text that is not read-only, and denied commands
)

// ParseLevel reads a level's name.
func ParseLevel(s string) (Level, error) {
	switch l := Level(s); l {
	case Observe, Suggest, AutoSafe, AutoFull:
		return l, nil
	}
	return "", fmt.Errorf("%q is not an autonomy level (observe, suggest, auto-safe, auto-full)", s)
}

// Verdict is what the gate decided.
type Verdict string

// The verdicts.
const (
	Run  Verdict = "run"
	Ask  Verdict = "ask"
	Deny Verdict = "deny"
)

// Risk is actions.Risk, named here for the gate's callers.
type Risk = actions.Risk

// The risks.
const (
	Low      = actions.Low
	Medium   = actions.Medium
	High     = actions.High
	Critical = actions.Critical
)

// Decision is the gate's answer.
type Decision struct {
	Verdict Verdict
	Risk    Risk
	Reason  string // in words for a person: names the canonical unit or the command when one decided it
	// Protected is the canonical name of the protected unit that decided
	// the verdict, "" when none did.
	Protected string
}

// Policy is what a person configured (config.toml).
type Policy struct {
	// ProtectedUnits are protected on top of the built-in set, by unit
	// name with or without suffix and under any alias ("redis",
	// "postgresql@.service"); a trailing "*" matches a prefix ("db-*").
	ProtectedUnits []string
	// DeniedCommands are command prefixes in words, matched against each
	// parsed command after wrappers such as sudo and env are taken off
	// and the program's directory is dropped: "iptables -F" denies
	// "sudo /sbin/iptables -F INPUT".
	DeniedCommands []string
	// AllowedCommands are command prefixes, matched like DeniedCommands,
	// that count as read-only (low risk): "df", "git status". They never
	// lift a denial, a protected unit, systemctl or a shell's -c text.
	AllowedCommands []string
	// HostLevels overrides the level for one host ("" is this machine).
	HostLevels map[string]Level
}

// Decide is the gate. host is where the action would run ("" for this
// machine); a host level in p overrides level. An action that does not
// validate, or names a different host, is denied.
func Decide(a actions.Action, host string, level Level, p Policy) Decision {
	if l, ok := p.HostLevels[host]; ok {
		level = l
	}
	if err := a.Validate(); err != nil {
		return Decision{Verdict: Deny, Risk: High, Reason: "the action is not valid: " + err.Error()}
	}
	if a.Host != host {
		return Decision{Verdict: Deny, Risk: High, Reason: fmt.Sprintf("the action is for host %q but was judged for %q", a.Host, host)}
	}
	as := assess(a, p)
	d := Decision{Risk: as.risk, Reason: as.reason, Protected: as.protected}
	switch {
	case as.deny:
		d.Verdict = Deny
		d.Reason += "; never run by itself, kept for a person"
		return d
	case level == Observe:
		d.Verdict, d.Reason = Ask, "observe: nothing runs; recorded for a person ("+as.reason+")"
	case level == Suggest:
		d.Verdict, d.Reason = Ask, "suggest: every action asks ("+as.reason+")"
	case level == AutoSafe:
		if as.risk == Low && !as.ask {
			d.Verdict = Run
		} else {
			d.Verdict, d.Reason = Ask, fmt.Sprintf("auto-safe runs only low risk; this is %s (%s)", as.risk, as.reason)
		}
	case level == AutoFull:
		switch {
		case as.protected != "":
			d.Verdict = Ask
		case as.risk >= Critical:
			d.Verdict, d.Reason = Ask, "critical risk always asks ("+as.reason+")"
		case as.ask:
			d.Verdict = Ask
		default:
			d.Verdict = Run
		}
	default:
		d.Verdict, d.Reason = Ask, fmt.Sprintf("the autonomy level %q is unknown, so nothing runs (%s)", level, as.reason)
	}
	return d
}

// assessment is an action's risk before the level is applied.
type assessment struct {
	risk      Risk
	reason    string
	deny      bool   // never runs by itself at any level
	ask       bool   // asks even at auto-full (shell text that is not read-only, protected targets)
	protected string // canonical name of the protected unit involved
}
