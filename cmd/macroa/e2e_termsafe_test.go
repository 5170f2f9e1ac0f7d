package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/macroa/macroa/providers/providertest"
)

// hostileBytes holds every kind of sequence and control a terminal acts on
// (a clipboard write, a title, a hyperlink, DCS, a screen clear, 8-bit CSI
// and OSC, a carriage return overwrite, BEL, NUL) between the letters A to
// K, which must all still show. It goes in files and command output.
const hostileBytes = "A\x1b]52;c;cm0gLXJmIH4K\aB\x1b]0;pwned\aC\x1b]8;;https://evil.example\x1b\\D\x1bP1$r0m\x1b\\" +
	"E\x1b[2JF\x9b31mG\x9d0;t\x07H\rI\aJ\x00K"

// hostileArg is hostileBytes as a command-line argument can hold it (no NUL).
var hostileArg = strings.ReplaceAll(hostileBytes, "\x00", "")

// hostileModel is hostileBytes as a model can send it in JSON: the 8-bit
// controls as the characters U+009B and U+009D.
var hostileModel = strings.NewReplacer("\x9b", "\u009b", "\x9d", "\u009d").Replace(hostileBytes)

// controlBytes names the first byte or character in out a terminal would
// act on, or returns "".
func controlBytes(out string) string {
	if !utf8.ValidString(out) {
		return "invalid UTF-8"
	}
	for _, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return fmt.Sprintf("%U", r)
		}
	}
	return ""
}

// keptText reports whether the letters around the sequences all show, in
// order.
func keptText(out string) bool {
	last := -1
	for _, c := range "ABCDEFGHIJK" {
		i := strings.IndexRune(out[last+1:], c)
		if i < 0 {
			return false
		}
		last += i + 1
	}
	return true
}

// answerReplies scripts one chat answer: the classifier picks chat, then
// the answer streams in chunks cut inside the escape sequences.
func answerReplies(text string) []providertest.Reply {
	var chunks []string
	for i := 0; i < len(text); i += 7 {
		chunks = append(chunks, text[i:min(i+7, len(text))])
	}
	return []providertest.Reply{
		{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`},
		{Chunks: chunks},
	}
}

// Every printing path of the binary, fed a hostile value, prints none of
// the bytes a terminal acts on, on stdout or stderr, and still shows the
// text around them.
func TestE2ETerminalSafety(t *testing.T) {
	s, srv, env := modelSandbox(t)
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(s.home, name)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(s.home, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("hostile.txt", hostileBytes)
	// The file skill shows text files only: no NUL, valid UTF-8.
	write("hostile-text.txt", strings.ReplaceAll(hostileModel, "\x00", ""))
	write("dir/name "+strings.NewReplacer("\x00", "", "/", "").Replace(hostileBytes), "x")
	write(".macroa/logs/macroa.log", "time=now level=INFO msg="+hostileBytes+"\n")
	if err := os.MkdirAll(s.data, 0o700); err != nil {
		t.Fatal(err)
	}

	type check int
	const (
		keep    check = 1 << iota // the letters around the sequences show
		jsonDoc                   // stdout is JSON whose strings are clean too
		anyExit                   // the exit code is not the point
		visible                   // evidence (the audit log): sequences shown escaped, in full
	)
	cases := []struct {
		name    string
		replies []providertest.Reply
		stdin   string
		args    []string
		checks  check
	}{
		{name: "run: streamed answer", replies: answerReplies(hostileModel), args: []string{"run", "tell me a joke"}, checks: keep},
		{name: "run: streamed answer, --session and --debug", replies: answerReplies(hostileModel), args: []string{"run", "--debug", "--session", "s\u202e1 日本", "tell me a joke"}, checks: keep},
		{name: "run: answer from stdin", replies: answerReplies(hostileModel), stdin: "tell me a joke\n", args: []string{"run", "-"}, checks: keep},
		{name: "run --json: answer", replies: answerReplies(hostileModel), args: []string{"run", "--json", "tell me a joke"}, checks: keep | jsonDoc},
		{name: "run: model name from the provider", replies: []providertest.Reply{{Content: `{"skill":"chat","parameters":{},"confidence":0.9}`, Model: hostileModel}, {Content: "fine", Model: hostileModel}}, args: []string{"run", "--debug", "tell me a joke"}},
		{name: "run: shell output", args: []string{"run", "!cat hostile.txt"}, checks: keep},
		{name: "run: shell stderr and error", args: []string{"run", "!cat hostile.txt >&2; exit 3"}, checks: keep | anyExit},
		{name: "run --json: shell output", args: []string{"run", "--json", "--session", "s\u202e1 日本", "!cat hostile.txt"}, checks: keep | jsonDoc},
		{name: "run: file content", args: []string{"run", "read file ~/hostile-text.txt"}, checks: keep},
		{name: "run: directory listing", args: []string{"run", "list directory ~/dir"}, checks: keep},
		{name: "run: error naming a path", args: []string{"run", "read file ~/missing" + hostileArg}, checks: anyExit},
		{name: "run: hostile input echoed", args: []string{"run", "remember hostile = " + hostileArg}, checks: keep},
		{name: "run: memory recall", args: []string{"run", "what is my hostile"}, checks: keep},
		{name: "memory set", args: []string{"memory", "set", "second", hostileArg}, checks: keep},
		{name: "memory get", args: []string{"memory", "get", "hostile"}, checks: keep},
		{name: "memory get: missing key", args: []string{"memory", "get", hostileArg}, checks: anyExit},
		{name: "memory list", args: []string{"memory", "list"}, checks: keep},
		{name: "memory list --json", args: []string{"memory", "list", "--json"}, checks: keep | jsonDoc},
		{name: "memory search", args: []string{"memory", "search", "hostile"}, checks: keep | anyExit},
		{name: "memory forget: missing key", args: []string{"memory", "forget", hostileArg}, checks: anyExit},
		{name: "sessions list", args: []string{"sessions", "list"}},
		{name: "sessions show", args: []string{"sessions", "show", "s\u202e1 日本"}, checks: keep},
		{name: "sessions show --json", args: []string{"sessions", "show", "--json", "s\u202e1 日本"}, checks: keep | jsonDoc},
		{name: "sessions show: missing", args: []string{"sessions", "show", hostileArg}, checks: anyExit},
		{name: "audit recent", args: []string{"audit", "recent", "-n", "50"}, checks: visible},
		{name: "audit recent --json", args: []string{"audit", "recent", "--json"}, checks: visible | jsonDoc},
		{name: "audit stats", args: []string{"audit", "stats"}},
		{name: "audit verify", args: []string{"audit", "verify"}, checks: anyExit},
		{name: "usage", args: []string{"usage"}},
		{name: "usage --json", args: []string{"usage", "--json"}, checks: jsonDoc},
		{name: "config", args: []string{"config"}},
		{name: "config --json", args: []string{"config", "--json"}, checks: jsonDoc},
		{name: "logs", args: []string{"logs"}, checks: keep},
		{name: "version", args: []string{"version"}},
		{name: "unknown command", args: []string{hostileArg}, checks: anyExit},
		{name: "repl: piped", replies: answerReplies(hostileModel), stdin: "!cat hostile.txt\ntell me a joke\nread file ~/hostile-text.txt\n", args: []string{"repl", "--debug"}, checks: keep},
	}
	passed := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.Script(tc.replies...)
			r := s.run(tc.stdin, env, tc.args...)
			assertNoCrash(t, r)
			if r.code != 0 && tc.checks&anyExit == 0 {
				t.Fatalf("exit %d\nstdout: %q\nstderr: %q", r.code, r.stdout, r.stderr)
			}
			for stream, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
				if bad := controlBytes(out); bad != "" {
					t.Errorf("%s passed %s to the terminal: %q", stream, bad, out)
				}
				for _, payload := range []string{"pwned", "evil.example", "52;c;"} {
					// A message may quote a value with %q (escapes as text);
					// a printed value has its sequences removed whole.
					if tc.checks&keep != 0 && strings.Contains(out, payload) {
						t.Errorf("%s shows the payload %q of a removed sequence: %q", stream, payload, out)
					}
				}
			}
			// The audit log is evidence of what ran: a sequence is shown
			// escaped, with its payload, so nothing hides inside one.
			if tc.checks&visible != 0 && !strings.Contains(r.stdout, `\x1b]0;pwned`) {
				t.Errorf("the audit log does not show the sequences escaped: %q", r.stdout)
			}
			if tc.checks&keep != 0 && !keptText(r.stdout+r.stderr) {
				t.Errorf("the text around the sequences is lost:\nstdout: %q\nstderr: %q", r.stdout, r.stderr)
			}
			if tc.checks&jsonDoc != 0 {
				var doc any
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, r.stdout)
				}
				walkStrings(doc, func(v string) {
					if bad := controlBytes(strings.ReplaceAll(v, "\n", "")); bad != "" {
						t.Errorf("a JSON string holds %s: %q", bad, v)
					}
				})
			}
			if !t.Failed() {
				passed++
			}
		})
	}
	t.Logf("terminal safety: %d of %d printing paths passed no control byte", passed, len(cases))
}

// walkStrings calls fn with every string (keys too) in a decoded JSON value.
func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case []any:
		for _, e := range v {
			walkStrings(e, fn)
		}
	case map[string]any:
		for k, e := range v {
			fn(k)
			walkStrings(e, fn)
		}
	}
}
