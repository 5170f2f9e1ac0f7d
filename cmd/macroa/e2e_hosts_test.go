package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSSHConfig writes the sandbox's ~/.ssh/config.
func (s *sandbox) writeSSHConfig(text string) {
	s.t.Helper()
	dir := filepath.Join(s.home, ".ssh")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte(text), 0o600); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sandbox) configText() string {
	b, _ := os.ReadFile(filepath.Join(s.data, "config.toml"))
	return string(b)
}

func TestHostsAddListRemove(t *testing.T) {
	s := newSandbox(t)
	s.writeSSHConfig("Host web1\n  HostName 10.0.0.1\n  User ops\n  Port 2222\nHost db1 db2\n  HostName 10.0.0.9\nHost *.example\n  User x\n")
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	const mine = "# my settings\ntheme = \"dark\" # keep\n"
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte(mine), 0o600); err != nil {
		t.Fatal(err)
	}

	r := s.macroa("hosts", "list", "--ssh-config", "--json")
	var aliases []aliasRow
	if err := json.Unmarshal([]byte(r.stdout), &aliases); err != nil || len(aliases) != 3 || aliases[0].Alias != "web1" || aliases[0].Port != 2222 {
		t.Fatalf("aliases %+v (%v): %s %s", aliases, err, r.stdout, r.stderr)
	}

	expect(t, s.macroa("hosts", "add", "web1", "--tag", "prod"), 0, "macroa hosts trust web1")
	if got := s.configText(); !strings.HasPrefix(got, mine) || !strings.Contains(got, "[[hosts]]\nname = \"web1\"\naddress = \"web1\"\ntags = [\"prod\"]\n") {
		t.Fatalf("config.toml:\n%s", got)
	}
	r = s.macroa("hosts", "add", "web1")
	if r.code != 1 || !strings.Contains(r.stderr, "already") {
		t.Fatalf("a second web1: exit %d, %s", r.code, r.stderr)
	}
	r = s.macroa("hosts", "add", "web9")
	if r.code != 2 || !strings.Contains(r.stderr, "web9 is not an alias in ~/.ssh/config") {
		t.Fatalf("unknown alias: exit %d, %s", r.code, r.stderr)
	}
	expect(t, s.macroa("hosts", "add", "--from-ssh-config", "--group", "dbs"), 0, "Added db2")

	r = s.macroa("hosts", "list", "--json")
	var rows []hostRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 4 {
		t.Fatalf("list %v: %s %s", err, r.stdout, r.stderr)
	}
	if rows[0].Name != "local" || rows[1].Name != "web1" || rows[1].HostName != "10.0.0.1" || rows[1].User != "ops" ||
		rows[1].Port != 2222 || rows[1].State != "new" || rows[3].Groups[0] != "dbs" {
		t.Errorf("rows %+v", rows)
	}
	expect(t, s.macroa("hosts", "list"), 0, "web1   web1 → 10.0.0.1")

	expect(t, s.macroa("hosts", "alerts"), 0, "No alerts firing")
	expect(t, s.macroa("hosts", "alerts", "--all", "--json"), 0, "[]")
	expect(t, s.macroa("hosts", "status", "local", "--json"), 0, `"name": "local"`)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		// A name that is no host is a usage error everywhere, with the
		// closest name.
		{[]string{"hosts", "alerts", "web9"}, 2, "no host named web9; did you mean web1? (hosts: local, web1, db1, db2)"},
		{[]string{"hosts", "status", "web9"}, 2, "no host named web9; did you mean web1?"},
		{[]string{"hosts", "trust", "web9"}, 2, "no host named web9; did you mean web1?"},
		{[]string{"hosts", "remove", "web9"}, 2, "no host named web9; did you mean web1?"},
		{[]string{"hosts", "exec", "web1", "true"}, 2, "then -- and the command"},
		{[]string{"hosts", "exec", "@prd", "--", "true"}, 2, "no host has the tag or group prd; did you mean @prod?"},
		{[]string{"hosts", "exec", "web9", "--", "true"}, 2, "no host named web9; did you mean web1?"},
		{[]string{"hosts", "exec", "web1", "web9", "--", "true"}, 2, "no host named web9"},
		{[]string{"hosts", "exec", "--timeout", "-1s", "web1", "--", "true"}, 2, "--timeout -1s is negative"},
		{[]string{"hosts", "remove", "local"}, 2, "this machine"},
		{[]string{"hosts", "trust", "local"}, 2, "this machine"},
		{[]string{"hosts", "add", "web2", "--address", "10.0.0.2", "--sudo", "always"}, 2, "--sudo"},
		{[]string{"hosts", "add", "web2", "--address", "10.0.0.2", "--port", "70000"}, 2, "not a port"},
	} {
		r := s.macroa(tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}

	expect(t, s.macroa("hosts", "remove", "db1"), 0, "Removed db1")
	r = s.macroa("hosts", "remove", "db1")
	if r.code != 2 || !strings.Contains(r.stderr, "no host named db1") {
		t.Fatalf("remove twice: exit %d, %s", r.code, r.stderr)
	}
	if got := s.configText(); !strings.HasPrefix(got, mine) || strings.Contains(got, "db1") || !strings.Contains(got, "db2") {
		t.Fatalf("config.toml after remove:\n%s", got)
	}

	// Settings that look wrong are added, with a warning for each.
	r = s.macroa("hosts", "add", "web2", "--address", "10.0.0.2", "--identity-file", "/nonexistent/key", "--proxy-jump", "nosuch,db2")
	if r.code != 0 || !strings.Contains(r.stdout, "Added web2") ||
		!strings.Contains(r.stderr, "warning: --identity-file /nonexistent/key: no such file") ||
		!strings.Contains(r.stderr, "warning: --proxy-jump nosuch is no host") || strings.Contains(r.stderr, "db2 is no host") {
		t.Fatalf("add with a missing key file and an unknown jump host: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(s.configText(), "web2") {
		t.Fatalf("web2 not added:\n%s", s.configText())
	}
}

// TestHostsHostile: names with control characters are refused with them
// shown, never drawn; a broken ~/.ssh/config is one clear error.
func TestHostsHostile(t *testing.T) {
	s := newSandbox(t)
	s.writeSSHConfig("Host evil\x1b]0;owned\x07\n  HostName 1.2.3.4\nHost ok\n  HostName 1.2.3.5\n")
	cases := []struct {
		name string
		args []string
	}{
		{"escape in name", []string{"hosts", "add", "web\x1b[2J1", "--address", "1.2.3.4"}},
		{"newline in name", []string{"hosts", "add", "web1\n[policy]", "--address", "1.2.3.4"}},
		{"newline in address", []string{"hosts", "add", "web1", "--address", "1.2.3.4\nautonomy = \"auto-full\""}},
		{"escape in tag", []string{"hosts", "add", "web1", "--address", "1.2.3.4", "--tag", "a\x1b[31m"}},
		{"hostile alias", []string{"hosts", "add", "--from-ssh-config", "evil\x1b]0;owned\x07"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.macroa(tc.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2: %s %s", r.code, r.stdout, r.stderr)
			}
			if strings.ContainsAny(r.stderr+r.stdout, "\x1b\x07") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
				t.Errorf("stderr not one clean line: %q", r.stderr)
			}
			if strings.Contains(s.configText(), "web1") || strings.Contains(s.configText(), "evil") {
				t.Fatalf("config.toml written: %q", s.configText())
			}
		})
	}
	r0 := s.macroa("hosts", "list", "--ssh-config")
	if r0.code != 0 || !strings.Contains(r0.stdout, `evil\x1b]0;owned\x07`) || strings.ContainsAny(r0.stdout, "\x1b\x07") {
		t.Fatalf("the hostile alias listed: exit %d %q", r0.code, r0.stdout)
	}
	// Importing them all skips the hostile alias, saying so cleanly.
	r := s.macroa("hosts", "add", "--from-ssh-config")
	if r.code != 0 || !strings.Contains(r.stdout, `Skipped evil\x1b]0;owned\x07:`) || strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, "Added ok") {
		t.Fatalf("import: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	if r := s.macroa("hosts", "add", "--from-ssh-config", "ok"); r.code != 0 || !strings.Contains(r.stdout, "Skipped ok: a host already") {
		t.Errorf("importing a host again: exit %d %q %q", r.code, r.stdout, r.stderr)
	}

	s.writeSSHConfig("Host web1\n  Port notaport\n")
	// The list needs no ~/.ssh/config: config.toml's hosts, and a warning
	// naming the file and line.
	r = s.macroa("hosts", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "ok ") || !strings.Contains(r.stderr, "warning") ||
		!strings.Contains(r.stderr, filepath.Join(".ssh", "config")+": line 2") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
		t.Errorf("list with a broken ~/.ssh/config: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = s.macroa("hosts", "list", "--json")
	var rows []hostRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); r.code != 0 || err != nil || len(rows) != 2 || rows[1].Name != "ok" {
		t.Errorf("list --json with a broken ~/.ssh/config: exit %d, %v %q", r.code, err, r.stdout)
	}
	// What needs the file still fails with the clear error.
	for _, args := range [][]string{{"hosts", "add", "web1"}, {"hosts", "list", "--ssh-config"}} {
		r := s.macroa(args...)
		if r.code != 2 || !strings.Contains(r.stderr, "config") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%v with a broken ~/.ssh/config: exit %d, %q", args, r.code, r.stderr)
		}
		assertNoCrash(t, r)
	}
}

// TestHostsQuestionsNoModel: questions about the hosts are answered with
// no model call, even with a model configured.
func TestHostsQuestionsNoModel(t *testing.T) {
	s, srv, env := modelSandbox(t)
	cases := []struct {
		input, want string
		code        int
	}{
		{"disk usage on local", "local", 0},
		{"memory on local", "memory", 0},
		{"uptime", "local: up", 0},
		{"how are my hosts", "local:", 0},
		{"disk usage on web9", "no host named web9; hosts: local", 1},
	}
	for _, tc := range cases {
		r := s.run("", env, "run", tc.input)
		if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", tc.input, r.code, r.stdout, r.stderr)
		}
		assertNoCrash(t, r)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d model requests, want 0", n)
	}
}

// TestHostsExecGate: hosts exec runs as typed, but never what the gate
// denies, and it is in the audit log.
func TestHostsExecGate(t *testing.T) {
	s := newSandbox(t)
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.data, "config.toml"), []byte("[policy]\ndeny_commands = [\"touch\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	canary := filepath.Join(s.home, "canary")
	r := s.macroa("hosts", "exec", "local", "--", "touch", canary)
	if r.code != 1 || !strings.Contains(r.stderr, "refused by the gate on local") || !strings.Contains(r.stderr, "nothing ran") {
		t.Fatalf("a denied command: exit %d, %s", r.code, r.stderr)
	}
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the denied command ran")
	}
	r = s.macroa("hosts", "exec", "local", "--json", "--", "sh", "-c", "echo out; exit 4")
	var runs []execJSON
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil || r.code != 4 || len(runs) != 1 || runs[0].Stdout != "out\n" || runs[0].ExitCode != 4 {
		t.Fatalf("exec --json: exit %d %v %q %q", r.code, err, r.stdout, r.stderr)
	}
	expect(t, s.macroa("audit", "recent"), 0, "local: 'sh' '-c' 'echo out; exit 4'")
}
