package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
)

// fleetView is what the hosts skill reads of the fleet.
type fleetView interface {
	List(ctx context.Context) ([]fleet.HostStatus, error)
	ProbeNow(ctx context.Context, name string) (fleet.HostStatus, error)
	Poller(ctx context.Context) (role string, self bool, err error)
	// KeysChangedSince says a known_hosts file changed after t: a person
	// may have trusted (or removed) a key since a host was refused.
	KeysChangedSince(t time.Time) bool
}

// hostsReader answers the hosts skill (skills.HostsReader): the latest
// status of each host when its last probe is recent, answered or not,
// else a probe now. Nothing it does calls a model.
type hostsReader struct {
	fleet     func(ctx context.Context) (fleetView, error)
	transport func(name string) (hosts.Transport, error)
	// interval is a host's time between two probes.
	interval func(name string) time.Duration
	// timeout bounds a probe or a question to a host.
	timeout time.Duration
	now     func() time.Time
}

func (r hostsReader) HostNames(ctx context.Context) ([]string, error) {
	f, err := r.fleet(ctx)
	if err != nil {
		return nil, err
	}
	list, err := f.List(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	return names, nil
}

// HostHealth reads each named host, probing now (side by side) those
// never probed or whose last probe is too old (stale).
func (r hostsReader) HostHealth(ctx context.Context, names []string) ([]fleet.HostStatus, error) {
	f, err := r.fleet(ctx)
	if err != nil {
		return nil, err
	}
	list, err := f.List(ctx)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]fleet.HostStatus, len(list))
	for _, s := range list {
		byName[s.Name] = s
	}
	role, _, err := f.Poller(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]fleet.HostStatus, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		st, ok := byName[n]
		if !ok {
			return nil, fleet.ErrUnknownHost
		}
		out[i] = st
		if !r.stale(st, role == "", f.KeysChangedSince) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			pctx, cancel := context.WithTimeout(ctx, r.timeout)
			defer cancel()
			fresh, err := f.ProbeNow(pctx, n)
			if err != nil {
				// What the store had stays, with why it is not newer.
				out[i].Why = strings.TrimSpace(out[i].Why + "; a probe now failed: " + err.Error())
				return
			}
			out[i] = fresh
		}()
	}
	wg.Wait()
	return out, nil
}

// stale says a host's status is too old to answer from: never probed,
// or its last probe (answered or not) older than two intervals. While a
// poller runs, an unreachable host is tried on its backoff (up to
// fleet.MaxBackoffIntervals intervals): its status is as new as a probe
// now would be, which would only wait out the timeout again.
func (r hostsReader) stale(st fleet.HostStatus, noPoller bool, keysChangedSince func(time.Time) bool) bool {
	switch st.State {
	case fleet.StateUntrusted, fleet.StateRefused:
		// A person must act first; a probe would only say so again,
		// unless the known keys changed since.
		return keysChangedSince(st.ProbedAt)
	case fleet.StateStale, fleet.StateNew, fleet.StateDenied:
		// A refused login answers at once, and the person asking may have
		// just given the host a key: try again.
		return true
	}
	if st.ProbedAt.IsZero() {
		return true
	}
	fresh := 2 * r.interval(st.Name)
	if !noPoller && st.State == fleet.StateUnreachable {
		fresh = fleet.MaxBackoffIntervals*r.interval(st.Name) + r.timeout
	}
	return r.now().Sub(st.ProbedAt) > fresh
}

// UnitActive asks the host's systemd whether unit is active, as an
// argument list; its non-zero exit for "inactive" is an answer, not an
// error.
func (r hostsReader) UnitActive(ctx context.Context, host, unit string) (string, error) {
	t, err := r.transport(host)
	if err != nil {
		return "", err
	}
	out, err := t.Run(ctx, hosts.Command{Argv: []string{"systemctl", "is-active", "--", unit}}, r.timeout)
	if err != nil {
		return "", err
	}
	if out.TimedOut {
		return "", errors.New("systemctl did not answer in time")
	}
	if s := firstLine(out.Stdout); s != "" {
		return s, nil
	}
	if s := firstLine(out.Stderr); s != "" {
		return "", errors.New(s)
	}
	return "", errors.New("systemctl said nothing")
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// hostsReader is the hosts skill's view of this App's fleet, built on
// first use (never while a.mu is held: the kernel calls it later).
func (a *App) hostsReader() hostsReader {
	cfg := a.cfg
	intervals := map[string]time.Duration{}
	for _, h := range cfg.File.Hosts {
		intervals[h.Name] = time.Duration(h.Interval)
	}
	def := time.Duration(cfg.File.Monitor.Interval)
	return hostsReader{
		fleet: func(context.Context) (fleetView, error) {
			h, err := a.Hosts()
			if err != nil {
				return nil, err
			}
			return h, nil
		},
		transport: func(name string) (hosts.Transport, error) {
			h, err := a.Hosts()
			if err != nil {
				return nil, err
			}
			return h.Transport(name)
		},
		interval: func(name string) time.Duration {
			if d := intervals[name]; d > 0 {
				return d
			}
			return def
		},
		timeout: time.Duration(cfg.File.Monitor.Timeout) + 5*time.Second,
		now:     time.Now,
	}
}
