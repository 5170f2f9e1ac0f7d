package config

import (
	"os"
	"path/filepath"
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
