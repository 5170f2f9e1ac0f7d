// Package sessions is the cockpit's sessions pane: the named sessions,
// newest first, with the one the chat shows marked; it creates, renames,
// deletes and switches sessions. It reloads when the store says sessions
// changed (a StoreChanged core event) and after its own actions, never on
// a timer; every store call runs in a tea.Cmd.
package sessions

import (
	"context"
	"slices"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// Service is what the pane asks of the core. The methods take a context
// and plain data, so an in-process facade or a remote client can serve it.
type Service interface {
	Sessions(ctx context.Context) ([]store.Session, error)
	EnsureSession(ctx context.Context, name string) (store.Session, error)
	RenameSession(ctx context.Context, from, to string) error
	DeleteSession(ctx context.Context, name string) (bool, error)
}

// timeout bounds one store call of the pane.
const timeout = 10 * time.Second

// mode is what the pane's inline prompt is doing.
type mode int

const (
	browse        mode = iota // no prompt
	naming                    // typing a new session's name
	renaming                  // typing a new name for target
	confirmDelete             // "delete session X? y/n"
)

// Pane lists the named sessions.
type Pane struct {
	kit.Base
	b   Service
	st  kit.Styles
	now func() time.Time // the clock for "last active"; its Location is used for dates

	list    []store.Session // newest first
	loaded  bool
	loadErr string
	current string   // the session the chat shows
	rows    []int    // indexes into list of the sessions the filter passes
	cur     kit.List // the selection over rows; movement, paging and the filter
	want    string   // select this session when the next list arrives

	seq uint64 // of the newest list query sent; results of older ones are stale

	mode   mode
	target string // the session being renamed or deleted
	input  filter.Input
}

// loadedMsg is the result of one list query.
type loadedMsg struct {
	seq  uint64
	list []store.Session
	err  error
}

// doneMsg is the result of a create, rename or delete.
type doneMsg struct {
	op      mode
	name    string // the session created, renamed or deleted
	to      string // the new name (rename)
	deleted bool   // the session existed (delete)
	err     error
}

// bindings are the pane's default keys.
func bindings() []kit.Binding {
	return append(kit.ListBindings(),
		kit.NewBinding("switch", "open in chat", "enter"),
		// Creating and renaming change state like deleting: a read-only
		// cockpit has none of them.
		kit.NewBinding("new", "new session", "n").Danger(),
		kit.NewBinding("rename", "rename", "r").Danger(),
		kit.NewBinding("delete", "delete", "d").Danger(),
	)
}

// New builds the sessions pane; keys are the user's rebinds from
// config.toml [keys.sessions] (action → keys).
func New(b Service, st kit.Styles, keys map[string][]string) *Pane {
	return &Pane{
		Base:  kit.NewBase(kit.PaneSessions, "sessions", bindings(), keys),
		b:     b,
		st:    st,
		now:   time.Now,
		input: filter.New(store.MaxSessionName),
	}
}

// SetClock replaces the clock the pane measures "last active" with.
func (p *Pane) SetClock(now func() time.Time) { p.now = now }

// Capturing is true while an inline prompt (a name, or the y/n of a
// delete) is open or the filter is typed: every key then belongs to it.
func (p *Pane) Capturing() bool { return p.mode != browse || p.cur.Filtering }

// Badge is the number of sessions, once they are known.
func (p *Pane) Badge() string {
	if !p.loaded {
		return ""
	}
	return strconv.Itoa(len(p.list))
}

// Init loads the list.
func (p *Pane) Init() tea.Cmd { return p.load() }

// Selected returns the name of the selected session ("" when none).
func (p *Pane) Selected() string {
	if len(p.rows) == 0 {
		return ""
	}
	p.cur.Clamp(len(p.rows))
	return p.list[p.rows[p.cur.Sel]].Name
}

// narrow matches the sessions against the filter again and keeps the
// selection on the session keep when it still shows.
func (p *Pane) narrow(keep string) {
	p.rows = p.rows[:0]
	for i := range p.list {
		if p.cur.Match(p.list[i].Name) {
			p.rows = append(p.rows, i)
		}
	}
	if i := slices.IndexFunc(p.rows, func(r int) bool { return p.list[r].Name == keep }); i >= 0 {
		p.cur.Sel = i
	}
	p.cur.Clamp(len(p.rows))
}

// Current returns the session the chat shows, as last reported.
func (p *Pane) Current() string { return p.current }

// load returns a Cmd that lists the sessions. Its result carries a new
// sequence number; any result of an earlier query is dropped.
func (p *Pane) load() tea.Cmd {
	p.seq++
	seq, b := p.seq, p.b
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		list, err := b.Sessions(ctx)
		return loadedMsg{seq: seq, list: list, err: err}
	}
}

// Update takes the pane's query results, store changes, the chat's
// session changes, and (while a prompt is open) pastes.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.CoreEventMsg:
		if kit.StoreChanged(msg, events.PartSessions) {
			return p.load()
		}
		return nil
	case loadedMsg:
		if msg.seq != p.seq {
			return nil // stale: a newer query is on its way
		}
		p.apply(msg)
		return nil
	case doneMsg:
		return p.done(msg)
	case kit.SessionChangedMsg:
		p.current = msg.Name
		return nil
	}
	if p.mode == naming || p.mode == renaming {
		p.input.Update(msg) // a paste
	} else if p.cur.FilterPaste(msg) {
		p.narrow(p.Selected())
	}
	return nil
}

// apply takes a fresh list, keeping the selection on the same session.
func (p *Pane) apply(msg loadedMsg) {
	if msg.err != nil {
		p.loadErr = msg.err.Error()
		return
	}
	keep := p.want
	if keep == "" {
		keep = p.Selected()
	}
	p.want = ""
	p.loadErr = ""
	p.loaded = true
	p.list = sorted(msg.list)
	p.narrow(keep)
}

// Quiet: a reload that returns the list already shown changes nothing.
func (p *Pane) Quiet(msg tea.Msg) bool {
	m, ok := msg.(loadedMsg)
	return ok && !p.changes(m)
}

// changes reports whether a load result would change what the pane shows.
func (p *Pane) changes(m loadedMsg) bool {
	if m.seq != p.seq {
		return false // stale: dropped
	}
	if m.err != nil || p.loadErr != "" || !p.loaded {
		return true
	}
	return !slices.EqualFunc(sorted(m.list), p.list, func(a, b store.Session) bool {
		return a.ID == b.ID && a.Name == b.Name && a.TurnCount == b.TurnCount && a.UpdatedAt.Equal(b.UpdatedAt)
	})
}

// sorted orders sessions as the pane shows them: newest first.
func sorted(list []store.Session) []store.Session {
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b store.Session) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return out
}
