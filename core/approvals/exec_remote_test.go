package approvals

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// recordingHost is a transport to another host that records what it was
// asked and answers like systemctl would.
type recordingHost struct {
	name string
	mu   sync.Mutex
	cmds []hosts.Command
}

func (h *recordingHost) Name() string { return h.name }
func (h *recordingHost) Close() error { return nil }
func (h *recordingHost) Run(ctx context.Context, cmd hosts.Command, timeout time.Duration) (hosts.Output, error) {
	return h.Stream(ctx, cmd, timeout, nil)
}
func (h *recordingHost) Stream(_ context.Context, cmd hosts.Command, _ time.Duration, onLine func(hosts.Line)) (hosts.Output, error) {
	h.mu.Lock()
	h.cmds = append(h.cmds, cmd)
	h.mu.Unlock()
	out := ""
	if len(cmd.Argv) > 1 && cmd.Argv[1] == "is-active" {
		out = "active\n"
	}
	if onLine != nil && out != "" {
		onLine(hosts.Line{Stream: hosts.Stdout, Text: out})
	}
	return hosts.Output{Stdout: out}, nil
}

func (h *recordingHost) asked() []hosts.Command {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hosts.Command(nil), h.cmds...)
}

func TestRemoteActions(t *testing.T) {
	cases := []struct {
		name     string
		action   actions.Action
		state    store.ApprovalState
		wantErr  string
		wantArgv [][]string
		root     []bool
	}{
		{"restart runs there as root, checked there", service(actions.ServiceRestart, "nginx"), store.ApprovalSucceeded, "",
			[][]string{{"systemctl", "restart", "--", "nginx.service"}, {"systemctl", "is-active", "--", "nginx.service"}}, []bool{true, false}},
		{"status is no root", service(actions.ServiceStatus, "nginx"), store.ApprovalSucceeded, "",
			[][]string{{"systemctl", "status", "--no-pager", "--", "nginx.service"}}, []bool{false}},
		{"file write refused", actions.Action{Kind: actions.FileWrite, Params: actions.File{Path: "/etc/motd", Content: "hi"}},
			store.ApprovalFailed, "file.write on host web1 is not done through the approval queue", nil, nil},
		{"file read refused", actions.Action{Kind: actions.FileRead, Params: actions.Read{Path: "/etc/motd"}},
			store.ApprovalFailed, "file.read on host web1 is not done", nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, policy.Suggest)
			web1 := &recordingHost{name: "web1"}
			r.svc.exec.transports = func(h string) (hosts.Transport, error) {
				if h != "web1" {
					return nil, errors.New("no such host")
				}
				return web1, nil
			}
			a := tc.action
			a.Host = "web1"
			e := r.ask(a, AskOptions{}).Entry
			got, err := r.svc.Approve(context.Background(), e.ID, person, Remember{})
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tc.state || !strings.Contains(got.Error, tc.wantErr) {
				t.Fatalf("%s: %q, want %s %q", got.State, got.Error, tc.state, tc.wantErr)
			}
			asked := web1.asked()
			if len(asked) != len(tc.wantArgv) {
				t.Fatalf("ran %v, want %v", asked, tc.wantArgv)
			}
			for i, c := range asked {
				if strings.Join(c.Argv, "\x00") != strings.Join(tc.wantArgv[i], "\x00") || c.Root != tc.root[i] {
					t.Errorf("command %d: %q root %v, want %q root %v", i, c.Argv, c.Root, tc.wantArgv[i], tc.root[i])
				}
			}
			if calls := r.systemctlCalls(); len(calls) != 0 {
				t.Errorf("systemctl ran on this machine: %q", calls)
			}
		})
	}
}
