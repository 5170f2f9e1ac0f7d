package router

import (
	"strings"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/tier"
)

// tierKeywords maps phrases to the tier they ask for, most expensive first:
// the first family that matches wins, so the highest tier asked for wins.
// Phrases match as whole words anywhere in the input ("octopus" is not opus).
// words are the lower-case words the family's phrases start with: ASCII
// text holding none of them cannot match, so most requests never compile
// or run the expressions.
var tierKeywords = []struct {
	tier  tier.Tier
	words []string
	re    *lazy.Regexp
}{
	{tier.Opus, []string{"opus", "best", "most", "smartest", "use"},
		lazy.NewRegexp(`(?i)\b(?:opus|best\s+model|most\s+capable|smartest|use\s+the\s+gpu)\b`)},
	{tier.Sonnet, []string{"think", "best", "reason", "step", "use", "sonnet"},
		lazy.NewRegexp(`(?i)\b(?:think\s+carefully|best\s+reasoning|reason\s+carefully|step\s+by\s+step|use\s+sonnet|sonnet\s+model)\b`)},
	{tier.Haiku, []string{"use", "haiku", "efficiency", "quick"},
		lazy.NewRegexp(`(?i)\b(?:use\s+haiku|haiku\s+model|efficiency\s+mode|quick\s+answer)\b`)},
}

// TierFor returns the tier that words in text ask for, and whether any did.
// With none, the tier is Nano: the cheapest that may serve the request.
func TierFor(text string) (tier.Tier, bool) {
	// (?i) folds some non-ASCII letters to ASCII ones (the Kelvin sign is
	// a k): only ASCII text is safe to rule out by its lower-case words.
	lower, ascii := asciiLower(text)
	for _, k := range tierKeywords {
		if ascii && !containsAny(lower, k.words) {
			continue
		}
		if k.re.Get().MatchString(text) {
			return k.tier, true
		}
	}
	return tier.Nano, false
}

// asciiLower returns s in lower case and whether s is all ASCII.
func asciiLower(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
