package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestUnitQuote(t *testing.T) {
	for _, c := range []struct {
		in   string
		exec bool
		want string
	}{
		{"/usr/local/bin/macroa", true, "/usr/local/bin/macroa"},
		{"/opt/my apps/macroa", true, `"/opt/my apps/macroa"`},
		{"/opt/100%/macroa", true, "/opt/100%%/macroa"},
		{"/opt/$HOME/macroa", true, "/opt/$$HOME/macroa"},
		{"MACROA_HOME=/data/$x", false, "MACROA_HOME=/data/$x"},
		{`MACROA_HOME=/a "b"\c`, false, `"MACROA_HOME=/a \"b\"\\c"`},
		{"-/home/ann;rm", false, `"-/home/ann;rm"`},
	} {
		if got := unitQuote(c.in, c.exec); got != c.want {
			t.Errorf("unitQuote(%q, %v) = %s, want %s", c.in, c.exec, got, c.want)
		}
	}
}

func TestWritablePaths(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []string
	}{
		{[]string{"/home/ann/.macroa", "/home/ann", "/home/ann/.macroa/logs"}, []string{"/home/ann"}},
		{[]string{"/srv/macroa", "/home/ann", "/srv/macroa/logs"}, []string{"/srv/macroa", "/home/ann"}},
		{[]string{"/srv/macroa", "", "/var/log/macroa"}, []string{"/srv/macroa", "/var/log/macroa"}},
		{[]string{"/home/ann", "/home/ann/", "/home/annex"}, []string{"/home/ann", "/home/annex"}},
	} {
		if got := writablePaths(c.in...); !reflect.DeepEqual(got, c.want) {
			t.Errorf("writablePaths(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHolderParts(t *testing.T) {
	for _, c := range []struct {
		in   string
		host string
		pid  int
	}{
		{"vm/1234/99", "vm", 1234},
		{"box", "box", 0},
		{"box/x/1", "box", 0},
	} {
		if host, pid := holderParts(c.in); host != c.host || pid != c.pid {
			t.Errorf("holderParts(%q) = %q, %d; want %q, %d", c.in, host, pid, c.host, c.pid)
		}
	}
}

// TestRenderUnit: both kinds of unit carry the hardening, refuse values
// no unit file can hold, and pass systemd-analyze verify where it exists.
func TestRenderUnit(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		spec unitSpec
		want []string
		not  []string
	}{
		{"user", unitSpec{User: true, Exe: exe, DataHome: "/srv/my data", Writable: []string{"/srv/my data", "/home/ann"}},
			[]string{`Environment="MACROA_HOME=/srv/my data"`, `ReadWritePaths="-/srv/my data" -/home/ann`, "WantedBy=default.target"},
			[]string{"User=", "network-online"}},
		{"system", unitSpec{Exe: exe, RunAs: "ann", DataHome: "/home/ann/.macroa", Writable: []string{"/home/ann"}},
			[]string{"User=ann", "After=network-online.target", "WantedBy=multi-user.target"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			text, err := renderUnit(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			hardening := []string{"NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "MemoryMax=" + unitMemoryMax,
				"CPUQuota=" + unitCPUQuota, "Restart=on-failure", "RestartSec=", "ExecStart=" + exe + " daemon"}
			for _, want := range append(hardening, c.want...) {
				if !strings.Contains(text, want) {
					t.Errorf("no %q in:\n%s", want, text)
				}
			}
			for _, not := range c.not {
				if strings.Contains(text, not) {
					t.Errorf("%q in:\n%s", not, text)
				}
			}
			path := filepath.Join(dir, c.name, unitName)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			msg, err := analyzeUnit(context.Background(), path)
			switch {
			case errors.Is(err, exec.ErrNotFound):
				t.Log("systemd-analyze is not installed: the unit's syntax is not verified")
			case err != nil || msg != "":
				t.Errorf("systemd-analyze verify: %v\n%s\n%s", err, msg, text)
			}
		})
	}
	if _, err := renderUnit(unitSpec{Exe: "/opt/x\nExecStartPre=/bin/evil"}); err == nil {
		t.Error("a binary path with a line break was written into a unit")
	}
}

// TestUnitWriteErr: a unit directory that is not ours to write gets a
// sentence naming the two ways out, exit 1.
func TestUnitWriteErr(t *testing.T) {
	err := unitWriteErr("/etc/systemd/system/macroa.service", &os.PathError{Op: "open", Path: "/etc/systemd/system/x", Err: os.ErrPermission})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "--user") || !strings.Contains(ee.msg, "sudo") {
		t.Errorf("unitWriteErr = %v; want exit 1 suggesting --user or sudo", err)
	}
}
