package themes

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/suggest"
)

// ErrUnknownTheme is wrapped by the error Load returns for a name that is
// neither a builtin nor a user theme.
var ErrUnknownTheme = errors.New("unknown theme")

// FileError is a problem in one theme file, with the line and the token it
// is about when they are known. Its message reads
//
//	~/.macroa/themes/mine.toml line 4: error: accent: "#12345" is not a colour (want "#rrggbb", 0-255 or "none")
type FileError struct {
	Path  string // as shown to the user: the home directory is written "~"
	Line  int    // 1-based; 0 when the problem is not on one line
	Token string // theme-file key, "" when the problem is not about one key
	Err   error
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(" line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": error: ")
	if e.Token != "" {
		b.WriteString(e.Token)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// tomlTypeErr matches the decoder's plain (non-ParseError) errors, such as a
// string where a boolean belongs: `toml: line 3 (last key "dark"): ...`.
var tomlTypeErr = lazy.NewRegexp(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)

// decodeError turns an error from the TOML decoder into a FileError.
func decodeError(path string, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &FileError{Path: path, Line: pe.Position.Line, Token: pe.LastKey, Err: errors.New(pe.Message)}
	}
	if m := tomlTypeErr.Get().FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FileError{Path: path, Line: line, Token: m[2], Err: errors.New(m[3])}
	}
	return &FileError{Path: path, Err: errors.New(strings.TrimPrefix(err.Error(), "toml: "))}
}

// keyLine returns the 1-based line on which the top-level key (or table)
// called key is defined in a TOML document, or 0 when it cannot be found.
// The decoder knows this but does not export it for undecoded keys.
func keyLine(doc, key string) int {
	for i, line := range strings.Split(doc, "\n") {
		s := strings.TrimLeft(line, " \t")
		s = strings.TrimLeft(s, "[")
		s = strings.TrimLeft(s, " \t")
		for _, form := range []string{key, `"` + key + `"`, "'" + key + "'"} {
			rest, ok := strings.CutPrefix(s, form)
			if ok && (rest == "" || strings.ContainsRune(" \t=.]", rune(rest[0]))) {
				return i + 1
			}
		}
	}
	return 0
}

// displayPath writes path with the home directory as "~", as users know it.
func displayPath(path string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return path
	}
	if rel, err := filepath.Rel(home, path); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel) {
		return filepath.Join("~", rel)
	}
	return path
}

// unknownError is the error for a theme name that cannot be found.
func unknownError(name string, available []string) error {
	return fmt.Errorf("%w %q (available: %s)", ErrUnknownTheme, name, strings.Join(available, ", "))
}

// unknownKeyError explains an unknown key, suggesting the nearest known one.
func unknownKeyError(key string, known []string) error {
	if best := suggest.Closest(key, known); best != "" {
		return fmt.Errorf("unknown token (did you mean %q?)", best)
	}
	return fmt.Errorf("unknown token (want one of: %s)", strings.Join(known, ", "))
}
