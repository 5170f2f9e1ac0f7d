package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/macroa/macroa/lazy"
)

func tomlTypeName(val any) string {
	switch val.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case []map[string]any:
		return "an array of tables"
	case map[string]any:
		return "a table"
	}
	return "a date or time"
}

// decodeError turns the decoder's schema errors into a FileError.
func decodeError(err error, display string, generic map[string]any, lines keyLines) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		fe := &FileError{File: display, Line: pe.Position.Line, Field: pe.LastKey, Msg: pe.Message}
		if f, l, ok := locateValueInArray(generic, lines, fe.Field, fe.Msg); ok {
			fe.Field, fe.Line = f, l
		}
		return fe
	}
	msg := err.Error()
	m := reTomlErr.Get().FindStringSubmatch(msg)
	if m == nil {
		return &FileError{File: display, Msg: strings.TrimPrefix(msg, "toml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	field, _ := strconv.Unquote(`"` + m[2] + `"`)
	text, got := friendlyTypeError(m[3])
	if f, l, ok := locateInArray(generic, lines, field, got); ok {
		field, line = f, l
	} else if f, l, ok := locateValueInArray(generic, lines, field, text); ok {
		field, line = f, l
	}
	return &FileError{File: display, Line: line, Field: field, Msg: text}
}

var goTypeNames = lazy.New(func() map[string]string {
	return map[string]string{
		// TOML values, as the decoder prints their Go types
		"string": "a string", "int64": "an integer", "float64": "a number", "bool": "a boolean",
		"[]any": "an array", "[]map[string]any": "an array of tables", "map[string]any": "a table",
		"time.Time": "a date-time", "toml.LocalDate": "a date or time", "toml.LocalTime": "a date or time",
		"toml.LocalDatetime": "a date or time",
		// destinations
		"integer": "an integer", "float": "a number", "boolean": "a boolean",
		"slice": "an array", "map": "a table", "primitive (string-like)": "a string",
	}
})

var reTableErr = lazy.NewRegexp(`^type mismatch for .*: expected table but found (.+)$`)

// friendlyTypeError rewrites the decoder's type errors as "want X, got Y",
// and returns Y.
func friendlyTypeError(msg string) (text, got string) {
	name := func(s string) string {
		if n, ok := goTypeNames.Get()[s]; ok {
			return n
		}
		return s
	}
	if m := reTableErr.Get().FindStringSubmatch(msg); m != nil {
		got = name(m[1])
		return "want a table, got " + got, got
	}
	if m := reTypeErr.Get().FindStringSubmatch(msg); m != nil {
		got = name(m[1])
		return fmt.Sprintf("want %s, got %s", name(m[2]), got), got
	}
	return msg, ""
}

// locateInArray corrects errors inside an array of tables ([[hosts]]): the
// decoder names the key without the element and gives the line of its last
// occurrence. This finds the first element whose value has the wrong type.
func locateInArray(generic map[string]any, lines keyLines, field, got string) (string, int, bool) {
	top, rest, ok := strings.Cut(field, ".")
	if !ok || got == "" {
		return "", 0, false
	}
	elems, ok := asTables(generic[top])
	if !ok {
		return "", 0, false
	}
	key, _, _ := strings.Cut(rest, ".")
	for i, el := range elems {
		val, present := el[key]
		if !present {
			continue
		}
		match := tomlTypeName(val) == got
		if arr, isArr := val.([]any); isArr {
			for _, x := range arr {
				match = match || tomlTypeName(x) == got
			}
		}
		if match {
			f := fmt.Sprintf("%s[%d].%s", top, i, rest)
			return f, lines.line(f), true
		}
	}
	return "", 0, false
}

// locateValueInArray corrects a refused value inside an array of tables
// ([[notify]] type = "slack"): the first element whose string value, quoted,
// is the one the message names.
func locateValueInArray(generic map[string]any, lines keyLines, field, msg string) (string, int, bool) {
	top, rest, ok := strings.Cut(field, ".")
	if !ok || strings.Contains(rest, ".") {
		return "", 0, false
	}
	elems, ok := asTables(generic[top])
	if !ok {
		return "", 0, false
	}
	for i, el := range elems {
		if s, isStr := el[rest].(string); isStr && strings.HasPrefix(msg, strconv.Quote(s)+" ") {
			f := fmt.Sprintf("%s[%d].%s", top, i, rest)
			return f, lines.line(f), true
		}
	}
	return "", 0, false
}

func asTables(v any) ([]map[string]any, bool) {
	switch x := v.(type) {
	case []map[string]any:
		return x, true
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}
