package themes

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir makes a data directory whose themes/ folder holds files.
func dataDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	td := filepath.Join(dir, "themes")
	if err := os.MkdirAll(td, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(td, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoad(t *testing.T, name, dir string) Theme {
	t.Helper()
	th, err := Load(name, dir)
	if err != nil {
		t.Fatalf("Load(%q): %v", name, err)
	}
	return th
}

func TestLoadDefault(t *testing.T) {
	if got := mustLoad(t, "", ""); got.Name != Default {
		t.Fatalf(`Load("") = %q, want %q`, got.Name, Default)
	}
	// A data dir without a themes folder is fine.
	if got := mustLoad(t, "dark", t.TempDir()); got.Name != "dark" {
		t.Fatalf("got %q", got.Name)
	}
}

func TestInheritance(t *testing.T) {
	dir := dataDir(t, map[string]string{
		"mine.toml":  "inherits = \"dark\"\ndescription = \"mine\"\naccent = \"#FF0000\"\nerror = 9\n",
		"bare.toml":  "accent = \"13\"\n",
		"dark.toml":  "# shadows the builtin\naccent = \"#00ff00\"\n",
		"grand.toml": "inherits = \"mine\"\nlink = \"none\"\ndark = false\n",
		"light.toml": "inherits = \"light\"\ndescription = \"my light\"\nname = \"light\"\n",
		"blank.toml": "inherits = \"ansi\"\ncode = \"\"\n",
	})
	builtinDark := mustLoad(t, "dark", "")
	builtinAnsi := mustLoad(t, "ansi", "")
	builtinLight := mustLoad(t, "light", "")

	tests := []struct {
		name  string
		check func(Theme) string
	}{
		{"mine", func(th Theme) string {
			switch {
			case th.Accent != "#ff0000":
				return "accent not overridden (or not normalised): " + string(th.Accent)
			case th.Error != "9":
				return "integer colour not read: " + string(th.Error)
			case th.Foreground != builtinDark.Foreground || th.Link != builtinDark.Link:
				return "untouched tokens not inherited from dark"
			case !th.Dark || th.Description != "mine":
				return "dark/description wrong"
			}
			return ""
		}},
		{"bare", func(th Theme) string {
			switch {
			case th.Accent != "13":
				return "accent not overridden"
			case th.Success != builtinAnsi.Success || th.Foreground != builtinAnsi.Foreground:
				return "default parent is not ansi"
			case th.Description != "":
				return "description inherited from an unrelated theme: " + th.Description
			}
			return ""
		}},
		{"dark", func(th Theme) string {
			switch {
			case th.Accent != "#00ff00":
				return "user dark.toml did not override the builtin"
			case th.Error != builtinDark.Error || th.Description != builtinDark.Description:
				return "user dark.toml does not inherit the builtin dark by default"
			}
			return ""
		}},
		{"grand", func(th Theme) string {
			switch {
			case th.Link != None:
				return "link not overridden with none"
			case th.Accent != "#ff0000":
				return "not inherited through mine"
			case th.Dark:
				return "dark not overridden"
			}
			return ""
		}},
		{"light", func(th Theme) string {
			if th.Foreground != builtinLight.Foreground || th.Description != "my light" {
				return "light inheriting itself should get the builtin"
			}
			return ""
		}},
		{"blank", func(th Theme) string {
			if th.Code != "" || th.Accent != builtinAnsi.Accent {
				return `code = "" should set the terminal default: ` + string(th.Code)
			}
			return ""
		}},
	}
	for _, tt := range tests {
		th := mustLoad(t, tt.name, dir)
		if th.Name != tt.name {
			t.Errorf("%s: Name = %q", tt.name, th.Name)
		}
		if err := th.Validate(); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if msg := tt.check(th); msg != "" {
			t.Errorf("%s: %s", tt.name, msg)
		}
	}
	// Loading user themes must not change the builtins.
	if got := mustLoad(t, "dark", ""); got != builtinDark {
		t.Error("builtin dark changed after loading user themes")
	}
}

func TestUserThemeErrors(t *testing.T) {
	tests := []struct {
		name, body string
		line       int
		token      string
		want       string
	}{
		{"badhex", "description = \"x\"\n\n\naccent = \"#12345\"\n", 4, "accent",
			`line 4: error: accent: "#12345" is not a colour (want "#rrggbb", 0-255 or "none")`},
		{"range", "inherits = \"dark\"\nerror = 256\n", 2, "error", `"256" is not a colour`},
		{"word", "link = \"blue\"\n", 1, "link", `"blue" is not a colour`},
		{"unknown", "accent = \"1\"\n\nacent = \"2\"\n", 3, "acent", `acent: unknown token (did you mean "accent"?)`},
		{"table", "accent = \"1\"\n[extra]\nx = 1\n", 2, "extra", "extra: unknown token (want one of: name, description, dark, inherits, foreground,"},
		{"type", "accent = \"1\"\ndark = \"yes\"\n", 2, "dark", "incompatible types"},
		{"syntax", "accent = \"1\"\nlink = \n", 2, "link", "line 2: error: link: expected value"},
		{"parent", "inherits = \"drak\"\n", 1, "inherits", `inherits: unknown theme "drak" (available: ansi, badhex,`},
		// The loop is reported in the file that closes it.
		{"cycle1", "inherits = \"cycle2\"\n", 1, "inherits", "cycle2.toml line 1: error: inherits: inheritance cycle: cycle1 -> cycle2 -> cycle1"},
		{"self", "accent = \"1\"\ninherits = \"self\"\n", 2, "inherits", "inheritance cycle: self -> self"},
		{"named", "name = \"other\"\n", 1, "name", `"other" does not match the file name`},
	}
	files := map[string]string{"cycle2.toml": "inherits = \"cycle1\"\n"}
	for _, tt := range tests {
		files[tt.name+".toml"] = tt.body
	}
	dir := dataDir(t, files)
	for _, tt := range tests {
		_, err := Load(tt.name, dir)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		var fe *FileError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %v is not a *FileError", tt.name, err)
			continue
		}
		if fe.Line != tt.line || fe.Token != tt.token {
			t.Errorf("%s: line %d token %q, want line %d token %q (%v)", tt.name, fe.Line, fe.Token, tt.line, tt.token, err)
		}
		msg := err.Error()
		file := tt.name + ".toml:"
		if strings.Contains(tt.want, ".toml") {
			file = ""
		}
		if !strings.Contains(msg, strings.TrimSuffix(file, ":")+" line ") || !strings.Contains(msg, tt.want) {
			t.Errorf("%s: error %q, want the file's path and %q", tt.name, msg, tt.want)
		}
	}
}

func TestErrorPathUsesTilde(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	dir := filepath.Join(home, ".macroa")
	if err := os.MkdirAll(filepath.Join(dir, "themes"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "# my theme\ninherits = \"dark\"\n\naccent = \"#12345\"\n"
	if err := os.WriteFile(filepath.Join(dir, "themes", "mine.toml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load("mine", dir)
	want := `~/.macroa/themes/mine.toml line 4: error: accent: "#12345" is not a colour (want "#rrggbb", 0-255 or "none")`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

func TestUnknownTheme(t *testing.T) {
	dir := dataDir(t, map[string]string{"mine.toml": "accent = \"1\"\n"})
	tests := []struct {
		name, dir, want string
	}{
		{"nope", "", `unknown theme "nope" (available: ansi, dark, high-contrast, light)`},
		{"nope", dir, `unknown theme "nope" (available: ansi, dark, high-contrast, light, mine)`},
		{"mine", "", `(available: ansi, dark, high-contrast, light)`},
		{"../themes/mine", dir, `unknown theme "../themes/mine"`},
		{"Dark", "", `unknown theme "Dark"`},
	}
	for _, tt := range tests {
		_, err := Load(tt.name, tt.dir)
		if !errors.Is(err, ErrUnknownTheme) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want ErrUnknownTheme and %q", tt.name, err, tt.want)
		}
	}
}

func TestList(t *testing.T) {
	dir := dataDir(t, map[string]string{
		"mine.toml":   "description = \"Mine\"\n",
		"dark.toml":   "accent = \"1\"\n",
		"broken.toml": "accent = \"#1\"\n",
		"light.toml":  "accent = \"#1\"\n", // a broken override hides the builtin too
		"notes.txt":   "not a theme",
	})
	infos, err := List(dir)
	if err == nil || !strings.Contains(err.Error(), "broken.toml line 1") || !strings.Contains(err.Error(), "light.toml line 1") {
		t.Errorf("List error = %v, want it to name broken.toml and light.toml", err)
	}
	want := []Info{
		{"ansi", mustLoad(t, "ansi", "").Description, "builtin"},
		{"dark", mustLoad(t, "dark", "").Description, filepath.Join(dir, "themes", "dark.toml")},
		{"high-contrast", mustLoad(t, "high-contrast", "").Description, "builtin"},
		{"mine", "Mine", filepath.Join(dir, "themes", "mine.toml")},
	}
	if len(infos) != len(want) {
		t.Fatalf("List = %+v, want %+v", infos, want)
	}
	for i := range want {
		if infos[i] != want[i] {
			t.Errorf("List[%d] = %+v, want %+v", i, infos[i], want[i])
		}
	}

	infos, err = List("")
	if err != nil || len(infos) != len(Builtin()) {
		t.Fatalf(`List("") = %+v, %v`, infos, err)
	}
}
