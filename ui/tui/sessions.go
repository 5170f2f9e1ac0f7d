package tui

import (
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// sessionsPollEvery is how often the sessions pane asks for the list, so a
// session another process created (`macroa run --session x`) shows up
// within a second.
const sessionsPollEvery = time.Second

// sessionsTimeout bounds one store call of the sessions pane.
const sessionsTimeout = 10 * time.Second

// sessionsMode is what the sessions pane's inline prompt is doing.
type sessionsMode int

const (
	sessionsBrowse        sessionsMode = iota // no prompt
	sessionsNew                               // typing a new session's name
	sessionsRename                            // typing a new name for target
	sessionsConfirmDelete                     // "delete session X? y/n"
)

// SessionsPane lists the named sessions, newest first, marks the one the
// chat shows, and creates, renames, deletes and switches sessions. It polls
// the backend every second; every store call runs in a tea.Cmd.
type SessionsPane struct {
	b     Backend
	st    Styles
	keys  []Binding
	every time.Duration    // poll interval
	now   func() time.Time // the clock for "last active"; its Location is used for dates

	list    []store.Session // newest first
	loaded  bool
	loadErr string
	current string // the session the chat shows
	cur     listCursor
	want    string // select this session when the next list arrives

	seq uint64 // of the newest list query sent; results of older ones are stale
	gen uint64 // of the poll chain Init started; ticks of older chains stop

	mode    sessionsMode
	target  string // the session being renamed or deleted
	input   filter.Input
	shownAt time.Time // when the list was last applied (see Quiet)
}

// sessionsTickMsg wakes the poll chain of generation gen.
type sessionsTickMsg struct{ gen uint64 }

// sessionsLoadedMsg is the result of one list query.
type sessionsLoadedMsg struct {
	seq  uint64
	gen  uint64
	poll bool // part of the poll chain: schedules the next tick
	list []store.Session
	err  error
}

// sessionsDoneMsg is the result of a create, rename or delete.
type sessionsDoneMsg struct {
	op      sessionsMode
	name    string // the session created, renamed or deleted
	to      string // the new name (rename)
	deleted bool   // the session existed (delete)
	err     error
}

// sessionsBindings are the sessions pane's default keys.
func sessionsBindings() []Binding {
	return []Binding{
		NewBinding("up", "up", "up", "k"),
		NewBinding("down", "down", "down", "j"),
		NewBinding("switch", "open in chat", "enter"),
		NewBinding("new", "new session", "n"),
		NewBinding("rename", "rename", "r"),
		NewBinding("delete", "delete", "d"),
	}
}

// NewSessionsPane builds the sessions pane; keys are the user's rebinds
// from config.toml [keys.sessions] (action → keys).
func NewSessionsPane(b Backend, st Styles, keys map[string][]string) *SessionsPane {
	return &SessionsPane{
		b:     b,
		st:    st,
		keys:  Rebind(sessionsBindings(), keys),
		every: sessionsPollEvery,
		now:   time.Now,
		input: filter.New(store.MaxSessionName),
	}
}

func (p *SessionsPane) ID() PaneID      { return PaneSessions }
func (p *SessionsPane) Title() string   { return "sessions" }
func (p *SessionsPane) Keys() []Binding { return p.keys }

// Capturing is true while an inline prompt (a name, or the y/n of a
// delete) is open: every key then belongs to the prompt.
func (p *SessionsPane) Capturing() bool { return p.mode != sessionsBrowse }

// Init starts the poll chain with an immediate load.
func (p *SessionsPane) Init() tea.Cmd {
	p.gen++
	return p.load(true)
}

// Selected returns the name of the selected session ("" when none).
func (p *SessionsPane) Selected() string {
	if len(p.list) == 0 {
		return ""
	}
	p.cur.clamp(len(p.list))
	return p.list[p.cur.sel].Name
}

// Current returns the session the chat shows, as last reported.
func (p *SessionsPane) Current() string { return p.current }

// load returns a Cmd that lists the sessions. Its result carries a new
// sequence number; any result of an earlier query is dropped.
func (p *SessionsPane) load(poll bool) tea.Cmd {
	p.seq++
	seq, gen, b := p.seq, p.gen, p.b
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), sessionsTimeout)
		defer cancel()
		list, err := b.Sessions(ctx)
		return sessionsLoadedMsg{seq: seq, gen: gen, poll: poll, list: list, err: err}
	}
}

// tick schedules the next poll of the current chain.
func (p *SessionsPane) tick() tea.Cmd {
	gen := p.gen
	return tea.Tick(p.every, func(time.Time) tea.Msg { return sessionsTickMsg{gen: gen} })
}

// Update takes the pane's query results and ticks, the chat's session
// changes, and (while a prompt is open) pastes.
func (p *SessionsPane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case sessionsTickMsg:
		if msg.gen != p.gen {
			return nil
		}
		return p.load(true)
	case sessionsLoadedMsg:
		var next tea.Cmd
		if msg.poll && msg.gen == p.gen {
			next = p.tick()
		}
		if msg.seq != p.seq {
			return next // stale: a newer query is on its way
		}
		p.apply(msg)
		return next
	case sessionsDoneMsg:
		return p.done(msg)
	case SessionChangedMsg:
		p.current = msg.Name
		return nil
	}
	if p.mode == sessionsNew || p.mode == sessionsRename {
		p.input.Update(msg) // a paste
	}
	return nil
}

// apply takes a fresh list, keeping the selection on the same session.
func (p *SessionsPane) apply(msg sessionsLoadedMsg) {
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
	p.shownAt = time.Now()
	p.list = sortedSessions(msg.list)
	if i := slices.IndexFunc(p.list, func(s store.Session) bool { return s.Name == keep }); i >= 0 {
		p.cur.sel = i
	}
	p.cur.clamp(len(p.list))
}
