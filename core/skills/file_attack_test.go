package skills_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/core/skills"
)

// hostileHome is a home directory holding credentials and Macroa's data,
// each a canary that no attack may read or change.
type hostileHome struct {
	root     string
	canaries map[string]string // path → content it must keep
}

// Canary contents: none may appear in a result.
const (
	canaryAuthorized = "ssh-ed25519 AAAA canary-authorized-keys"
	canaryKey        = "-----BEGIN canary-private-key-----"
	canaryConfig     = "# canary-config-toml"
	canaryEnv        = "OPENROUTER_API_KEY=canary-env-key"
	canaryDB         = "canary-database"
	canaryLog        = "canary-log"
)

func newHostileHome(t *testing.T) hostileHome {
	t.Helper()
	h := hostileHome{root: t.TempDir()}
	h.canaries = map[string]string{
		h.path(".ssh/authorized_keys"): canaryAuthorized,
		h.path(".ssh/id_rsa"):          canaryKey,
		h.path(".macroa/config.toml"):  canaryConfig,
		h.path(".macroa/.env"):         canaryEnv,
		h.path(".macroa/macroa.db"):    canaryDB,
		h.path("logs/macroa.log"):      canaryLog, // a DataFiles entry outside the data dir
	}
	for p, c := range h.canaries {
		mustWrite(t, p, c, 0o600)
	}
	mustMkdir(t, h.path("work"))
	return h
}

func (h hostileHome) path(rel string) string { return filepath.Join(h.root, rel) }

func (h hostileHome) skill() skills.FileSkill {
	return skills.FileSkill{Root: h.root, WorkDir: h.path("work"),
		DataDir: h.path(".macroa"), DataFiles: []string{h.path("logs/macroa.log")}}
}

// check asserts every canary is still a regular file with its content, and
// that no canary's content reached text.
func (h hostileHome) check(t *testing.T, text string) {
	t.Helper()
	for p, want := range h.canaries {
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() {
			t.Errorf("%s is no longer a regular file (%v)", p, err)
			continue
		}
		if got := readOrEmpty(p); got != want {
			t.Errorf("%s changed to %q", p, got)
		}
		if strings.Contains(text, want) {
			t.Errorf("%s's content leaked: %q", p, text)
		}
	}
}

// promptly runs fn and fails the test if it does not return within a
// generous deadline: a read that waits on a FIFO would never return.
func promptly(t *testing.T, fn func() skills.Result) skills.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan skills.Result, 1)
	go func() { done <- fn() }()
	select {
	case res := <-done:
		return res
	case <-ctx.Done():
		t.Fatalf("the file skill did not return: %v", ctx.Err())
		return skills.Result{}
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	// Should a read hang on it after all, a writer lets it finish.
	t.Cleanup(func() {
		if fh, err := os.OpenFile(p, os.O_RDWR, 0); err == nil {
			fh.Close()
		}
	})
}

func TestFileSkillAttacks(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, h hostileHome, f *skills.FileSkill)
		action  string
		path    string // "~/" paths, or relative to the working dir
		wantOK  bool
		want    string                            // in Error, or in Output when wantOK
		changed func(t *testing.T, h hostileHome) // extra checks after the run
	}{
		{name: "write through a symlink to authorized_keys", action: "write", path: "~/notes.txt",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, ".ssh/authorized_keys", h.path("notes.txt"))
			},
			want: "leads through a symlink to"},
		{name: "write through a symlinked parent directory", action: "write", path: "~/keys/authorized_keys",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mustSymlink(t, ".ssh", h.path("keys")) },
			want:  "SSH keys"},
		{name: "write a new file through a symlinked parent directory", action: "write", path: "~/keys/rc",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mustSymlink(t, ".ssh", h.path("keys")) },
			want:  "leads through a symlink to HOME/.ssh/rc"},
		{name: "write through a chain of relative symlinks", action: "write", path: "a/b",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustMkdir(t, h.path("work/a"))
				mustSymlink(t, "../../.ssh/authorized_keys", h.path("work/a/b"))
			},
			want: "leads through a symlink"},
		{name: "dot-dot escape from the working dir", action: "write", path: "../../etc/passwd",
			want: "outside the allowed root"},
		{name: "symlink escape by an absolute target", action: "write", path: "~/out",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mustSymlink(t, "/tmp", h.path("out")) },
			want:  "outside the allowed root"},
		{name: "planted temporary-name symlink", action: "write", path: "~/notes.txt", wantOK: true, want: "Written to",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, ".ssh/authorized_keys", h.path("notes.txt.macroa-tmp"))
			},
			changed: func(t *testing.T, h hostileHome) {
				if got := readOrEmpty(h.path("notes.txt")); got != "PWNED" {
					t.Errorf("notes.txt = %q", got)
				}
				if dest, err := os.Readlink(h.path("notes.txt.macroa-tmp")); err != nil || dest != ".ssh/authorized_keys" {
					t.Errorf("the planted link was touched: %q, %v", dest, err)
				}
			}},
		{name: "planted temporary-name symlink beside an existing file", action: "write", path: "~/notes.txt", wantOK: true, want: "Written to",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustWrite(t, h.path("notes.txt"), "old", 0o644)
				mustSymlink(t, ".ssh/authorized_keys", h.path("notes.txt.macroa-tmp"))
			}},
		{name: "write config.toml in the data dir", action: "write", path: "~/.macroa/config.toml", want: "data directory"},
		{name: "write .env in the data dir", action: "write", path: "~/.macroa/.env", want: "data directory"},
		{name: "write a new file in the data dir", action: "write", path: "~/.macroa/audit.key", want: "data directory"},
		{name: "write the database's journal", action: "write", path: "~/.macroa/macroa.db-wal", want: "data directory"},
		{name: "write config.toml through a symlink", action: "write", path: "~/cfg",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, ".macroa/config.toml", h.path("cfg"))
			},
			want: "data directory"},
		{name: "write into the data dir through a symlinked directory", action: "write", path: "~/m/config.toml",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mustSymlink(t, ".macroa", h.path("m")) },
			want:  "data directory"},
		{name: "write config.toml from a working dir inside the data dir", action: "write", path: "config.toml",
			setup: func(t *testing.T, h hostileHome, f *skills.FileSkill) { f.WorkDir = h.path(".macroa") },
			want:  "data directory"},
		{name: "write config.toml by dot-dot", action: "write", path: "../.macroa/config.toml", want: "data directory"},
		{name: "write config.toml in another case", action: "write", path: "~/.MACROA/config.toml", want: "data directory"},
		{name: "write the log kept outside the data dir", action: "write", path: "~/logs/macroa.log", want: "Macroa's file"},
		{name: "write the log's name in another case", action: "write", path: "~/logs/MACROA.LOG", want: "Macroa's file"},
		{name: "write a FIFO", action: "write", path: "~/pipe",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mkfifo(t, h.path("pipe")) },
			want:  "named pipe"},

		{name: "read through a symlink to a private key", action: "read", path: "~/notes.txt",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, ".ssh/id_rsa", h.path("notes.txt"))
			},
			want: "SSH keys"},
		{name: "read through a symlinked directory", action: "read", path: "~/k/authorized_keys",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mustSymlink(t, ".ssh", h.path("k")) },
			want:  "leads through a symlink"},
		{name: "read .env through a symlink", action: "read", path: "settings",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, "../.macroa/.env", h.path("work/settings"))
			},
			want: "leads through a symlink to HOME/.macroa/.env"},
		{name: "read a FIFO", action: "read", path: "~/pipe",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mkfifo(t, h.path("pipe")) },
			want:  "named pipe (FIFO), not a regular file"},
		{name: "read a symlink to a FIFO", action: "read", path: "~/innocent.txt",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mkfifo(t, h.path("pipe"))
				mustSymlink(t, "pipe", h.path("innocent.txt"))
			},
			want: "named pipe"},
		{name: "list a FIFO", action: "list", path: "~/pipe",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) { mkfifo(t, h.path("pipe")) },
			want:  "not a directory"},
		{name: "read a socket", action: "read", path: "~/s",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				l, err := net.Listen("unix", h.path("s"))
				if err != nil {
					t.Skipf("no unix sockets here: %v", err)
				}
				t.Cleanup(func() { l.Close() })
			},
			want: "a socket, not a regular file"},
		{name: "read /dev/zero", action: "read", path: "/dev/zero", want: "outside the allowed root"},
		{name: "read /dev/zero with / as the root", action: "read", path: "/dev/zero",
			setup: func(t *testing.T, h hostileHome, f *skills.FileSkill) {
				if _, err := os.Stat("/dev/zero"); err != nil {
					t.Skip("no /dev/zero")
				}
				f.Root = "/"
			},
			want: "a character device, not a regular file"},
		{name: "read a 1 GB sparse file", action: "read", path: "~/huge.txt", wantOK: true,
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustWrite(t, h.path("huge.txt"), strings.Repeat("line of text\n", 200_000), 0o644)
				if err := os.Truncate(h.path("huge.txt"), 1<<30); err != nil {
					t.Fatal(err)
				}
			},
			want: "[... truncated: " + "HOME/huge.txt is 1073741824 bytes]"},
		{name: "read a directory", action: "read", path: "~/.ssh", want: "is a directory"},
		{name: "symlink loop", action: "read", path: "~/loop",
			setup: func(t *testing.T, h hostileHome, _ *skills.FileSkill) {
				mustSymlink(t, "loop2", h.path("loop"))
				mustSymlink(t, "loop", h.path("loop2"))
			},
			want: "more than 40 symlinks"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHostileHome(t)
			f := h.skill()
			if tc.setup != nil {
				tc.setup(t, h, &f)
			}
			res := promptly(t, func() skills.Result {
				return f.Run(context.Background(), fileIntent(tc.action, tc.path, "content", "PWNED"))
			})
			if res.Success != tc.wantOK {
				t.Fatalf("Success = %v, want %v (output %.200q, error %q)", res.Success, tc.wantOK, res.Output, res.Error)
			}
			got := res.Error
			if tc.wantOK {
				got = res.Output
			}
			want := strings.ReplaceAll(tc.want, "HOME", h.root)
			if !strings.Contains(got, want) {
				t.Errorf("result %.300q does not say %q", got, want)
			}
			h.check(t, res.Output+res.Error)
			if tc.changed != nil {
				tc.changed(t, h)
			}
		})
	}
}
