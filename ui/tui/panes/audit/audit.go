// Package audit is the cockpit's audit pane: a live tail of the audit log,
// every run of every process (TUI, REPL, `macroa run`, scheduler). It loads
// the newest entries, then reads the ones after the last it has whenever
// the store says the audit log changed (a StoreChanged core event); it
// keeps no timer of its own.
package audit

import (
	"context"
	"slices"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

const (
	firstLoad  = 500              // entries loaded when the pane starts
	pageSize   = 500              // most entries one read returns
	maxEntries = 10_000           // entries kept in memory; the oldest go first
	timeout    = 10 * time.Second // bounds one store call
)

// Feed is what the pane asks of the core: the newest entries, then the
// ones after the last it has. The methods take a context and plain data,
// so an in-process facade or a remote client can serve it.
type Feed interface {
	RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error)
	AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error)
}

// Pane is the audit tail, newest at the bottom, following the tail until
// the selection is moved up. Rows can be filtered, opened in a detail view
// and copied.
type Pane struct {
	kit.Base
	b     Feed
	st    kit.Styles
	paint paints           // st as escape codes, for the rows
	now   func() time.Time // the clock; its Location is the one times are shown in

	entries []store.AuditEntry // oldest first, at most maxEntries
	lastID  store.AuditID      // the newest entry seen
	// outcome is the newest outcome entry of each turn seen: a start record
	// (written before an action ran) is shown only until its outcome comes.
	outcome map[store.TurnID]store.AuditID
	waiting map[store.TurnID]bool // turns with a start record loaded and no outcome yet
	loaded  bool                  // the first load arrived
	loadErr string
	unseen  int // entries that arrived since the pane last had focus

	seq uint64 // of the newest query sent; results of older ones are stale

	filter filter
	view   []int // indexes into entries that pass the filter, oldest first
	list   kit.List

	rendered int // rows formatted by the last View (render only what is visible)
}

// loadedMsg is the result of one audit query, oldest entry first.
type loadedMsg struct {
	seq     uint64
	first   bool // the initial RecentAudit load
	entries []store.AuditEntry
	full    bool // the query hit its limit: more may be waiting
	err     error
}

// bindings are the pane's default keys.
func bindings() []kit.Binding {
	keys := kit.ListBindings()
	for i := range keys {
		switch keys[i].Action {
		case "top":
			keys[i] = kit.NewBinding("top", "oldest", "g", "home")
		case "bottom":
			keys[i] = kit.NewBinding("bottom", "newest, follow", "G", "end")
		}
	}
	return append(keys,
		kit.NewBinding("filter", "cycle filter", "f"),
		kit.NewBinding("detail", "details", "enter"),
		kit.NewBinding("copy", "copy entry", "y"),
	)
}

// New builds the audit pane; keys are the user's rebinds from
// config.toml [keys.audit] (action → keys).
func New(b Feed, st kit.Styles, keys map[string][]string) *Pane {
	return &Pane{
		Base:  kit.NewBase(kit.PaneAudit, "audit", bindings(), keys),
		b:     b,
		st:    st,
		paint: newPaints(st),
		now:   time.Now,
		list:  kit.List{Follow: true, Page: 10},
	}
}

// SetClock replaces the clock the pane shows times with.
func (p *Pane) SetClock(now func() time.Time) { p.now = now }

func (p *Pane) Len() int         { return len(p.entries) }
func (p *Pane) Following() bool  { return p.list.Follow }
func (p *Pane) DetailOpen() bool { return p.list.Detail }

// Badge says how many runs arrived while the pane was out of focus, else
// how many it holds.
func (p *Pane) Badge() string {
	switch {
	case !p.loaded:
		return ""
	case p.unseen > 0:
		return kit.Count(p.unseen) + " new"
	}
	return kit.Count(len(p.entries))
}

// Init starts the first load.
func (p *Pane) Init() tea.Cmd { return p.fetch() }

// fetch returns a Cmd for the next query: the newest firstLoad entries
// until they have arrived, then whatever came after the last entry seen.
// Everything it needs is copied now; the Cmd never reads the pane.
func (p *Pane) fetch() tea.Cmd {
	p.seq++
	seq, b, after, first := p.seq, p.b, p.lastID, !p.loaded
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if first {
			es, err := b.RecentAudit(ctx, firstLoad)
			slices.Reverse(es) // newest first → oldest first
			return loadedMsg{seq: seq, first: true, entries: es, err: err}
		}
		es, err := b.AuditSince(ctx, after, pageSize)
		return loadedMsg{seq: seq, entries: es, full: len(es) >= pageSize, err: err}
	}
}

// Update takes the pane's query results and the store's changes.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.CoreEventMsg:
		if kit.StoreChanged(msg, events.PartAudit) {
			return p.fetch()
		}
	case tea.PasteMsg:
		if p.list.FilterPaste(msg) {
			p.rebuild(p.selectedID())
		}
	case loadedMsg:
		if msg.seq != p.seq {
			return nil // stale: the newer query's answer counts
		}
		if msg.err != nil {
			p.loadErr = msg.err.Error()
			return nil // the next change tries again
		}
		p.loadErr = ""
		first := !p.loaded
		p.loaded = true
		n := p.add(msg.entries)
		if !first {
			p.unseen += n
		}
		if msg.full {
			return p.fetch() // catch up at once
		}
	}
	return nil
}

// Quiet: a read that found nothing new changes nothing shown.
func (p *Pane) Quiet(msg tea.Msg) bool {
	m, ok := msg.(loadedMsg)
	return ok && m.seq == p.seq && m.err == nil && !m.first && len(m.entries) == 0 && p.loadErr == ""
}

// add appends entries newer than the last one seen, drops the oldest past
// maxEntries, and keeps the selection on the same entry (or on the newest
// while following). It returns how many entries were new.
func (p *Pane) add(es []store.AuditEntry) int {
	selID, hadSel := p.selectedID()
	start := len(p.entries)
	hides := false // a new outcome hides a start record already shown
	added := 0
	for _, e := range es {
		if e.ID <= p.lastID {
			continue // already have it
		}
		added++
		p.entries = append(p.entries, e)
		p.lastID = e.ID
		if e.Stage == store.StageStart {
			if p.waiting == nil {
				p.waiting = map[store.TurnID]bool{}
			}
			p.waiting[e.TurnID] = true
			continue
		}
		if p.outcome == nil {
			p.outcome = map[store.TurnID]store.AuditID{}
		}
		p.outcome[e.TurnID] = e.ID
		hides = hides || p.waiting[e.TurnID]
		delete(p.waiting, e.TurnID)
	}
	if drop := len(p.entries) - maxEntries; drop > 0 {
		copy(p.entries, p.entries[drop:])
		clear(p.entries[maxEntries:])
		p.entries = p.entries[:maxEntries]
		hides = true
	}
	if hides {
		p.rebuild(selID, hadSel)
		return added
	}
	for i := start; i < len(p.entries); i++ {
		if p.shows(&p.entries[i]) {
			p.view = append(p.view, i)
		}
	}
	if p.list.Follow && !p.list.Detail { // an open detail view keeps its entry
		p.list.Sel = len(p.view) - 1
	}
	p.list.Clamp(len(p.view))
	return added
}

// shows reports whether e is a row: it passes the filter, and it is not a
// start record whose outcome has arrived (the outcome row tells it all).
func (p *Pane) shows(e *store.AuditEntry) bool {
	if e.Stage == store.StageStart && p.outcome[e.TurnID] > e.ID {
		return false
	}
	return p.filter.match(e) && p.list.Match(e.Input, e.Session, e.Skill, e.Source, e.Tier, e.Error)
}

// Capturing is true while the text filter is typed.
func (p *Pane) Capturing() bool { return p.list.Filtering }

// rebuild recomputes the filtered rows and puts the selection back on the
// entry selID, or the nearest older one still shown.
func (p *Pane) rebuild(selID store.AuditID, hadSel bool) {
	p.view = p.view[:0]
	for i := range p.entries {
		if p.shows(&p.entries[i]) {
			p.view = append(p.view, i)
		}
	}
	switch {
	case !hadSel || p.list.Follow && !p.list.Detail:
		p.list.Sel = len(p.view) - 1
	default:
		// The rows are in id order: the last one at or before selID.
		i := sort.Search(len(p.view), func(i int) bool { return p.entries[p.view[i]].ID > selID })
		p.list.Sel = max(0, i-1)
	}
	p.list.Clamp(len(p.view))
}

// selected returns the selected entry.
func (p *Pane) selected() (*store.AuditEntry, bool) {
	if len(p.view) == 0 {
		return nil, false
	}
	p.list.Clamp(len(p.view))
	return &p.entries[p.view[p.list.Sel]], true
}

func (p *Pane) selectedID() (store.AuditID, bool) {
	e, ok := p.selected()
	if !ok {
		return 0, false
	}
	return e.ID, true
}

// Selected returns a copy of the selected entry.
func (p *Pane) Selected() (store.AuditEntry, bool) {
	e, ok := p.selected()
	if !ok {
		return store.AuditEntry{}, false
	}
	return *e, true
}
