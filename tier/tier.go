// Package tier names the model tiers Macroa routes between, cheapest first.
package tier

import (
	"fmt"
	"strings"
)

// Tier is a model tier. The zero value is Nano, the cheapest.
type Tier int

const (
	Nano Tier = iota
	Haiku
	Sonnet
	Opus
)

// All lists every tier from cheapest to most capable.
var All = []Tier{Nano, Haiku, Sonnet, Opus}

var names = [...]string{"nano", "haiku", "sonnet", "opus"}

// String returns the lower-case name used in config, audit rows and JSON.
func (t Tier) String() string {
	if t < Nano || t > Opus {
		return fmt.Sprintf("tier(%d)", int(t))
	}
	return names[t]
}

// Parse reads a tier name, case-insensitively.
func Parse(s string) (Tier, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if n == want {
			return Tier(i), nil
		}
	}
	return Nano, fmt.Errorf("unknown tier %q (want nano, haiku, sonnet or opus)", s)
}

// Next returns the tier one step up, and false when t is already the top.
func (t Tier) Next() (Tier, bool) {
	if t >= Opus {
		return Opus, false
	}
	return t + 1, true
}

// MarshalText writes the tier's name.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a tier's name.
func (t *Tier) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}
