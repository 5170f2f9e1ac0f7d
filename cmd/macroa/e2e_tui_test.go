package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/providers/providertest"
)

// tmuxSession drives the built binary in a real terminal: a private tmux
// server, send-keys to type, capture-pane to read the screen.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func startTUI(t *testing.T, s *sandbox, env []string, w, h int, args ...string) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed: skipping the terminal end-to-end test (.ci/run installs it)")
	}
	// The server's socket lives in the test's temp dir, so nothing is left
	// behind in /tmp/tmux-<uid> (kill-server leaves its socket file).
	sockDir, err := os.MkdirTemp("", "mt")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	ts := &tmuxSession{t: t, socket: sockDir + "/s", name: "tui"}
	// env -i: exactly the sandbox's environment; TERM pinned so the
	// screen does not depend on the machine running the tests.
	command := append([]string{"env", "-i"}, s.env...)
	command = append(command, env...)
	command = append(command, "TERM=xterm-256color")
	command = append(command, append([]string{binPath, "tui"}, args...)...)
	tmuxArgs := append([]string{"-S", ts.socket, "-f", "/dev/null", "new-session", "-d", "-s", ts.name,
		"-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", s.home, "--"}, command...)
	if out, err := exec.Command("tmux", tmuxArgs...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	_ = exec.Command("tmux", "-S", ts.socket, "set", "-g", "escape-time", "0").Run()
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", ts.socket, "kill-server").Run() })
	return ts
}

// keys sends tmux key names ("Enter", "C-c", "M-2") or literal text.
func (ts *tmuxSession) keys(keys ...string) {
	ts.t.Helper()
	args := append([]string{"-S", ts.socket, "send-keys", "-t", ts.name}, keys...)
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		ts.t.Fatalf("send-keys %q: %v\n%s", keys, err, out)
	}
}

// typeText sends text literally, then Enter.
func (ts *tmuxSession) typeLine(text string) {
	ts.t.Helper()
	ts.keys("-l", text)
	ts.keys("Enter")
}

func (ts *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "-S", ts.socket, "capture-pane", "-p", "-t", ts.name).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor polls the screen until cond holds: the test waits for what a
// person would see, never for a fixed time.
func (ts *tmuxSession) waitFor(what string, cond func(string) bool) string {
	ts.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := ts.screen()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			ts.t.Fatalf("timed out waiting for %s; the screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (ts *tmuxSession) waitText(text string) string {
	ts.t.Helper()
	return ts.waitFor(fmt.Sprintf("%q", text), shows(text))
}

// shows is a wait condition: the screen holds text.
func shows(text string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, text) }
}

// showsLine is a wait condition: a row of the screen, its box borders
// and padding cut, is exactly text (an output line, not the request that
// names it).
func showsLine(text string) func(string) bool {
	return func(s string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.Trim(l, "│ ") == text {
				return true
			}
		}
		return false
	}
}

// then does an action and waits for what it brings on screen. The
// condition must not hold before the action: a wait that is already
// satisfied could never fail, and would test nothing.
func (ts *tmuxSession) then(what string, cond func(string) bool, action func()) string {
	ts.t.Helper()
	if before := ts.screen(); cond(before) {
		ts.t.Fatalf("%s shows before the action that should bring it; the screen:\n%s", what, before)
	}
	action()
	return ts.waitFor(what, cond)
}

// typeThen types a line and waits for what it brings on screen (see then).
func (ts *tmuxSession) typeThen(text, what string, cond func(string) bool) string {
	ts.t.Helper()
	return ts.then(what, cond, func() { ts.typeLine(text) })
}

// keysThen sends keys and waits for what they bring on screen (see then).
func (ts *tmuxSession) keysThen(what string, cond func(string) bool, keys ...string) string {
	ts.t.Helper()
	return ts.then(what, cond, func() { ts.keys(keys...) })
}

// exited reports whether the program has ended (its tmux pane is gone).
func (ts *tmuxSession) exited() bool {
	return exec.Command("tmux", "-S", ts.socket, "has-session", "-t", ts.name).Run() != nil
}

// TestE2ETUIWithoutProvider: a new user's first start at 80x24.
func TestE2ETUIWithoutProvider(t *testing.T) {
	s := newSandbox(t)
	ts := startTUI(t, s, nil, 80, 24)
	ts.waitText("no model: set OPENROUTER_API_KEY or MACROA_BASE_URL")
	// The command's output line, not the request (which names it too).
	ts.typeThen("!echo hi-from-shell", "the shell's output", showsLine("hi-from-shell"))
	ts.typeThen("remember my server IP is 10.0.0.1", "the memory's answer", shows("Remembered: server_ip = 10.0.0.1"))
	ts.typeThen("what is my server IP?", "the recalled fact", func(s string) bool { return strings.Count(s, "10.0.0.1") >= 3 })
	// The status bar names OPENROUTER_API_KEY from the start; the answer
	// to a request that needs a model says so in its own words.
	ts.typeThen("tell me a joke", "the no-model answer", shows("this request needs a language model"))
	ts.keysThen("the cheat sheet", shows("next pane"), "F1")
	ts.keysThen("the cheat sheet to close", func(s string) bool { return !strings.Contains(s, "next pane") }, "Escape")
	ts.quit()
}

// quit presses ctrl+c twice, as a person would: the first arms quitting.
func (ts *tmuxSession) quit() {
	ts.t.Helper()
	// The toast after cancelling a request ends with the same words; the
	// one that arms quitting is the one without "cancelled; ".
	armed := func(s string) bool {
		return strings.Contains(strings.ReplaceAll(s, "cancelled; press ctrl+c again to quit", ""), "press ctrl+c again to quit")
	}
	ts.keysThen("the quit prompt", armed, "C-c")
	ts.keys("C-c")
	ts.waitFor("the program to quit", func(string) bool { return ts.exited() })
}

// TestE2ETUIChat: streaming chat against a local OpenAI-compatible server,
// cancelling a stream, switching session, quitting.
func TestE2ETUIChat(t *testing.T) {
	s := newSandbox(t)
	srv := providertest.New(t)
	answerAsChat(srv, func(last string) providertest.Reply {
		if strings.Contains(last, "slowly") {
			return slowCount(last)
		}
		return providertest.Reply{Chunks: []string{"Gophers ", "tunnel ", "happily."}, ChunkDelay: 50 * time.Millisecond}
	})
	env := []string{"MACROA_BASE_URL=" + srv.URL()}
	expect(t, s.run("", env, "run", "--session", "older", "!echo from-the-older-session"), 0, "from-the-older-session")

	ts := startTUI(t, s, env, 100, 30)
	ts.waitText("macroa · custom")
	ts.typeThen("tell me about gophers", "the streamed answer", shows("Gophers tunnel happily."))

	ts.typeThen("count slowly", "the stream under way", shows("two"))
	ts.keysThen("the cancelled stream", shows("[cancelled]"), "C-c")

	// The chat so far had no session; "older" is the only one listed (the
	// sessions pane shows it from the start, so focusing it shows nothing
	// new to wait for: keys arrive in order, and enter opens the session).
	ts.keysThen("the older session in the chat", func(s string) bool {
		return strings.Contains(s, "chat · older") && showsLine("from-the-older-session")(s)
	}, "M-2", "Enter")
	ts.quit()
}

// TestE2ETUIKilledMidStream: the terminal (or the SSH connection) dies
// while an answer streams. Nothing already saved is lost, the partial
// answer is kept as cancelled, and the next start shows the session.
func TestE2ETUIKilledMidStream(t *testing.T) {
	s := newSandbox(t)
	srv := providertest.New(t)
	answerAsChat(srv, slowCount)
	env := []string{"MACROA_BASE_URL=" + srv.URL()}
	expect(t, s.run("", env, "run", "--session", "work", "!echo earlier-turn"), 0, "earlier-turn")

	ts := startTUI(t, s, env, 100, 30, "--session", "work")
	ts.waitText("earlier-turn")
	ts.typeThen("count slowly", "the stream under way", shows("two"))
	// Killing the tmux server hangs up the terminal: macroa gets SIGHUP.
	_ = exec.Command("tmux", "-S", ts.socket, "kill-server").Run()

	deadline := time.Now().Add(15 * time.Second)
	for {
		r := s.run("", env, "sessions", "show", "work")
		if strings.Contains(r.stdout, "[cancelled]") {
			if !strings.Contains(r.stdout, "earlier-turn") || !strings.Contains(r.stdout, "one two") {
				t.Fatalf("the session lost something:\n%s", r.stdout)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cancelled turn was never saved:\n%s", r.stdout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	expect(t, s.run("", env, "audit", "verify"), 0, "intact")

	ts = startTUI(t, s, env, 100, 30, "--session", "work")
	ts.waitText("earlier-turn")
	ts.waitText("[cancelled]")
	ts.quit()
}

// TestE2ETUIReadOnly: `macroa tui --read-only` refuses the command an
// agent proposes without asking, says why, and has no delete key; the
// sessions list filters as it is typed.
func TestE2ETUIReadOnly(t *testing.T) {
	s := newSandbox(t)
	srv := providertest.New(t)
	canary := s.home + "/canary"
	srv.Script(
		providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.9,"reasoning":"test"}`},
		providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: `{"command":"touch ` + canary + `"}`}}},
		providertest.Reply{Content: "the agent gave up"},
	)
	env := []string{"MACROA_BASE_URL=" + srv.URL(), "MACROA_MODEL_NANO=m-nano", "MACROA_MODEL_HAIKU=m-haiku"}
	expect(t, s.run("", env, "run", "--session", "keep", "!echo kept"), 0, "kept")
	expect(t, s.run("", env, "run", "--session", "other", "!echo other"), 0, "other")

	ts := startTUI(t, s, env, 120, 30, "--read-only")
	ts.waitText("macroa · custom")
	// Nobody can approve from here: the proposal waits in the queue for a
	// person elsewhere, and the run goes on at once.
	ts.typeThen("make a canary", "the proposal left queued", shows("not run yet: the agent proposed 1 action"))
	ts.waitText("the agent gave up")
	expect(t, s.run("", env, "approvals", "list"), 0, "touch")
	if _, err := os.Stat(canary); err == nil {
		t.Fatal("a read-only cockpit ran the proposed command")
	}
	// The newest session, other, is selected; the filter leaves keep.
	ts.keysThen("the filtered list", shows("/kee"), "M-2", "/", "kee")
	// Enter keeps the filter; d is no key here: the enter after it opens
	// the session (a delete prompt would have taken the enter as "no").
	ts.keysThen("the session opened", shows("chat · keep"), "Enter", "d", "Enter")
	ts.quit()
	expect(t, s.run("", nil, "sessions", "list"), 0, "keep")
}
