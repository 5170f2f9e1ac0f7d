package sandbox

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The allow-list grants home entry by entry, descends where credentials
// sit among ordinary files, and never names a credential or /tmp.
func TestAllowList(t *testing.T) {
	home, tmp := t.TempDir(), t.TempDir()
	for _, f := range []string{
		".ssh/id_ed25519", ".aws/credentials", ".kube/config", ".docker/config.json",
		".gnupg/pubring.kbx", ".macroa/audit.key", ".config/gh/hosts.yml",
		".config/google-chrome/Default/Cookies", ".config/tool/settings", ".netrc",
		".git-credentials", ".pgpass", ".tool/.credentials.json", ".tool/settings.json", "notes.txt", "src/app/main.go", "work/private/plan.txt",
		"work/public/readme",
	} {
		p := filepath.Join(home, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	outside := t.TempDir()
	for _, f := range []string{"build.log", ".env.gpg", "id_rsa"} {
		if err := os.WriteFile(filepath.Join(outside, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p := AllowList(home, tmp, []string{filepath.Join(home, "work/private")}, []string{outside})
	h := func(s string) string { return filepath.Join(home, s) }
	granted := func(x string) bool {
		return slices.Contains(p.RODirs, x) || slices.Contains(p.ROFiles, x) || slices.Contains(p.RWDirs, x)
	}
	cases := []struct {
		path string
		want bool
	}{
		{h("notes.txt"), true},
		{h("src"), true},
		{h(".config/tool"), true},
		{h("work/public"), true},
		{h(".tool/settings.json"), true},
		{h(".tool/.credentials.json"), false},
		{filepath.Join(outside, "build.log"), true},
		{filepath.Join(outside, "id_rsa"), false}, // the working directory is walked too
		{"/usr", true},
		{"/etc/passwd", true},
		{h(".ssh"), false},
		{h(".aws"), false},
		{h(".kube"), false},
		{h(".docker"), false},
		{h(".gnupg"), false},
		{h(".macroa"), false},
		{h(".config/gh"), false},
		{h(".config/google-chrome"), false},
		{h(".config"), false}, // listed and walked, not granted whole
		{h(".netrc"), false},
		{h(".git-credentials"), false},
		{h(".pgpass"), false},
		{h("work/private"), false},
		{h("work"), false},
		{"/etc/shadow", false},
		{"/etc", false},
		{"/tmp", false},
		{"/proc/1", false},
		{"/proc/self", false},
	}
	for _, c := range cases {
		if got := granted(c.path); got != c.want {
			t.Errorf("%s granted %v, want %v", c.path, got, c.want)
		}
	}
	if !slices.Equal(p.RWDirs, []string{tmp}) {
		t.Errorf("writable %v, want only %s", p.RWDirs, tmp)
	}
	if !slices.Contains(p.ListDirs, home) || !slices.Contains(p.ListDirs, h(".config")) || !slices.Contains(p.ListDirs, outside) {
		t.Errorf("home, .config and the working directory are not listable: %v", p.ListDirs)
	}
}
