package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if text != "" {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func TestAddHost(t *testing.T) {
	web1 := Host{Name: "web1", Address: "10.0.0.1"}
	full := Host{Name: "db.1", Address: "db.example", Port: 2222, User: "ops", IdentityFile: "~/.ssh/id_db",
		ProxyJump: "bastion", Tags: []string{"prod", "sql"}, Groups: []string{"dbs"}, Sudo: SudoAsk,
		Interval: Duration(time.Minute)}
	cases := []struct {
		name string
		text string // "" = no file
		host Host
		want string
	}{
		{"no file", "", web1, "[[hosts]]\nname = \"web1\"\naddress = \"10.0.0.1\"\n"},
		{"keeps comments and layout", "# mine\ntheme = \"dark\"   # t\n\n[policy] # gate\nautonomy = 'suggest'\n", web1,
			"# mine\ntheme = \"dark\"   # t\n\n[policy] # gate\nautonomy = 'suggest'\n\n[[hosts]]\nname = \"web1\"\naddress = \"10.0.0.1\"\n"},
		{"no final newline", "theme = \"dark\"", web1, "theme = \"dark\"\n\n[[hosts]]\nname = \"web1\"\naddress = \"10.0.0.1\"\n"},
		{"crlf", "theme = \"dark\"\r\n", web1, "theme = \"dark\"\r\n\r\n[[hosts]]\r\nname = \"web1\"\r\naddress = \"10.0.0.1\"\r\n"},
		{"every field", "", full, "[[hosts]]\nname = \"db.1\"\naddress = \"db.example\"\nport = 2222\nuser = \"ops\"\n" +
			"identity_file = \"~/.ssh/id_db\"\nproxy_jump = \"bastion\"\ntags = [\"prod\", \"sql\"]\ngroups = [\"dbs\"]\nsudo = \"sudo\"\ninterval = \"1m0s\"\n"},
		{"after hosts", "[[hosts]]\nname = \"a\"\naddress = \"x\"\n", web1,
			"[[hosts]]\nname = \"a\"\naddress = \"x\"\n\n[[hosts]]\nname = \"web1\"\naddress = \"10.0.0.1\"\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			if err := AddHost(p, "config.toml", tc.host); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
			if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", st.Mode().Perm())
			}
		})
	}
}

func TestAddHostRefuses(t *testing.T) {
	const base = "# keep\n[[hosts]]\nname = \"web1\"\naddress = \"x\"\n"
	cases := []struct {
		name string
		text string
		host Host
		is   error  // errors.Is, when set
		want string // in the message
		bad  bool   // the host's own settings are refused
	}{
		{"taken", base, Host{Name: "web1", Address: "y"}, ErrHostExists, "web1", false},
		{"local", base, Host{Name: "local", Address: "y"}, ErrHostExists, "local", false},
		{"escape in name", base, Host{Name: "web\x1b[31m2", Address: "y"}, nil, "control character", true},
		{"newline in address", base, Host{Name: "web2", Address: "y\n[policy]"}, nil, "control character", true},
		{"bidi in tag", base, Host{Name: "web2", Address: "y", Tags: []string{"a\u202eb"}}, nil, "control character", true},
		{"upper case name", base, Host{Name: "Web2", Address: "y"}, nil, "may use only", true},
		{"no address", base, Host{Name: "web2"}, nil, "address", true},
		{"broken file", "theme = \n", Host{Name: "web2", Address: "y"}, nil, "syntax error", false},
		{"no name", base, Host{Address: "y"}, nil, "name", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			err := AddHost(p, "config.toml", tc.host)
			if err == nil {
				t.Fatal("added")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to say %q", err, tc.want)
			}
			var bad *BadHostError
			if errors.As(err, &bad) != tc.bad {
				t.Errorf("BadHostError %v, want %v: %v", !tc.bad, tc.bad, err)
			}
			if strings.ContainsAny(err.Error(), "\x1b\n\u202e") {
				t.Errorf("err carries control characters: %q", err)
			}
			if got, _ := os.ReadFile(p); string(got) != tc.text {
				t.Errorf("file changed to %q", got)
			}
		})
	}
}

func TestRemoveHost(t *testing.T) {
	const a = "[[hosts]]\nname = \"a\"\naddress = \"x\"\n"
	const b = "[[hosts]] # the db\nname = \"b\"\n# its address\naddress = \"y\"\ntags = [\n  \"one\",\n]\n"
	const c = "[[hosts]]\nname = \"c\"\naddress = \"z\"\n"
	cases := []struct {
		name, text, host, want string
		removed                bool
	}{
		{"middle", a + "\n" + b + "\n" + c, "b", a + "\n" + c, true},
		{"first", b + "\n" + c, "b", c, true},
		{"last keeps what follows", a + "\n" + b + "\n# trailing\n", "b", a + "\n# trailing\n", true},
		{"last", "theme = \"dark\" # t\n\n" + b, "b", "theme = \"dark\" # t\n", true},
		{"with policy entry", a + "\n" + b + "\n[policy.hosts]\nb = \"observe\"\na = \"suggest\" # keep\n", "b",
			a + "\n[policy.hosts]\na = \"suggest\" # keep\n", true},
		{"policy dotted", b + "\n[policy]\nautonomy = \"suggest\"\nhosts.b = \"observe\"\n", "b",
			"[policy]\nautonomy = \"suggest\"\n", true},
		{"before a table", b + "[policy]\nautonomy = \"suggest\"\n", "b", "[policy]\nautonomy = \"suggest\"\n", true},
		{"crlf", strings.ReplaceAll(a+"\n"+c, "\n", "\r\n"), "c", strings.ReplaceAll(a, "\n", "\r\n"), true},
		{"absent", a, "zz", a, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			removed, err := RemoveHost(p, "config.toml", tc.host)
			if err != nil {
				t.Fatal(err)
			}
			if removed != tc.removed {
				t.Errorf("removed = %v", removed)
			}
			got, _ := os.ReadFile(p)
			if string(got) != tc.want {
				t.Errorf("file =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestRemoveHostCannotEdit(t *testing.T) {
	cases := []struct{ name, text string }{
		{"inline array", "hosts = [{name = \"b\", address = \"y\"}]\n"},
		{"policy inline table", "[[hosts]]\nname = \"b\"\naddress = \"y\"\n[policy]\nhosts = { b = \"observe\" }\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.text)
			removed, err := RemoveHost(p, "config.toml", "b")
			if !errors.Is(err, ErrCannotEdit) || removed {
				t.Fatalf("removed %v, err %v: want ErrCannotEdit", removed, err)
			}
			if got, _ := os.ReadFile(p); string(got) != tc.text {
				t.Errorf("file changed to %q", got)
			}
		})
	}
}

func TestAddThenRemoveHostRoundTrip(t *testing.T) {
	const text = "# comment\ntheme = \"dark\"\n"
	p := writeConfig(t, text)
	if err := AddHost(p, "config.toml", Host{Name: "web1", Address: "h", Tags: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	if ok, err := RemoveHost(p, "config.toml", "web1"); err != nil || !ok {
		t.Fatalf("remove: %v %v", ok, err)
	}
	if got, _ := os.ReadFile(p); string(got) != text {
		t.Errorf("file = %q, want %q", got, text)
	}
}
