package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// CheckKeys reports problems with the user's rebinds from config.toml that
// only the cockpit can see: an action no pane has, or a rebound key that
// now does two things (two actions of one pane, or a pane action and a
// global one). config.Load already checked the key names themselves.
func (a *App) CheckKeys() error {
	var problems []string
	scopes := map[string][]Binding{"global": a.keys}
	for _, p := range a.panes {
		scopes[string(p.ID())] = p.Keys()
	}
	for scope, actions := range a.o.Keys {
		bindings, ok := scopes[scope]
		if !ok {
			continue // a pane of a later version; config.Load knows the names
		}
		var known []string
		for _, b := range bindings {
			known = append(known, b.Action)
		}
		for action := range actions {
			if !slices.Contains(known, action) {
				sort.Strings(known)
				problems = append(problems, fmt.Sprintf("[keys.%s] %s: no such action (known: %s)", scope, action, strings.Join(known, ", ")))
			}
		}
	}
	for scope, bindings := range scopes {
		if scope == "global" {
			continue
		}
		all := append(slices.Clone(bindings), a.keys...)
		for i, b := range all {
			for _, c := range all[i+1:] {
				if !b.Enabled() || !c.Enabled() || b.Action == c.Action {
					continue
				}
				if !a.rebound(scope, b.Action) && !a.rebound(scope, c.Action) && !a.rebound("global", c.Action) {
					continue // the defaults are known to be consistent
				}
				for _, k := range b.Keys() {
					if slices.Contains(c.Keys(), k) {
						problems = append(problems, fmt.Sprintf("[keys.%s] %q is bound to both %s and %s", scope, k, b.Action, c.Action))
					}
				}
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	return fmt.Errorf("key bindings in config.toml: %s", strings.Join(problems, "; "))
}

func (a *App) rebound(scope, action string) bool {
	_, ok := a.o.Keys[scope][action]
	return ok
}
