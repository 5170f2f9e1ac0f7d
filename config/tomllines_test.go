package config

import "testing"

func TestScanKeyLines(t *testing.T) {
	src := `# header comment
theme = "dark"
models.nano = "x"            # dotted key at the top level

[providers.local]
base_url = "http://x/v1"
"quoted key" = 1
'literal.key' = 2

[[hosts]]
name = "a"
tags = [
  "web",   # a comment with = and [brackets]
  "db",
]
port = 22

[[hosts]]
name = "b"
notes = """
fake = "not a key"
[not.a.table]
"""
port = 23

[policy]
protected = ["x", "y"]
inline = { a = 1, b = [2, 3] }
deny_commands = [
  'it''s',
]
autonomy = "suggest"

[keys.chat]
send = "enter"
`
	kl := scanKeyLines(src)
	cases := []struct {
		path string
		line int
	}{
		{"theme", 2},
		{"models.nano", 3},
		{"models", 3},
		{"providers.local", 5},
		{"providers", 5},
		{"providers.local.base_url", 6},
		{`providers.local."quoted key"`, 7},
		{`providers.local."literal.key"`, 8},
		{"hosts[0]", 10},
		{"hosts[0].name", 11},
		{"hosts[0].tags", 12},
		{"hosts[0].port", 16},
		{"hosts[1]", 18},
		{"hosts[1].name", 19},
		{"hosts[1].notes", 20},
		{"hosts[1].port", 24},
		{"hosts.port", 16},       // plain form: first occurrence, as Undecoded names it
		{"hosts[1].missing", 18}, // falls back to its element's header
		{"policy.protected", 27},
		{"policy.inline", 28},
		{"policy.inline.a", 28}, // inside an inline table: the table's line
		{"policy.deny_commands", 29},
		{"policy.autonomy", 32},
		{"keys.chat.send", 35},
		{"keys.chat.unknown", 34},
		{"nothing.here", 0},
	}
	for _, tc := range cases {
		if got := kl.line(tc.path); got != tc.line {
			t.Errorf("line(%s) = %d, want %d", tc.path, got, tc.line)
		}
	}
	for path, want := range map[string]bool{"hosts[1].port": true, "hosts[0].port": true, "hosts[2].port": false, "fake": false, "not.a.table": false} {
		if kl.has(path) != want {
			t.Errorf("has(%s) = %v", path, !want)
		}
	}
}

func TestScanKeyLinesNestedArrays(t *testing.T) {
	src := "[[a]]\nx = 1\n[[a.b]]\ny = 1\n[[a]]\nx = 2\n[[a.b]]\ny = 2\n[[a.b]]\ny = 3\n"
	kl := scanKeyLines(src)
	for path, want := range map[string]int{
		"a[0].x": 2, "a[0].b[0].y": 4, "a[1].x": 6, "a[1].b[0].y": 8, "a[1].b[1].y": 10,
	} {
		if got := kl.line(path); got != want {
			t.Errorf("line(%s) = %d, want %d", path, got, want)
		}
	}
}

func TestParentPathAndStripIndices(t *testing.T) {
	if got := parentPath(`a."b.c".d`); got != `a."b.c"` {
		t.Errorf("parentPath = %q", got)
	}
	if got := parentPath("a"); got != "" {
		t.Errorf("parentPath(a) = %q", got)
	}
	if got := stripIndices(`hosts[3].x."k[1]"`); got != `hosts.x."k[1]"` {
		t.Errorf("stripIndices = %q", got)
	}
}
