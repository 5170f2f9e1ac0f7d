package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
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

// RunShell proposes the command to the approval queue as the person's.
func (h hostsPane) RunShell(ctx context.Context, host, command string) (store.Approval, error) {
	return h.a.RunShell(ctx, host, command)
}

// Polling says which process polls the hosts.
func (h hostsPane) Polling(ctx context.Context) (hostspane.Polling, error) {
	role, self, err := h.Poller(ctx)
	return hostspane.Polling{Self: self, By: role}, err
}

// KnownAt says where the key known for address (host:port) is written,
// as "file:line", in the files the fleet checks keys against: a check of
// a key no host has (made up here) fails with every known key's place.
func (h hostsPane) KnownAt(address string) []string {
	cfg, err := h.a.Config()
	if err != nil {
		return nil
	}
	home, _ := os.UserHomeDir()
	keys := hosts.HostKeys{Own: filepath.Join(cfg.Home, "known_hosts")}
	if home != "" {
		keys.Files = []string{filepath.Join(home, ".ssh", "known_hosts")}
	}
	cb, err := keys.Callback()
	if err != nil {
		return nil
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	probe, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil
	}
	host, port, _ := net.SplitHostPort(address)
	p, _ := strconv.Atoi(port)
	var changed *hosts.HostKeyChangedError
	if errors.As(cb(address, &net.TCPAddr{IP: net.ParseIP(host), Port: p}, probe), &changed) {
		return changed.Known
	}
	return nil
}

var _ hostspane.KnownKeys = hostsPane{}
