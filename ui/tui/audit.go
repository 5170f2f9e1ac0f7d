package tui

import (
	"context"
	"slices"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
)

const (
	auditPollEvery  = 500 * time.Millisecond // how often the tail asks for new runs
	auditFirstLoad  = 500                    // entries loaded when the pane starts
	auditPage       = 500                    // most entries one poll returns
	auditMaxEntries = 10_000                 // entries kept in memory; the oldest go first
	auditTimeout    = 10 * time.Second       // bounds one store call
)

// AuditPane is a live tail of the audit log: every run of every process
// (TUI, REPL, `macroa run`, scheduler). It loads the newest entries, then
// polls for ones after the last it has, newest at the bottom, following
// the tail until the selection is moved up. Rows can be filtered, opened
// in a detail view and copied.
type AuditPane struct {
	b     Backend
	st    Styles
	paint auditPaints // st as escape codes, for the rows
	keys  []Binding
	every time.Duration    // poll interval
	now   func() time.Time // the clock; its Location is the one times are shown in

	entries []store.AuditEntry // oldest first, at most auditMaxEntries
	lastID  store.AuditID      // the newest entry seen
	// outcome is the newest outcome entry of each turn seen: a start record
	// (written before an action ran) is shown only until its outcome comes.
	outcome map[store.TurnID]store.AuditID
	waiting map[store.TurnID]bool // turns with a start record loaded and no outcome yet
	loaded  bool                  // the first load arrived
	loadErr string

	seq uint64 // of the newest query sent; results of older ones are stale
	gen uint64 // of the poll chain Init started; ticks of older chains stop

	filter auditFilter
	view   []int // indexes into entries that pass the filter, oldest first
	cur    listCursor
	follow bool // keep the selection on the newest entry
	page   int  // rows shown by the last View, for page up/down

	detail    bool // the detail view of the selected entry is open
	detailTop int  // its first line shown

	rendered int // rows formatted by the last View (render only what is visible)
}

// auditTickMsg wakes the poll chain of generation gen.
type auditTickMsg struct{ gen uint64 }

// auditLoadedMsg is the result of one audit query, oldest entry first.
type auditLoadedMsg struct {
	seq, gen uint64
	first    bool // the initial RecentAudit load
	entries  []store.AuditEntry
	full     bool // the query hit its limit: more may be waiting
	err      error
}

// auditBindings are the audit pane's default keys.
func auditBindings() []Binding {
	return []Binding{
		NewBinding("up", "up", "up", "k"),
		NewBinding("down", "down", "down", "j"),
		NewBinding("pageup", "page up", "pgup"),
		NewBinding("pagedown", "page down", "pgdown"),
		NewBinding("top", "oldest", "g", "home"),
		NewBinding("bottom", "newest, follow", "G", "end"),
		NewBinding("filter", "cycle filter", "f"),
		NewBinding("detail", "details", "enter"),
		NewBinding("copy", "copy entry", "y"),
	}
}

// NewAuditPane builds the audit pane; keys are the user's rebinds from
// config.toml [keys.audit] (action → keys).
func NewAuditPane(b Backend, st Styles, keys map[string][]string) *AuditPane {
	return &AuditPane{
		b:      b,
		st:     st,
		paint:  newAuditPaints(st),
		keys:   Rebind(auditBindings(), keys),
		every:  auditPollEvery,
		now:    time.Now,
		follow: true,
		page:   10,
	}
}

func (p *AuditPane) ID() PaneID       { return PaneAudit }
func (p *AuditPane) Title() string    { return "audit" }
func (p *AuditPane) Keys() []Binding  { return p.keys }
func (p *AuditPane) Capturing() bool  { return false }
func (p *AuditPane) Len() int         { return len(p.entries) }
func (p *AuditPane) Following() bool  { return p.follow }
func (p *AuditPane) DetailOpen() bool { return p.detail }

// Init starts the poll chain with the first load.
func (p *AuditPane) Init() tea.Cmd {
	p.gen++
	return p.fetch()
}

// fetch returns a Cmd for the next query: the newest auditFirstLoad entries
// until they have arrived, then whatever came after the last entry seen.
// Everything it needs is copied now; the Cmd never reads the pane.
func (p *AuditPane) fetch() tea.Cmd {
	p.seq++
	seq, gen, b, after, first := p.seq, p.gen, p.b, p.lastID, !p.loaded
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), auditTimeout)
		defer cancel()
		if first {
			es, err := b.RecentAudit(ctx, auditFirstLoad)
			slices.Reverse(es) // newest first → oldest first
			return auditLoadedMsg{seq: seq, gen: gen, first: true, entries: es, err: err}
		}
		es, err := b.AuditSince(ctx, after, auditPage)
		return auditLoadedMsg{seq: seq, gen: gen, entries: es, full: len(es) >= auditPage, err: err}
	}
}

// tick schedules the next poll of the current chain.
func (p *AuditPane) tick() tea.Cmd {
	gen := p.gen
	return tea.Tick(p.every, func(time.Time) tea.Msg { return auditTickMsg{gen: gen} })
}

// Update takes the pane's query results and ticks.
func (p *AuditPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case auditTickMsg:
		if msg.gen != p.gen {
			return nil
		}
		return p.fetch()
	case auditLoadedMsg:
		if msg.gen != p.gen {
			return nil // an old chain's answer: its successor is running
		}
		if msg.seq != p.seq {
			return nil // stale: the newer query's answer carries the chain on
		}
		if msg.err != nil {
			p.loadErr = msg.err.Error()
			return p.tick()
		}
		p.loadErr = ""
		p.loaded = true
		p.add(msg.entries)
		if msg.full {
			return p.fetch() // catch up at once
		}
		return p.tick()
	}
	return nil
}

// add appends entries newer than the last one seen, drops the oldest past
// auditMaxEntries, and keeps the selection on the same entry (or on the
// newest while following).
func (p *AuditPane) add(es []store.AuditEntry) {
	selID, hadSel := p.selectedID()
	start := len(p.entries)
	hides := false // a new outcome hides a start record already shown
	for _, e := range es {
		if e.ID <= p.lastID {
			continue // already have it
		}
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
	if drop := len(p.entries) - auditMaxEntries; drop > 0 {
		copy(p.entries, p.entries[drop:])
		clear(p.entries[auditMaxEntries:])
		p.entries = p.entries[:auditMaxEntries]
		hides = true
	}
	if hides {
		p.rebuild(selID, hadSel)
		return
	}
	for i := start; i < len(p.entries); i++ {
		if p.shows(&p.entries[i]) {
			p.view = append(p.view, i)
		}
	}
	if p.follow && !p.detail { // an open detail view keeps its entry
		p.cur.sel = len(p.view) - 1
	}
	p.cur.clamp(len(p.view))
}

// shows reports whether e is a row: it passes the filter, and it is not a
// start record whose outcome has arrived (the outcome row tells it all).
func (p *AuditPane) shows(e *store.AuditEntry) bool {
	if e.Stage == store.StageStart && p.outcome[e.TurnID] > e.ID {
		return false
	}
	return p.filter.match(e)
}

// rebuild recomputes the filtered rows and puts the selection back on the
// entry selID, or the nearest older one still shown.
func (p *AuditPane) rebuild(selID store.AuditID, hadSel bool) {
	p.view = p.view[:0]
	for i := range p.entries {
		if p.shows(&p.entries[i]) {
			p.view = append(p.view, i)
		}
	}
	switch {
	case !hadSel || p.follow && !p.detail:
		p.cur.sel = len(p.view) - 1
	default:
		// The rows are in id order: the last one at or before selID.
		i := sort.Search(len(p.view), func(i int) bool { return p.entries[p.view[i]].ID > selID })
		p.cur.sel = max(0, i-1)
	}
	p.cur.clamp(len(p.view))
}

// selected returns the selected entry.
func (p *AuditPane) selected() (*store.AuditEntry, bool) {
	if len(p.view) == 0 {
		return nil, false
	}
	p.cur.clamp(len(p.view))
	return &p.entries[p.view[p.cur.sel]], true
}

func (p *AuditPane) selectedID() (store.AuditID, bool) {
	e, ok := p.selected()
	if !ok {
		return 0, false
	}
	return e.ID, true
}

// Selected returns a copy of the selected entry.
func (p *AuditPane) Selected() (store.AuditEntry, bool) {
	e, ok := p.selected()
	if !ok {
		return store.AuditEntry{}, false
	}
	return *e, true
}
