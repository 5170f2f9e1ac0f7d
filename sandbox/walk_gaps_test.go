package sandbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/macroa/macroa/secretpath"
)

// Credentials stay shut whatever the working directory (the home itself,
// or a directory above it, would otherwise be walked a second time and
// its directories granted whole), and a file protected since start (a
// host's identity_file) stays shut inside an ordinary directory.
func TestWalkGaps(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	key := filepath.Join(w.home, "keys", "prod.key")
	writeFiles(t, w.home, map[string]string{"keys/prod.key": "PROD-KEY-CANARY"})
	secretpath.Protect(key, "the SSH key of host web1")
	cases := []struct {
		name, dir, script, secret string
	}{
		{"gh token, run from home", w.home, `cat "$HOME/.config/gh/hosts.yml"`, "gho_fake"},
		{"ssh key, run from above home", filepath.Dir(w.home), `cat "$HOME/.ssh/id_rsa"`, fakeKey},
		{"identity file in an ordinary directory", w.home, `cat "$HOME/keys/prod.key"`, "PROD-KEY-CANARY"},
		{"identity file, run from its directory", filepath.Dir(key), `cat prod.key`, "PROD-KEY-CANARY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := startIn(t, w.box(), c.dir, c.script)()
			if code == 0 || strings.Contains(out, c.secret) {
				t.Errorf("read the secret: exit %d, output %q", code, out)
			}
		})
	}
}

// A credential by name deeper in an ordinary directory (a project's .env,
// a backup's .ssh) stays shut, while the files beside it stay readable.
func TestCredentialsDeeperInTheHome(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	files := map[string]string{
		"project/.env":                "API_TOKEN=env-canary",
		"project/src/main.go":         "package main",
		"backup/2024/.ssh/id_ed25519": "backup-key-canary",
		"backup/2024/photos.txt":      "photos",
	}
	writeFiles(t, w.home, files)
	cases := []struct {
		script, want string
		ok           bool
	}{
		{`cat "$HOME/project/.env"`, "env-canary", false},
		{`cat "$HOME/backup/2024/.ssh/id_ed25519"`, "backup-key-canary", false},
		{`cat "$HOME/project/src/main.go"`, "package main", true},
		{`cat "$HOME/backup/2024/photos.txt"`, "photos", true},
	}
	for _, c := range cases {
		if out, code := w.run(t, c.script, false); code != 0 || !strings.Contains(out, c.want) {
			t.Fatalf("plain %s: exit %d, output %q: the control is broken", c.script, code, out)
		}
		out, code := w.run(t, c.script, true)
		if got := code == 0 && strings.Contains(out, c.want); got != c.ok {
			t.Errorf("%s: exit %d, output %q, want readable %v", c.script, code, out, c.ok)
		}
	}
}

// A big tree beside a credential does not use up the scan before it is
// seen (a checkout's .git/objects beside backend/.env), and a credential
// that appears below a directory granted whole after the allow-list was
// kept is seen by the next command.
func TestCredentialScanBreadthAndLater(t *testing.T) {
	requireFull(t)
	w := newWorld(t)
	objects := filepath.Join(w.home, "app", ".git", "objects", "ab")
	if err := os.MkdirAll(objects, 0o700); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < secretScanBudget+100; i++ {
		if err := os.WriteFile(filepath.Join(objects, fmt.Sprintf("%038d", i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, w.home, map[string]string{"app/backend/.env": "TOKEN=backend-env-canary", "work/proj/main.go": "package main"})
	box := w.box()
	for _, c := range []struct{ script, secret string }{
		{`cat "$HOME/app/backend/.env"`, "backend-env-canary"},
	} {
		if out, code := start(t, box, c.script)(); code == 0 || strings.Contains(out, c.secret) {
			t.Errorf("%s: exit %d, output %q", c.script, code, out)
		}
	}
	// The allow-list is kept now; a credential appears in a directory it
	// granted whole.
	if out, code := start(t, box, `cat "$HOME/work/proj/main.go"`)(); code != 0 || !strings.Contains(out, "package main") {
		t.Fatalf("ordinary file: exit %d, output %q", code, out)
	}
	writeFiles(t, w.home, map[string]string{"work/proj/.env": "TOKEN=later-env-canary"})
	if out, code := start(t, box, `cat "$HOME/work/proj/.env"`)(); code == 0 || strings.Contains(out, "later-env-canary") {
		t.Errorf("a credential made after the allow-list was kept was read: exit %d, output %q", code, out)
	}
}
