package tui

import (
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/panes/approvals"
	"github.com/macroa/macroa/ui/tui/panes/audit"
	"github.com/macroa/macroa/ui/tui/panes/chat"
	"github.com/macroa/macroa/ui/tui/panes/hosts"
	"github.com/macroa/macroa/ui/tui/panes/scheduler"
	"github.com/macroa/macroa/ui/tui/panes/sessions"
)

// registry lists the cockpit's panes in order: focus keys (alt+1…9, and
// plain digits while the focused pane takes no text), the cheat sheet,
// the tabs and the layout are all generated from it. The first pane is the
// chat, which the layout always keeps on screen. Adding a pane is one
// line here (see the package doc).
var registry = []func(o Options) Pane{
	func(o Options) Pane { return chat.New(o.Runner, o.Styles, o.Keys[string(PaneChat)]) },
	func(o Options) Pane { return sessions.New(o.Sessions, o.Styles, o.Keys[string(PaneSessions)]) },
	func(o Options) Pane { return audit.New(o.Audit, o.Styles, o.Keys[string(PaneAudit)]) },
	func(o Options) Pane { return approvals.New(o.Approvals, o.Styles, o.Keys[string(PaneApprovals)]) },
	func(o Options) Pane { return scheduler.New(o.Schedules, o.Styles, o.Keys[string(scheduler.ID)]) },
	func(o Options) Pane { return hosts.New(o.Hosts, o.Styles, o.Keys[string(hosts.ID)]) },
}

// buildPanes builds the registered panes (or o.Panes, for tests) and
// strips dangerous bindings when the cockpit is read-only.
func buildPanes(o Options) []Pane {
	panes := o.Panes
	if panes == nil {
		for _, build := range registry {
			panes = append(panes, build(o))
		}
	}
	if o.ReadOnly {
		for _, p := range panes {
			if s, ok := p.(kit.KeySetter); ok {
				s.SetKeys(kit.ReadOnly(p.Keys()))
			}
		}
	}
	return panes
}
