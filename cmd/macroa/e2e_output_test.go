package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/providers/providertest"
)

// runToFile runs macroa with stdout in a file (stderr too when together),
// as `macroa run ... > file` (2>&1) does, and returns what the file holds.
func (s *sandbox) runToFile(stdin string, env []string, together bool, args ...string) (string, int) {
	s.t.Helper()
	f, err := os.Create(filepath.Join(s.t.TempDir(), "out"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(binPath, args...)
	cmd.Dir = s.home
	cmd.Env = append(append([]string{}, s.env...), env...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = f
	if together {
		cmd.Stderr = f
	}
	code := 0
	if err := cmd.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			s.t.Fatalf("macroa %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b), code
}

// A model's streamed answer is printed exactly once whether stdout is a
// pipe or a file, the input comes from stdin, or lines are piped into the
// REPL.
func TestE2EAnswerReachesPipesAndFiles(t *testing.T) {
	s, srv, env := modelSandbox(t)
	const answer = "A joke about gophers."
	script := func() {
		srv.Script(providertest.Reply{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`},
			providertest.Reply{Chunks: []string{"A joke ", "about ", "gophers."}})
	}

	script()
	r := s.run("", env, "run", "tell me a joke")
	if r.code != 0 || r.stdout != answer+"\n" {
		t.Errorf("| cat: exit %d, stdout %q, want the answer once", r.code, r.stdout)
	}
	script()
	r = s.run("tell me a joke\n", env, "run", "-")
	if r.code != 0 || r.stdout != answer+"\n" {
		t.Errorf("run -: exit %d, stdout %q, want the answer once", r.code, r.stdout)
	}
	script()
	out, code := s.runToFile("", env, false, "run", "tell me a joke")
	if code != 0 || out != answer+"\n" {
		t.Errorf("> file: exit %d, file %q, want the answer once", code, out)
	}
	script()
	r = s.run("tell me a joke\n", env, "repl")
	if r.code != 0 || strings.Count(r.stdout, answer) != 1 {
		t.Errorf("piped repl: exit %d, stdout %q, want the answer once", r.code, r.stdout)
	}
	// --debug: the routing line is a line of its own after the answer,
	// even when stdout and stderr are the same file.
	script()
	out, code = s.runToFile("", env, true, "run", "--debug", "tell me a joke")
	if code != 0 || !regexp.MustCompile(`^`+regexp.QuoteMeta(answer)+`\nroute=\S+ skill=chat .*\n$`).MatchString(out) {
		t.Errorf("--debug 2>&1: exit %d, got %q", code, out)
	}
}

// --json's exit_code is the code the process exits with; a shell
// command's own is command_exit_code.
func TestE2EJSONExitCode(t *testing.T) {
	s, srv, env := modelSandbox(t)
	srv.Script(providertest.Reply{Status: 500, Error: "down"}, providertest.Reply{Status: 500, Error: "down"},
		providertest.Reply{Status: 500, Error: "down"}, providertest.Reply{Status: 500, Error: "down"})
	cases := []struct {
		name, input string
		command     int
	}{
		{"success", "!true", 0},
		{"command failed", "!exit 4", 4},
		{"model failed", "tell me a joke", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.run("", env, "run", "--json", tc.input)
			var got struct {
				ExitCode        *int `json:"exit_code"`
				CommandExitCode *int `json:"command_exit_code"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.ExitCode == nil || got.CommandExitCode == nil {
				t.Fatalf("%v: %s", err, r.stdout)
			}
			if *got.ExitCode != r.code || *got.CommandExitCode != tc.command {
				t.Errorf("exit_code %d, command_exit_code %d; the process exited %d, the command %d", *got.ExitCode, *got.CommandExitCode, r.code, tc.command)
			}
		})
	}
}

// Tables stay aligned in terminal cells whatever a value holds: text/
// tabwriter's escape byte 0xff, escape sequences, tabs, newlines, wide and
// combining characters.
func TestE2ETablesStayAligned(t *testing.T) {
	s := newSandbox(t)
	values := map[string]string{
		"plain":     "10.0.0.1",
		"ff":        "a\xffb\xff c",
		"esc":       "\x1b[31mred\x1b[0m \x1b]0;title\a",
		"tabs":      "a\tb\nc\r\nd",
		"cjk":       "日本語の値と全角ＡＢＣ",
		"combining": "e\u0301\u0301 n\u0303 👩‍💻",
		"bidi":      "x\u202eevil",
	}
	for k, v := range values {
		expect(t, s.macroa("memory", "set", k, v), 0, "Remembered")
	}
	r := s.macroa("memory", "list")
	expect(t, r, 0, "NAMESPACE")
	assertAligned(t, r.stdout, regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d$`), "UPDATED", len(values))

	for _, name := range []string{"日本 session", "plain"} {
		for _, in := range []string{"!echo \xff\x1b[2J", "!echo 全角\tｘ"} {
			expect(t, s.macroa("run", "--session", name, in), 0, "")
		}
	}
	r = s.macroa("audit", "recent")
	expect(t, r, 0, "INPUT")
	assertAligned(t, r.stdout, regexp.MustCompile(`(!echo|macroa memory set).*$`), "INPUT", 4+len(values))
	r = s.macroa("sessions", "list")
	expect(t, r, 0, "LAST ACTIVE")
	assertAligned(t, r.stdout, regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d  \S+$`), "LAST ACTIVE", 2)
}

// assertAligned checks that in every row the column found by col starts
// at the same cell as the header's column named header.
func assertAligned(t *testing.T, table string, col *regexp.Regexp, header string, rows int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(lines) < rows+1 {
		t.Fatalf("want %d rows:\n%s", rows, table)
	}
	want := ansi.StringWidth(lines[0][:strings.Index(lines[0], header)])
	for _, l := range lines[1:] {
		loc := col.FindStringIndex(l)
		if loc == nil {
			t.Errorf("row without the column: %q", l)
			continue
		}
		if got := ansi.StringWidth(l[:loc[0]]); got != want {
			t.Errorf("column %s starts at cell %d, want %d:\n%s", header, got, want, table)
		}
	}
}

// A command a model proposes holding an escape sequence (text that would
// read differently from how it runs) is refused outright, --yes or not:
// it is never queued, never run, and the refusal shows the command with
// every control character visible. No control byte reaches the terminal.
func TestE2ERunProposalApproval(t *testing.T) {
	s, srv, env := modelSandbox(t)
	canary := filepath.Join(s.home, "canary")
	command := "touch " + canary + "\x1b[2K\r ls harmless"
	param, _ := json.Marshal(command)
	propose := func() {
		srv.Script(providertest.Reply{Content: `{"skill":"shell","parameters":{"command":` + string(param) + `},"confidence":0.95}`})
	}

	propose()
	r := s.run("", env, "run", "tell me a joke")
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("the proposed command ran without --yes")
	}
	for _, yes := range []bool{false, true} {
		if yes {
			propose()
			r = s.run("", env, "run", "--yes", "tell me a joke")
		}
		all := r.stdout + r.stderr
		if _, err := os.Stat(canary); err == nil {
			t.Fatalf("yes=%v: the proposed command ran", yes)
		}
		if r.code != 1 || !strings.Contains(all, `touch `+canary+`\x1b[2K\r ls harmless`) || !strings.Contains(all, "control byte") {
			t.Errorf("yes=%v: want exit 1 showing the command with its controls visible and why it is refused; exit %d\nstdout: %q\nstderr: %q", yes, r.code, r.stdout, r.stderr)
		}
		if bad := controlBytes(all); bad != "" {
			t.Errorf("yes=%v: the refusal passed %s: %q", yes, bad, all)
		}
	}
	if list := s.run("", env, "approvals", "list", "--all", "--json"); strings.Contains(list.stdout, "touch") {
		t.Errorf("the refused command was queued: %s", list.stdout)
	}
}
