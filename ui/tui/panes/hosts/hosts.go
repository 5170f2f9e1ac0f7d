// Package hosts is the cockpit's hosts pane: one row per host of the
// fleet with its state as a word and a colour, its load, CPU, memory and
// disk each with a sparkline of its history, its firing alerts and when
// it last answered. Rows sort problems first or by name (o) and narrow
// with the text filter (/). enter shows every field of a host's last
// probe (or why one was not measured) and its alert history, live while
// open. r probes a host now, t trusts an unknown host's key after showing
// its fingerprint (a changed key is refused, never written over), s runs
// a shell command on it through the approval queue.
//
// The hosts are read again when the store says they changed (the daemon
// polls them in another process), when this process probed one
// (HostProbed) and after the pane's own actions; an alert that fires or
// clears is a toast, whichever process saw it. A one-second tick that
// does no I/O moves the "12s ago" ages while the pane is drawn. When
// config.toml no longer loads, the header says so: the fleet keeps the
// hosts it read before.
package hosts

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// ID is the pane's name: its [keys.hosts] table in config.toml.
const ID kit.PaneID = "hosts"

// Service is what the pane asks of the fleet. The methods take a context
// and plain data, so an in-process service or a remote client can serve
// them.
type Service interface {
	// List returns every configured host as the fleet knows it now.
	List(ctx context.Context) ([]fleet.HostStatus, error)
	// History returns a host's samples since a time, oldest first.
	History(ctx context.Context, name string, since time.Time) ([]fleet.Sample, error)
	// Alerts returns a host's alerts ("" for every host), newest first:
	// the firing ones, and the resolved ones too when includeResolved.
	Alerts(ctx context.Context, host string, includeResolved bool, limit int) ([]fleet.Alert, error)
	// ProbeNow probes a host at once and returns its new status.
	ProbeNow(ctx context.Context, name string) (fleet.HostStatus, error)
	// ScanKey fetches the key a host presents, without trusting it.
	ScanKey(ctx context.Context, name string) (fleet.KeyInfo, error)
	// Trust records the host's key with this fingerprint as known; it
	// refuses when the host now presents another key, and never writes
	// over a known key.
	Trust(ctx context.Context, name, fingerprint string) error
	// RunShell proposes a shell command on a host to the approval queue
	// (a typed command.run action for that host, proposed by the person)
	// and returns the entry as it stands: run, pending or refused.
	RunShell(ctx context.Context, host, command string) (store.Approval, error)
	// Polling says which process polls the hosts.
	Polling(ctx context.Context) (Polling, error)
}

// KeyRemedies is what a service may add: for a host whose key changed,
// where the old key is and the commands that remove it, in one
// paragraph, for the warning.
type KeyRemedies interface {
	KeyRemedy(ctx context.Context, name string) (string, error)
}

// ConfigProblems is what a service may add: why config.toml no longer
// loads ("" when it does); the fleet then keeps the hosts read before.
type ConfigProblems interface {
	ConfigProblem(ctx context.Context) string
}

// Polling is which process polls the hosts.
type Polling struct {
	Self bool   // this cockpit
	By   string // the process that does: "daemon", "tui"; "" for none
}

const (
	timeout       = 10 * time.Second // bounds one query of the pane
	probeTimeout  = time.Minute      // bounds a probe, a key scan or a trust
	historyWindow = 2 * time.Hour    // how far back the sparklines read
	alertLimit    = 200              // firing alerts one read returns
	historyLimit  = 50               // alerts the detail view shows
	commandLimit  = 4000             // runes the shell prompt takes
)

// mode is what the pane is doing besides showing its list.
type mode int

const (
	browse    mode = iota
	trusting       // "Trust this key? y/n"
	keyWarned      // the changed key's warning
	shelling       // the one-line command prompt
)

// kind names a query, for its sequence number.
type kind int

const (
	kindList kind = iota
	kindDetail
	kindScan
)

// Pane lists the hosts.
type Pane struct {
	kit.Base
	svc   Service
	st    kit.Styles
	paint paints
	now   func() time.Time

	hosts   []fleet.HostStatus
	history map[string][]fleet.Sample // each host's samples, oldest first
	polling *Polling                  // nil when unknown
	rows    []int                     // indexes into hosts that pass the filter, in order
	byName  bool                      // sort by name instead of problems first
	list    kit.List
	loaded  bool
	loadErr string
	// configErr is why config.toml no longer loads: the hosts shown are
	// those read before.
	configErr string

	q kit.Queries[kind]
	// loading says a read of the list is in flight; again that a full
	// read was asked for meanwhile, againOf the hosts whose history was
	// (probes finish in bursts: one read follows them all).
	loading, again bool
	againOf        map[string]bool

	// The detail view: the host it shows (by name, kept while the list
	// reloads), its alert history.
	shown    string
	alerts   []fleet.Alert
	detailOK bool
	detErr   string

	probing map[string]bool   // probes of this pane not yet answered
	shells  map[string]string // the last shell command's outcome per host, for the detail view

	prompt mode
	key    fleet.KeyInfo // the key the trust question or the warning is about
	// remedy is how to clear the changed key's warning ("" when the
	// service cannot say); scanning the host whose key is being fetched.
	remedy   string
	scanning string
	target   string // the host the prompt is about
	input    commandInput

	watch alertWatch

	// The tick: ticking says one is scheduled, tickGen drops a tick of an
	// earlier schedule, drawn says View ran since the last tick.
	ticking bool
	tickGen int
	drawn   bool
	every   func(gen int) tea.Cmd
	tick    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
}

// New builds the hosts pane; keys are the user's rebinds from config.toml
// [keys.hosts] (action → keys).
func New(svc Service, st kit.Styles, keys map[string][]string) *Pane {
	p := &Pane{
		Base:    kit.NewBase(ID, "hosts", bindings(), keys),
		svc:     svc,
		st:      st,
		paint:   newPaints(st),
		now:     time.Now,
		history: map[string][]fleet.Sample{},
		probing: map[string]bool{},
		shells:  map[string]string{},
	}
	p.tick = tea.Tick
	p.every = func(gen int) tea.Cmd {
		return p.tick(time.Second, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
	}
	return p
}

// SetTick replaces how the ages' tick is scheduled (tea.Tick); a test
// that runs every command to completion passes one that schedules none.
func (p *Pane) SetTick(tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) { p.tick = tick }

// SetClock replaces the clock ages are measured with.
func (p *Pane) SetClock(now func() time.Time) { p.now = now }

// Capturing is true while a question or the prompt is open, or a filter
// is typed: every key then belongs to the pane.
func (p *Pane) Capturing() bool { return p.prompt != browse || p.list.Filtering }

// Badge is how many alerts are firing, in words: "4 alerts".
func (p *Pane) Badge() string {
	switch n := p.firing(); n {
	case 0:
		return ""
	case 1:
		return "1 alert"
	default:
		return kit.Count(n) + " alerts"
	}
}

// UrgentBadge: alerts firing ask for a person, so the status bar keeps
// their count when it has room for no other.
func (p *Pane) UrgentBadge() bool { return p.firing() > 0 }

// firing counts the alerts firing over every host.
func (p *Pane) firing() int {
	n := 0
	for i := range p.hosts {
		n += p.hosts[i].Alerts
	}
	return n
}

// Init loads the hosts.
func (p *Pane) Init() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	p.watch.opened = p.now()
	return p.load()
}

// Messages of the pane's queries and tick.
type (
	listMsg struct {
		seq     uint64
		hosts   []fleet.HostStatus
		partial bool // history holds only the hosts asked for
		history map[string][]fleet.Sample
		firing  []fleet.Alert
		polling *Polling
		config  string // why config.toml does not load
		err     error
	}
	detailMsg struct {
		seq    uint64
		name   string
		alerts []fleet.Alert
		err    error
	}
	tickMsg struct{ gen int }
)

// load reads every host, their history and the firing alerts, unless a
// read is in flight: then one more follows it.
func (p *Pane) load() tea.Cmd { return p.read(nil) }

// read reads every host and the firing alerts, with the history of the
// hosts named in only (nil: of every host). A read asked for while one is
// in flight follows it, once, covering every host asked for meanwhile.
func (p *Pane) read(only map[string]bool) tea.Cmd {
	if p.svc == nil {
		return nil
	}
	if p.loading {
		if only == nil {
			p.again = true
		}
		for n := range only {
			if p.againOf == nil {
				p.againOf = map[string]bool{}
			}
			p.againOf[n] = true
		}
		return nil
	}
	p.loading = true
	seq, svc, since := p.q.Next(kindList), p.svc, p.now().Add(-historyWindow)
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		hs, err := svc.List(ctx)
		m := listMsg{seq: seq, hosts: hs, err: err, partial: only != nil, history: make(map[string][]fleet.Sample, len(hs))}
		if err != nil {
			return m
		}
		for _, h := range hs {
			if only != nil && !only[h.Name] {
				continue
			}
			if s, err := svc.History(ctx, h.Name, since); err == nil {
				m.history[h.Name] = s
			}
		}
		m.firing, _ = svc.Alerts(ctx, "", false, alertLimit)
		if pl, err := svc.Polling(ctx); err == nil {
			m.polling = &pl
		}
		if cp, ok := svc.(ConfigProblems); ok {
			m.config = cp.ConfigProblem(ctx)
		}
		return m
	})
}

// next is the read asked for while the last was in flight, if any.
func (p *Pane) next() tea.Cmd {
	switch {
	case p.again:
		p.again, p.againOf = false, nil
		return p.load()
	case len(p.againOf) > 0:
		only := p.againOf
		p.againOf = nil
		return p.read(only)
	}
	return nil
}

// loadDetail reads the shown host's alert history.
func (p *Pane) loadDetail() tea.Cmd {
	if p.shown == "" || p.svc == nil {
		return nil
	}
	seq, svc, name := p.q.Next(kindDetail), p.svc, p.shown
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		as, err := svc.Alerts(ctx, name, true, historyLimit)
		return detailMsg{seq: seq, name: name, alerts: as, err: err}
	})
}

// reload reads again what the pane shows.
func (p *Pane) reload() tea.Cmd {
	if p.svc == nil {
		return nil
	}
	return tea.Batch(p.load(), p.loadDetail())
}

// Update takes the pane's query results, core events and the tick.
func (p *Pane) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case kit.CoreEventMsg:
		return p.coreEvent(msg)
	case listMsg:
		return p.applyList(msg)
	case detailMsg:
		if !p.q.Current(kindDetail, msg.seq) || msg.name != p.shown {
			return nil
		}
		p.alerts, p.detailOK, p.detErr = msg.alerts, true, ""
		if msg.err != nil {
			p.detErr = msg.err.Error()
		}
	case probedMsg:
		return p.probed(msg)
	case scannedMsg:
		return p.scanned(msg)
	case trustedMsg:
		return p.trusted(msg)
	case shellMsg:
		return p.shellDone(msg)
	case tickMsg:
		if msg.gen != p.tickGen {
			return nil
		}
		p.drawn = false
		if len(p.hosts) == 0 {
			p.ticking = false
			return nil
		}
		return p.every(p.tickGen)
	case tea.PasteMsg:
		if p.prompt == shelling {
			p.input.in.Update(msg)
			return nil
		}
		if p.list.FilterPaste(msg) {
			p.narrow(p.selectedName())
		}
	}
	return nil
}

// applyList takes a read of the hosts, keeping the selection on its host;
// a stale answer (a newer read overtook it) is dropped.
func (p *Pane) applyList(m listMsg) tea.Cmd {
	if !p.q.Current(kindList, m.seq) {
		return nil
	}
	p.loading = false
	next := p.next()
	if m.err != nil {
		p.loadErr = m.err.Error()
		return next
	}
	keep := p.selectedName()
	history := m.history
	if m.partial {
		history = make(map[string][]fleet.Sample, len(p.history))
		for n, s := range p.history {
			history[n] = s
		}
		for n, s := range m.history {
			history[n] = s
		}
	}
	p.hosts, p.history, p.polling, p.loaded, p.loadErr, p.configErr = m.hosts, history, m.polling, true, "", m.config
	p.narrow(keep)
	return tea.Batch(next, p.watch.seen(p, m.firing), p.startTick())
}

// startTick schedules the ages' tick when some host is shown and none is
// scheduled.
func (p *Pane) startTick() tea.Cmd {
	if p.ticking || len(p.hosts) == 0 {
		return nil
	}
	p.ticking = true
	p.tickGen++
	return p.every(p.tickGen)
}

// Quiet: stale answers and a tick while the pane was not drawn change
// nothing on screen.
func (p *Pane) Quiet(msg tea.Msg) bool {
	switch m := msg.(type) {
	case tickMsg:
		return m.gen != p.tickGen || !p.drawn
	case listMsg:
		return !p.q.Current(kindList, m.seq)
	case detailMsg:
		return !p.q.Current(kindDetail, m.seq)
	}
	return false
}

// host returns the host by name.
func (p *Pane) host(name string) (*fleet.HostStatus, bool) {
	for i := range p.hosts {
		if p.hosts[i].Name == name {
			return &p.hosts[i], true
		}
	}
	return nil, false
}

// selected returns the selected host.
func (p *Pane) selected() (*fleet.HostStatus, bool) {
	if len(p.rows) == 0 {
		return nil, false
	}
	p.list.Clamp(len(p.rows))
	return &p.hosts[p.rows[p.list.Sel]], true
}

func (p *Pane) selectedName() string {
	if h, ok := p.selected(); ok {
		return h.Name
	}
	return ""
}

// Selected returns the selected host's name ("" for none).
func (p *Pane) Selected() string { return p.selectedName() }

// Shown returns the host the detail view shows, and whether it is open.
func (p *Pane) Shown() (string, bool) { return p.shown, p.list.Detail && p.shown != "" }

// Len is how many hosts are loaded.
func (p *Pane) Len() int { return len(p.hosts) }
