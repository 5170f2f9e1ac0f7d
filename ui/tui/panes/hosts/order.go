package hosts

import (
	"slices"
	"strings"

	"github.com/macroa/macroa/core/fleet"
)

// rank orders the states problems first: what needs a person (a changed
// key, a refused login, a host that does not answer, a key to trust),
// then a firing alert, a warning, old news, never probed, the healthy.
func rank(s fleet.State) int {
	switch s {
	case fleet.StateRefused:
		return 0
	case fleet.StateDenied:
		return 1
	case fleet.StateUnreachable:
		return 2
	case fleet.StateUntrusted:
		return 3
	case fleet.StateAlert:
		return 4
	case fleet.StateWarn:
		return 5
	case fleet.StateStale:
		return 6
	case fleet.StateNew:
		return 7
	case fleet.StateOK:
		return 9
	}
	return 8 // a state this pane does not know yet
}

// needsPerson says the state waits for a person: nothing is measured
// until someone fixes the host, its login or its key.
func needsPerson(s fleet.State) bool { return rank(s) < rank(fleet.StateAlert) }

// answered says the host's last probe answered, so its numbers are
// current (and, over SSH, its key is known).
func answered(s fleet.State) bool {
	return s == fleet.StateOK || s == fleet.StateWarn || s == fleet.StateAlert
}

// narrow matches the hosts against the filter again and sorts the rows,
// keeping the selection on the host keep when it still shows.
func (p *Pane) narrow(keep string) {
	rows := p.rows[:0]
	for i := range p.hosts {
		h := &p.hosts[i]
		if p.list.Query() == "" || p.list.Match(h.Name, h.Address, string(h.State), h.Why, strings.Join(h.Tags, " "), strings.Join(h.Groups, " ")) {
			rows = append(rows, i)
		}
	}
	slices.SortStableFunc(rows, func(a, b int) int {
		x, y := &p.hosts[a], &p.hosts[b]
		if !p.byName {
			if d := rank(x.State) - rank(y.State); d != 0 {
				return d
			}
			if d := y.Alerts - x.Alerts; d != 0 {
				return d
			}
		}
		return strings.Compare(x.Name, y.Name)
	})
	p.rows = rows
	for i, r := range rows {
		if keep != "" && p.hosts[r].Name == keep {
			p.list.Sel = i
		}
	}
	p.list.Clamp(len(rows))
}
