package hosts

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
)

// bindings are the pane's default keys. Trusting a key and running a
// command change state, so they are dangerous. A probe changes nothing on
// the host, but it connects and runs the probe script there at a key
// press: a read-only cockpit only watches what the poller brings, so the
// probe is dangerous too and --read-only strips it.
func bindings() []kit.Binding {
	return append(kit.ListBindings(),
		kit.NewBinding("detail", "details: every field of the last probe, the alert history", "enter", "d"),
		kit.NewBinding("order", "sort problems first, or by name", "o"),
		kit.NewBinding("probe", "probe the selected host now", "r").Danger(),
		kit.NewBinding("trust", "trust an unknown host's key, after showing its fingerprint (asks y/n)", "t").Danger(),
		kit.NewBinding("shell", "run a shell command on the selected host, through the approval queue", "s").Danger(),
	)
}

// HandleKey answers an open question or prompt first, then the detail
// view's keys, the filter, movement and the pane's actions. esc backs out
// of the prompt, the question, the detail view, then the filter; with
// none of them it is left to the root.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	switch p.prompt {
	case trusting:
		info := p.key
		p.prompt, p.key = browse, fleet.KeyInfo{}
		if k == "y" || k == "Y" {
			return p.trustCmd(info), true
		}
		return nil, true // n, esc or anything else trusts nothing
	case keyWarned:
		p.prompt, p.key = browse, fleet.KeyInfo{}
		return nil, true
	case shelling:
		return p.input.key(p, msg), true
	}
	if p.list.Detail {
		if cmd, ok := p.actionKey(k, p.shownHost()); ok {
			return cmd, true
		}
		if p.list.DetailKey(p.Keys(), k) {
			if !p.list.Detail {
				p.shown = ""
			}
			return nil, true
		}
		return nil, false
	}
	if handled, changed := p.list.FilterKey(p.Keys(), msg); handled {
		if changed {
			p.narrow(p.selectedName())
		}
		return nil, true
	}
	switch {
	case p.list.Move(p.Keys(), k, len(p.rows)):
	case p.Matches("detail", k):
		if h, ok := p.selected(); ok && p.list.OpenDetail(len(p.rows)) {
			p.show(h.Name)
			return p.loadDetail(), true
		}
	case p.Matches("order", k):
		p.byName = !p.byName
		p.narrow(p.selectedName())
		word := "problems first"
		if p.byName {
			word = "by name"
		}
		return kit.Toast(kit.ToastInfo, "hosts sorted "+word), true
	default:
		h, ok := p.selected()
		if !ok {
			h = nil
		}
		return p.actionKey(k, h)
	}
	return nil, true
}

// show opens the detail view on a host, its alert history to be read.
func (p *Pane) show(name string) {
	if p.shown != name {
		p.alerts, p.detailOK, p.detErr = nil, false, ""
	}
	p.shown = name
}

// shownHost is the host the detail view shows, nil when it is gone.
func (p *Pane) shownHost() *fleet.HostStatus {
	h, ok := p.host(p.shown)
	if !ok {
		return nil
	}
	return h
}

// actionKey handles probe, trust and shell on host h (nil: none).
// ok=false: k is none of them.
func (p *Pane) actionKey(k string, h *fleet.HostStatus) (tea.Cmd, bool) {
	switch {
	case p.Matches("probe", k):
		if h == nil {
			return nil, true
		}
		return p.probeCmd(h.Name), true
	case p.Matches("trust", k):
		if h == nil {
			return nil, true
		}
		return p.trustKey(h), true
	case p.Matches("shell", k):
		if h == nil || p.svc == nil {
			return nil, true
		}
		p.prompt, p.target, p.input = shelling, h.Name, newCommandInput()
		return nil, true
	}
	return nil, false
}
