package fleet

import (
	"sort"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts/probe"
)

// AlertKey names one alert of a host: a rule and what it is about.
type AlertKey struct {
	Rule    Rule
	Subject string
}

// RuleState is what the rules remember of one host between probes: for
// each alert, how many probes in a row were over its threshold and under
// its clearing line, and whether it fires. The zero value knows nothing.
// Evaluate never changes the state it is given.
type RuleState struct {
	tracks map[AlertKey]track
}

type track struct {
	over, under int
	firing      bool
}

// NewRuleState is the state of a host whose alerts firing are known (read
// back from the store when the poller starts), with no counts yet.
func NewRuleState(firing []AlertKey) RuleState {
	s := RuleState{tracks: map[AlertKey]track{}}
	for _, k := range firing {
		s.tracks[k] = track{firing: true}
	}
	return s
}

// Firing lists the alerts firing, sorted.
func (s RuleState) Firing() []AlertKey {
	var out []AlertKey
	for k, t := range s.tracks {
		if t.firing {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Subject < out[j].Subject
	})
	return out
}

// Observation is one probe of one host as the rules see it.
type Observation struct {
	Snapshot probe.Snapshot
	// Answered is false for a probe that could not connect or timed out;
	// then no field is measured.
	Answered bool
	Failure  string // why it did not answer
	// KeyChanged: the host presented a key other than the known one.
	KeyChanged bool
	// LoginRefused: the host answered but accepted none of the keys
	// offered (Failure says which).
	LoginRefused bool
	// Sent and Received are this machine's times the probe started and
	// its answer arrived: the host's clock is judged against them.
	Sent, Received time.Time
}

// Finding is one rule's judgement of one probe: the value and the line it
// was measured against, in words.
type Finding struct {
	Key              AlertKey
	Value, Threshold float64
	Message          string
	Over             bool // over the threshold this probe
}

// Outcome is what one probe changed.
type Outcome struct {
	State RuleState
	Fire  []Finding // alerts that fire now
	Clear []Finding // alerts that cleared now
	// Firing are the alerts firing after this probe, with this probe's
	// values where it measured them.
	Firing []Finding
	// Near are values within the margin of their threshold, or over it
	// (Over) not yet for long enough to fire.
	Near []Finding
	// Missing are the headline fields this probe could not measure, in
	// words ("load: /proc/loadavg does not read").
	Missing []string
}

// Evaluate judges one probe of a host against the thresholds, from the
// state the previous probes left. An alert fires after th.Consecutive
// probes over its threshold and clears after as many under its clearing
// line (the threshold less the margin), so a value hovering at the line
// fires once and stays firing; a value not measured counts neither way.
// An unreachable host fires after th.Consecutive failed probes and
// clears at the first answer; a changed host key, or a refused login
// (as the unreachable alert, "login refused: …"), fires at once.
func Evaluate(prev RuleState, o Observation, th config.Alerts) Outcome {
	need := max(th.Consecutive, 1)
	next := RuleState{tracks: make(map[AlertKey]track, len(prev.tracks))}
	for k, t := range prev.tracks {
		next.tracks[k] = t
	}
	rs, measured := readings(o, th)
	seen := map[AlertKey]bool{}
	var out Outcome
	apply := func(r reading) {
		r.Over = r.over
		seen[r.Key] = true
		t := next.tracks[r.Key]
		fireAfter, clearAfter := need, need
		if r.fireAfter > 0 {
			fireAfter = r.fireAfter
		}
		if r.clearAfter > 0 {
			clearAfter = r.clearAfter
		}
		switch {
		case r.over:
			t.over, t.under = t.over+1, 0
			if !t.firing && t.over >= fireAfter {
				t.firing = true
				out.Fire = append(out.Fire, r.Finding)
			}
		case r.clear:
			t.over, t.under = 0, t.under+1
			if t.firing && t.under >= clearAfter {
				t.firing = false
				out.Clear = append(out.Clear, r.Finding)
			}
		default: // between the lines: no run either way
			t.over, t.under = 0, 0
		}
		if t.firing {
			f := r.Finding
			if !r.over && !r.clear {
				f.Message = clearsUnder(f.Message, r.clearsUnder)
			}
			out.Firing = append(out.Firing, f)
		} else if r.over || r.near {
			out.Near = append(out.Near, r.Finding)
		}
		if t == (track{}) {
			delete(next.tracks, r.Key)
		} else {
			next.tracks[r.Key] = t
		}
	}
	for _, r := range rs {
		apply(r)
	}
	// A subject a measured rule no longer reports (a unit recovered, a
	// file system unmounted) is under its line.
	for _, k := range sortedKeys(prev.tracks) {
		if seen[k] || !measured[k.Rule] {
			if !seen[k] && prev.tracks[k].firing {
				out.Firing = append(out.Firing, Finding{Key: k, Message: describe(k) + " (not measured now)"})
			}
			continue
		}
		apply(reading{Finding: Finding{Key: k, Message: describe(k) + " no longer reported"}, clear: true})
	}
	out.Missing = missingFields(o)
	out.State = next
	return out
}

// clearsUnder says of a firing alert whose value is under its threshold
// but not yet under its clearing line where it clears, inside the
// message's closing parenthesis: "… (threshold 4.00; clears under 3.80)".
func clearsUnder(msg, line string) string {
	if line == "" {
		return msg
	}
	if strings.HasSuffix(msg, ")") {
		return msg[:len(msg)-1] + "; clears under " + line + ")"
	}
	return msg + " (clears under " + line + ")"
}

func sortedKeys(m map[AlertKey]track) []AlertKey {
	out := make([]AlertKey, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rule != out[j].Rule {
			return out[i].Rule < out[j].Rule
		}
		return out[i].Subject < out[j].Subject
	})
	return out
}

// describe names an alert in words: "disk /", "failed-unit nginx.service".
func describe(k AlertKey) string {
	if k.Subject == "" {
		return string(k.Rule)
	}
	return string(k.Rule) + " " + k.Subject
}

// missingFields are the headline fields an answered probe did not measure.
func missingFields(o Observation) []string {
	if !o.Answered {
		return nil
	}
	s := o.Snapshot
	var out []string
	add := func(name string, ok bool, why string) {
		if !ok {
			out = append(out, name+": "+why)
		}
	}
	add("load", s.Load.OK, s.Load.Why)
	add("memory", s.Memory.OK, s.Memory.Why)
	add("disks", s.Disks.OK, s.Disks.Why)
	return out
}
