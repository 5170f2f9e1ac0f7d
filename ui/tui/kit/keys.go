package kit

import (
	"strings"

	"charm.land/bubbles/v2/key"
)

// Binding is one key binding of a pane: the action it names (the name users
// rebind in config.toml under [keys.<pane>]), its keys and its help text.
// Dangerous marks an action that changes state a person may regret
// (delete, approve, reject, restart); ReadOnly strips those.
type Binding struct {
	Action    string
	Dangerous bool
	key.Binding
}

// NewBinding builds a binding for action with default keys and help text.
func NewBinding(action, help string, keys ...string) Binding {
	return Binding{Action: action, Binding: key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), help))}
}

// Danger returns b marked dangerous.
func (b Binding) Danger() Binding {
	b.Dangerous = true
	return b
}

// keyLabel is how a binding's keys are shown: "enter", "alt+enter/ctrl+j".
func keyLabel(keys []string) string { return strings.Join(keys, "/") }

// Rebind applies user bindings (action → keys) from config.toml to a
// pane's defaults; actions not named keep their keys, and an empty list
// unbinds an action. The dangerous flag stays with the action.
func Rebind(defaults []Binding, user map[string][]string) []Binding {
	out := make([]Binding, len(defaults))
	for i, b := range defaults {
		out[i] = b
		if keys, ok := user[b.Action]; ok {
			out[i].Binding = key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), b.Help().Desc))
			if len(keys) == 0 {
				out[i].SetEnabled(false)
			}
		}
	}
	return out
}

// ReadOnly returns bindings with every dangerous one disabled: the one
// place a read-only cockpit takes away what would change state. Matches
// ignores a disabled binding, so the pane never sees its action.
func ReadOnly(bindings []Binding) []Binding {
	out := make([]Binding, len(bindings))
	for i, b := range bindings {
		out[i] = b
		if b.Dangerous {
			out[i].SetEnabled(false)
		}
	}
	return out
}

// Matches reports whether k is one of action's keys in bindings.
func Matches(bindings []Binding, action string, k string) bool {
	for _, b := range bindings {
		if b.Action == action && b.Enabled() {
			for _, bk := range b.Keys() {
				if bk == k {
					return true
				}
			}
		}
	}
	return false
}

// KeyLabel is the first key bound to action, for hints ("n"); "?" when
// the action has no key.
func KeyLabel(bindings []Binding, action string) string {
	for _, b := range bindings {
		if b.Action == action && b.Enabled() && len(b.Keys()) > 0 {
			return b.Keys()[0]
		}
	}
	return "?"
}

// ReadOnlyKey returns the binding k belonged to before ReadOnly took it
// away, so a read-only cockpit can say why the key does nothing.
func ReadOnlyKey(bindings []Binding, k string) (Binding, bool) {
	for _, b := range bindings {
		if b.Dangerous && !b.Enabled() {
			for _, bk := range b.Keys() {
				if bk == k {
					return b, true
				}
			}
		}
	}
	return Binding{}, false
}
