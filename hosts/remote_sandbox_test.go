package hosts

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/secretpath"
)

// probeAnswer is a well-formed probe answer with the given values over
// a host offering the system manager to a root login.
func probeAnswer(over map[string]string, withSudo bool) string {
	vals := map[string]string{"uid": "0", "home": "/root", "bash": "/usr/bin/bash", "run": "/usr/bin/systemd-run",
		"version": "systemd 252 (252.38-1~deb12u1)", "system": "running", "user": "", "userns": "63704",
		"userns_clone": "1", "apparmor_userns": "", "sudo": "no"}
	for k, v := range over {
		vals[k] = v
	}
	keys := []string{"uid", "home", "bash", "run", "version", "system", "user", "userns", "userns_clone", "apparmor_userns"}
	if withSudo {
		keys = append(keys, "sudo")
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + vals[k] + "\n")
	}
	b.WriteString("end=ok\n")
	return b.String()
}

func TestRemoteSandboxParse(t *testing.T) {
	good := probeAnswer(nil, false)
	tests := []struct {
		name    string
		out     string
		sudo    bool
		wantErr bool
		check   func(probeFacts) bool
	}{
		{name: "plain", out: good, check: func(f probeFacts) bool {
			return f.uid == 0 && f.home == "/root" && f.version == 252 && f.system == "running" && f.userns == 63704
		}},
		{name: "with sudo", out: probeAnswer(map[string]string{"sudo": "yes", "uid": "1000"}, true), sudo: true,
			check: func(f probeFacts) bool { return f.sudo && f.uid == 1000 }},
		{name: "nothing there", out: probeAnswer(map[string]string{"run": "", "bash": "", "version": "", "system": "", "userns": "", "userns_clone": ""}, false),
			check: func(f probeFacts) bool { return f.run == "" && f.version == 0 }},
		{name: "home a unit cannot name is dropped", out: probeAnswer(map[string]string{"home": "/home/a b"}, false),
			check: func(f probeFacts) bool { return f.home == "" }},
		{name: "home with a substitution", out: probeAnswer(map[string]string{"home": "/home/$(reboot)"}, false),
			check: func(f probeFacts) bool { return f.home == "" }},
		{name: "home with a specifier", out: probeAnswer(map[string]string{"home": "/home/%h"}, false),
			check: func(f probeFacts) bool { return f.home == "" }},
		{name: "home climbing", out: probeAnswer(map[string]string{"home": "/home/../root"}, false),
			check: func(f probeFacts) bool { return f.home == "" }},
		{name: "relative home", out: probeAnswer(map[string]string{"home": "home/u"}, false),
			check: func(f probeFacts) bool { return f.home == "" }},
		{name: "sudo line missing", out: good, sudo: true, wantErr: true},
		{name: "sudo line not asked for", out: probeAnswer(nil, true), wantErr: true},
		{name: "no end", out: strings.TrimSuffix(good, "end=ok\n"), wantErr: true},
		{name: "a line before", out: "Welcome to web2!\n" + good, wantErr: true},
		{name: "a line after", out: good + "bye\n", wantErr: true},
		{name: "key twice", out: strings.Replace(good, "home=/root", "uid=0", 1), wantErr: true},
		{name: "unknown key", out: strings.Replace(good, "userns=", "userns2=", 1), wantErr: true},
		{name: "crlf", out: strings.ReplaceAll(good, "\n", "\r\n"), wantErr: true},
		{name: "negative uid", out: probeAnswer(map[string]string{"uid": "-1"}, false), wantErr: true},
		{name: "huge uid", out: probeAnswer(map[string]string{"uid": "99999999999"}, false), wantErr: true},
		{name: "signed uid", out: probeAnswer(map[string]string{"uid": "+5"}, false), wantErr: true},
		{name: "empty uid", out: probeAnswer(map[string]string{"uid": ""}, false), wantErr: true},
		{name: "bash with quote", out: probeAnswer(map[string]string{"bash": "/bin/ba'sh"}, false), wantErr: true},
		{name: "run relative", out: probeAnswer(map[string]string{"run": "systemd-run"}, false), wantErr: true},
		{name: "run with a space", out: probeAnswer(map[string]string{"run": "/usr/bin/systemd-run -p X=1"}, false), wantErr: true},
		{name: "version not systemd", out: probeAnswer(map[string]string{"version": "busybox 1.36"}, false), wantErr: true},
		{name: "version not a number", out: probeAnswer(map[string]string{"version": "systemd 25x (252)"}, false), wantErr: true},
		{name: "version too long", out: probeAnswer(map[string]string{"version": "systemd 252 " + strings.Repeat("x", 300)}, false), wantErr: true},
		{name: "state not systemctl's", out: probeAnswer(map[string]string{"system": "running; rm -rf /"}, false), wantErr: true},
		{name: "userns not a count", out: probeAnswer(map[string]string{"userns": "-1"}, false), wantErr: true},
		{name: "userns_clone not a flag", out: probeAnswer(map[string]string{"userns_clone": "2"}, false), wantErr: true},
		{name: "sudo maybe", out: probeAnswer(map[string]string{"sudo": "maybe"}, true), sudo: true, wantErr: true},
		{name: "too long", out: strings.Repeat("x", maxProbeOutput+1), wantErr: true},
		{name: "empty", out: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := parseSandboxProbe(tt.out, tt.sudo)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && tt.check != nil && !tt.check(f) {
				t.Errorf("facts %+v", f)
			}
		})
	}
}

func TestRemoteSandboxDecide(t *testing.T) {
	base := probeFacts{uid: 1000, home: "/home/ops", bash: "/bin/bash", run: "/usr/bin/systemd-run", version: 252, userns: 100}
	with := func(change func(*probeFacts)) probeFacts {
		f := base
		change(&f)
		return f
	}
	tests := []struct {
		name   string
		facts  probeFacts
		want   SandboxManager
		root   bool
		sudo   bool
		whyHas string
	}{
		{name: "root login", facts: with(func(f *probeFacts) { f.uid, f.system = 0, "running" }), want: SandboxSystem, root: true},
		{name: "sudo allowed", facts: with(func(f *probeFacts) { f.system, f.sudo = "degraded", true }), want: SandboxSystem, sudo: true},
		{name: "sudo preferred to the user manager", facts: with(func(f *probeFacts) { f.system, f.user, f.sudo = "running", "running", true }), want: SandboxSystem, sudo: true},
		{name: "user manager", facts: with(func(f *probeFacts) { f.system, f.user = "running", "running" }), want: SandboxUser},
		{name: "user manager without user namespaces", facts: with(func(f *probeFacts) { f.user, f.userns = "running", 0 }), whyHas: "user namespace"},
		{name: "user namespaces switched off", facts: with(func(f *probeFacts) { f.user, f.usernsClone = "running", "0" }), whyHas: "user namespace"},
		{name: "apparmor restricts user namespaces", facts: with(func(f *probeFacts) { f.user, f.apparmorUserns = "running", "1" }), whyHas: "user namespace"},
		{name: "root's own manager is not used", facts: with(func(f *probeFacts) { f.uid, f.system, f.user = 0, "offline", "running" }), whyHas: "confine it as root"},
		{name: "system manager but no way to root", facts: with(func(f *probeFacts) { f.system = "running" }), whyHas: "neither root nor allowed sudo"},
		{name: "no systemd-run", facts: with(func(f *probeFacts) { f.run, f.system = "", "running" }), whyHas: "no systemd-run"},
		{name: "no bash", facts: with(func(f *probeFacts) { f.bash, f.uid, f.system = "", 0, "running" }), whyHas: "no bash"},
		{name: "old systemd", facts: with(func(f *probeFacts) { f.version, f.uid, f.system = 239, 0, "running" }), whyHas: "older than"},
		{name: "no manager running (a container)", facts: with(func(f *probeFacts) { f.uid, f.system = 0, "offline" }), whyHas: "no running systemd"},
		{name: "unusable home", facts: with(func(f *probeFacts) { f.home, f.uid, f.system = "", 0, "running" }), whyHas: "home directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := decideSandbox(tt.facts)
			if s.Manager != tt.want || s.Root != tt.root || s.Sudo != tt.sudo {
				t.Fatalf("got %+v, want manager %q root %v sudo %v", s, tt.want, tt.root, tt.sudo)
			}
			if tt.want == SandboxNone && !strings.Contains(s.Why, tt.whyHas) {
				t.Errorf("why %q, want it to say %q", s.Why, tt.whyHas)
			}
		})
	}
}

func TestRemoteSandboxCommand(t *testing.T) {
	sys := RemoteSandbox{Manager: SandboxSystem, UID: 1000, Home: "/home/ops", Bash: "/bin/bash", Run: "/usr/bin/systemd-run", Systemd: 252}
	root, user := sys, sys
	root.Root, root.UID, root.Home = true, 0, "/root"
	user.Manager = SandboxUser
	sudo := sys
	sudo.Sudo = true
	tests := []struct {
		name     string
		s        RemoteSandbox
		wantErr  bool
		has      []string
		hasNot   []string
		wantRoot bool
	}{
		{name: "root login", s: root, wantRoot: true, has: []string{"DynamicUser=yes", "ProtectControlGroups=yes", "-/root/.ssh"}, hasNot: []string{"--user", "--uid=0"}},
		{name: "sudo", s: sudo, wantRoot: true, has: []string{"--uid=1000", "ProtectControlGroups=yes", "-/home/ops/.aws"}, hasNot: []string{"--user", "DynamicUser=yes"}},
		{name: "user manager", s: user, has: []string{"--user", "PrivateUsers=yes", "ProtectKernelTunables=yes"}, hasNot: []string{"--uid=1000", "ProtectControlGroups=yes", "DynamicUser=yes"}},
		{name: "none", s: RemoteSandbox{Why: "has no systemd-run"}, wantErr: true},
		{name: "never --uid=0", s: RemoteSandbox{Manager: SandboxSystem, Sudo: true, UID: 0, Home: "/root", Bash: "/bin/bash", Run: "/usr/bin/systemd-run"}, wantErr: true},
		{name: "paths not checked", s: RemoteSandbox{Manager: SandboxSystem, Home: "/home/a b", Bash: "/bin/bash", Run: "/usr/bin/systemd-run"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, err := SandboxCommand(tt.s, "df -h", 90*time.Second+time.Millisecond)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			want := []string{"/usr/bin/systemd-run", "--pipe", "--wait", "--quiet", "--collect"}
			if !slices.Equal(cmd.Argv[:5], want) {
				t.Errorf("starts %q, want %q", cmd.Argv[:5], want)
			}
			if n := len(cmd.Argv); !slices.Equal(cmd.Argv[n-4:], []string{"--", "/bin/bash", "-c", "df -h"}) {
				t.Errorf("ends %q", cmd.Argv[n-4:])
			}
			if cmd.Root != tt.wantRoot {
				t.Errorf("Root = %v, want %v", cmd.Root, tt.wantRoot)
			}
			joined := strings.Join(cmd.Argv, "\n")
			for _, p := range []string{"ProtectSystem=strict", "ProtectHome=read-only", "PrivateTmp=yes", "PrivateDevices=yes",
				"PrivateNetwork=yes", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_INET AF_INET6", "RestrictNamespaces=yes",
				"LockPersonality=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes", "TemporaryFileSystem=/run/user:ro",
				"SystemCallFilter=~@clock @debug @module @mount @obsolete @privileged @raw-io @reboot @swap", "RuntimeMaxSec=91"} {
				tt.has = append(tt.has, p)
			}
			for _, h := range tt.has {
				if !strings.Contains(joined, h) {
					t.Errorf("argv lacks %q:\n%s", h, joined)
				}
			}
			for _, h := range tt.hasNot {
				if strings.Contains(joined, h) {
					t.Errorf("argv has %q:\n%s", h, joined)
				}
			}
			// Every property is one -p word, so nothing after the first
			// word of a value is read as an option.
			for i, a := range cmd.Argv {
				if a == "-p" && (i+1 >= len(cmd.Argv) || !strings.Contains(cmd.Argv[i+1], "=")) {
					t.Errorf("-p at %d without an assignment", i)
				}
			}
		})
	}
}

// TestRemoteSandboxQuoting: hostile text reaches bash as one argument,
// exactly (systemd's own $ expansion undone), through the remote line a
// shell reads and through the host's sudo policy.
func TestRemoteSandboxQuoting(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	s := RemoteSandbox{Manager: SandboxSystem, UID: 1000, Home: "/home/ops", Bash: "/bin/bash", Run: "/usr/bin/systemd-run", Systemd: 252}
	texts := []string{
		`echo 'single' "double" \back`,
		"echo one\necho two; rm -rf ~",
		`echo $(id) ` + "`id`" + ` ${HOME} $HOME $$ $1`,
		`$HOME/bin/tool`,
		`echo %h %n %%`,
		`printf '\x27'; echo "'"'"'`,
	}
	for _, text := range texts {
		cmd, err := SandboxCommand(s, text, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		cmd = ApplySudo(cmd, config.SudoAsk, "ops")
		if !slices.Equal(cmd.Argv[:3], []string{"sudo", "-n", "--"}) {
			t.Fatalf("sudo not applied: %q", cmd.Argv[:3])
		}
		line, err := RemoteLine(cmd)
		if err != nil {
			t.Fatal(err)
		}
		// The remote shell reads the line; print its words instead of
		// running them.
		out, err := exec.Command(sh, "-c", "set -- "+line+"\nprintf '%s\\000' \"$@\"").Output()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		words := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if !slices.Equal(words, cmd.Argv) {
			t.Fatalf("the remote shell read\n%q\nwant\n%q", words, cmd.Argv)
		}
		if got := systemdExpand(words[len(words)-1]); got != text && got != " "+text {
			t.Errorf("bash would get %q, want %q", got, text)
		}
	}
	if _, err := SandboxCommand(s, "echo \xff", time.Minute); err == nil {
		t.Error("text that is not UTF-8 was wrapped")
	}
}

// systemdExpand undoes unitArg as systemd reads an ExecStart argument:
// "$$" is one "$".
func systemdExpand(s string) string { return strings.ReplaceAll(s, "$$", "$") }

// TestRemoteSandboxCredentialPaths: every path the unit hides is one the
// rest of Macroa treats as a credential.
func TestRemoteSandboxCredentialPaths(t *testing.T) {
	for _, p := range SandboxCredentialPaths {
		if why := secretpath.Why("/home/ops/" + p); why == "" {
			t.Errorf("%s is not a credential path to secretpath", p)
		}
	}
}

// countingHost answers the probe with a fixed text, or fails.
type countingHost struct {
	answer string
	err    error
	runs   int
	argv   []string
}

func (c *countingHost) Name() string { return "web2" }
func (c *countingHost) Close() error { return nil }
func (c *countingHost) Run(ctx context.Context, cmd Command, d time.Duration) (Output, error) {
	return c.Stream(ctx, cmd, d, nil)
}
func (c *countingHost) Stream(_ context.Context, cmd Command, _ time.Duration, _ func(Line)) (Output, error) {
	c.runs++
	c.argv = cmd.Argv
	return Output{Stdout: c.answer}, c.err
}

// TestRemoteSandboxCached: the host is asked once while it answers; a
// host that could not be asked is not asked again for sandboxRetry (each
// command asks the person at once), then asked again.
func TestRemoteSandboxCached(t *testing.T) {
	h := &countingHost{err: errors.New("connection refused")}
	var c sandboxCache
	if _, err := c.get(context.Background(), h, false); err == nil {
		t.Fatal("an unreachable host gave no error")
	}
	if _, err := c.get(context.Background(), h, false); err == nil || h.runs != 1 {
		t.Fatalf("within the retry time: error %v after %d probes, want the kept error after 1", err, h.runs)
	}
	c.retryAt = time.Now().Add(-time.Second) // the retry time has passed
	h.err, h.answer = nil, probeAnswer(nil, false)
	for range 3 {
		s, err := c.get(context.Background(), h, false)
		if err != nil || s.Manager != SandboxSystem || !s.Root {
			t.Fatalf("got %+v, %v", s, err)
		}
	}
	if h.runs != 2 {
		t.Errorf("probed %d times, want 2 (the failure, then once)", h.runs)
	}
	if strings.Contains(strings.Join(h.argv, " "), "sudo") {
		t.Error("sudo was tried on a host whose policy does not allow it")
	}
	// A hostile answer is an answer: it offers nothing, and is kept.
	h2 := &countingHost{answer: "uid=0\n$(reboot)\n"}
	s, err := ProbeSandbox(context.Background(), h2)
	if err != nil || s.Offered() || !strings.Contains(s.Why, "unreadable") {
		t.Errorf("hostile answer: %+v, %v", s, err)
	}
}

// TestRemoteSandboxDocumented: the README's "On other hosts" lists every
// setting of the unit and every credential path it hides.
func TestRemoteSandboxDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, doc, ok := strings.Cut(string(b), "### On other hosts")
	if !ok {
		t.Fatal(`the README has no "On other hosts" section`)
	}
	for _, p := range SandboxProperties {
		if !strings.Contains(doc, "`"+p.Assignment+"`") {
			t.Errorf("the README does not list %s", p.Assignment)
		}
	}
	for _, c := range SandboxCredentialPaths {
		if !strings.Contains(doc, "`~/"+c+"`") {
			t.Errorf("the README does not list ~/%s", c)
		}
	}
}
