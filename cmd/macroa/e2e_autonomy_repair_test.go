package main

import (
	"os"
	"strings"
	"testing"
)

// Setting the global level while hosts keep their own says so, and how to
// change or clear them; --clear removes one host's line, comments kept.
func TestE2EAutonomyOverridesAndClear(t *testing.T) {
	s := newSandbox(t)
	const original = `[[hosts]]
name = "web1"
address = "10.0.0.5"

[policy]
autonomy = "suggest"

[policy.hosts]
# this machine runs more by itself
local = "auto-full" # for now
web1 = "observe"
`
	path := s.writeConfig(original)

	r := s.macroa("autonomy", "auto-safe")
	expect(t, r, 0, "Global autonomy set to auto-safe")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want two lines, got:\n%s", r.stdout)
	}
	for _, want := range []string{"local (this machine) auto-full", "web1 observe", "macroa autonomy LEVEL --host HOST", "macroa autonomy --host HOST --clear"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("the second line lacks %q: %s", want, lines[1])
		}
	}
	// --json keeps stdout JSON; the note goes to stderr.
	r = s.macroa("autonomy", "auto-safe", "--json")
	expect(t, r, 0, `"level": "auto-safe"`)
	if !strings.Contains(r.stderr, "keep their own levels") {
		t.Errorf("--json: the note is missing from stderr: %q", r.stderr)
	}

	r = s.macroa("autonomy", "--host", "local", "--clear")
	expect(t, r, 0, "local has no level of its own now: it follows the global level, auto-safe.")
	got, _ := os.ReadFile(path)
	want := strings.Replace(strings.Replace(original, `autonomy = "suggest"`, `autonomy = "auto-safe"`, 1), "local = \"auto-full\" # for now\n", "", 1)
	if string(got) != want {
		t.Errorf("config.toml =\n%s\nwant\n%s", got, want)
	}
	expect(t, s.macroa("autonomy", "--host", "local"), 0, "local  auto-safe  global")

	// With one host left, the note names it.
	r = s.macroa("autonomy", "observe")
	expect(t, r, 0, "web1 keeps its own level, observe: change it with macroa autonomy LEVEL --host web1, or make it follow the global level with macroa autonomy --host web1 --clear.")

	// Clearing what is not set fails and writes nothing; --clear takes no
	// level; an unknown host is a usage error.
	before, _ := os.ReadFile(path)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"autonomy", "--host", "local", "--clear"}, 1, "local has no level of its own"},
		{[]string{"autonomy", "--host", "local", "--clear", "observe"}, 2, "--clear takes no level"},
		{[]string{"autonomy", "--host", "web9", "--clear"}, 2, `unknown host "web9"`},
	}
	for _, tc := range cases {
		r := s.macroa(tc.args...)
		assertNoCrash(t, r)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit %d and %q; got exit %d: %s", tc.args, tc.code, tc.want, r.code, r.stderr)
		}
		if got, _ := os.ReadFile(path); string(got) != string(before) {
			t.Errorf("%v changed config.toml:\n%s", tc.args, got)
		}
	}

	expect(t, s.macroa("autonomy", "--host", "web1", "--clear"), 0, "web1 has no level of its own now")
	r = s.macroa("autonomy", "suggest")
	expect(t, r, 0, "Global autonomy set to suggest")
	if strings.Contains(r.stdout, "own level") {
		t.Errorf("no host keeps a level, yet: %s", r.stdout)
	}
}

// An invalid level in config.toml fails every command, with how to fix
// it; setting or clearing that very level repairs the file (its comments
// kept); any other error is refused with the file's own error.
func TestE2EAutonomyRepairsItsKey(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		args   []string
		code   int
		stdout string // with exit 0
		stderr []string
		want   string // the file after; "" = unchanged
	}{
		{"set global", "# mine\n[policy]\nautonomy = \"yolo\" # typed in a hurry\n", []string{"autonomy", "suggest"}, 0,
			"Global autonomy set to suggest", nil, "# mine\n[policy]\nautonomy = \"suggest\" # typed in a hurry\n"},
		{"clear global", "[policy]\nautonomy = \"yolo\"\nprotected = [\"nginx\"]\n", []string{"autonomy", "--clear"}, 0,
			"the default, suggest, applies", nil, "[policy]\nprotected = [\"nginx\"]\n"},
		{"set host", "[policy.hosts]\nlocal = \"yolo\"\n", []string{"autonomy", "auto-safe", "--host", "local"}, 0,
			"Autonomy for local set to auto-safe", nil, "[policy.hosts]\nlocal = \"auto-safe\"\n"},
		{"clear host", "[policy.hosts]\nlocal = \"yolo\"\n", []string{"autonomy", "--host", "local", "--clear"}, 0,
			"local has no level of its own now", nil, "[policy.hosts]\n"},
		{"clear a host that is gone", "[policy.hosts]\nweb9 = \"observe\"\n", []string{"autonomy", "--host", "web9", "--clear"}, 0,
			"web9 has no level of its own now", nil, "[policy.hosts]\n"},
		{"another key", "[policy]\nautonomy = \"yolo\"\n", []string{"autonomy", "suggest", "--host", "local"}, 1,
			"", []string{`policy.autonomy: "yolo" is not one of`, "Fix it with: macroa autonomy LEVEL (observe"}, ""},
		{"show", "[policy.hosts]\nlocal = \"yolo\"\n", []string{"autonomy"}, 1,
			"", []string{"policy.hosts.local", "macroa autonomy LEVEL --host local", "macroa autonomy --host local --clear"}, ""},
		{"another error behind it", "[policy]\nautonomy = \"yolo\"\nprotected = [\"\"]\n", []string{"autonomy", "suggest"}, 1,
			"", []string{"policy.protected: entries must not be empty", "nothing was written"}, ""},
		{"syntax error", "[policy]\nautonomy = \"yolo\"\nprotected = [\n", []string{"autonomy", "suggest"}, 1,
			"", []string{"syntax error"}, ""},
		{"clear, syntax error", "[policy.hosts]\nlocal = \"observe\"\n[policy\n", []string{"autonomy", "--host", "local", "--clear"}, 1,
			"", []string{"syntax error"}, ""},
		{"clear, another error", "[policy]\nprotected = [\"\"]\n[policy.hosts]\nlocal = \"observe\"\n", []string{"autonomy", "--host", "local", "--clear"}, 1,
			"", []string{"policy.protected: entries must not be empty"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandbox(t)
			path := s.writeConfig(tc.text)
			if tc.code == 0 {
				// Broken, every command fails first.
				r := s.macroa("approvals", "list")
				if r.code != 1 || !strings.Contains(r.stderr, "config.toml line") {
					t.Fatalf("approvals list with a broken config.toml: exit %d: %s", r.code, r.stderr)
				}
			}
			r := s.macroa(tc.args...)
			assertNoCrash(t, r)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tc.stdout)
			}
			for _, w := range tc.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr %q lacks %q", r.stderr, w)
				}
			}
			want := tc.want
			if want == "" {
				want = tc.text
			}
			if got, _ := os.ReadFile(path); string(got) != want {
				t.Errorf("config.toml =\n%q\nwant\n%q", got, want)
			}
			if tc.code == 0 {
				expect(t, s.macroa("approvals", "list"), 0, "No approvals waiting")
			}
		})
	}
}
