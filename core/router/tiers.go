package router

import (
	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/tier"
)

// tierKeywords maps phrases to the tier they ask for, most expensive first:
// the first family that matches wins, so the highest tier asked for wins.
// Phrases match as whole words anywhere in the input ("octopus" is not opus).
var tierKeywords = []struct {
	tier tier.Tier
	re   *lazy.Regexp
}{
	{tier.Opus, lazy.NewRegexp(`(?i)\b(?:opus|best\s+model|most\s+capable|smartest|use\s+the\s+gpu)\b`)},
	{tier.Sonnet, lazy.NewRegexp(`(?i)\b(?:think\s+carefully|best\s+reasoning|reason\s+carefully|step\s+by\s+step|use\s+sonnet|sonnet\s+model)\b`)},
	{tier.Haiku, lazy.NewRegexp(`(?i)\b(?:use\s+haiku|haiku\s+model|efficiency\s+mode|quick\s+answer)\b`)},
}

// TierFor returns the tier that words in text ask for, and whether any did.
// With none, the tier is Nano: the cheapest that may serve the request.
func TierFor(text string) (tier.Tier, bool) {
	for _, k := range tierKeywords {
		if k.re.Get().MatchString(text) {
			return k.tier, true
		}
	}
	return tier.Nano, false
}
