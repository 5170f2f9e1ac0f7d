package main

import (
	"context"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	hostspane "github.com/macroa/macroa/ui/tui/panes/hosts"
)

// hostsPane is what the cockpit's hosts pane asks: the fleet (its
// statuses, history, alerts, probes and host keys) and the approval
// queue, which every shell command typed there goes through.
type hostsPane struct {
	*app.HostsService
	a   *app.App
	cfg *configWatch // nil: config.toml is not watched
}

// newHostsPane is the hosts pane's service; nil (the pane then says the
// fleet is not available) when it cannot be built.
func newHostsPane(a *app.App) hostspane.Service {
	h, err := a.Hosts()
	if err != nil {
		return nil
	}
	p := hostsPane{HostsService: h, a: a}
	if cfg, err := a.Config(); err == nil {
		p.cfg = newConfigWatch(cfg.FilePath, config.LoadDefault)
	}
	return p
}

// RunShell proposes the command to the approval queue as the person's.
func (h hostsPane) RunShell(ctx context.Context, host, command string) (store.Approval, error) {
	return h.a.RunShell(ctx, host, command)
}

// Polling says which process polls the hosts.
func (h hostsPane) Polling(ctx context.Context) (hostspane.Polling, error) {
	role, self, err := h.Poller(ctx)
	return hostspane.Polling{Self: self, By: role}, err
}

// The warning about a changed key says where the old key is and how to
// remove it: the fleet's KeyRemedy, through the embedded service.
var _ hostspane.KeyRemedies = hostsPane{}
var _ hostspane.ConfigProblems = hostsPane{}
