package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/prom"
)

// inventory is the hosts as config.toml lists them, resolved through
// ~/.ssh/config, with their transports from one pool: read again when
// config.toml changes (macroa hosts add, in another process), so the
// poller picks up a new host at its next lease renewal.
type inventory struct {
	path    string
	reload  func() (*config.Config, error) // nil: never read again
	sshPath string
	keys    hosts.HostKeys
	pool    *hosts.Pool
	timeout time.Duration // a Prometheus query's bound
	log     *slog.Logger
	// polling says whether this process polls the hosts (set once the
	// fleet is built): a [[prometheus]] source not listed yet is then read
	// by its own entry's probe, else in the background.
	polling func() bool

	mu      sync.Mutex
	stamp   fileStamp
	list    []hosts.Host  // local first
	sources []*promSource // [[prometheus]]
	loadErr string        // why config.toml no longer loads; "" when it does
}

func newInventory(cfg *config.Config, reload func() (*config.Config, error), home string, log *slog.Logger) *inventory {
	keys := hostKeyFiles(cfg, home)
	inv := &inventory{path: cfg.FilePath, reload: reload, sshPath: filepath.Join(home, ".ssh", "config"), keys: keys,
		timeout: time.Duration(cfg.File.Monitor.Timeout), log: log, stamp: stampOf(cfg.FilePath)}
	// Connecting is bounded by [monitor] timeout, for a probe, a trust
	// and a person's command alike.
	inv.pool = hosts.NewPool(hosts.PoolOptions{Keys: keys, Lookup: inv.find, DialTimeout: time.Duration(cfg.File.Monitor.Timeout)})
	inv.list = inv.resolve(cfg)
	inv.sources = inv.promSources(cfg)
	return inv
}

// promSources are the [[prometheus]] sources, each kept (with what it
// read) while its settings stay the same.
func (i *inventory) promSources(cfg *config.Config) []*promSource {
	var out []*promSource
	for _, p := range cfg.File.Prometheus {
		src := newPromSource(p, i.timeout)
		for _, old := range i.sources {
			if old.cfg.Name == p.Name && old.cfg.URL == p.URL && old.cfg.Selector == p.Selector && old.cfg.Interval == p.Interval {
				src = old
			}
		}
		out = append(out, src)
	}
	return out
}

// resolve settles each [[hosts]] entry, this machine first.
func (i *inventory) resolve(cfg *config.Config) []hosts.Host {
	ssh, err := hosts.LoadSSHConfig(i.sshPath)
	if err != nil {
		i.log.Warn("hosts: read ~/.ssh/config", "err", err)
	}
	out := []hosts.Host{hosts.LocalHost(config.SudoNever)}
	for _, h := range cfg.File.Hosts {
		if h.Name == hosts.LocalName {
			continue
		}
		out = append(out, hosts.Resolve(h, ssh))
	}
	return out
}

// hosts is the inventory now, read again when config.toml changed.
func (i *inventory) hosts() []hosts.Host {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.reload != nil {
		if st := stampOf(i.path); st != i.stamp {
			i.stamp = st
			if cfg, err := i.reload(); err != nil {
				i.loadErr = err.Error()
				i.log.Warn("hosts: config.toml no longer loads; keeping the hosts read before", "err", err)
			} else {
				i.loadErr = ""
				i.list = i.resolve(cfg)
				i.sources = i.promSources(cfg)
			}
		}
	}
	return slices.Clone(i.list)
}

// problem is why config.toml no longer loads ("" when it does), the
// hosts read before being kept meanwhile; the file is read again only
// when it changed.
func (i *inventory) problem() string {
	i.hosts()
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.loadErr
}

// find is the host called name, for a ProxyJump that names one.
func (i *inventory) find(name string) (hosts.Host, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	for _, h := range i.list {
		if h.Name == name {
			return h, true
		}
	}
	return hosts.Host{}, false
}

// host is one host of the inventory now.
func (i *inventory) host(name string) (hosts.Host, error) {
	for _, h := range i.hosts() {
		if h.Name == name {
			return h, nil
		}
	}
	return hosts.Host{}, fmt.Errorf("%w: %q", fleet.ErrUnknownHost, name)
}

// entries are the hosts as the fleet polls them: through the probe over
// their transport, or their Prometheus server when they name one; then
// the targets of each [[prometheus]] source.
func (i *inventory) entries() []fleet.HostEntry {
	list := i.hosts()
	i.mu.Lock()
	sources := i.sources
	i.mu.Unlock()
	out := make([]fleet.HostEntry, 0, len(list))
	taken := map[string]bool{}
	for _, h := range list {
		taken[h.Name] = true
		e := fleet.HostEntry{Name: h.Name, Address: h.Address, Source: fleet.SourceSSH, Tags: h.Tags, Groups: h.Groups, Interval: h.Interval}
		t, err := i.pool.Transport(h)
		switch {
		case err != nil:
			e.Prober = failing{err}
		default:
			e.Transport = t
		}
		if h.IsLocal() {
			e.Source = fleet.SourceLocal
		}
		if h.Prometheus != "" {
			e.Source = fleet.SourcePrometheus
			// The instance alone names the host's series, whatever its job.
			e.Prober = prom.Host{Source: prom.Source{URL: h.Prometheus, Selector: "{}", Timeout: i.timeout}, Instance: h.Instance}
		}
		out = append(out, e)
	}
	polling := i.polling != nil && i.polling()
	for _, src := range sources {
		src.refresh(polling)
		out = append(out, src.entries(taken)...)
	}
	return out
}

// keyStamp moves when a known_hosts file changes.
func (i *inventory) keyStamp() string {
	return fmt.Sprint(stampOf(i.keys.Files[0]), stampOf(i.keys.Own))
}

// failing is the prober of a host whose transport could not be built.
type failing struct{ err error }

func (f failing) Probe(context.Context) (probe.Snapshot, error) { return probe.Snapshot{}, f.err }
