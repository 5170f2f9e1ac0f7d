package actions

import (
	"fmt"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkText refuses text that is not UTF-8 or holds a NUL or any other
// control character (a tab and a newline included: none of the fields
// checked with it is free text).
func checkText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("the %s is not valid UTF-8", what)
	}
	for _, r := range s {
		if r == 0 {
			return fmt.Errorf("the %s holds a NUL byte", what)
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return fmt.Errorf("the %s holds the control character %U", what, r)
		}
	}
	return nil
}

// checkPath accepts an absolute, clean path of printable text.
func checkPath(what, p string) error {
	if p == "" {
		return fmt.Errorf("the %s is empty", what)
	}
	if err := checkText(what, p); err != nil {
		return err
	}
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("the %s %q is not absolute", what, p)
	}
	if path.Clean(p) != p {
		return fmt.Errorf("the %s %q is not clean (it would be %q)", what, p, path.Clean(p))
	}
	if p == "/" {
		return fmt.Errorf("the %s is the root directory", what)
	}
	return nil
}

// checkTextLoose is checkText for shell text, where tabs and newlines
// belong: it refuses invalid UTF-8 and the invisible characters that make
// text read differently from how it runs.
func checkTextLoose(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("the command is not valid UTF-8")
	}
	for _, r := range s {
		if r >= 0x80 && unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return fmt.Errorf("the command holds the control character %U", r)
		}
	}
	return nil
}
