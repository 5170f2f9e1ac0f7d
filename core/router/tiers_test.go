package router

import (
	"testing"

	"github.com/macroa/macroa/tier"
)

// The word filter never changes the answer: TierFor agrees with running
// every family's expression, on text that asks for a tier and text that
// only comes close.
func TestTierForMatchesExpressions(t *testing.T) {
	inputs := []string{
		"what is my x", "", "use the GPU for this", "USE   SONNET please", "think\tcarefully about it",
		"Step by step, how do I", "a quick answer: yes?", "the best model you have", "the best reasoning",
		"most capable model", "smartest", "octopus", "used haiku", "haiku model", "efficiency mode on",
		"reason carefully", "because user opus", "sonnets", "use haiku", "bestmodel",
		// (?i) folds the Kelvin sign to k and the long s to s.
		"use the gpu \u212a", "u\u017fe sonnet", "\u017fmartest", "quic\u212a answer",
	}
	for _, in := range inputs {
		want, wantOK := tier.Nano, false
		for _, k := range tierKeywords {
			if k.re.Get().MatchString(in) {
				want, wantOK = k.tier, true
				break
			}
		}
		if got, ok := TierFor(in); got != want || ok != wantOK {
			t.Errorf("TierFor(%q) = %v, %v; the expressions say %v, %v", in, got, ok, want, wantOK)
		}
	}
}

// Every phrase of a family starts with one of its filter words, so ASCII
// text asking for the tier is never filtered out.
func TestTierForPhrases(t *testing.T) {
	tests := []struct {
		in   string
		want tier.Tier
	}{
		{"Opus please", tier.Opus}, {"the BEST MODEL", tier.Opus}, {"most capable", tier.Opus},
		{"smartest one", tier.Opus}, {"use the gpu", tier.Opus},
		{"think carefully", tier.Sonnet}, {"best reasoning", tier.Sonnet}, {"reason carefully", tier.Sonnet},
		{"step by step", tier.Sonnet}, {"use sonnet", tier.Sonnet}, {"sonnet model", tier.Sonnet},
		{"use haiku", tier.Haiku}, {"haiku model", tier.Haiku}, {"efficiency mode", tier.Haiku}, {"quick answer", tier.Haiku},
	}
	for _, tt := range tests {
		if got, ok := TierFor(tt.in); !ok || got != tt.want {
			t.Errorf("TierFor(%q) = %v, %v; want %v, true", tt.in, got, ok, tt.want)
		}
	}
}
