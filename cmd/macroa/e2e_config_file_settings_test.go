package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The config.toml settings macroa config shows cannot be set or unset in
// .env: one sentence says where they live and how to change them, exit 2,
// and .env is not written.
func TestE2EConfigSetFileSettings(t *testing.T) {
	s := newSandbox(t)
	s.writeConfig("[[hosts]]\nname = \"web1\"\naddress = \"x\"\n\n[policy.hosts]\nweb1 = \"observe\"\n\n" +
		"[[notify]]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n")
	shown := s.macroa("config")
	for _, name := range []string{"policy.autonomy", "policy.approval_expiry", "policy.hosts.web1", "notify[0].url"} {
		if !strings.Contains(shown.stdout, name) {
			t.Fatalf("macroa config does not show %s:\n%s", name, shown.stdout)
		}
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"config", "set", "policy.autonomy", "auto-safe"}, "policy.autonomy lives in ~/.macroa/config.toml, not in .env: set it with macroa autonomy LEVEL (observe, suggest, auto-safe, auto-full)"},
		{[]string{"config", "unset", "policy.autonomy"}, "remove it with macroa autonomy --clear"},
		{[]string{"config", "set", "policy.hosts.web1", "suggest"}, "set it with macroa autonomy LEVEL --host web1"},
		{[]string{"config", "set", "policy.hosts.local", "suggest"}, "set it with macroa autonomy LEVEL --host local"},
		{[]string{"config", "unset", "policy.hosts.web1"}, "remove it with macroa autonomy --host web1 --clear"},
		{[]string{"config", "set", "policy.approval_expiry", "1h"}, "policy.approval_expiry lives in ~/.macroa/config.toml, not in .env: edit that file to set it"},
		{[]string{"config", "set", "notify[0].url", "http://127.0.0.1:8/x"}, "edit that file to set it (see: macroa notify --help)"},
		{[]string{"config", "unset", "notify[0].type"}, "edit that file to remove it"},
		{[]string{"config", "set", "sandbox", "off"}, "sandbox lives in ~/.macroa/config.toml, not in .env: edit that file to set it (see README: Sandbox)"},
		{[]string{"config", "unset", "sandbox"}, "edit that file to remove it (see README: Sandbox)"},
		{[]string{"config", "set", "policy.secret_paths", "~/x"}, "policy.secret_paths lives in ~/.macroa/config.toml"},
		{[]string{"config", "set", "sandbox.kernel", "full"}, "sandbox.kernel is what this machine gives, not a setting"},
	}
	for _, tc := range cases {
		r := s.macroa(tc.args...)
		assertNoCrash(t, r)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%v: want exit 2 and one line with %q; got exit %d: %s", tc.args, tc.want, r.code, r.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(s.data, ".env")); err == nil {
		t.Error("a config.toml setting was written to .env")
	}
	// Other names are as before.
	r := s.macroa("config", "set", "policy.bogus", "1")
	if r.code != 2 || !strings.Contains(r.stderr, `unknown setting "policy.bogus"`) {
		t.Errorf("an unknown name: exit %d: %s", r.code, r.stderr)
	}
	expect(t, s.macroa("config", "set", "MACROA_SHELL_TIMEOUT", "10s"), 0, "Saved MACROA_SHELL_TIMEOUT")
}
