package fleet

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// Defaults of the poller's timing.
const (
	DefaultLeaseTTL   = 15 * time.Second
	DefaultRenewEvery = 5 * time.Second
	// DefaultMaxBackoff bounds the interval of a host that does not
	// answer (and MaxBackoffIntervals of its intervals).
	DefaultMaxBackoff = 2 * time.Minute
	// DefaultMaxSamples bounds one host's history, whatever its interval:
	// about 0.75 MB at 74 bytes a sample.
	DefaultMaxSamples = 10_000
	// AlertHistory is how long a resolved alert is kept.
	AlertHistory = 30 * 24 * time.Hour
	// pruneEvery is how many probes of a host pass between two prunes of
	// its history.
	pruneEvery = 60
)

// Roles of the process that polls.
const (
	RoleDaemon  = "daemon"  // takes the lease from any other
	RoleCockpit = "cockpit" // polls while no daemon does
)

// HostEntry is one host to watch, from the inventory.
type HostEntry struct {
	Name    string
	Address string
	Source  Source
	Tags    []string
	Groups  []string
	// Interval between two probes; 0: Monitor.Interval.
	Interval time.Duration
	// Prober reads its health; nil: ProbeOver(Transport).
	Prober    Prober
	Transport hosts.Transport
}

// Options build a Service.
type Options struct {
	Store *store.DB
	// Hosts is the inventory, asked when polling starts and at each lease
	// renewal; "local" (this machine, through hosts.Local) is added when
	// it is missing.
	Hosts      func() []HostEntry
	Thresholds config.Alerts
	Monitor    config.Monitor
	// Publish receives each probe and each alert transition; nil: Bus's,
	// else nothing.
	Publish func(events.Event)
	// Bus, when set, wakes a process waiting for the lease when another
	// releases it (StoreChanged{hosts}).
	Bus *events.Bus
	// Clock is the time; nil: time.Now.
	Clock func() time.Time
	// Role is this process in the lease: RoleDaemon or RoleCockpit (or
	// what a command calls itself in the audit log).
	Role string
	// Holder names this process in the lease; Alive says whether the
	// process a holder names still runs.
	Holder string
	Alive  func(holder string) bool
	// LeaseTTL and RenewEvery time the lease (DefaultLeaseTTL,
	// DefaultRenewEvery); MaxBackoff bounds an unreachable host's
	// interval (DefaultMaxBackoff); MaxSamples bounds a host's history
	// (DefaultMaxSamples).
	LeaseTTL, RenewEvery, MaxBackoff time.Duration
	MaxSamples                       int
	// KeyStamp says when the known host keys changed (a person trusted a
	// key, perhaps in another process): a host waiting for a person is
	// probed again when the stamp moves, looked at each lease renewal.
	// Nil: only ProbeNow tries it again.
	KeyStamp func() string
	// Redact removes secrets from what is stored and published.
	Redact func(string) string
	Log    *slog.Logger

	// onWait, in tests, is told each wait a poller chose; onJoin each
	// caller that joined a probe under way.
	onWait func(host string, wait time.Duration)
	// removedGrace is removedGrace, shorter in tests.
	removedGrace time.Duration
	onJoin       func(host string)
}

// Service is the fleet: the hosts' status, history and alerts for every
// front end, and the poller that probes them while this process holds
// the lease.
type Service struct {
	o Options

	mu     sync.Mutex
	states map[string]*hostState
	// missing: since when hosts with alerts firing are missing from the
	// inventory (removed.go).
	missing map[string]time.Time
	run     *leaseRunner // nil until Start

	base   context.Context // ends ProbeNow calls at Stop
	cancel context.CancelFunc
	calls  sync.WaitGroup // ProbeNow calls in flight
}

// Errors of the Service.
var (
	ErrUnknownHost = errors.New("no such host")
	ErrStarted     = errors.New("the fleet's poller is already started")
)

// New builds a Service; nothing runs until Start.
func New(o Options) *Service {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Publish == nil {
		if bus := o.Bus; bus != nil {
			o.Publish = func(e events.Event) { bus.Publish(e) }
		} else {
			o.Publish = func(events.Event) {}
		}
	}
	if o.Hosts == nil {
		o.Hosts = func() []HostEntry { return nil }
	}
	if o.Alive == nil {
		o.Alive = func(string) bool { return true }
	}
	if o.Redact == nil {
		o.Redact = func(s string) string { return s }
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.RenewEvery <= 0 || o.RenewEvery >= o.LeaseTTL {
		o.RenewEvery = min(DefaultRenewEvery, o.LeaseTTL/3)
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	if o.Monitor.Interval <= 0 {
		o.Monitor.Interval = config.Duration(config.DefaultMonitorInterval)
	}
	if o.Monitor.Timeout <= 0 {
		o.Monitor.Timeout = config.Duration(config.DefaultMonitorTimeout)
	}
	if o.Monitor.History <= 0 {
		o.Monitor.History = config.Duration(config.DefaultMonitorHistory)
	}
	if o.Thresholds.Consecutive <= 0 {
		o.Thresholds.Consecutive = config.DefaultAlertConsecutive
	}
	base, cancel := context.WithCancel(context.Background())
	if o.removedGrace == 0 {
		o.removedGrace = removedGrace
	}
	return &Service{o: o, states: map[string]*hostState{}, missing: map[string]time.Time{}, base: base, cancel: cancel}
}

// entries is the inventory with this machine first.
func (s *Service) entries() []HostEntry {
	list := s.o.Hosts()
	out := make([]HostEntry, 0, len(list)+1)
	var local *HostEntry
	for i := range list {
		if list[i].Name == hosts.LocalName {
			local = &list[i]
		}
	}
	if local == nil {
		out = append(out, HostEntry{Name: hosts.LocalName, Source: SourceLocal, Transport: hosts.Local{}})
	} else {
		out = append(out, *local)
	}
	for _, e := range list {
		if e.Name != hosts.LocalName {
			out = append(out, e)
		}
	}
	for i := range out {
		if out[i].Interval <= 0 {
			out[i].Interval = time.Duration(s.o.Monitor.Interval)
		}
		if out[i].Source == "" {
			out[i].Source = SourceSSH
			if out[i].Name == hosts.LocalName {
				out[i].Source = SourceLocal
			}
		}
	}
	return out
}

// entry finds one host of the inventory.
func (s *Service) entry(name string) (HostEntry, error) {
	for _, e := range s.entries() {
		if e.Name == name {
			return e, nil
		}
	}
	return HostEntry{}, ErrUnknownHost
}

// state is the host's in-memory state, made on first use.
func (s *Service) state(name string) *hostState {
	s.mu.Lock()
	defer s.mu.Unlock()
	hs := s.states[name]
	if hs == nil {
		hs = &hostState{name: name, wake: make(chan struct{}, 1), retry: make(chan struct{}, 1)}
		s.states[name] = hs
	}
	return hs
}

// reload makes each host read back what the store says fires before its
// next probe: another process may have moved its alerts while this one
// did not hold the lease.
func (s *Service) reload() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hs := range s.states {
		hs.mu.Lock()
		hs.loaded = false
		hs.mu.Unlock()
	}
}

// retryBlocked probes again each host waiting for a person.
func (s *Service) retryBlocked() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hs := range s.states {
		hs.mu.Lock()
		blocked := hs.blocked
		hs.mu.Unlock()
		if blocked {
			select {
			case hs.retry <- struct{}{}:
			default:
			}
		}
	}
}

func (s *Service) timeout() time.Duration { return time.Duration(s.o.Monitor.Timeout) }
