package router

import "strings"

// DecideWith routes like Decide and, when nothing deterministic matched,
// tries the keyword shortcut in reg (nil: none). The result still has the
// tier the input's words ask for. Pure: no I/O, no model.
func DecideWith(input string, reg *Registry) Decision {
	d := Decide(input)
	if d.Route != RouteFallback || reg == nil {
		return d
	}
	in, ok := reg.Match(strings.TrimSpace(input))
	if !ok {
		return d
	}
	in.Input = input
	in.Tier = d.Intent.Tier
	return Decision{Route: RouteKeyword, Intent: in, TierKeyword: d.TierKeyword, Confidence: KeywordConfidence}
}
