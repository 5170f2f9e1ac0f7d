package tui

import (
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
)

// quiet reports whether msg leaves the screen as it is.
func (a *App) quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case spendTickMsg:
		return true
	case spendMsg:
		return m.seq != a.spendSeq || m.spent == a.spent
	}
	for _, p := range a.panes {
		if q, ok := p.(Quieter); ok && q.Quiet(msg) {
			return true
		}
	}
	return false
}

// Quiet: poll ticks, and polls that found no new run, change nothing shown.
func (p *AuditPane) Quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case auditTickMsg:
		return true
	case auditLoadedMsg:
		return m.gen == p.gen && m.seq == p.seq && m.err == nil && !m.first &&
			len(m.entries) == 0 && p.loadErr == ""
	}
	return false
}

// sessionsRefresh bounds how stale the relative times ("5m ago") may get
// while nothing else changes.
const sessionsRefresh = 30 * time.Second

// Quiet: poll ticks, and polls that return the list already shown (while
// its relative times are still fresh), change nothing shown.
func (p *SessionsPane) Quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case sessionsTickMsg:
		return true
	case sessionsLoadedMsg:
		return !p.changes(m)
	}
	return false
}

// changes reports whether a load result would change what the pane shows.
func (p *SessionsPane) changes(m sessionsLoadedMsg) bool {
	if m.seq != p.seq {
		return false // stale: dropped
	}
	if m.err != nil || p.loadErr != "" || !p.loaded || time.Since(p.shownAt) >= sessionsRefresh {
		return true
	}
	return !slices.EqualFunc(sortedSessions(m.list), p.list, func(a, b store.Session) bool {
		return a.ID == b.ID && a.Name == b.Name && a.TurnCount == b.TurnCount && a.UpdatedAt.Equal(b.UpdatedAt)
	})
}

// sortedSessions orders sessions as the pane shows them: newest first.
func sortedSessions(list []store.Session) []store.Session {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b store.Session) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return out
}
