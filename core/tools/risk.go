package tools

import "fmt"

// Risk is what a call of a tool may do, from the least to the most a
// person must watch. It is a property of the tool and its arguments,
// never of what a model says about them.
type Risk uint8

const (
	// ReadOnly reads local state and changes nothing: it may run unasked.
	ReadOnly Risk = iota + 1
	// ReadsSecrets reads something that may hold credentials.
	ReadsSecrets
	// ChangesState writes files, memory or the machine's state.
	ChangesState
	// Network reaches another machine.
	Network
	// Unbounded may do anything a command can: what no check showed to be
	// narrower.
	Unbounded
)

var riskNames = [...]string{
	ReadOnly: "read-only", ReadsSecrets: "reads-secrets", ChangesState: "changes-state",
	Network: "network", Unbounded: "unbounded",
}

func (r Risk) valid() bool { return r >= ReadOnly && r <= Unbounded }

// String is the class's name, as an audit entry or a listing shows it.
func (r Risk) String() string {
	if !r.valid() {
		return fmt.Sprintf("risk(%d)", uint8(r))
	}
	return riskNames[r]
}

// RunsUnasked reports whether a call of this class may run without a
// person's approval when a model chose it.
func (r Risk) RunsUnasked() bool { return r == ReadOnly }
