package router

import (
	"errors"
	"strings"
)

// ErrNoJSONObject is returned by ExtractJSONObject when the text holds no
// JSON object: empty text, a top-level array or scalar, or prose without a
// complete {...}.
var ErrNoJSONObject = errors.New("no JSON object in the answer")

// ExtractJSONObject returns the JSON object a model wrote, tolerating what
// models add around it: surrounding blanks, a code fence anywhere
// (```json … ``` or ``` … ```), or prose before and after the object. It
// returns the first balanced {...}; a top-level array, null, number or
// string is not an object and gives ErrNoJSONObject. The object's text is
// not validated as JSON here: decoding it is the caller's next step.
func ExtractJSONObject(text string) (string, error) {
	s := strings.TrimSpace(text)
	if inner, ok := fenced(s); ok {
		s = strings.TrimSpace(inner)
	}
	if s == "" {
		return "", ErrNoJSONObject
	}
	switch s[0] {
	case '{':
		if obj, ok := balancedObject(s); ok {
			return obj, nil
		}
		return "", ErrNoJSONObject
	case '[', '"', 'n', 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		// A JSON value that is not an object: an array may hold objects,
		// but the answer's shape is wrong and guessing which one was
		// meant would be a misfire.
		if looksLikeJSONValue(s) {
			return "", ErrNoJSONObject
		}
	}
	i := strings.IndexByte(s, '{')
	for i >= 0 {
		if obj, ok := balancedObject(s[i:]); ok {
			return obj, nil
		}
		next := strings.IndexByte(s[i+1:], '{')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return "", ErrNoJSONObject
}

// looksLikeJSONValue reports whether s, which starts like a JSON scalar or
// array, is one rather than prose ("null", "[...]", "0.5", "\"chat\"", but
// not "tried this: {...}" or "now: {...}").
func looksLikeJSONValue(s string) bool {
	switch s[0] {
	case '[', '"':
		return true
	case 'n':
		return s == "null"
	case 't':
		return s == "true"
	case 'f':
		return s == "false"
	}
	// A number: digits, sign, point and exponent only.
	return strings.Trim(s, "0123456789+-.eE") == ""
}

// fenced returns the text inside the first code fence in s, with the
// fence's language tag ("json", "JSON", "javascript") removed. An opening
// fence without a closing one gives everything after it.
func fenced(s string) (string, bool) {
	open := strings.Index(s, "```")
	if open < 0 {
		return "", false
	}
	rest := s[open+3:]
	// A JSON value never starts with a letter outside a literal, and the
	// literals are not objects anyway: every leading letter is the tag.
	j := 0
	for j < len(rest) && (rest[j]|0x20 >= 'a' && rest[j]|0x20 <= 'z') {
		j++
	}
	rest = rest[j:]
	if end := strings.Index(rest, "```"); end >= 0 {
		rest = rest[:end]
	}
	return rest, true
}

// balancedObject returns the object at the start of s (which begins with
// '{'), matching braces outside JSON strings, and false when it never
// closes.
func balancedObject(s string) (string, bool) {
	depth := 0
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[:i+1], true
			}
		}
	}
	return "", false
}
