package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
)

// auditFilterMode is what the audit rows are filtered by.
type auditFilterMode int

const (
	auditFilterAll      auditFilterMode = iota // every entry
	auditFilterFailures                        // failed runs only
	auditFilterSkill                           // one skill
	auditFilterTier                            // one tier
	auditFilterSource                          // one front end
	auditFilterModes                           // how many modes there are
)

// auditFilter picks the entries the audit pane shows.
type auditFilter struct {
	mode  auditFilterMode
	value string // the skill, tier or source
}

func (f auditFilter) match(e *store.AuditEntry) bool {
	switch f.mode {
	case auditFilterFailures:
		return !e.Success
	case auditFilterSkill:
		return e.Skill == f.value
	case auditFilterTier:
		return e.Tier == f.value
	case auditFilterSource:
		return e.Source == f.value
	}
	return true
}

// String is the filter as the header shows it.
func (f auditFilter) String() string {
	v := f.value
	if v == "" {
		v = "(none)"
	}
	switch f.mode {
	case auditFilterFailures:
		return "failures only"
	case auditFilterSkill:
		return "skill = " + v
	case auditFilterTier:
		return "tier = " + v
	case auditFilterSource:
		return "source = " + v
	}
	return "all"
}

// next is the filter after f: all → failures → skill → tier → source →
// all, each by-value mode taking its value from the selected entry e. With
// no entry selected the by-value modes are skipped.
func (f auditFilter) next(e *store.AuditEntry, ok bool) auditFilter {
	m := (f.mode + 1) % auditFilterModes
	if !ok && m >= auditFilterSkill {
		return auditFilter{}
	}
	switch m {
	case auditFilterSkill:
		return auditFilter{mode: m, value: e.Skill}
	case auditFilterTier:
		return auditFilter{mode: m, value: e.Tier}
	case auditFilterSource:
		return auditFilter{mode: m, value: e.Source}
	}
	return auditFilter{mode: m}
}

// HandleKey moves the selection, cycles the filter, opens the detail view
// and copies an entry. esc closes the detail view, then clears the filter;
// with neither to undo it is left to the root.
func (p *AuditPane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	if p.detail {
		return p.detailKey(k)
	}
	n := len(p.view)
	switch {
	case Matches(p.keys, "up", k):
		p.moveBy(-1)
	case Matches(p.keys, "down", k):
		p.moveBy(1)
	case Matches(p.keys, "pageup", k):
		p.moveBy(-max(1, p.page-1))
	case Matches(p.keys, "pagedown", k):
		p.moveBy(max(1, p.page-1))
	case Matches(p.keys, "top", k):
		p.moveBy(-n)
	case Matches(p.keys, "bottom", k):
		p.moveBy(n)
	case Matches(p.keys, "filter", k):
		p.setFilter(p.filter.next(p.selected()))
	case Matches(p.keys, "detail", k):
		if _, ok := p.selected(); ok {
			p.detail, p.detailTop = true, 0
		}
	case Matches(p.keys, "copy", k):
		return p.copyCmd(), true
	case k == "esc":
		if p.filter.mode == auditFilterAll {
			return nil, false
		}
		p.setFilter(auditFilter{})
	default:
		return nil, false
	}
	return nil, true
}

// moveBy moves the selection; it follows the tail again once it reaches
// the newest row.
func (p *AuditPane) moveBy(delta int) {
	n := len(p.view)
	p.cur.move(delta, n)
	p.follow = p.cur.atEnd(n)
}

// setFilter applies a filter, keeping the selected entry when it passes.
func (p *AuditPane) setFilter(f auditFilter) {
	id, ok := p.selectedID()
	p.filter = f
	p.rebuild(id, ok)
}

// detailKey scrolls, copies and closes the detail view.
func (p *AuditPane) detailKey(k string) (tea.Cmd, bool) {
	switch {
	case k == "esc" || Matches(p.keys, "detail", k):
		p.detail = false
	case Matches(p.keys, "up", k):
		p.detailTop = max(0, p.detailTop-1)
	case Matches(p.keys, "down", k):
		p.detailTop++ // View clamps it
	case Matches(p.keys, "pageup", k):
		p.detailTop = max(0, p.detailTop-max(1, p.page-1))
	case Matches(p.keys, "pagedown", k):
		p.detailTop += max(1, p.page-1)
	case Matches(p.keys, "top", k):
		p.detailTop = 0
	case Matches(p.keys, "bottom", k):
		p.detailTop = 1 << 30
	case Matches(p.keys, "copy", k):
		return p.copyCmd(), true
	default:
		return nil, false
	}
	return nil, true
}

// copyCmd asks the root to copy the selected entry as text.
func (p *AuditPane) copyCmd() tea.Cmd {
	e, ok := p.selected()
	if !ok {
		return nil
	}
	text := auditEntryText(e, p.now().Location())
	return func() tea.Msg { return CopyMsg{Text: text, What: "audit entry"} }
}
