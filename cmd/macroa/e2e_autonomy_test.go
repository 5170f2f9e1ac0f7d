package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestE2EAutonomy(t *testing.T) {
	s := newSandbox(t)
	const original = `# Macroa's settings, by hand
theme = "dark"   # the dark one

[[hosts]]
name = "web1"    # the front end
address = "10.0.0.5"

[policy]
# nothing runs by itself yet
autonomy = "suggest"
protected = ["nginx"]
`
	path := s.writeConfig(original)

	expect(t, s.macroa("autonomy"), 0, "(global)  suggest  ~/.macroa/config.toml line 10")

	expect(t, s.macroa("autonomy", "auto-safe"), 0, "Global autonomy set to auto-safe in ~/.macroa/config.toml.")
	expect(t, s.macroa("autonomy", "observe", "--host", "web1"), 0, "Autonomy for web1 set to observe")
	expect(t, s.macroa("autonomy", "auto-full", "--host", "local"), 0, "Autonomy for local set to auto-full")
	got, _ := os.ReadFile(path)
	want := strings.Replace(original, `autonomy = "suggest"`, `autonomy = "auto-safe"`, 1) +
		"\n[policy.hosts]\nlocal = \"auto-full\"\nweb1 = \"observe\"\n"
	if string(got) != want {
		t.Errorf("config.toml =\n%s\nwant\n%s", got, want)
	}

	r := s.macroa("autonomy", "--json")
	expect(t, r, 0, `"host"`)
	var rows []autonomyRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	wantRows := []autonomyRow{
		{Host: "", Level: "auto-safe", From: "~/.macroa/config.toml line 10"},
		{Host: "local", Level: "auto-full", From: "~/.macroa/config.toml line 14", Override: true},
		{Host: "web1", Level: "observe", From: "~/.macroa/config.toml line 15", Override: true},
	}
	if len(rows) != len(wantRows) {
		t.Fatalf("rows = %+v", rows)
	}
	for i := range rows {
		if rows[i] != wantRows[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], wantRows[i])
		}
	}
	expect(t, s.macroa("autonomy", "--host", "web1"), 0, "web1  observe")
}

func TestE2EAutonomyRefuses(t *testing.T) {
	s := newSandbox(t)
	const good = "[[hosts]]\nname = \"web1\"\naddress = \"x\"\n"
	path := s.writeConfig(good)
	cases := []struct {
		name string
		args []string
		code int
		subs []string
	}{
		{"unknown level", []string{"autonomy", "yolo"}, 2, []string{`unknown autonomy level "yolo"`, "observe, suggest, auto-safe, auto-full"}},
		{"unknown host", []string{"autonomy", "observe", "--host", "web9"}, 2, []string{`unknown host "web9"`, "local", "web1"}},
		{"two levels", []string{"autonomy", "observe", "suggest"}, 2, []string{"at most one level"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.macroa(tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, tc.code, r.stderr)
			}
			for _, sub := range tc.subs {
				if !strings.Contains(r.stderr, sub) {
					t.Errorf("stderr %q lacks %q", r.stderr, sub)
				}
			}
			assertNoCrash(t, r)
			if got, _ := os.ReadFile(path); string(got) != good {
				t.Errorf("config.toml changed:\n%s", got)
			}
		})
	}

	// A broken file is never rewritten: the parse error comes back.
	broken := "[policy]\nautonomy = \"suggest\"\nprotected = [\"nginx\"\n# half an edit\n"
	s.writeConfig(broken)
	r := s.macroa("autonomy", "observe")
	if r.code != 1 || !strings.Contains(r.stderr, "config.toml line") || !strings.Contains(r.stderr, "syntax error") {
		t.Errorf("broken file: exit %d, stderr %s", r.code, r.stderr)
	}
	assertNoCrash(t, r)
	if got, _ := os.ReadFile(path); string(got) != broken {
		t.Errorf("the broken file was changed:\n%s", got)
	}
}
