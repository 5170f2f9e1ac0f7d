// Package approvals is the cockpit's approvals pane: the actions waiting
// for a person, pending first by risk and age, with their details (the
// exact command or diff, why it was proposed, the gate's decision);
// a approves (a second confirmation for high and critical risk), A
// approves and remembers the decision as a rule, r rejects with an
// optional note, h shows the decided entries and R the remembered rules.
// Approving runs the action in a tea.Cmd, and the lines it prints stream
// into the detail view. The pane reloads when the store says approvals
// changed (a StoreChanged core event) or an ApprovalChanged event comes,
// and after its own actions; it keeps no timer of its own. After each
// read it tells the cockpit which entries began waiting since the last
// one (WaitingMsg), whichever process proposed them.
package approvals

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// Service is what the pane asks of the core. The methods take a context
// and plain data, so an in-process facade or a remote client can serve it.
type Service interface {
	// ListApprovals returns entries in the store's order (ApprovalQuery):
	// pending first, highest risk then oldest, then the rest newest first.
	ListApprovals(ctx context.Context, q store.ApprovalQuery) ([]store.Approval, error)
	ApprovalCounts(ctx context.Context) (store.ApprovalCounts, error)
	GetApproval(ctx context.Context, id store.ApprovalID) (store.Approval, error)
	// Approve decides and runs an entry; it returns when the run ends.
	Approve(ctx context.Context, id store.ApprovalID, d approvals.Decider, r approvals.Remember) (store.Approval, error)
	Reject(ctx context.Context, id store.ApprovalID, d approvals.Decider, note string) (store.Approval, error)
	ApprovalRules(ctx context.Context) ([]store.ApprovalRule, error)
	RevokeApprovalRule(ctx context.Context, id store.ApprovalRuleID, d approvals.Decider) error
}

const (
	timeout     = 10 * time.Second // bounds one query of the pane
	maxOpen     = 5000             // most pending and running entries loaded
	historyPage = 200              // decided entries one history read returns
	maxLive     = 2000             // streamed output lines kept for the detail view
	maxNote     = 1000             // most runes a rejection's note takes
)

// which names one of the pane's three lists.
type which int

const (
	open    which = iota // pending, approved and running entries
	history              // decided entries, newest first
	rules                // remembered decisions
)

// mode is what the pane's footer prompt is doing.
type mode int

const (
	browse  mode = iota // no prompt
	confirm             // "approve HIGH risk …? a/y runs it, esc cancels"
	scope               // "remember for: s session · h host · w always"
	noting              // typing a rejection's note
)

// Pane lists the approval queue.
type Pane struct {
	kit.Base
	svc     Service
	st      kit.Styles
	paint   paints
	now     func() time.Time
	decider func() approvals.Decider // who answers from here; called in a Cmd

	view   which
	lists  [3]kit.List // the cursor, filter and detail view of each list
	rows   [3][]int    // indexes into the list's entries that pass its filter
	counts store.ApprovalCounts

	entries    []store.Approval // open entries: pending first by risk and age
	past       []store.Approval // decided entries, newest first, the pages read so far
	rulesList  []store.ApprovalRule
	loaded     [3]bool
	countsOK   bool
	pastMore   bool // the last history page was full: more may be waiting
	pastAsking bool // a next page is on its way
	loadErr    string

	// q numbers every query by kind; answers of older ones are dropped.
	q kit.Queries[kind]

	// The entry the detail view shows, kept by id so it stays while lists
	// reload and after it leaves the open list; live holds the lines its
	// run printed so far.
	shown    *store.Approval
	live     []string
	follow   bool // the detail view keeps its last line in sight
	acting   map[store.ApprovalID]bool
	prompt   mode
	target   store.Approval     // the entry a prompt is about
	remember approvals.Remember // the scope chosen before a confirmation
	note     filter.Input
	liveGen  int // counts restarts and cuts of live
	cache    detailCache

	// waiting holds the ids of the pending entries read so far, so an
	// entry is announced once, when a read first finds it pending; primed
	// says a read succeeded: what the first one finds was waiting already.
	waiting map[store.ApprovalID]bool
	primed  bool
}

// WaitingMsg says entries began waiting for a person since the pane last
// read the queue, riskiest first: proposals made in this process or in
// any other (macroa run in another shell), each told once. What the
// pane's first read finds, and a proposal merged into a waiting entry,
// is no news.
type WaitingMsg struct {
	Entries []store.Approval
}

// kind names a query, for its sequence number.
type kind int

const (
	kindOpen kind = iota
	kindPast
	kindRules
	kindCounts
	kindShown
)

// New builds the approvals pane; keys are the user's rebinds from
// config.toml [keys.approvals] (action → keys).
func New(svc Service, st kit.Styles, keys map[string][]string) *Pane {
	return &Pane{
		Base:    kit.NewBase(kit.PaneApprovals, "approvals", bindings(), keys),
		svc:     svc,
		st:      st,
		paint:   newPaints(st),
		now:     time.Now,
		decider: func() approvals.Decider { return approvals.Person(approvals.Cockpit) },
		acting:  map[store.ApprovalID]bool{},
		note:    filter.New(maxNote),
	}
}

// SetClock replaces the clock ages and countdowns are measured with.
func (p *Pane) SetClock(now func() time.Time) { p.now = now }

// SetDecider replaces who the pane answers as (tests; the default is the
// person at this terminal, from the cockpit).
func (p *Pane) SetDecider(d approvals.Decider) { p.decider = func() approvals.Decider { return d } }

// Title names the pane with what waits: "approvals · 3 pending".
func (p *Pane) Title() string {
	t := "approvals"
	switch p.view {
	case history:
		t += " · history"
	case rules:
		t += " · rules"
	}
	if p.countsOK && p.counts.Pending > 0 {
		t += " · " + kit.Count(p.counts.Pending) + " pending"
	}
	return t
}

// Badge is the number of entries waiting for a person, "" when none.
func (p *Pane) Badge() string {
	if !p.countsOK || p.counts.Pending == 0 {
		return ""
	}
	return kit.Count(p.counts.Pending)
}

// Capturing is true while a prompt is open or a filter is typed: every
// key then belongs to the pane.
func (p *Pane) Capturing() bool { return p.prompt != browse || p.lists[p.view].Filtering }

// Init loads the open entries and the counts.
func (p *Pane) Init() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	return tea.Batch(p.loadOpen(), p.loadCounts())
}

// Messages of the pane's queries and actions.
type (
	openMsg struct {
		seq     uint64
		entries []store.Approval
		err     error
	}
	pastMsg struct {
		seq     uint64
		offset  int
		entries []store.Approval
		err     error
	}
	rulesMsg struct {
		seq   uint64
		rules []store.ApprovalRule
		err   error
	}
	countsMsg struct {
		seq    uint64
		counts store.ApprovalCounts
		err    error
	}
	shownMsg struct {
		seq   uint64
		entry store.Approval
		err   error
	}
	// actedMsg is the end of an approve or a reject: the entry as it
	// stands (its run finished, for an approval) or the error.
	actedMsg struct {
		approve  bool
		id       store.ApprovalID
		summary  string
		remember approvals.Remember
		entry    store.Approval
		err      error
	}
	revokedMsg struct {
		id  store.ApprovalRuleID
		err error
	}
)

// openStates are the entries of the main list: waiting, or approved and
// not finished.
var openStates = []store.ApprovalState{store.ApprovalPending, store.ApprovalApproved, store.ApprovalRunning}

// finalStates are the history's.
var finalStates = []store.ApprovalState{store.ApprovalSucceeded, store.ApprovalFailed, store.ApprovalRejected,
	store.ApprovalExpired, store.ApprovalInterrupted}

func (p *Pane) loadOpen() tea.Cmd {
	seq, svc := p.q.Next(kindOpen), p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		es, err := svc.ListApprovals(ctx, store.ApprovalQuery{States: openStates, Limit: maxOpen})
		return openMsg{seq: seq, entries: es, err: err}
	})
}

// loadPast reads the history again from its start, as many entries as
// are loaded now (at least a page), so an entry decided meanwhile shows
// on top without the pages read so far going away.
func (p *Pane) loadPast() tea.Cmd {
	n := max(historyPage, (len(p.past)+historyPage-1)/historyPage*historyPage)
	p.pastAsking = false
	return p.readPast(0, n)
}

// morePast reads the next page of the history.
func (p *Pane) morePast() tea.Cmd {
	if !p.pastMore || p.pastAsking {
		return nil
	}
	p.pastAsking = true
	return p.readPast(len(p.past), historyPage)
}

func (p *Pane) readPast(offset, limit int) tea.Cmd {
	seq, svc := p.q.Next(kindPast), p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		es, err := svc.ListApprovals(ctx, store.ApprovalQuery{States: finalStates, Limit: limit, Offset: offset})
		return pastMsg{seq: seq, offset: offset, entries: es, err: err}
	})
}

func (p *Pane) loadRules() tea.Cmd {
	seq, svc := p.q.Next(kindRules), p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		rs, err := svc.ApprovalRules(ctx)
		return rulesMsg{seq: seq, rules: rs, err: err}
	})
}

func (p *Pane) loadCounts() tea.Cmd {
	seq, svc := p.q.Next(kindCounts), p.svc
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		c, err := svc.ApprovalCounts(ctx)
		return countsMsg{seq: seq, counts: c, err: err}
	})
}

// loadShown reads the entry the detail view shows again.
func (p *Pane) loadShown() tea.Cmd {
	if p.shown == nil {
		return nil
	}
	seq, svc, id := p.q.Next(kindShown), p.svc, p.shown.ID
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		e, err := svc.GetApproval(ctx, id)
		return shownMsg{seq: seq, entry: e, err: err}
	})
}

// reload reads again everything the pane has loaded.
func (p *Pane) reload() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	cmds := []tea.Cmd{p.loadOpen(), p.loadCounts(), p.loadShown()}
	if p.loaded[history] || p.view == history {
		cmds = append(cmds, p.loadPast())
	}
	if p.loaded[rules] || p.view == rules {
		cmds = append(cmds, p.loadRules())
	}
	return tea.Batch(cmds...)
}

// Update takes the pane's query results, the store's changes, the
// queue's events and the output of a run the detail view shows.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.CoreEventMsg:
		return p.coreEvent(msg)
	case openMsg:
		if !p.q.Current(kindOpen, msg.seq) {
			return nil // stale: a newer query is on its way
		}
		if p.setErr(msg.err) {
			return nil
		}
		keep := p.selectedID(open)
		p.entries = msg.entries // in the store's order: pending by risk and age, then the rest newest first
		p.loaded[open] = true
		p.refreshShown(p.entries)
		p.narrow(open, keep)
		return p.newlyWaiting(len(msg.entries) < maxOpen)
	case pastMsg:
		return p.applyPast(msg)
	case rulesMsg:
		if !p.q.Current(kindRules, msg.seq) || p.setErr(msg.err) {
			return nil
		}
		keep := p.selectedRule()
		p.rulesList = msg.rules
		p.loaded[rules] = true
		p.narrowRules(keep)
	case countsMsg:
		if !p.q.Current(kindCounts, msg.seq) || p.setErr(msg.err) {
			return nil
		}
		p.counts, p.countsOK = msg.counts, true
	case shownMsg:
		if !p.q.Current(kindShown, msg.seq) || msg.err != nil || p.shown == nil || msg.entry.ID != p.shown.ID {
			return nil
		}
		p.setShown(msg.entry)
	case actedMsg:
		return p.acted(msg)
	case revokedMsg:
		return p.revoked(msg)
	case tea.PasteMsg:
		if p.prompt == noting {
			p.note.Update(msg)
		} else if p.lists[p.view].FilterPaste(msg) {
			p.renarrow()
		}
	}
	return nil
}

// coreEvent reloads on a change of the queue and streams the output of
// the entry the detail view shows.
func (p *Pane) coreEvent(msg kit.CoreEventMsg) tea.Cmd {
	switch e := msg.Event.(type) {
	case events.ApprovalOutput:
		if p.shown != nil && store.ApprovalID(e.ID) == p.shown.ID {
			p.addLive(e.Text)
		}
		return nil
	case events.ApprovalChanged:
		return p.reload()
	}
	if kit.StoreChanged(msg, events.PartApprovals) {
		return p.reload()
	}
	return nil
}

// Quiet: output of an entry not shown, and answers that will be dropped,
// change nothing on screen.
func (p *Pane) Quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case kit.CoreEventMsg:
		if e, ok := m.Event.(events.ApprovalOutput); ok {
			return p.shown == nil || store.ApprovalID(e.ID) != p.shown.ID
		}
	case openMsg:
		return !p.q.Current(kindOpen, m.seq)
	case pastMsg:
		return !p.q.Current(kindPast, m.seq)
	case rulesMsg:
		return !p.q.Current(kindRules, m.seq)
	case countsMsg:
		return !p.q.Current(kindCounts, m.seq) || m.err == nil && p.countsOK && m.counts == p.counts && p.loadErr == ""
	}
	return false
}

// newlyWaiting notes the pending entries of the open list just read and
// returns a WaitingMsg for those no read found pending before (none on
// the first read). An id that left the open list is final and can never
// wait again, so it is forgotten, unless the list was cut at maxOpen
// (complete false).
func (p *Pane) newlyWaiting(complete bool) tea.Cmd {
	if p.waiting == nil {
		p.waiting = map[store.ApprovalID]bool{}
	}
	var fresh []store.Approval
	for _, e := range p.entries { // pending first, riskiest first
		if e.State != store.ApprovalPending || p.waiting[e.ID] {
			continue
		}
		p.waiting[e.ID] = true
		if p.primed {
			fresh = append(fresh, e)
		}
	}
	if complete && len(p.waiting) > 0 {
		in := make(map[store.ApprovalID]bool, len(p.entries))
		for _, e := range p.entries {
			in[e.ID] = true
		}
		for id := range p.waiting {
			if !in[id] {
				delete(p.waiting, id)
			}
		}
	}
	p.primed = true
	if len(fresh) == 0 {
		return nil
	}
	return func() tea.Msg { return WaitingMsg{Entries: fresh} }
}

// setErr records a failed query (and reports it), or clears the last one.
func (p *Pane) setErr(err error) bool {
	if err != nil {
		p.loadErr = err.Error()
		return true
	}
	p.loadErr = ""
	return false
}

// applyPast takes a page of the history: from the start (a reload) it
// replaces what was read, further on it is appended.
func (p *Pane) applyPast(msg pastMsg) tea.Cmd {
	if !p.q.Current(kindPast, msg.seq) {
		return nil
	}
	p.pastAsking = false
	if p.setErr(msg.err) {
		return nil
	}
	keep := p.selectedID(history)
	if msg.offset == 0 {
		p.past = msg.entries
	} else {
		p.past = append(p.past[:min(msg.offset, len(p.past))], msg.entries...)
	}
	p.pastMore = len(msg.entries) > 0 && len(msg.entries)%historyPage == 0
	p.loaded[history] = true
	p.refreshShown(p.past)
	p.narrow(history, keep)
	return nil
}

// refreshShown takes the shown entry from a fresh list when it is there.
func (p *Pane) refreshShown(es []store.Approval) {
	if p.shown == nil {
		return
	}
	for i := range es {
		if es[i].ID == p.shown.ID {
			p.setShown(es[i])
			return
		}
	}
}

// setShown replaces the shown entry; once its run has ended the stored
// output replaces the streamed lines.
func (p *Pane) setShown(e store.Approval) {
	if p.shown != nil && p.shown.ID == e.ID && p.shown.UpdatedAt.After(e.UpdatedAt) {
		return // an older read than the one shown
	}
	if e.State.Final() && p.live != nil {
		p.live = nil
		p.liveGen++
	}
	p.shown = &e
}

// addLive appends streamed output to the detail view, keeping the last
// maxLive lines.
func (p *Pane) addLive(text string) {
	p.live = append(p.live, text)
	if over := len(p.live) - maxLive; over > 0 {
		p.live = append(p.live[:0], p.live[over:]...)
		p.liveGen++
	}
}

// list returns the entries of list w.
func (p *Pane) entriesOf(w which) []store.Approval {
	if w == history {
		return p.past
	}
	return p.entries
}

// narrow matches list w's entries against its filter again, keeping the
// selection on the entry keep when it still shows.
func (p *Pane) narrow(w which, keep store.ApprovalID) {
	es := p.entriesOf(w)
	l := &p.lists[w]
	rows := p.rows[w][:0]
	sel := -1
	for i := range es {
		e := &es[i]
		if l.Query() == "" || l.Match(e.Summary, e.Target, e.Host, e.Proposer, e.Why, string(e.State), string(e.ID), e.Kind, e.DecidedBy) {
			if e.ID == keep && keep != "" {
				sel = len(rows)
			}
			rows = append(rows, i)
		}
	}
	p.rows[w] = rows
	if sel >= 0 {
		l.Sel = sel
	}
	l.Clamp(len(rows))
}

func (p *Pane) narrowRules(keep store.ApprovalRuleID) {
	l := &p.lists[rules]
	rows := p.rows[rules][:0]
	for i, r := range p.rulesList {
		if l.Match(r.Kind, r.Target, r.Host, string(r.Scope), r.Session, r.CreatedBy) {
			if r.ID == keep {
				l.Sel = len(rows)
			}
			rows = append(rows, i)
		}
	}
	p.rows[rules] = rows
	l.Clamp(len(rows))
}

// renarrow applies the shown list's filter after it changed.
func (p *Pane) renarrow() {
	if p.view == rules {
		p.narrowRules(p.selectedRule())
		return
	}
	p.narrow(p.view, p.selectedID(p.view))
}

// selected returns list w's selected entry.
func (p *Pane) selected(w which) (*store.Approval, bool) {
	rows := p.rows[w]
	if len(rows) == 0 {
		return nil, false
	}
	p.lists[w].Clamp(len(rows))
	return &p.entriesOf(w)[rows[p.lists[w].Sel]], true
}

func (p *Pane) selectedID(w which) store.ApprovalID {
	if e, ok := p.selected(w); ok {
		return e.ID
	}
	return ""
}

func (p *Pane) selectedRule() store.ApprovalRuleID {
	rows := p.rows[rules]
	if len(rows) == 0 {
		return 0
	}
	p.lists[rules].Clamp(len(rows))
	return p.rulesList[rows[p.lists[rules].Sel]].ID
}

// Selected returns a copy of the selected entry of the list shown.
func (p *Pane) Selected() (store.Approval, bool) {
	if p.view == rules {
		return store.Approval{}, false
	}
	e, ok := p.selected(p.view)
	if !ok {
		return store.Approval{}, false
	}
	return *e, true
}

// Shown returns the entry the detail view shows, and whether it is open.
func (p *Pane) Shown() (store.Approval, bool) {
	if p.shown == nil || !p.lists[p.view].Detail {
		return store.Approval{}, false
	}
	return *p.shown, true
}

// Len is how many entries the list shown holds (loaded, for the history).
func (p *Pane) Len() int {
	if p.view == rules {
		return len(p.rulesList)
	}
	return len(p.entriesOf(p.view))
}
