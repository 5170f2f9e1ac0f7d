package agent

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/tools"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// Canary contents: no attack may change these files or send their content
// to the model.
const (
	canaryAuthorized = "ssh-ed25519 AAAA canary-authorized-keys"
	canaryKey        = "-----BEGIN canary-private-key-----"
	canaryConfig     = "# canary-config-toml"
	canaryEnv        = "OPENROUTER_API_KEY=canary-env-key"
)

// canaryHome fills the rig's home with credentials and Macroa's data, and
// points the file skill at its data dir.
func canaryHome(t *testing.T, r *rig) map[string]string {
	t.Helper()
	canaries := map[string]string{
		".ssh/authorized_keys": canaryAuthorized,
		".ssh/id_rsa":          canaryKey,
		".macroa/config.toml":  canaryConfig,
		".macroa/.env":         canaryEnv,
	}
	for _, dir := range []string{".ssh", ".macroa", "work"} {
		if err := os.MkdirAll(filepath.Join(r.home, dir), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range canaries {
		r.write(t, name, c)
	}
	r.agent.Files.DataDir = filepath.Join(r.home, ".macroa")
	return canaries
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestFileToolAttacks drives read_file and write_file as a hostile model
// would, against a home holding canaries, with a real approval queue. Each
// case asserts the canaries are unchanged, none reached any request to the
// model, the person was asked exactly when the real target calls for it
// (the queued action names the real file, whatever path the model gave),
// and the tool's answer says why.
func TestFileToolAttacks(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, r *rig)
		tool    tools.Name
		path    string
		approve bool                       // the person's answer, when asked
		onAsk   func(t *testing.T, r *rig) // runs while the person is asked: a race
		askFor  string                     // the queued action's real path ("HOME" = the home dir); "" = not asked
		ok      bool                       // the tool ran and succeeded
		want    string                     // in the tool's answer
		wrote   string                     // a file (under HOME) that must now hold the content
	}{
		{name: "write through a symlink to authorized_keys", tool: ToolWriteFile, path: "~/notes.txt",
			setup:  func(t *testing.T, r *rig) { symlink(t, ".ssh/authorized_keys", filepath.Join(r.home, "notes.txt")) },
			askFor: "HOME/.ssh/authorized_keys", want: "the person rejected it"},
		{name: "write a new file through a symlinked ~/.ssh", tool: ToolWriteFile, path: "~/keys/rc",
			setup:  func(t *testing.T, r *rig) { symlink(t, ".ssh", filepath.Join(r.home, "keys")) },
			askFor: "HOME/.ssh/rc", want: "the person rejected it"},
		{name: "write authorized_keys from a working dir inside ~/.ssh", tool: ToolWriteFile, path: "authorized_keys",
			setup:  func(t *testing.T, r *rig) { r.agent.Files.WorkDir = filepath.Join(r.home, ".ssh") },
			askFor: "HOME/.ssh/authorized_keys", want: "the person rejected it"},
		{name: "write a new file from a working dir inside ~/.ssh", tool: ToolWriteFile, path: "rc",
			setup:  func(t *testing.T, r *rig) { r.agent.Files.WorkDir = filepath.Join(r.home, ".ssh") },
			askFor: "HOME/.ssh/rc", want: "the person rejected it"},
		{name: "write by dot-dot into ~/.ssh", tool: ToolWriteFile, path: "../.ssh/authorized_keys",
			setup:  func(t *testing.T, r *rig) { r.agent.Files.WorkDir = filepath.Join(r.home, "work") },
			askFor: "HOME/.ssh/authorized_keys", want: "the person rejected it"},
		{name: "dot-dot out of the home", tool: ToolWriteFile, path: "~/../../etc/cron.d/x", want: "outside the allowed root"},
		{name: "write through a symlink chain out of ~/work", tool: ToolWriteFile, path: "a",
			setup: func(t *testing.T, r *rig) {
				r.agent.Files.WorkDir = filepath.Join(r.home, "work")
				symlink(t, "b", filepath.Join(r.home, "work/a"))
				symlink(t, "../.ssh/authorized_keys", filepath.Join(r.home, "work/b"))
			},
			askFor: "HOME/.ssh/authorized_keys", want: "the person rejected it"},
		{name: "planted temporary-name symlink", tool: ToolWriteFile, path: "~/notes.txt",
			setup: func(t *testing.T, r *rig) {
				symlink(t, ".ssh/authorized_keys", filepath.Join(r.home, "notes.txt.macroa-tmp"))
			},
			approve: true, askFor: "HOME/notes.txt", ok: true, want: "HOME/notes.txt", wrote: "notes.txt"},
		{name: "planted temporary-name symlink, replacing with approval", tool: ToolWriteFile, path: "~/notes.txt",
			setup: func(t *testing.T, r *rig) {
				r.write(t, "notes.txt", "old")
				symlink(t, ".ssh/authorized_keys", filepath.Join(r.home, "notes.txt.macroa-tmp"))
			},
			approve: true, askFor: "HOME/notes.txt", ok: true, want: "HOME/notes.txt", wrote: "notes.txt"},
		{name: "write config.toml, refused without asking", tool: ToolWriteFile, path: "~/.macroa/config.toml", approve: true,
			want: "data directory"},
		{name: "write config.toml through a symlink, refused without asking", tool: ToolWriteFile, path: "~/cfg", approve: true,
			setup: func(t *testing.T, r *rig) { symlink(t, ".macroa/config.toml", filepath.Join(r.home, "cfg")) },
			want:  "data directory"},
		{name: "write config.toml in another case, refused without asking", tool: ToolWriteFile, path: "~/.MACROA/config.toml", approve: true,
			want: "data directory"},
		{name: "write ~/.SSH in another case", tool: ToolWriteFile, path: "~/.SSH/authorized_keys",
			askFor: "HOME/.SSH/authorized_keys", want: "the person rejected it"},
		{name: "approved replace, then swapped for a symlink to authorized_keys", tool: ToolWriteFile, path: "~/notes.txt",
			setup: func(t *testing.T, r *rig) { r.write(t, "notes.txt", "old") },
			onAsk: func(t *testing.T, r *rig) {
				p := filepath.Join(r.home, "notes.txt")
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				symlink(t, ".ssh/authorized_keys", p)
			},
			approve: true, askFor: "HOME/notes.txt", want: "symbolic link"},
		{name: "approved hidden dir, then swapped for a symlink to ~/.ssh", tool: ToolWriteFile, path: "~/.config/authorized_keys",
			setup: func(t *testing.T, r *rig) {
				if err := os.Mkdir(filepath.Join(r.home, ".config"), 0o700); err != nil {
					t.Fatal(err)
				}
			},
			onAsk: func(t *testing.T, r *rig) {
				p := filepath.Join(r.home, ".config")
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				symlink(t, ".ssh", p)
			},
			approve: true, askFor: "HOME/.config/authorized_keys", want: "symbolic link"},

		{name: "read a private key through a symlink", tool: ToolReadFile, path: "~/notes.txt",
			setup:  func(t *testing.T, r *rig) { symlink(t, ".ssh/id_rsa", filepath.Join(r.home, "notes.txt")) },
			askFor: "HOME/.ssh/id_rsa", want: "the person rejected it"},
		{name: "read a key through a symlinked directory", tool: ToolReadFile, path: "~/k/authorized_keys",
			setup:  func(t *testing.T, r *rig) { symlink(t, ".ssh", filepath.Join(r.home, "k")) },
			askFor: "HOME/.ssh/authorized_keys", want: "the person rejected it"},
		{name: "read a key from a working dir inside ~/.ssh", tool: ToolReadFile, path: "id_rsa",
			setup:  func(t *testing.T, r *rig) { r.agent.Files.WorkDir = filepath.Join(r.home, ".ssh") },
			askFor: "HOME/.ssh/id_rsa", want: "the person rejected it"},
		{name: "read Macroa's .env", tool: ToolReadFile, path: "~/.macroa/.env",
			askFor: "HOME/.macroa/.env", want: "the person rejected it"},
		{name: "read .env through a symlinked directory named in another case", tool: ToolReadFile, path: "~/.MACROA/.env",
			setup:  func(t *testing.T, r *rig) { symlink(t, ".macroa", filepath.Join(r.home, ".MACROA")) },
			askFor: "HOME/.macroa/.env", want: "the person rejected it"},
		{name: "approved read, then swapped for a symlink to the key", tool: ToolReadFile, path: "~/.macroa/.env",
			onAsk: func(t *testing.T, r *rig) {
				p := filepath.Join(r.home, ".macroa/.env")
				if err := os.Rename(p, filepath.Join(r.home, ".macroa/env.bak")); err != nil {
					t.Fatal(err)
				}
				symlink(t, "../.ssh/id_rsa", p)
			},
			approve: true, askFor: "HOME/.macroa/.env", want: "symbolic link"},
		{name: "write over a FIFO", tool: ToolWriteFile, path: "~/pipe", approve: true,
			setup: func(t *testing.T, r *rig) { mkfifo(t, filepath.Join(r.home, "pipe")) },
			want:  "named pipe"},
		{name: "read a FIFO", tool: ToolReadFile, path: "~/pipe",
			setup: func(t *testing.T, r *rig) { mkfifo(t, filepath.Join(r.home, "pipe")) },
			want:  "named pipe"},
		{name: "read /dev/zero", tool: ToolReadFile, path: "/dev/zero", want: "outside the allowed root"},
		{name: "read a 1 GB sparse file", tool: ToolReadFile, path: "~/huge.log",
			setup: func(t *testing.T, r *rig) {
				p := r.write(t, "huge.log", "first line\n")
				if err := os.Truncate(p, 1<<30); err != nil {
					t.Fatal(err)
				}
			},
			want: "binary file (1073741824 bytes)"},
		{name: "list ~/.ssh shows names, not contents", tool: ToolListDirectory, path: "~/.ssh", ok: true, want: "authorized_keys\nid_rsa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			canaries := canaryHome(t, r)
			if tc.setup != nil {
				tc.setup(t, r)
			}
			q := r.ask(t, func(store.Approval) (bool, string) {
				if tc.onAsk != nil {
					tc.onAsk(t, r)
				}
				return tc.approve, ""
			})
			args := jsonArgs(t, "path", tc.path)
			if tc.tool == ToolWriteFile {
				args = jsonArgs(t, "path", tc.path, "content", "PWNED")
			}
			r.srv.Script(toolCall("f1", string(tc.tool), args), providertest.Reply{Content: "done"})

			ans := runPromptly(t, r)
			home := func(s string) string { return strings.ReplaceAll(s, "HOME", r.home) }

			if len(ans.Calls) != 1 {
				t.Fatalf("calls = %+v", ans.Calls)
			}
			c := ans.Calls[0]
			if c.OK != tc.ok {
				t.Errorf("OK = %v, want %v: %q", c.OK, tc.ok, c.Output)
			}
			if !strings.Contains(c.Output, home(tc.want)) {
				t.Errorf("the tool answered %q, want it to say %q", c.Output, home(tc.want))
			}
			asked := q.Asked()
			switch {
			case tc.askFor == "" && len(asked) > 0:
				t.Errorf("asked %+v, want no question", asked)
			case tc.askFor != "":
				if len(asked) != 1 {
					t.Fatalf("asked %+v, want one question naming %q", asked, home(tc.askFor))
				}
				e := asked[0]
				var path string
				switch p := params(t, e).(type) {
				case actions.File:
					path = p.Path
					if e.Kind != string(actions.FileWrite) || p.Content != "PWNED" || p.Backup != "" {
						t.Errorf("queued %s %+v, want a write of the model's content", e.Kind, p)
					}
				case actions.Read:
					path = p.Path
					if e.Kind != string(actions.FileRead) {
						t.Errorf("queued %s, want a read", e.Kind)
					}
				}
				if path != home(tc.askFor) || !strings.Contains(e.Summary, home(tc.askFor)) || e.Why == "" || e.Reason == "" {
					t.Errorf("queued %+v, want the real path %q named and why it asks", e, home(tc.askFor))
				}
			}
			for name, want := range canaries {
				p := filepath.Join(r.home, name)
				if name == ".macroa/.env" && tc.onAsk != nil && tc.tool == ToolReadFile {
					p = filepath.Join(r.home, ".macroa/env.bak") // moved aside by the race
				}
				st, err := os.Lstat(p)
				if err != nil || !st.Mode().IsRegular() {
					t.Errorf("%s is no longer a regular file (%v)", name, err)
				}
				if b, _ := os.ReadFile(p); string(b) != want {
					t.Errorf("%s changed to %q", name, b)
				}
				for _, req := range r.srv.Requests() {
					if strings.Contains(string(req.Body), want) {
						t.Errorf("%s's content was sent to the model", name)
					}
				}
			}
			if tc.wrote != "" {
				if b, _ := os.ReadFile(filepath.Join(r.home, tc.wrote)); string(b) != "PWNED" {
					t.Errorf("%s holds %q, want the written content", tc.wrote, b)
				}
			}
		})
	}
}

// runPromptly runs the agent and fails the test if it does not finish
// within a generous deadline: a read blocked on a FIFO never would.
func runPromptly(t *testing.T, r *rig) Answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		ans Answer
		err error
	}
	done := make(chan result, 1)
	go func() {
		ans, err := r.agent.Run(context.Background(), "tidy my notes", nil)
		done <- result{ans, err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			t.Fatal(res.err)
		}
		return res.ans
	case <-ctx.Done():
		t.Fatalf("the agent did not finish: %v", ctx.Err())
		return Answer{}
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	t.Cleanup(func() { // should a read hang on it after all, a writer ends it
		if fh, err := os.OpenFile(p, os.O_RDWR, 0); err == nil {
			fh.Close()
		}
	})
}
