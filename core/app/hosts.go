package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/redact"
)

// HostsService is the fleet (core/fleet) with the inventory's transports:
// what the hosts commands, the hosts pane and the hosts skill ask. Its
// status, history and alerts come from the store; the process holding
// the hosts lease polls (Start, in the daemon or a cockpit).
type HostsService struct {
	*fleet.Service
	inv     *inventory
	timeout time.Duration // [monitor] timeout: one probe's bound
}

// SetRole says what this process is, fleet.RoleDaemon or
// fleet.RoleCockpit: Start then polls the hosts whenever it holds the
// hosts lease (the daemon takes it from a cockpit). Call it before Hosts
// and Start; other processes only read the hosts and probe on demand.
func (a *App) SetRole(role string) {
	a.mu.Lock()
	a.role = role
	a.mu.Unlock()
}

// Hosts returns the hosts service, built on first use from the
// configuration: [[hosts]] and this machine, their transports from one
// pool (host keys checked against ~/.ssh/known_hosts and the data dir's
// known_hosts), [monitor] and [alerts].
func (a *App) Hosts() (*HostsService, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hostsService()
}

// hostsService builds the service once; a.mu is held.
func (a *App) hostsService() (*HostsService, error) {
	if a.hosts != nil {
		return a.hosts, nil
	}
	db, err := a.openStore(context.Background())
	if err != nil {
		return nil, err
	}
	home := a.opts.UserHome
	if home == "" {
		if home, err = os.UserHomeDir(); err != nil {
			return nil, fmt.Errorf("cannot find your home directory: %w", err)
		}
	}
	reload := a.opts.reloadConfig
	if reload == nil && a.opts.Config == nil {
		reload = config.LoadDefault
	}
	inv := newInventory(a.cfg, reload, home, a.logger())
	secrets := a.cfg.SecretValues()
	role := a.role
	if role == "" {
		role = "cli"
	}
	svc := fleet.New(fleet.Options{
		Store:      db,
		Hosts:      inv.entries,
		Thresholds: a.cfg.File.Alerts,
		Monitor:    a.cfg.File.Monitor,
		Bus:        a.broker(),
		Role:       role,
		Holder:     approvals.Runner(),
		Alive:      approvals.Alive,
		KeyStamp:   inv.keyStamp,
		Redact:     func(s string) string { return redact.String(s, secrets...) },
		Log:        a.logger(),
	})
	inv.polling = svc.Holding
	a.hosts = &HostsService{Service: svc, inv: inv, timeout: time.Duration(a.cfg.File.Monitor.Timeout)}
	// Alerts go to the notification channels from the process that
	// raised them.
	a.startNotify(a.cfg)
	return a.hosts, nil
}

// startHosts starts polling when this process is the daemon or a
// cockpit. Start calls it; a poller that cannot start is logged, never
// fatal: the process works without it.
func (a *App) startHosts(ctx context.Context) {
	a.mu.Lock()
	role := a.role
	a.mu.Unlock()
	if role != fleet.RoleDaemon && role != fleet.RoleCockpit {
		return
	}
	h, err := a.Hosts()
	if err == nil {
		err = h.Start(ctx)
	}
	if err != nil && !errors.Is(err, fleet.ErrStarted) {
		a.logger().Warn("hosts: the poller did not start", "role", role, "err", err)
	}
}

// stopHosts stops the poller, if one was built: probes under way end,
// the lease is released, and the pool's connections close.
func (a *App) stopHosts() {
	a.mu.Lock()
	h := a.hosts
	a.mu.Unlock()
	if h != nil {
		h.Stop()
		h.inv.pool.Close()
	}
}

// Transport is the transport of the host called name.
func (h *HostsService) Transport(name string) (hosts.Transport, error) {
	hh, err := h.inv.host(name)
	if err != nil {
		return nil, err
	}
	return h.inv.pool.Transport(hh)
}

// scan reads the key the host called name presents.
func (h *HostsService) scan(ctx context.Context, name string) (hosts.Host, ssh.PublicKey, error) {
	hh, err := h.inv.host(name)
	if err != nil {
		return hosts.Host{}, nil, err
	}
	if hh.IsLocal() {
		return hosts.Host{}, nil, errors.New("this machine is reached without SSH: it has no host key to trust")
	}
	key, err := h.inv.pool.ScanKey(ctx, hh)
	return hh, key, err
}

// ScanKey reads the key the host called name presents, without trusting
// it, and says whether it is known already or differs from the known one.
func (h *HostsService) ScanKey(ctx context.Context, name string) (fleet.KeyInfo, error) {
	hh, key, err := h.scan(ctx, name)
	if err != nil {
		return fleet.KeyInfo{}, err
	}
	info := fleet.KeyInfo{Host: name, Address: hh.Addr(), Type: key.Type(), Fingerprint: ssh.FingerprintSHA256(key)}
	cb, err := h.inv.keys.Callback()
	if err != nil {
		return fleet.KeyInfo{}, err
	}
	switch err := cb(hh.Addr(), &net.TCPAddr{IP: net.ParseIP(hh.HostName), Port: hh.Port}, key); {
	case err == nil:
		info.Known = true
	case errors.As(err, new(*hosts.HostKeyChangedError)):
		info.Changed = true
	case !errors.As(err, new(*hosts.UnknownHostError)):
		return fleet.KeyInfo{}, err
	}
	return info, nil
}

// ErrKeyNotChecked is a trust whose fingerprint is not the key the host
// presents now: what a person checked is not what would be trusted.
var ErrKeyNotChecked = errors.New("the host now presents another key than the one checked: nothing was trusted")

// Trust records the key the host called name presents as known, in the
// data dir's known_hosts, when its fingerprint is the one a person
// checked. A changed key is refused, and nothing known is written over.
// The fleet probes the host again at its next lease renewal.
func (h *HostsService) Trust(ctx context.Context, name, fingerprint string) error {
	hh, key, err := h.scan(ctx, name)
	if err != nil {
		return err
	}
	if fp := ssh.FingerprintSHA256(key); fp != fingerprint {
		return fmt.Errorf("%w (now %s %s)", ErrKeyNotChecked, key.Type(), fp)
	}
	if err := h.inv.keys.Trust(hh.Addr(), key); err != nil {
		return err
	}
	// The status says untrusted until the next probe: probe now, so every
	// front end sees the host as it is. Its outcome is the host's, not
	// the trust's.
	pctx, cancel := context.WithTimeout(ctx, max(h.timeout, time.Second))
	defer cancel()
	_, _ = h.ProbeNow(pctx, name)
	return nil
}
