package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetFileAutonomy(t *testing.T) {
	const hosts = "[[hosts]]\nname = \"web1\"\naddress = \"x\"\n\n[[hosts]]\nname = \"db.1\"\naddress = \"y\"\n"
	cases := []struct {
		name  string
		text  string // "" = no file
		host  string
		level Autonomy
		want  string
	}{
		{"no file", "", "", AutonomyAutoSafe, "[policy]\nautonomy = \"auto-safe\"\n"},
		{"no file, host", "", "local", AutonomyObserve, "[policy.hosts]\nlocal = \"observe\"\n"},
		{"replace keeps comments", "# mine\ntheme = \"dark\" # t\n\n[policy] # the gate\nautonomy = 'suggest'   # was\nprotected = [\"nginx\"]\n", "", AutonomyAutoFull,
			"# mine\ntheme = \"dark\" # t\n\n[policy] # the gate\nautonomy = \"auto-full\"   # was\nprotected = [\"nginx\"]\n"},
		{"insert under header", "[policy]\nprotected = [\"nginx\"]\n\n[budget]\ndaily_usd = 1\n", "", AutonomyObserve,
			"[policy]\nautonomy = \"observe\"\nprotected = [\"nginx\"]\n\n[budget]\ndaily_usd = 1\n"},
		{"append table", "theme = \"dark\"", "", AutonomySuggest, "theme = \"dark\"\n\n[policy]\nautonomy = \"suggest\"\n"},
		{"host quoted", hosts + "\n[policy.hosts]\nweb1 = \"observe\"\n", "db.1", AutonomyAutoSafe,
			hosts + "\n[policy.hosts]\n\"db.1\" = \"auto-safe\"\nweb1 = \"observe\"\n"},
		{"host replaced", hosts + "[policy.hosts]\n\"db.1\" = \"observe\" # db\n", "db.1", AutonomyAutoFull,
			hosts + "[policy.hosts]\n\"db.1\" = \"auto-full\" # db\n"},
		{"host dotted in policy", hosts + "[policy]\nautonomy = \"suggest\"\nhosts.web1 = \"observe\"\n", "web1", AutonomySuggest,
			hosts + "[policy]\nautonomy = \"suggest\"\nhosts.web1 = \"suggest\"\n"},
		{"host table after policy", hosts + "[policy]\nautonomy = \"suggest\"\n", "web1", AutonomyObserve,
			hosts + "[policy]\nautonomy = \"suggest\"\n\n[policy.hosts]\nweb1 = \"observe\"\n"},
		{"crlf", "[policy]\r\nautonomy = \"suggest\"\r\n", "", AutonomyObserve, "[policy]\r\nautonomy = \"observe\"\r\n"},
		{"crlf insert", "[policy.hosts]\r\n", "local", AutonomyObserve, "[policy.hosts]\r\nlocal = \"observe\"\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "config.toml")
			if tc.text != "" {
				if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := SetFileAutonomy(p, "config.toml", tc.host, tc.level); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", st.Mode())
			}
		})
	}
}

// A broken file, one whose key is written in a form the editor does not
// rewrite, a bad level or an unknown host: nothing is written.
func TestSetFileAutonomyRefuses(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		host  string
		level Autonomy
		subs  []string
	}{
		{"syntax error", "[policy]\nautonomy = \"suggest\"\nprotected = [\n", "", AutonomyObserve, []string{"config.toml line", "syntax error"}},
		{"schema error", "[policy]\nautonomy = \"suggest\"\nbogus = 1\n", "", AutonomyObserve, []string{"policy.bogus: unknown key"}},
		{"inline table", "policy = { autonomy = \"suggest\" }\n", "", AutonomyObserve, []string{"cannot rewrite", "policy.autonomy"}},
		{"bad level", "[policy]\n", "", Autonomy("yolo"), []string{`"yolo" is not one of`}},
		{"unknown host", "[policy]\n", "web9", AutonomyObserve, []string{`"web9" is not a host`, "nothing was written"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			err := SetFileAutonomy(p, "config.toml", tc.host, tc.level)
			if err == nil {
				t.Fatal("no error")
			}
			wantContains(t, err.Error(), tc.subs...)
			if got, _ := os.ReadFile(p); string(got) != tc.text {
				t.Errorf("file changed:\n%q", got)
			}
			if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
				t.Errorf("left files behind: %v", ents)
			}
		})
	}
}

// Clearing a level removes its one line, comments and the rest kept; a
// file that sets none is left alone.
func TestClearFileAutonomy(t *testing.T) {
	const hosts = "[[hosts]]\nname = \"web1\"\naddress = \"x\"\n\n[[hosts]]\nname = \"db.1\"\naddress = \"y\"\n"
	cases := []struct {
		name    string
		text    string // "" = no file
		host    string
		want    string
		removed bool
	}{
		{"no file", "", "local", "", false},
		{"host line", hosts + "[policy.hosts] # per host\n# web1 is the front end\nweb1 = \"observe\" # careful\nlocal = \"auto-full\"\n", "web1",
			hosts + "[policy.hosts] # per host\n# web1 is the front end\nlocal = \"auto-full\"\n", true},
		{"quoted host", hosts + "[policy.hosts]\n\"db.1\" = \"observe\"\nweb1 = \"suggest\"\n", "db.1",
			hosts + "[policy.hosts]\nweb1 = \"suggest\"\n", true},
		{"dotted in policy", hosts + "[policy]\nautonomy = \"suggest\"\nhosts.web1 = \"observe\"\n", "web1",
			hosts + "[policy]\nautonomy = \"suggest\"\n", true},
		{"last line without newline", "[policy.hosts]\nlocal = \"observe\"", "local", "[policy.hosts]", true},
		{"crlf", "[policy]\r\nautonomy = \"observe\"\r\nprotected = [\"nginx\"]\r\n", "", "[policy]\r\nprotected = [\"nginx\"]\r\n", true},
		{"global", "# mine\n[policy]\nautonomy = \"auto-full\" # was\n", "", "# mine\n[policy]\n", true},
		{"not set", "[policy]\nautonomy = \"suggest\"\n", "local", "[policy]\nautonomy = \"suggest\"\n", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if tc.text != "" {
				if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := ClearFileAutonomy(p, "config.toml", tc.host)
			if err != nil {
				t.Fatal(err)
			}
			if removed != tc.removed {
				t.Errorf("removed = %v, want %v", removed, tc.removed)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// A file whose only error is the level being set or cleared is repaired;
// any other error, or an error about another key, leaves it untouched.
func TestAutonomyRepair(t *testing.T) {
	type op struct {
		clear bool
		host  string
		level Autonomy
	}
	set := func(host string, l Autonomy) op { return op{host: host, level: l} }
	clear := func(host string) op { return op{clear: true, host: host} }
	cases := []struct {
		name string
		text string
		op   op
		want string   // the file after; "" = unchanged
		errs []string // the error holds these; none = no error
	}{
		{"set global", "# top\n[policy]\nautonomy = \"yolo\" # oops\n", set("", AutonomySuggest), "# top\n[policy]\nautonomy = \"suggest\" # oops\n", nil},
		{"set global, wrong type", "[policy]\nautonomy = 3\n", set("", AutonomyObserve), "[policy]\nautonomy = \"observe\"\n", nil},
		{"clear global", "[policy]\nautonomy = \"yolo\"\nprotected = [\"nginx\"]\n", clear(""), "[policy]\nprotected = [\"nginx\"]\n", nil},
		{"set host", "[policy.hosts]\nlocal = \"yolo\"\n", set("local", AutonomyAutoSafe), "[policy.hosts]\nlocal = \"auto-safe\"\n", nil},
		{"clear host", "[policy.hosts]\nlocal = \"yolo\"\n", clear("local"), "[policy.hosts]\n", nil},
		{"clear a host that is none", "[policy.hosts]\nweb9 = \"observe\"\n", clear("web9"), "[policy.hosts]\n", nil},
		{"another key is wrong", "[policy]\nautonomy = \"yolo\"\n", set("local", AutonomySuggest), "", []string{"policy.autonomy", `"yolo" is not one of`}},
		{"another error after the repair", "[policy]\nautonomy = \"yolo\"\nprotected = [\"\"]\n", set("", AutonomySuggest), "",
			[]string{"policy.protected", "nothing was written"}},
		{"syntax error", "[policy]\nautonomy = \"yolo\"\nprotected = [\n", set("", AutonomySuggest), "", []string{"syntax error"}},
		{"clear, syntax error", "[policy.hosts]\nlocal = \"yolo\"\n[policy\n", clear("local"), "", []string{"syntax error"}},
		{"clear, another error", "[policy]\nprotected = [\"\"]\n[policy.hosts]\nlocal = \"observe\"\n", clear("local"), "", []string{"policy.protected"}},
		{"host still unknown", "[policy.hosts]\nweb9 = \"yolo\"\n", set("web9", AutonomySuggest), "", []string{`"web9" is not a host`, "nothing was written"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(p, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var err error
			if tc.op.clear {
				_, err = ClearFileAutonomy(p, "config.toml", tc.op.host)
			} else {
				err = SetFileAutonomy(p, "config.toml", tc.op.host, tc.op.level)
			}
			got, _ := os.ReadFile(p)
			if len(tc.errs) > 0 {
				if err == nil {
					t.Fatalf("no error; file now %q", got)
				}
				wantContains(t, err.Error(), tc.errs...)
				if string(got) != tc.text {
					t.Errorf("file changed:\n%q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
			if _, err := parseFile(got, "config.toml", ""); err != nil {
				t.Errorf("the repaired file does not load: %v", err)
			}
		})
	}
}

func TestAutonomyErrorHost(t *testing.T) {
	cases := []struct {
		text string
		host string
		ok   bool
	}{
		{"[policy]\nautonomy = \"yolo\"\n", "", true},
		{"[policy.hosts]\nlocal = \"yolo\"\n", "local", true},
		{"[[hosts]]\nname = \"db.1\"\naddress = \"y\"\n[policy.hosts]\n\"db.1\" = \"yolo\"\n", "db.1", true},
		{"[policy.hosts]\nweb9 = \"observe\"\n", "web9", true},
		{"[policy.hosts]\nweb8 = \"observe\"\nweb9 = \"observe\"\n", "", false}, // two keys
		{"[policy]\nprotected = [\"\"]\n", "", false},
		{"[policy]\nautonomy = \"yolo\"\nprotected = [\n", "", false},
	}
	for _, tc := range cases {
		_, err := parseFile([]byte(tc.text), "config.toml", "")
		if err == nil {
			t.Fatalf("%q parsed", tc.text)
		}
		host, ok := AutonomyErrorHost(fmt.Errorf("configuration: %w", err))
		if host != tc.host || ok != tc.ok {
			t.Errorf("%q: AutonomyErrorHost = %q, %v; want %q, %v (err: %v)", tc.text, host, ok, tc.host, tc.ok, err)
		}
	}
	if _, ok := AutonomyErrorHost(errors.New("policy.autonomy")); ok {
		t.Error("a plain error counted as a file error")
	}
}

// A level the editor cannot remove line by line is refused, the file
// untouched; SkipFile loads without reading a broken file.
func TestClearFileAutonomyRefusesAndSkipFile(t *testing.T) {
	const hosts = "[[hosts]]\nname = \"web1\"\naddress = \"x\"\n"
	for _, text := range []string{
		hosts + "[policy]\nhosts = { web1 = \"observe\" }\n",
		"[policy]\nautonomy = \"\"\"\nsuggest\"\"\"\n",
	} {
		p := filepath.Join(t.TempDir(), "config.toml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		host := "web1"
		if !strings.Contains(text, "web1 =") {
			host = ""
		}
		removed, err := ClearFileAutonomy(p, "config.toml", host)
		if err == nil || !errors.Is(err, ErrCannotEdit) || removed {
			t.Errorf("%q: removed %v, err %v; want ErrCannotEdit", text, removed, err)
		}
		if got, _ := os.ReadFile(p); string(got) != text {
			t.Errorf("file changed:\n%q", got)
		}
	}

	f := newFixture(t)
	f.write(filepath.Join(f.data, "config.toml"), "[policy]\nautonomy = \"yolo\"\n")
	opts := LoadOptions{Environ: []string{"MACROA_HOME=" + f.data}, WorkDir: f.work, UserHome: f.user}
	if _, err := Load(opts); err == nil {
		t.Fatal("the broken file loaded")
	}
	opts.SkipFile = true
	c, err := Load(opts)
	if err != nil {
		t.Fatal(err)
	}
	if c.FilePath != filepath.Join(f.data, "config.toml") || c.File.Policy.Autonomy != AutonomySuggest {
		t.Errorf("SkipFile: path %q, autonomy %q", c.FilePath, c.File.Policy.Autonomy)
	}
}
