package agent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/tools"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/hosts/sshdtest"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// TestRemotePolicy: a command for another host is judged by its text
// alone; what would need a look at that host's files asks.
func TestRemotePolicy(t *testing.T) {
	tests := []struct {
		command string
		allowed bool
	}{
		{"df -h", true},
		{"uptime", true},
		{"cat /etc/os-release", true},
		{"ls -la /var/log", true},
		{"systemctl status nginx", true},
		{"ps aux | head -n 5", true},
		{"cat ~/.ssh/id_ed25519", false},
		{"cat .ssh/config", false},
		{"cat /etc/shadow", false},
		{"cd /etc && cat shadow", false}, // relative after a cd: the directory is not checked
		{"grep -r password /etc", false}, // a tree on another host cannot be walked from here
		{"diff -r /etc/nginx /etc/apache2", false},
		{"git status", false}, // its repository's configuration is there, not here
		{"rm -rf /tmp/x", false},
		{"curl https://example.com", false},
		{"touch /tmp/canary", false},
	}
	for _, tt := range tests {
		t.Run(tt.command, func(t *testing.T) {
			d := remoteDecision(tt.command)
			if d.Allowed != tt.allowed {
				t.Errorf("allowed = %v (%s), want %v", d.Allowed, d.Reason, tt.allowed)
			}
			if len(d.Env) > 0 {
				t.Errorf("env %q for a remote command", d.Env)
			}
		})
	}
}

// TestRemoteHostParam: an absent host or "local" is this machine; an
// unknown host is an error naming the hosts; without transports, no
// other host is reached.
func TestRemoteHostParam(t *testing.T) {
	r := newRig(t)
	reg := r.agent.Registry()
	tl, _ := reg.Lookup(ToolRunCommand)
	if res := tl.Run(context.Background(), []byte(`{"command": "echo here", "host": "local"}`)); !res.OK || !strings.Contains(res.Output, "here") {
		t.Errorf("host local: %+v", res)
	}
	if res := tl.Run(context.Background(), []byte(`{"command": "echo here"}`)); !res.OK || !strings.Contains(res.Output, "here") {
		t.Errorf("no host: %+v", res)
	}
	if res := tl.Run(context.Background(), []byte(`{"command": "uptime", "host": "web9"}`)); res.OK || !strings.Contains(res.Output, "no other host") {
		t.Errorf("no transports: %+v", res)
	}
	r.agent.Remote = func(name string) (hosts.Transport, error) {
		return nil, fmt.Errorf("no host named %s; hosts: local, web1, web2", name)
	}
	if res := tl.Run(context.Background(), []byte(`{"command": "uptime", "host": "web9"}`)); res.OK || !strings.Contains(res.Output, "hosts: local, web1, web2") {
		t.Errorf("unknown host: %+v", res)
	}
	if res := tl.Run(context.Background(), []byte(`{"command": "uptime", "host": 7}`)); res.OK || !strings.Contains(res.Output, "must be a string") {
		t.Errorf("host not a string: %+v", res)
	}
	// The risk class of a call for another host is the remote verdict's.
	for args, want := range map[string]tools.Risk{
		`{"command": "df -h", "host": "web2"}`:      tools.ReadOnly,
		`{"command": "git status", "host": "web2"}`: tools.Unbounded,
		`{"command": "rm -rf /", "host": "web2"}`:   tools.Unbounded,
	} {
		if got := tl.RiskOf([]byte(args)); got != want {
			t.Errorf("risk of %s = %v, want %v", args, got, want)
		}
	}
}

// remoteHost is a real sshd on loopback whose sessions find binDir first
// on PATH, and a transport to it named web2.
type remoteHost struct {
	srv    *sshdtest.Server
	bin    string // first on the sessions' PATH
	t      hosts.Transport
	canary string
}

func startRemote(t *testing.T) *remoteHost {
	t.Helper()
	srv := sshdtest.Start(t, sshdtest.Options{})
	h := &remoteHost{srv: srv, bin: filepath.Join(srv.Dir, "bin"), canary: filepath.Join(srv.Dir, "canary")}
	if err := os.Mkdir(h.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// The login shell is bash, which reads ~/.bashrc for a command sent
	// over SSH; the sessions' HOME is the server's own.
	rc := fmt.Sprintf("export PATH=%s:$PATH\n", h.bin)
	for _, f := range []string{".bashrc", ".profile"} {
		if err := os.WriteFile(filepath.Join(srv.Home, f), []byte(rc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// uptime, as the model's command names it, leaves a trace when it runs.
	h.script(t, "uptime", fmt.Sprintf("#!/bin/sh\ntouch %s\necho up 3 days\n", h.canary))
	known := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ssh := &hosts.SSHHost{Label: "web2", Address: srv.Addr, User: srv.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(srv.ClientSigner)},
		Keys: hosts.HostKeys{Own: known}, DialTimeout: 10 * time.Second}
	t.Cleanup(func() { ssh.Close() })
	h.t = ssh
	// The session must see the PATH above, or neither test means anything.
	out, err := ssh.Run(context.Background(), hosts.Command{Argv: []string{"sh", "-c", "command -v uptime"}}, 30*time.Second)
	if err != nil || strings.TrimSpace(out.Stdout) != filepath.Join(h.bin, "uptime") {
		t.Skipf("the sshd sessions do not read ~/.bashrc, so their PATH cannot be set: %q %v", out.Stdout, err)
	}
	return h
}

func (h *remoteHost) script(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(h.bin, name), []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
}

func (h *remoteHost) ran() bool {
	_, err := os.Stat(h.canary)
	return !errors.Is(err, os.ErrNotExist)
}

// remoteRig is an agent whose model runs one command on web2, with a real
// approval queue that leaves what waits queued.
func remoteRig(t *testing.T, h *remoteHost, command string) (*rig, func() []store.Approval) {
	t.Helper()
	r := newRig(t)
	r.agent.Remote = func(name string) (hosts.Transport, error) {
		if name != "web2" {
			return nil, fmt.Errorf("no host named %s; hosts: local, web2", name)
		}
		return h.t, nil
	}
	q := r.ask(t, nil)
	r.srv.Script(toolCall("c1", "run_command", jsonArgs(t, "command", command, "host", "web2")), providertest.Reply{Content: "done"})
	return r, q.Asked
}

// TestRemoteNoSandboxAsks: on a host without a running systemd (this
// container), a command the policy judges read-only is not run: it waits
// in the approval queue for that host, saying why.
func TestRemoteNoSandboxAsks(t *testing.T) {
	h := startRemote(t)
	r, asked := remoteRig(t, h, "uptime")
	ans, err := r.agent.Run(context.Background(), "how long has web2 been up?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.ran() {
		t.Fatal("the command ran on a host that offers no sandbox")
	}
	entries := asked()
	if len(entries) != 1 {
		t.Fatalf("%d entries waited, want 1", len(entries))
	}
	e := entries[0]
	if p, _ := params(t, e).(actions.Command); e.Kind != string(actions.CommandRun) || e.Host != "web2" || p.Shell != "uptime" {
		t.Errorf("entry %s on %q: %s", e.Kind, e.Host, e.Params)
	}
	t.Logf("asked because %s", e.Why)
	if !strings.HasPrefix(e.Why, "web2 ") || !strings.Contains(e.Why, "confine") {
		t.Errorf("why = %q, want it to say web2 cannot confine it", e.Why)
	}
	c := ans.Calls[0]
	if c.OK || !c.Refused || c.Waiting == "" || c.Sandbox != "" {
		t.Errorf("call = %+v, want it waiting, unconfined", c)
	}
}

// TestRemoteSandboxPlumbing: with a systemd-run first on the host's PATH
// (and a systemctl saying the system manager runs), a read-only command
// runs unasked through systemd-run with the sandbox's properties, and its
// output comes back. The fake systemd-run only records its arguments and
// runs the command after "--": this checks the plumbing, not the
// confinement, which needs a real systemd.
func TestRemoteSandboxPlumbing(t *testing.T) {
	h := startRemote(t)
	argvFile := filepath.Join(h.srv.Dir, "systemd-run.argv")
	h.script(t, "systemctl", "#!/bin/sh\n[ \"$1\" = --user ] && { echo offline; exit 1; }\necho running\n")
	h.script(t, "systemd-run", fmt.Sprintf(`#!/bin/bash
if [ "$1" = --version ]; then echo "systemd 252 (252-fake)"; exit 0; fi
printf '%%s\0' "$@" > %s
while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
shift
args=()
for a in "$@"; do args+=("${a//\$\$/\$}"); done  # systemd reads "$$" as "$"
exec "${args[@]}"
`, argvFile))
	r, asked := remoteRig(t, h, "uptime")
	ans, err := r.agent.Run(context.Background(), "how long has web2 been up?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(asked()); n != 0 {
		t.Fatalf("%d entries waited, want none", n)
	}
	c := ans.Calls[0]
	if !c.OK || c.Sandbox != SandboxSystemdRun || !strings.Contains(c.Output, "up 3 days") {
		t.Fatalf("call = %+v, want the output, run under systemd-run", c)
	}
	if !h.ran() {
		t.Error("the command did not run")
	}
	raw, err := os.ReadFile(argvFile)
	if err != nil {
		t.Fatalf("systemd-run was not called: %v", err)
	}
	argv := strings.Split(strings.TrimSuffix(string(raw), "\x00"), "\x00")
	want := []string{"--pipe", "--wait", "--quiet", "--collect", "DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=read-only",
		"PrivateTmp=yes", "PrivateDevices=yes", "PrivateNetwork=yes", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_INET AF_INET6",
		"RestrictNamespaces=yes", "LockPersonality=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
		"ProtectKernelLogs=yes", "ProtectControlGroups=yes", "TemporaryFileSystem=/run/user:ro", "RuntimeMaxSec=10",
		"SystemCallFilter=~@clock @debug @module @mount @obsolete @privileged @raw-io @reboot @swap"}
	for _, w := range want {
		if !slices.Contains(argv, w) {
			t.Errorf("systemd-run was not given %q: %q", w, argv)
		}
	}
	hidden := "InaccessiblePaths=-" + h.srv.Home + "/.ssh"
	if !slices.ContainsFunc(argv, func(a string) bool { return strings.HasPrefix(a, hidden+" ") }) {
		t.Errorf("the home's credentials are not hidden (%s…): %q", hidden, argv)
	}
	if n := len(argv); n < 3 || argv[n-2] != "-c" || argv[n-1] != "uptime" || !strings.HasSuffix(argv[n-3], "/bash") {
		t.Errorf("the command is not bash -c TEXT after --: %q", argv)
	}
}
