package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts"
)

// hostKeyFiles are the files host keys are checked against: the person's
// ~/.ssh/known_hosts, and Macroa's own in the data dir, the one Trust
// writes.
func hostKeyFiles(cfg *config.Config, home string) hosts.HostKeys {
	return hosts.HostKeys{Files: []string{filepath.Join(home, ".ssh", "known_hosts")}, Own: filepath.Join(cfg.Home, "known_hosts")}
}

// HostKeys are the known_hosts files of this configuration, for a
// command that reads them without the hosts service (hosts add: is the
// address's key trusted already?).
func (a *App) HostKeys() (hosts.HostKeys, error) {
	cfg, err := a.Config()
	if err != nil {
		return hosts.HostKeys{}, err
	}
	home := a.opts.UserHome
	if home == "" {
		if home, err = os.UserHomeDir(); err != nil {
			return hosts.HostKeys{}, fmt.Errorf("cannot find your home directory: %w", err)
		}
	}
	return hostKeyFiles(cfg, home), nil
}

// TrustFile is the known_hosts file Trust writes a key to.
func (h *HostsService) TrustFile() string { return h.inv.keys.Own }

// KeyRemedy says, for the host called name whose key changed, where its
// old key is and the commands that remove it and trust the new one: the
// words hosts.HostKeyChangedError carries, read from the files now. A key
// refused for being revoked has no such remedy: it says where it is
// revoked.
func (h *HostsService) KeyRemedy(ctx context.Context, name string) (string, error) {
	hh, err := h.inv.host(name)
	if err != nil {
		return "", err
	}
	if st, err := h.Status(ctx, name); err == nil && st.Fingerprint != "" {
		if at, ok := h.inv.keys.RevokedAt(st.Fingerprint); ok {
			return hosts.RevokedKeyRemedy(at), nil
		}
	}
	at, err := h.inv.keys.KnownAt(hh.Addr())
	if err != nil {
		return "", err
	}
	return hosts.ChangedKeyRemedy(name, hh.Addr(), at), nil
}

// KeysChangedSince says a known_hosts file Macroa reads changed after t,
// so a host refused or untrusted before may be trusted now.
func (h *HostsService) KeysChangedSince(t time.Time) bool {
	for _, f := range append(append([]string{}, h.inv.keys.Files...), h.inv.keys.Own) {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(t) {
			return true
		}
	}
	return false
}

// ConfigProblem says why config.toml no longer loads, "" when it does:
// the fleet keeps the hosts it read before, and a front end says so.
func (h *HostsService) ConfigProblem(context.Context) string { return h.inv.problem() }
