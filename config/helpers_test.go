package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture is a fake user: a home directory with ~/.macroa, and a separate
// working directory.
type fixture struct {
	t    *testing.T
	user string // UserHome
	work string // WorkDir
	data string // user/.macroa
	env  []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, user: t.TempDir(), work: t.TempDir()}
	f.data = filepath.Join(f.user, ".macroa")
	if err := os.MkdirAll(f.data, 0o700); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) write(path, content string) {
	f.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) workEnv(content string) { f.write(filepath.Join(f.work, ".env"), content) }
func (f *fixture) dataEnv(content string) { f.write(filepath.Join(f.data, ".env"), content) }
func (f *fixture) toml(content string)    { f.write(filepath.Join(f.data, "config.toml"), content) }

func (f *fixture) opts() LoadOptions {
	return LoadOptions{Environ: f.env, WorkDir: f.work, UserHome: f.user}
}

func (f *fixture) load() *Config {
	f.t.Helper()
	c, err := Load(f.opts())
	if err != nil {
		f.t.Fatalf("Load: %v", err)
	}
	return c
}

func (f *fixture) loadErr() error {
	f.t.Helper()
	c, err := Load(f.opts())
	if err == nil {
		f.t.Fatalf("Load succeeded (%+v); want an error", c)
	}
	if c != nil {
		f.t.Errorf("Load returned a Config with an error")
	}
	return err
}

func settingByName(t *testing.T, c *Config, name string) Setting {
	t.Helper()
	for _, s := range c.Settings() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no setting %s", name)
	return Setting{}
}

func wantContains(t *testing.T, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("%q\n  does not contain %q", got, s)
		}
	}
}
