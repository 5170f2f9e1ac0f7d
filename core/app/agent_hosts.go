package app

import (
	"errors"
	"fmt"
	"strings"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/termsafe"
)

// agentTransports reaches the inventory's hosts by name for the agent's
// run_command host (kernel.Options.Transports); a name that is no host
// is an error naming the hosts, as the hosts skill answers. Built on
// first use, never while a.mu is held: the kernel calls it later.
func (a *App) agentTransports() func(name string) (hosts.Transport, error) {
	return func(name string) (hosts.Transport, error) {
		h, err := a.Hosts()
		if err != nil {
			return nil, err
		}
		t, err := h.Transport(name)
		if errors.Is(err, fleet.ErrUnknownHost) {
			var names []string
			for _, x := range h.inv.hosts() {
				names = append(names, x.Name)
			}
			return nil, fmt.Errorf("no host named %s; hosts: %s", termsafe.Clean(name), strings.Join(names, ", "))
		}
		return t, err
	}
}
