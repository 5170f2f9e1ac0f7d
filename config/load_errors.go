package config

import (
	"fmt"
	"strings"
)

// ValueError is a setting whose value is not acceptable.
type ValueError struct {
	Name   string // variable name, or the config.toml key when it came from there
	Value  string // as written (Error masks it for secrets)
	Source string // as in Setting.Source
	Reason string
	Secret bool
}

func (e *ValueError) Error() string {
	v := e.Value
	if e.Secret {
		v = Mask(v)
	} else {
		v = MaskURL(v)
	}
	return fmt.Sprintf("%s=%q from %s: %s", e.Name, v, e.Source, e.Reason)
}

// FileError is a problem at a place in a file: a malformed .env line, or a
// config.toml syntax or schema error.
type FileError struct {
	File  string // as shown to the user: "./.env", "~/.macroa/config.toml"
	Line  int    // 1-based; 0 when unknown
	Field string // config.toml key path ("policy.autonomy"); "" for none
	Msg   string
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}
