package main

import (
	"context"
	"time"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
)

// hostsService is what the hosts commands ask of the core: the fleet's
// status and alerts, a probe now, a host's key and its trust, and a
// host's transport.
type hostsService interface {
	List(ctx context.Context) ([]fleet.HostStatus, error)
	Status(ctx context.Context, name string) (fleet.HostStatus, error)
	Alerts(ctx context.Context, host string, includeResolved bool, limit int) ([]fleet.Alert, error)
	ProbeNow(ctx context.Context, name string) (fleet.HostStatus, error)
	ScanKey(ctx context.Context, name string) (fleet.KeyInfo, error)
	Trust(ctx context.Context, name, fingerprint string) error
	TrustFile() string
	KeyRemedy(ctx context.Context, name string) (string, error)
	KeysChangedSince(t time.Time) bool
	Transport(name string) (hosts.Transport, error)
}

// probeWait bounds a probe, a key scan or a trust from the command line.
const probeWait = time.Minute

// openHosts opens the store and returns the hosts service.
func openHosts(ctx context.Context, a *app.App) (hostsService, error) {
	if err := openStore(ctx, a); err != nil {
		return nil, err
	}
	svc, err := a.Hosts()
	if err != nil {
		return nil, failErr("%v", err)
	}
	return svc, nil
}
