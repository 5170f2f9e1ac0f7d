// Package router decides which skill serves a request, cheapest first: hard
// routes and shortcuts that need no model, then (when one is configured) a
// model. Deciding never does I/O.
package router

import (
	"strings"

	"github.com/macroa/macroa/core/skills"
)

// Route says how a decision was reached.
type Route string

const (
	RouteShell    Route = "shell-prefix"    // "!cmd" or "$ cmd"
	RouteMemory   Route = "memory-shortcut" // "remember my X is Y", "what is my X"
	RouteFile     Route = "file-shortcut"   // "read file P", "list directory P"
	RouteReminder Route = "reminder"        // "remind me in 10 minutes to …", "list reminders"
	RouteFallback Route = "fallback"        // nothing deterministic matched: a model must answer
)

// Decision is the router's answer for one input.
type Decision struct {
	Route  Route
	Intent skills.Intent
	// TierKeyword is true when the tier came from words in the input
	// ("think carefully", "use the best model"), not from a default.
	TierKeyword bool
	Confidence  float64
}

// NeedsModel reports whether serving the decision requires a model.
func (d Decision) NeedsModel() bool { return d.Intent.Skill == skills.Chat }

// Decide routes one input. It is pure and fast: no I/O, no model.
func Decide(input string) Decision {
	text := strings.TrimSpace(input)
	t, fromKeyword := TierFor(text)
	d := decide(text)
	d.Intent.Input = input
	d.Intent.Tier = t
	d.TierKeyword = fromKeyword
	return d
}

func decide(text string) Decision {
	if cmd, ok := shellCommand(text); ok {
		return Decision{Route: RouteShell, Confidence: 1,
			Intent: skills.Intent{Skill: skills.Shell, Action: "run", Args: map[string]string{"command": cmd}}}
	}
	if in, ok := reminderIntent(text); ok {
		return Decision{Route: RouteReminder, Confidence: 0.95, Intent: in}
	}
	if in, ok := hostsIntent(text); ok {
		return Decision{Route: RouteHosts, Confidence: 0.9, Intent: in}
	}
	if in, ok := memoryIntent(text); ok {
		return Decision{Route: RouteMemory, Confidence: 0.97, Intent: in}
	}
	if in, ok := fileIntent(text); ok {
		return Decision{Route: RouteFile, Confidence: 0.95, Intent: in}
	}
	return Decision{Route: RouteFallback, Intent: skills.Intent{Skill: skills.Chat}}
}

// shellCommand recognises the hard shell route: input starting with "!" or
// "$". The command is the rest, leading blanks removed.
func shellCommand(text string) (string, bool) {
	if text == "" || (text[0] != '!' && text[0] != '$') {
		return "", false
	}
	return strings.TrimSpace(text[1:]), true
}

// firstWord returns the lower-cased first word of s, for cheap pre-checks
// before any regular expression runs.
func firstWord(s string) string {
	end := strings.IndexAny(s, " \t\n?!.:")
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}
