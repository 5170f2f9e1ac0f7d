package main

import (
	"context"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	hostspane "github.com/macroa/macroa/ui/tui/panes/hosts"
)

// hostsPane is what the cockpit's hosts pane asks: the fleet (its
// statuses, history, alerts, probes and host keys) and the approval
// queue, which every shell command typed there goes through.
type hostsPane struct {
	*app.HostsService
	a *app.App
}

// newHostsPane is the hosts pane's service; nil (the pane then says the
// fleet is not available) when it cannot be built.
func newHostsPane(a *app.App) hostspane.Service {
	h, err := a.Hosts()
	if err != nil {
		return nil
	}
	return hostsPane{HostsService: h, a: a}
}

// ConfigProblem is the fleet's, made safe for the pane's header.
func (h hostsPane) ConfigProblem(ctx context.Context) string {
	return kit.SafeLine(h.HostsService.ConfigProblem(ctx))
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
