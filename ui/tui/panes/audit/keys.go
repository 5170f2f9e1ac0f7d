package audit

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// filterMode is what the audit rows are filtered by.
type filterMode int

const (
	filterAll      filterMode = iota // every entry
	filterFailures                   // failed runs only
	filterSkill                      // one skill
	filterTier                       // one tier
	filterSource                     // one front end
	filterModes                      // how many modes there are
)

// filter picks the entries the audit pane shows.
type filter struct {
	mode  filterMode
	value string // the skill, tier or source
}

func (f filter) match(e *store.AuditEntry) bool {
	switch f.mode {
	case filterFailures:
		return !e.Success
	case filterSkill:
		return e.Skill == f.value
	case filterTier:
		return e.Tier == f.value
	case filterSource:
		return e.Source == f.value
	}
	return true
}

// String is the filter as the header shows it.
func (f filter) String() string {
	v := f.value
	if v == "" {
		v = "(none)"
	}
	switch f.mode {
	case filterFailures:
		return "failures only"
	case filterSkill:
		return "skill = " + v
	case filterTier:
		return "tier = " + v
	case filterSource:
		return "source = " + v
	}
	return "all"
}

// next is the filter after f: all → failures → skill → tier → source →
// all, each by-value mode taking its value from the selected entry e. With
// no entry selected the by-value modes are skipped.
func (f filter) next(e *store.AuditEntry, ok bool) filter {
	m := (f.mode + 1) % filterModes
	if !ok && m >= filterSkill {
		return filter{}
	}
	switch m {
	case filterSkill:
		return filter{mode: m, value: e.Skill}
	case filterTier:
		return filter{mode: m, value: e.Tier}
	case filterSource:
		return filter{mode: m, value: e.Source}
	}
	return filter{mode: m}
}

// HandleKey moves the selection, filters the rows by text (/) and by
// outcome (f cycles), opens the detail view and copies an entry. esc
// closes the detail view, then the text filter, then the outcome filter;
// with none to undo it is left to the root.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	if p.list.Detail {
		if p.Matches("copy", k) {
			return p.copyCmd(), true
		}
		return nil, p.list.DetailKey(p.Keys(), k)
	}
	if handled, changed := p.list.FilterKey(p.Keys(), msg); handled {
		if changed {
			p.rebuild(p.selectedID())
		}
		return nil, true
	}
	switch {
	case p.list.Move(p.Keys(), k, len(p.view)):
	case p.Matches("filter", k):
		p.setFilter(p.filter.next(p.selected()))
	case p.Matches("detail", k):
		p.list.OpenDetail(len(p.view))
	case p.Matches("copy", k):
		return p.copyCmd(), true
	case k == "esc":
		if p.filter.mode == filterAll {
			return nil, false
		}
		p.setFilter(filter{})
	default:
		return nil, false
	}
	return nil, true
}

// setFilter applies a filter, keeping the selected entry when it passes.
func (p *Pane) setFilter(f filter) {
	id, ok := p.selectedID()
	p.filter = f
	p.rebuild(id, ok)
}

// copyCmd asks the root to copy the selected entry as text.
func (p *Pane) copyCmd() tea.Cmd {
	e, ok := p.selected()
	if !ok {
		return nil
	}
	return kit.Copy(entryText(e, p.now().Location()), "audit entry")
}
