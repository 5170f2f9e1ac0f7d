package hosts

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
)

// Messages of the pane's actions.
type (
	probedMsg struct {
		name   string
		status fleet.HostStatus
		err    error
	}
	scannedMsg struct {
		seq    uint64
		name   string
		info   fleet.KeyInfo
		remedy string // how to clear a changed key
		err    error
	}
	trustedMsg struct {
		name   string
		status fleet.HostStatus
		probed bool // the probe after trusting answered
		err    error
	}
)

// probeCmd probes a host now, in a Cmd: the row says "probing…" until it
// answers.
func (p *Pane) probeCmd(name string) tea.Cmd {
	if p.svc == nil {
		return nil
	}
	if p.probing[name] {
		return kit.Toast(kit.ToastInfo, kit.SafeLine(name)+" is being probed already")
	}
	p.probing[name] = true
	svc := p.svc
	return kit.Query(probeTimeout, func(ctx context.Context) tea.Msg {
		st, err := svc.ProbeNow(ctx, name)
		return probedMsg{name: name, status: st, err: err}
	})
}

// probed reports a probe and reads the hosts again.
func (p *Pane) probed(m probedMsg) tea.Cmd {
	delete(p.probing, m.name)
	name := kit.SafeLine(m.name)
	var toast tea.Cmd
	switch {
	case m.err != nil:
		toast = kit.Toast(kit.ToastError, "probe "+name+": "+kit.Sentence(m.err))
	case m.status.State == fleet.StateOK:
		toast = kit.Toast(kit.ToastInfo, "probed "+name+": ok")
	default:
		text := "probed " + name + ": " + string(m.status.State)
		if why := kit.SafeLine(m.status.Why); why != "" {
			text += ": " + why
		}
		toast = kit.Toast(kit.ToastWarn, text)
	}
	return tea.Batch(p.reload(), toast)
}

// trustKey starts trusting a host's key: the key it presents is fetched,
// then an unknown one is shown for a y/n and a changed one is refused
// with a warning. Only a host that answered its last probe over SSH has
// a key known for sure; any other (down, never probed, stale) is asked,
// so the pane never says a key is trusted that Macroa has not seen.
func (p *Pane) trustKey(h *fleet.HostStatus) tea.Cmd {
	if h.Source != fleet.SourceSSH {
		return kit.Toast(kit.ToastInfo, kit.SafeLine(h.Name)+" is not reached over SSH: it has no key to trust")
	}
	if answered(h.State) {
		return kit.Toast(kit.ToastInfo, kit.SafeLine(h.Name)+"'s key is trusted already")
	}
	if p.svc == nil {
		return nil
	}
	seq, svc, name, refused := p.q.Next(kindScan), p.svc, h.Name, h.State == fleet.StateRefused
	p.scanning = name
	return kit.Query(probeTimeout, func(ctx context.Context) tea.Msg {
		info, err := svc.ScanKey(ctx, name)
		m := scannedMsg{seq: seq, name: name, info: info, err: err}
		// The remedy is read from the known_hosts files: it is there for
		// a known changed key even when the host does not answer now.
		if (err == nil && info.Changed) || (err != nil && refused) {
			if kr, ok := svc.(KeyRemedies); ok {
				m.remedy, _ = kr.KeyRemedy(ctx, name) // without it the warning says less
			}
		}
		return m
	})
}

// scanned opens the trust question on the key fetched, or the warning
// when it differs from the one known.
func (p *Pane) scanned(m scannedMsg) tea.Cmd {
	if !p.q.Current(kindScan, m.seq) {
		return nil // a newer scan
	}
	p.scanning = ""
	if p.prompt != browse {
		return nil // the person is busy with another question
	}
	name := kit.SafeLine(m.name)
	switch {
	case m.err != nil:
		if h, ok := p.host(m.name); ok && h.State == fleet.StateRefused {
			// The host does not answer now, but its key is known to have
			// changed: the warning, with what the last probe saw.
			p.prompt, p.target, p.remedy = keyWarned, m.name, m.remedy
			p.key = fleet.KeyInfo{Host: h.Name, Address: h.Address, Type: h.KeyType, Fingerprint: h.Fingerprint, Known: true, Changed: true}
			return nil
		}
		return kit.Toast(kit.ToastError, "could not read "+name+"'s key: "+kit.SafeLine(m.err.Error()))
	case m.info.Changed:
		p.prompt, p.target, p.key, p.remedy = keyWarned, m.name, m.info, m.remedy
	case m.info.Known:
		return tea.Batch(p.reload(), kit.Toast(kit.ToastInfo, name+"'s key is trusted already"))
	default:
		p.prompt, p.target, p.key = trusting, m.name, m.info
	}
	if p.key.Host == "" {
		p.key.Host = m.name
	}
	return nil
}

// trustCmd trusts the key shown (the question was answered yes) and
// probes the host, so its row fills at once.
func (p *Pane) trustCmd(info fleet.KeyInfo) tea.Cmd {
	if p.svc == nil {
		return nil
	}
	svc := p.svc
	return kit.Query(probeTimeout, func(ctx context.Context) tea.Msg {
		if err := svc.Trust(ctx, info.Host, info.Fingerprint); err != nil {
			return trustedMsg{name: info.Host, err: err}
		}
		st, err := svc.ProbeNow(ctx, info.Host)
		return trustedMsg{name: info.Host, status: st, probed: err == nil}
	})
}

// trusted reports a trust and reads the hosts again.
func (p *Pane) trusted(m trustedMsg) tea.Cmd {
	name := kit.SafeLine(m.name)
	if m.err != nil {
		return tea.Batch(p.reload(), kit.Toast(kit.ToastError, "trust "+name+": "+kit.Sentence(m.err)))
	}
	text := "trusted " + name + "'s key"
	if m.probed {
		text += ": " + string(m.status.State)
	}
	return tea.Batch(p.reload(), kit.Toast(kit.ToastInfo, text))
}
