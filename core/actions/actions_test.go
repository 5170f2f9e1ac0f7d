package actions

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		a    Action
		err  string // "" means valid
	}{
		{"unit plain", Action{Kind: ServiceStop, Params: Service{Unit: "nginx"}}, ""},
		{"unit suffix", Action{Kind: ServiceStop, Params: Service{Unit: "nginx.service"}}, ""},
		{"unit socket", Action{Kind: ServiceStop, Params: Service{Unit: "sshd.socket"}}, ""},
		{"unit instance", Action{Kind: ServiceRestart, Params: Service{Unit: "getty@tty1.service"}}, ""},
		{"unit escaped", Action{Kind: ServiceStatus, Params: Service{Unit: `systemd-fsck@dev-disk-by\x2duuid-1.service`}}, ""},
		{"unit root slice", Action{Kind: ServiceStatus, Params: Service{Unit: "-.slice"}}, ""},
		{"unit empty", Action{Kind: ServiceStop, Params: Service{}}, "empty"},
		{"unit space", Action{Kind: ServiceStop, Params: Service{Unit: "ssh d"}}, "does not allow"},
		{"unit semicolon", Action{Kind: ServiceStop, Params: Service{Unit: "ssh;reboot"}}, "does not allow"},
		{"unit slash", Action{Kind: ServiceStop, Params: Service{Unit: "../ssh"}}, "does not allow"},
		{"unit glob", Action{Kind: ServiceStop, Params: Service{Unit: "ssh*"}}, "does not allow"},
		{"unit option", Action{Kind: ServiceStop, Params: Service{Unit: "--all"}}, "dash"},
		{"unit two at", Action{Kind: ServiceStop, Params: Service{Unit: "a@b@c.service"}}, "more than one @"},
		{"unit no prefix", Action{Kind: ServiceStop, Params: Service{Unit: ".service"}}, "nothing before"},
		{"unit nul", Action{Kind: ServiceStop, Params: Service{Unit: "ssh\x00"}}, "NUL"},
		{"unit newline", Action{Kind: ServiceStop, Params: Service{Unit: "ssh\nreboot"}}, "control"},
		{"unit escape", Action{Kind: ServiceStop, Params: Service{Unit: "ssh\x1b[2J"}}, "control"},
		{"unit unicode", Action{Kind: ServiceStop, Params: Service{Unit: "sshе"}}, "does not allow"},
		{"unit too long", Action{Kind: ServiceStop, Params: Service{Unit: strings.Repeat("a", 256)}}, "longer"},
		{"journal ok", Action{Kind: JournalTail, Params: Journal{Unit: "nginx", Lines: 100}}, ""},
		{"journal zero", Action{Kind: JournalTail, Params: Journal{Lines: 0}}, "lines"},
		{"journal many", Action{Kind: JournalTail, Params: Journal{Lines: MaxJournalLines + 1}}, "lines"},
		{"cleanup ok", Action{Kind: DiskCleanup, Params: Cleanup{Set: TempFiles, Days: 7}}, ""},
		{"cleanup days 0", Action{Kind: DiskCleanup, Params: Cleanup{Set: TempFiles, Days: 0}}, "days"},
		{"cleanup days big", Action{Kind: DiskCleanup, Params: Cleanup{Set: OldJournals, Days: 366}}, "days"},
		{"cleanup set", Action{Kind: DiskCleanup, Params: Cleanup{Set: "home", Days: 1}}, "safe cleanup set"},
		{"cleanup manager", Action{Kind: DiskCleanup, Params: Cleanup{Set: PackageCache, Days: 1, Manager: "pip"}}, "not supported"},
		{"diag ok", Action{Kind: DiagnosticRun, Params: Diagnostic{Name: "failed-units"}}, ""},
		{"diag unknown", Action{Kind: DiagnosticRun, Params: Diagnostic{Name: "rm"}}, "allow-listed"},
		{"file ok", Action{Kind: FileWrite, Params: File{Path: "/etc/nginx/nginx.conf", Content: "x"}}, ""},
		{"file relative", Action{Kind: FileWrite, Params: File{Path: "etc/x"}}, "not absolute"},
		{"file dot", Action{Kind: FileWrite, Params: File{Path: "/etc/./x"}}, "not clean"},
		{"file dotdot", Action{Kind: FileWrite, Params: File{Path: "/srv/../etc/shadow"}}, "not clean"},
		{"file trailing", Action{Kind: FileWrite, Params: File{Path: "/etc/x/"}}, "not clean"},
		{"file root", Action{Kind: FileWrite, Params: File{Path: "/"}}, "root"},
		{"file nul", Action{Kind: FileWrite, Params: File{Path: "/etc/x\x00y"}}, "NUL"},
		{"file tab", Action{Kind: FileWrite, Params: File{Path: "/etc/x\ty"}}, "control"},
		{"file bidi", Action{Kind: FileWrite, Params: File{Path: "/etc/x\u202ey"}}, "control"},
		{"file mode", Action{Kind: FileWrite, Params: File{Path: "/etc/x", Mode: 04755}}, "permission"},
		{"file backup self", Action{Kind: FileWrite, Params: File{Path: "/etc/x", Backup: "/etc/x"}}, "itself"},
		{"file backup relative", Action{Kind: FileWrite, Params: File{Path: "/etc/x", Backup: "x.bak"}}, "not absolute"},
		{"package ok", Action{Kind: PackageUpdate, Params: Package{Manager: "apt", Packages: []string{"libc6", "g++"}}}, ""},
		{"package option", Action{Kind: PackageUpdate, Params: Package{Manager: "apt", Packages: []string{"-oAPT::x"}}}, "package name"},
		{"package manager", Action{Kind: PackageUpdate, Params: Package{Manager: "curl"}}, "not supported"},
		{"reboot", Action{Kind: SystemReboot, Params: Reboot{}}, ""},
		{"command ok", Action{Kind: CommandRun, Params: Command{Shell: "df -h\nuptime"}}, ""},
		{"command empty", Action{Kind: CommandRun, Params: Command{}}, "no command"},
		{"command nul", Action{Kind: CommandRun, Params: Command{Shell: "df\x00"}}, "control byte"},
		{"command escape", Action{Kind: CommandRun, Params: Command{Shell: "echo \x1b]0;x\x07"}}, "control byte"},
		{"command bidi", Action{Kind: CommandRun, Params: Command{Shell: "echo \u2066x"}}, "control"},
		{"command too long", Action{Kind: CommandRun, Params: Command{Shell: strings.Repeat("a", MaxCommandBytes+1)}}, "longer"},
		{"unknown kind", Action{Kind: "service.nuke", Params: Service{Unit: "x"}}, "not a known kind"},
		{"no params", Action{Kind: ServiceStop}, "no parameters"},
		{"mismatch", Action{Kind: ServiceStop, Params: Command{Shell: "x"}}, "do not belong"},
		{"host ok", Action{Kind: ServiceStatus, Host: "web-1.example", Params: Service{Unit: "x"}}, ""},
		{"host bad", Action{Kind: ServiceStatus, Host: "-oProxyCommand=x", Params: Service{Unit: "x"}}, "host name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.a.Validate()
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case c.err != "" && err == nil:
				t.Fatalf("Validate accepted it, want an error holding %q", c.err)
			case c.err != "" && !strings.Contains(err.Error(), c.err):
				t.Fatalf("Validate: %v, want %q", err, c.err)
			}
			if err != nil && c.a.Argv() != nil {
				t.Fatal("an invalid action has an argument list")
			}
		})
	}
}

func TestCanonicalUnit(t *testing.T) {
	cases := []struct{ in, name, full string }{
		{"ssh", "ssh", "ssh.service"},
		{"ssh.service", "ssh", "ssh.service"},
		{"sshd", "ssh", "ssh.service"},
		{"sshd.service", "ssh", "ssh.service"},
		{"sshd.socket", "ssh", "ssh.socket"},
		{"openssh-server", "ssh", "ssh.service"},
		{"openssh", "ssh", "ssh.service"},
		{"SSH.service", "SSH", "SSH.service"}, // case-sensitive, as systemd
		{"network-manager", "NetworkManager", "NetworkManager.service"},
		{"messagebus", "dbus", "dbus.service"},
		{"init", "systemd", "systemd.service"},
		{"getty@tty1.service", "getty@tty1", "getty@tty1.service"},
		{"getty@.service", "getty@", "getty@.service"},
		{"backup.timer", "backup", "backup.timer"},
		{"multi-user.target", "multi-user", "multi-user.target"},
		{"foo.bar", "foo.bar", "foo.bar.service"},
	}
	for _, c := range cases {
		u, err := CanonicalUnit(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if u.Name() != c.name || u.String() != c.full {
			t.Errorf("%s: %s / %s, want %s / %s", c.in, u.Name(), u.String(), c.name, c.full)
		}
	}
}

func TestArgvCheckUndo(t *testing.T) {
	cases := []struct {
		a     Action
		run   string
		check string
		undo  string
	}{
		{Action{Kind: ServiceStatus, Params: Service{Unit: "nginx"}}, "systemctl status --no-pager -- nginx.service", "", ""},
		{Action{Kind: ServiceStart, Params: Service{Unit: "nginx"}}, "systemctl start -- nginx.service", "systemctl is-active -- nginx.service", "systemctl stop -- nginx.service"},
		{Action{Kind: ServiceStop, Params: Service{Unit: "nginx.socket"}}, "systemctl stop -- nginx.socket", "systemctl is-active -- nginx.socket", "systemctl start -- nginx.socket"},
		{Action{Kind: ServiceRestart, Params: Service{Unit: "nginx"}}, "systemctl restart -- nginx.service", "systemctl is-active -- nginx.service", ""},
		{Action{Kind: JournalTail, Params: Journal{Unit: "cron", Lines: 20}}, "journalctl --no-pager -o short-iso -n 20 -u cron.service", "", ""},
		{Action{Kind: DiskCleanup, Params: Cleanup{Set: TempFiles, Days: 10}}, "find /tmp /var/tmp -xdev -mindepth 1 -type f -mtime +10 -delete", "df -P -- /", ""},
		{Action{Kind: DiskCleanup, Params: Cleanup{Set: OldJournals, Days: 30}}, "journalctl --vacuum-time=30d", "df -P -- /", ""},
		{Action{Kind: DiagnosticRun, Params: Diagnostic{Name: "listening"}}, "ss -tlnp", "", ""},
		{Action{Kind: FileWrite, Params: File{Path: "/etc/x", Content: "a", Backup: "/var/backups/x", Existed: true}}, "tee -- /etc/x", "sha256sum -- /etc/x", "cp -p -- /var/backups/x /etc/x"},
		{Action{Kind: FileWrite, Params: File{Path: "/etc/new", Content: "a"}}, "tee -- /etc/new", "sha256sum -- /etc/new", "rm -f -- /etc/new"},
		{Action{Kind: PackageUpdate, Params: Package{Manager: "apt", Packages: []string{"nginx"}}}, "apt-get install --only-upgrade -y -- nginx", "dpkg --audit", ""},
		{Action{Kind: SystemReboot, Params: Reboot{}}, "systemctl reboot", "uptime -s", ""},
		{Action{Kind: CommandRun, Params: Command{Shell: "df -h; uptime"}}, "bash --noprofile --norc -c df -h; uptime", "", ""},
	}
	for _, c := range cases {
		if got := strings.Join(c.a.Argv(), " "); got != c.run {
			t.Errorf("%s run: %q, want %q", c.a.Kind, got, c.run)
		}
		if got := strings.Join(c.a.Check().Argv, " "); got != c.check {
			t.Errorf("%s check: %q, want %q", c.a.Kind, got, c.check)
		}
		if got := strings.Join(c.a.UndoArgv(), " "); got != c.undo {
			t.Errorf("%s undo: %q, want %q", c.a.Kind, got, c.undo)
		}
	}
	// Command text stays one argument: never split, never glued.
	if argv := (Action{Kind: CommandRun, Params: Command{Shell: "a; b"}}).Argv(); argv[len(argv)-1] != "a; b" {
		t.Errorf("shell text split: %q", argv)
	}
}

func TestTarget(t *testing.T) {
	tg := Action{Kind: ServiceStop, Host: "web1", Params: Service{Unit: "sshd.socket"}}.Target()
	if tg != (Target{Host: "web1", Unit: "sshd.socket", Canonical: "ssh"}) {
		t.Errorf("target %+v", tg)
	}
	if tg := (Action{Kind: FileWrite, Params: File{Path: "/etc/x"}}).Target(); tg.Path != "/etc/x" || tg.Unit != "" {
		t.Errorf("file target %+v", tg)
	}
}

func TestRegistry(t *testing.T) {
	kinds := []Kind{ServiceStatus, ServiceStart, ServiceRestart, ServiceStop, JournalTail, DiskCleanup, DiagnosticRun, FileWrite, PackageUpdate, SystemReboot, CommandRun, FileRead, MemoryRemember, MemoryForget}
	var got []Kind
	for _, s := range Specs() {
		got = append(got, s.Kind)
		var schema map[string]any
		if err := json.Unmarshal([]byte(s.Schema), &schema); err != nil {
			t.Errorf("%s: schema: %v", s.Kind, err)
		}
		if s.Description == "" || !strings.HasPrefix(s.Schema, "{") || s.BaseRisk < Low || s.BaseRisk > Critical {
			t.Errorf("%s: incomplete spec %+v", s.Kind, s)
		}
	}
	if !slices.Equal(got, kinds) {
		t.Errorf("kinds %v", got)
	}
	if s, ok := Lookup(SystemReboot); !ok || s.BaseRisk != Critical {
		t.Errorf("reboot spec %+v", s)
	}
	if _, ok := Lookup("x"); ok {
		t.Error("unknown kind found")
	}
	for _, n := range Diagnostics() {
		if diagnosticArgv(n) == nil {
			t.Errorf("diagnostic %s has no argv", n)
		}
	}
}
