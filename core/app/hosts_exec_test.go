package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/macroa/macroa/hosts"
)

func TestExecOnHosts(t *testing.T) {
	apps, dir := appsOn(t, 1, "[policy]\ndeny_commands = [\"iptables -F\"]\n")
	a := apps[0]
	ctx := context.Background()
	canary := filepath.Join(dir, "canary")
	var mu sync.Mutex
	var lines []string
	x := HostExec{Hosts: []string{"local"}, Source: "cli", Input: "hosts exec local -- ...",
		Transport: func(string) (hosts.Transport, error) { return hosts.Local{}, nil },
		OnLine: func(h string, l hosts.Line) {
			mu.Lock()
			lines = append(lines, h+": "+l.Text)
			mu.Unlock()
		}}

	// Each word reaches the program whole: nothing is read by a shell.
	x.Argv = []string{"printf", "%s|", "a;b", "$(touch " + canary + ")"}
	runs, err := a.ExecOnHosts(ctx, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Err != nil || runs[0].Output.Stdout != "a;b|$(touch "+canary+")|" {
		t.Fatalf("runs %+v", runs)
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the canary was made: a word was read by a shell")
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "local: a;b|") {
		t.Errorf("lines %q", lines)
	}

	// What the gate denies never runs, on any host.
	ran := false
	x.Transport = func(string) (hosts.Transport, error) { ran = true; return hosts.Local{}, nil }
	x.Argv = []string{"iptables", "-F", "INPUT"}
	if _, err := a.ExecOnHosts(ctx, x); !errors.Is(err, ErrExecDenied) || ran {
		t.Fatalf("denied command: err %v, ran %v", err, ran)
	}
	x.Argv = []string{"mkfs.ext4", "/dev/sda1"}
	if _, err := a.ExecOnHosts(ctx, x); !errors.Is(err, ErrExecDenied) || ran {
		t.Fatalf("mkfs: err %v, ran %v", err, ran)
	}

	// The run is in the audit log: a start record, then its outcome.
	entries, err := a.AuditService().Recent(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	for _, e := range entries {
		if e.Route == "hosts-exec" {
			if !strings.Contains(e.Action, "local: 'printf' '%s|' 'a;b'") || e.ChosenBy != "user" {
				t.Errorf("entry %+v", e)
			}
			stages = append(stages, e.Stage)
		}
	}
	if len(stages) != 2 {
		t.Fatalf("audit stages %q, want a start and an outcome", stages)
	}
}
