package hosts

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
)

// coreEvent reloads on a change of the hosts in any process and on a
// probe here (only that host's history), and toasts an alert of this
// process.
func (p *Pane) coreEvent(msg kit.CoreEventMsg) tea.Cmd {
	switch e := msg.Event.(type) {
	case events.HostProbed:
		// One host's probe: its history is read, the others' kept.
		cmd := p.read(map[string]bool{e.Host: true})
		if e.Host == p.shown {
			cmd = tea.Batch(cmd, p.loadDetail())
		}
		return cmd
	case events.HostAlert:
		return tea.Batch(p.watch.event(e), p.reload())
	}
	if kit.StoreChanged(msg, events.PartHosts) {
		return p.reload()
	}
	return nil
}

// alertWatch keeps which firing alerts the person was told of, so each
// one that fires is a toast once, whether this process saw it fire (a
// HostAlert event) or another did (found firing on a reload). Alerts
// already firing when the pane opened are counted in the header, not
// toasted one by one.
type alertWatch struct {
	opened time.Time
	primed bool            // the first read was taken
	told   map[string]bool // firing alerts known, by key
}

// alertKey names what an alert is about: host, rule and subject.
func alertKey(host, rule, subject string) string { return host + "\x00" + rule + "\x00" + subject }

// event toasts an alert that fired or cleared in this process.
func (w *alertWatch) event(e events.HostAlert) tea.Cmd {
	if w.told == nil {
		w.told = map[string]bool{}
	}
	k := alertKey(e.Host, e.Rule, e.Subject)
	if !e.Firing {
		delete(w.told, k)
		return kit.Toast(kit.ToastInfo, "cleared on "+kit.SafeLine(e.Host)+": "+alertText(e.Rule, e.Subject, e.Message))
	}
	if w.told[k] {
		return nil
	}
	w.told[k] = true
	return kit.StickyToast(kit.ToastError, "alert on "+kit.SafeLine(e.Host)+": "+alertText(e.Rule, e.Subject, e.Message))
}

// seen takes the alerts firing now: one not told of that fired since the
// pane opened (in another process) is a warning toast; the first read
// only notes them.
func (w *alertWatch) seen(p *Pane, firing []fleet.Alert) tea.Cmd {
	now := make(map[string]bool, len(firing))
	var fresh []fleet.Alert
	for _, a := range firing {
		if !a.Firing() {
			continue
		}
		k := alertKey(a.Host, string(a.Rule), a.Subject)
		now[k] = true
		if w.primed && !w.told[k] && !a.FiredAt.Before(w.opened) {
			fresh = append(fresh, a)
		}
	}
	w.told, w.primed = now, true
	switch len(fresh) {
	case 0:
		return nil
	case 1:
		a := fresh[0]
		return kit.Toast(kit.ToastWarn, "alert on "+kit.SafeLine(a.Host)+": "+alertText(string(a.Rule), a.Subject, a.Message))
	}
	return kit.Toast(kit.ToastWarn, kit.Count(len(fresh))+" new alerts on the hosts: "+kit.SafeLine(fresh[0].Host)+" and more")
}

// alertText is an alert in one clean line: its message, else its rule
// and subject.
func alertText(rule, subject, message string) string {
	if m := kit.SafeLine(message); m != "" {
		return m
	}
	if subject != "" {
		return kit.SafeLine(rule + " " + subject)
	}
	return kit.SafeLine(rule)
}
