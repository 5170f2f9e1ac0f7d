package themes

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed builtin/*.toml
var builtinFS embed.FS

// themeFile is what a theme file holds: a Theme plus the theme it builds on.
type themeFile struct {
	Theme
	// Inherits names the theme whose tokens fill in what this file leaves out.
	Inherits string `toml:"inherits"`
}

// parsed is a decoded theme file and the keys it set.
type parsed struct {
	file    themeFile
	defined func(key string) bool
	line    func(key string) int
}

// parse decodes one theme file strictly: bad colours, wrong types and unknown
// keys are FileErrors that name shown (the path as the user knows it), the
// line and the token.
func parse(shown string, data []byte) (parsed, error) {
	var tf themeFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&tf)
	if err != nil {
		return parsed{}, decodeError(shown, err)
	}
	doc := string(data)
	var errs []error
	seen := map[string]bool{}
	for _, k := range md.Undecoded() {
		if seen[k[0]] {
			continue
		}
		seen[k[0]] = true
		errs = append(errs, &FileError{Path: shown, Line: keyLine(doc, k[0]), Token: k[0],
			Err: unknownKeyError(k[0], append([]string{"name", "description", "dark", "inherits"}, TokenNames()...))})
	}
	if err := errors.Join(errs...); err != nil {
		return parsed{}, err
	}
	return parsed{
		file:    tf,
		defined: func(key string) bool { return md.IsDefined(key) },
		line:    func(key string) int { return keyLine(doc, key) },
	}, nil
}

// builtins parses the embedded themes once.
var builtins = sync.OnceValues(func() (map[string]Theme, error) {
	entries, err := builtinFS.ReadDir("builtin")
	if err != nil {
		return nil, err
	}
	out := map[string]Theme{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".toml")
		if !ok {
			continue
		}
		p := path.Join("builtin", e.Name())
		data, err := builtinFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		pf, err := parse(p, data)
		if err != nil {
			return nil, err
		}
		t := pf.file.Theme
		if t.Name != name {
			return nil, fmt.Errorf("%s: name %q does not match the file name", p, t.Name)
		}
		out[name] = t
	}
	return out, nil
})

// Builtin returns the names of the built-in themes, sorted.
func Builtin() []string {
	m, err := builtins()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// userDir is where user themes live under the data directory.
func userDir(dataDir string) string {
	if dataDir == "" {
		return ""
	}
	return filepath.Join(dataDir, "themes")
}

// userFile returns the path of the user theme called name, if there is one.
func userFile(name, dataDir string) (string, bool) {
	dir := userDir(dataDir)
	if dir == "" || name == "" || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) {
		return "", false
	}
	p := filepath.Join(dir, name+".toml")
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return "", false
	}
	return p, true
}

// userNames returns the names of the user themes in dataDir, sorted.
func userNames(dataDir string) ([]string, error) {
	dir := userDir(dataDir)
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".toml")
		if ok && name != "" && !strings.HasPrefix(name, ".") && (e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0) {
			names = append(names, name)
		}
	}
	return names, nil
}

// available lists every theme name Load could be asked for, sorted.
func available(dataDir string) []string {
	names := Builtin()
	users, _ := userNames(dataDir)
	for _, n := range users {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Load returns the theme called name: a user theme from <dataDir>/themes/
// when there is one (it overrides a builtin of the same name), else a
// builtin. An empty name means Default. A user theme starts from the theme
// named by its `inherits` key (by default the builtin it overrides, else
// Default) and replaces the tokens it sets. An unknown name is an error
// wrapping ErrUnknownTheme that lists the available names.
func Load(name, dataDir string) (Theme, error) {
	if name == "" {
		name = Default
	}
	return resolve(name, dataDir, nil)
}

// resolve loads name; chain holds the user themes already being resolved, so
// a user theme that (indirectly) inherits its own name gets the builtin it
// shadows, and any other cycle is an error.
func resolve(name, dataDir string, chain []string) (Theme, error) {
	bs, err := builtins()
	if err != nil {
		return Theme{}, err
	}
	if !slices.Contains(chain, name) {
		if p, ok := userFile(name, dataDir); ok {
			return loadUser(name, p, dataDir, chain)
		}
	}
	if t, ok := bs[name]; ok {
		return t, nil
	}
	return Theme{}, unknownError(name, available(dataDir))
}

// loadUser reads the user theme file p and merges it over the theme it inherits.
func loadUser(name, p, dataDir string, chain []string) (Theme, error) {
	shown := displayPath(p)
	data, err := os.ReadFile(p)
	if err != nil {
		return Theme{}, &FileError{Path: shown, Err: err}
	}
	pf, err := parse(shown, data)
	if err != nil {
		return Theme{}, err
	}
	bs, _ := builtins()
	f := pf.file
	if pf.defined("name") && f.Name != name {
		return Theme{}, &FileError{Path: shown, Line: pf.line("name"), Token: "name",
			Err: fmt.Errorf("%q does not match the file name (want %q or leave it out)", f.Name, name)}
	}

	base := f.Inherits
	if base == "" {
		base = Default
		if _, ok := bs[name]; ok {
			base = name
		}
	}
	chain = append(slices.Clip(chain), name)
	if _, isBuiltin := bs[base]; slices.Contains(chain, base) && !isBuiltin {
		return Theme{}, &FileError{Path: shown, Line: pf.line("inherits"), Token: "inherits",
			Err: fmt.Errorf("inheritance cycle: %s -> %s", strings.Join(chain, " -> "), base)}
	}
	parent, err := resolve(base, dataDir, chain)
	if errors.Is(err, ErrUnknownTheme) && !isFileError(err) {
		return Theme{}, &FileError{Path: shown, Line: pf.line("inherits"), Token: "inherits", Err: err}
	}
	if err != nil {
		return Theme{}, err
	}

	t := parent
	t.Name = name
	t.Description = ""
	if base == name {
		t.Description = parent.Description
	}
	if pf.defined("description") {
		t.Description = f.Description
	}
	if pf.defined("dark") {
		t.Dark = f.Dark
	}
	dst := reflect.ValueOf(&t).Elem()
	src := reflect.ValueOf(f.Theme)
	for _, tf := range tokenFields() {
		if pf.defined(tf.name) {
			dst.Field(tf.index).Set(src.Field(tf.index))
		}
	}
	return t, nil
}

func isFileError(err error) bool {
	var fe *FileError
	return errors.As(err, &fe)
}

// List returns every theme Load can give: the builtins and the user themes in
// <dataDir>/themes/, sorted by name, a user theme replacing the builtin it
// overrides. A user theme that does not load is left out, and the returned
// error (naming its file and line) says why; the rest are still returned.
func List(dataDir string) ([]Info, error) {
	bs, err := builtins()
	if err != nil {
		return nil, err
	}
	byName := map[string]Info{}
	for n, t := range bs {
		byName[n] = Info{Name: n, Description: t.Description, Source: "builtin"}
	}
	users, err := userNames(dataDir)
	errs := []error{err}
	for _, n := range users {
		t, err := Load(n, dataDir)
		if err != nil {
			delete(byName, n)
			errs = append(errs, err)
			continue
		}
		byName[n] = Info{Name: n, Description: t.Description, Source: filepath.Join(userDir(dataDir), n+".toml")}
	}
	out := make([]Info, 0, len(byName))
	for _, i := range byName {
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	return out, errors.Join(errs...)
}
