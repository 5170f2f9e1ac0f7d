package tui

import (
	"charm.land/bubbles/v2/key"
)

// Binding is one key binding of a pane: the action it names (the name users
// rebind in config.toml under [keys.<pane>]), its keys and its help text.
type Binding struct {
	Action string
	key.Binding
}

// NewBinding builds a binding for action with default keys and help text.
func NewBinding(action, help string, keys ...string) Binding {
	return Binding{Action: action, Binding: key.NewBinding(key.WithKeys(keys...), key.WithHelp(keyLabel(keys), help))}
}

// keyLabel is how a binding's keys are shown: "enter", "alt+enter/ctrl+j".
func keyLabel(keys []string) string {
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += "/"
		}
		s += k
	}
	return s
}

// Rebind applies user bindings (action → keys) from config.toml to a
// pane's defaults; actions not named keep their keys, and an empty list
// unbinds an action.
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

// Matches reports whether msg is one of action's keys in bindings.
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
