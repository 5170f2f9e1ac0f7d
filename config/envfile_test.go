package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func TestParseEnv(t *testing.T) {
	cases := []struct {
		name string
		text string
		want map[string]string
	}{
		{"plain", "A=1\nB=two words\n", map[string]string{"A": "1", "B": "two words"}},
		{"export and blanks", "\n  export A=1\n\t\nexport\tB = 2\n", map[string]string{"A": "1", "B": "2"}},
		{"comments", "# top\n  # indented\nA=1 # trailing\nB=x#not-a-comment\nC= #only comment\n",
			map[string]string{"A": "1", "B": "x#not-a-comment", "C": ""}},
		{"empty", "A=\nB=''\nC=\"\"\n", map[string]string{"A": "", "B": "", "C": ""}},
		{"single quotes are literal", `A='a \n b # c' # comment` + "\n", map[string]string{"A": `a \n b # c`}},
		{"double quote escapes", `A="x\ny\t\"q\" \\ \d"` + "\n", map[string]string{"A": "x\ny\t\"q\" \\ \\d"}},
		{"hash inside quotes", `A="a # b"` + "\n", map[string]string{"A": "a # b"}},
		{"equals in value", "A=b=c==\n", map[string]string{"A": "b=c=="}},
		{"CRLF and BOM", "\uFEFFA=1\r\nB='2'\r\n", map[string]string{"A": "1", "B": "2"}},
		{"no final newline", "A=1", map[string]string{"A": "1"}},
		{"last wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"multi-line quoted", "A=\"line1\nline2\"\nB=3\n", map[string]string{"A": "line1\nline2", "B": "3"}},
		{"variable named export", "export=1\n", map[string]string{"export": "1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			entries, err := parseEnv(tc.text, "./.env")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range entries {
				got[e.key] = e.value
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseEnvLineNumbers(t *testing.T) {
	entries, err := parseEnv("# c\nA=\"x\ny\"\n\nB=1\n", "f")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].line != 2 || entries[1].line != 5 {
		t.Errorf("entries = %+v", entries)
	}
}

func TestParseEnvMalformed(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"no equals", "A=1\njust words\n", 2, "KEY=value"},
		{"bad name", "A=1\n\n1BAD=x\n", 3, "KEY"},
		{"space in name", "MY KEY=x\n", 1, "KEY"},
		{"text after quote", "A=1\nB=\"x\" y\n", 2, "after the closing quote"},
		{"unterminated", "A=1\nB='oops\nC=2\n", 2, "unterminated"},
		{"export alone", "export\n", 1, "KEY=value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEnv(tc.text, "./.env")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FileError", err)
			}
			if fe.Line != tc.line || fe.File != "./.env" {
				t.Errorf("error at %s line %d, want ./.env line %d", fe.File, fe.Line, tc.line)
			}
			wantContains(t, err.Error(), "./.env line", tc.msg)
		})
	}
}

func TestMalformedLineDoesNotEchoContent(t *testing.T) {
	_, err := parseEnv("sk-or-v1-verysecretkeymaterial\n", "./.env")
	if err == nil || strings.Contains(err.Error(), "verysecret") {
		t.Errorf("err = %v", err)
	}
}

func TestQuoteEnvValueRoundTrip(t *testing.T) {
	values := []string{
		"", "plain", "sk-or-v1-abc_DEF.123/x:y@z+w,%=^~", "two words", "it's", `say "hi"`,
		"a#b", " lead", "trail ", "$HOME", `back\slash`, "multi\nline", "tab\there", "crlf\r\n", `'"mixed"'`, "ünïcødé",
	}
	for _, v := range values {
		q, err := quoteEnvValue(v)
		if err != nil {
			t.Fatalf("quote %q: %v", v, err)
		}
		entries, err := parseEnv("K="+q+"\n", "f")
		if err != nil {
			t.Fatalf("parse K=%s: %v", q, err)
		}
		if len(entries) != 1 || entries[0].value != v {
			t.Errorf("%q quoted as %s reads back as %+v", v, q, entries)
		}
	}
	if q, _ := quoteEnvValue("plain-1.2"); q != "plain-1.2" {
		t.Errorf("plain value quoted: %s", q)
	}
	if q, _ := quoteEnvValue("has space"); q != "'has space'" {
		t.Errorf("spaced value quoted as %s", q)
	}
	if _, err := quoteEnvValue("nul\x00"); err == nil {
		t.Error("a NUL byte was accepted")
	}
}

func mode(t *testing.T, p string) os.FileMode {
	t.Helper()
	m, err := EnvFilePerms(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSetEnvFileValue(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	orig := "# Macroa settings\n\nexport OPENROUTER_API_KEY=old # keep?\nMACROA_THEME=dark\nbroken line kept\nOPENROUTER_API_KEY=dup\n# end\n"
	if err := os.WriteFile(p, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SetEnvFileValue(p, "OPENROUTER_API_KEY", "sk new"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := "# Macroa settings\n\nexport OPENROUTER_API_KEY='sk new'\nMACROA_THEME=dark\nbroken line kept\n# end\n"
	if string(got) != want {
		t.Errorf("file =\n%s\nwant\n%s", got, want)
	}
	if runtime.GOOS != "windows" {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("mode = %04o after updating a 0644 file, want 0600", m)
		}
	}

	if err := SetEnvFileValue(p, "MACROA_USER_NAME", "Ann"); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(p)
	if !strings.HasSuffix(string(got), "# end\nMACROA_USER_NAME=Ann\n") {
		t.Errorf("append: file =\n%s", got)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestSetEnvFileValueCreatesPrivateFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	if err := SetEnvFileValue(p, "A", "multi\nline \"x\""); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if m := mode(t, p); m != 0o600 {
			t.Errorf("new file mode = %04o, want 0600", m)
		}
	}
	data, _ := os.ReadFile(p)
	entries, err := parseEnv(string(data), p)
	if err != nil || len(entries) != 1 || entries[0].value != "multi\nline \"x\"" {
		t.Errorf("read back %+v, %v from %q", entries, err, data)
	}
}

func TestSetEnvFileValueKeepsCRLFAndNoFinalNewline(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(p, []byte("A=1\r\nB=2"), 0o600)
	if err := SetEnvFileValue(p, "C", "3"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "A=1\r\nB=2\r\nC=3\r\n" {
		t.Errorf("file = %q", got)
	}
}

func TestSetEnvFileValueFollowsSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "real.env")
	link := filepath.Join(dir, ".env")
	os.WriteFile(real, []byte("A=1\n"), 0o644)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if err := SetEnvFileValue(link, "A", "2"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	got, _ := os.ReadFile(real)
	if string(got) != "A=2\n" || mode(t, real) != 0o600 {
		t.Errorf("target = %q mode %04o", got, mode(t, real))
	}
}

func TestSetEnvFileValueRejects(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	if err := SetEnvFileValue(p, "BAD NAME", "x"); err == nil {
		t.Error("bad name accepted")
	}
	if err := SetEnvFileValue(p, "A", "bell\a"); err == nil {
		t.Error("control character accepted")
	}
	if err := SetEnvFileValue(filepath.Join(t.TempDir(), "missing", ".env"), "A", "1"); err == nil {
		t.Error("created a missing directory")
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Error("a rejected call wrote the file")
	}
}

func TestUnsetEnvFileValue(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	os.WriteFile(p, []byte("# c\nA=1\nB=\"x\ny\"\nA=2\nC=3\n"), 0o644)
	removed, err := UnsetEnvFileValue(p, "A")
	if err != nil || !removed {
		t.Fatalf("Unset = %v, %v", removed, err)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "# c\nB=\"x\ny\"\nC=3\n" {
		t.Errorf("file = %q", got)
	}
	if runtime.GOOS != "windows" && mode(t, p) != 0o600 {
		t.Errorf("mode = %04o", mode(t, p))
	}
	removed, err = UnsetEnvFileValue(p, "A")
	if err != nil || removed {
		t.Errorf("second Unset = %v, %v", removed, err)
	}
	removed, err = UnsetEnvFileValue(filepath.Join(dir, "none"), "A")
	if err != nil || removed {
		t.Errorf("Unset on a missing file = %v, %v", removed, err)
	}
}

func TestInsecurePerms(t *testing.T) {
	for m, want := range map[os.FileMode]bool{0o600: false, 0o400: false, 0o644: true, 0o640: true, 0o604: true, 0o700: false} {
		if InsecurePerms(m) != want {
			t.Errorf("InsecurePerms(%04o) = %v", m, !want)
		}
	}
	if _, err := EnvFilePerms(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("EnvFilePerms on a missing file gave no error")
	}
}
