package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/hosts/sshdtest"
	"github.com/macroa/macroa/store"
)

// TestApprovedActionRunsOnItsHost: an approved service.restart for web1
// runs on web1, through its SSH transport, and is checked there; nothing
// runs here.
func TestApprovedActionRunsOnItsHost(t *testing.T) {
	bin := t.TempDir()
	log := filepath.Join(bin, "systemctl.log")
	fake := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\ncase \"$1\" in is-active) echo active ;; esac\n", log)
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	// sshd takes SetEnv's first line only: HOME stays a directory of the
	// test's own, so the user's startup files are not read.
	srv := sshdtest.Start(t, sshdtest.Options{ExtraConfig: "SetEnv PATH=" + bin + ":/usr/bin:/bin HOME=" + t.TempDir() + "\n"})
	toml := fmt.Sprintf("[[hosts]]\nname = \"web1\"\naddress = \"127.0.0.1\"\nport = %d\nuser = %q\nidentity_file = %q\n",
		srv.Port, srv.User, srv.ClientKeyFile)
	apps, _ := appsOn(t, 1, toml)
	a := apps[0]
	ctx := context.Background()
	h, err := a.Hosts()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Trust(ctx, "web1", ssh.FingerprintSHA256(srv.HostKey)); err != nil {
		t.Fatal(err)
	}
	act := actions.Action{Kind: actions.ServiceRestart, Host: "web1", Params: actions.Service{Unit: "nginx"}}
	ans, err := a.Ask(ctx, approvals.Proposal{Action: act, Proposer: approvals.ByAgent, Why: "test"}, approvals.AskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Approve(ctx, ans.Entry.ID, tester, approvals.Remember{})
	if err != nil || got.State != store.ApprovalSucceeded {
		t.Fatalf("approve: %s %q %v", got.State, got.Error, err)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if calls := strings.Split(strings.TrimSpace(string(b)), "\n"); len(calls) != 2 ||
		calls[0] != "restart -- nginx.service" || calls[1] != "is-active -- nginx.service" {
		t.Fatalf("systemctl on web1 was asked %q", calls)
	}
}
