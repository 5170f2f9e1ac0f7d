package store

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// The checkpoint is JSON, read and written once per append. encoding/json
// costs a cold process about half a millisecond the first time (reflection
// over the struct), more than the rest of the file work, so the one form
// json.Marshal writes is encoded and parsed here by hand. Anything else is
// left to encoding/json, so what is accepted, and how it is refused, does
// not change.

// checkpointFields are the keys in the order json.Marshal writes them.
var checkpointFields = [...]string{"version", "id", "hash", "mac", "count", "mac_from", "seal"}

// marshalCheckpoint is json.Marshal(c) plus a newline.
func marshalCheckpoint(c checkpoint) ([]byte, error) {
	if !plainJSONString(c.Hash) || !plainJSONString(c.MAC) || !plainJSONString(c.Seal) {
		data, err := json.Marshal(c)
		return append(data, '\n'), err
	}
	b := make([]byte, 0, 288)
	b = append(b, `{"version":`...)
	b = strconv.AppendInt(b, int64(c.Version), 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(append(append(b, `,"hash":"`...), c.Hash...), '"')
	b = append(append(append(b, `,"mac":"`...), c.MAC...), '"')
	b = append(b, `,"count":`...)
	b = strconv.AppendInt(b, c.Count, 10)
	b = append(b, `,"mac_from":`...)
	b = strconv.AppendInt(b, c.MACFrom, 10)
	b = append(append(append(b, `,"seal":"`...), c.Seal...), '"')
	return append(b, "}\n"...), nil
}

// unmarshalCheckpoint decodes raw strictly: unknown fields are refused.
func unmarshalCheckpoint(raw []byte) (checkpoint, error) {
	if c, ok := parseCanonicalCheckpoint(raw); ok {
		return c, nil
	}
	var c checkpoint
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&c)
	return c, err
}

// parseCanonicalCheckpoint parses exactly what marshalCheckpoint writes:
// every field once, in order, no spaces, integers without leading zeros,
// strings of printable ASCII with nothing to escape, at most a newline
// after. ok is false for anything else.
func parseCanonicalCheckpoint(raw []byte) (c checkpoint, ok bool) {
	p := raw
	if len(p) > 0 && p[len(p)-1] == '\n' {
		p = p[:len(p)-1]
	}
	if len(p) < 2 || p[0] != '{' || p[len(p)-1] != '}' {
		return c, false
	}
	p = p[1 : len(p)-1]
	for i, name := range checkpointFields {
		if i > 0 {
			if len(p) == 0 || p[0] != ',' {
				return c, false
			}
			p = p[1:]
		}
		key := `"` + name + `":`
		if !bytes.HasPrefix(p, []byte(key)) {
			return c, false
		}
		p = p[len(key):]
		var n int64
		var s string
		switch name {
		case "hash", "mac", "seal":
			s, p, ok = cutPlainString(p)
		default:
			n, p, ok = cutCanonicalInt(p)
		}
		if !ok {
			return c, false
		}
		switch name {
		case "version":
			if int64(int(n)) != n {
				return c, false
			}
			c.Version = int(n)
		case "id":
			c.ID = n
		case "hash":
			c.Hash = s
		case "mac":
			c.MAC = s
		case "count":
			c.Count = n
		case "mac_from":
			c.MACFrom = n
		case "seal":
			c.Seal = s
		}
	}
	return c, len(p) == 0
}

// cutCanonicalInt reads a JSON integer at the start of p: an optional
// minus, then 0 or digits not starting with 0, ending where the digits do.
func cutCanonicalInt(p []byte) (int64, []byte, bool) {
	i := 0
	if i < len(p) && p[i] == '-' {
		i++
	}
	start := i
	for i < len(p) && '0' <= p[i] && p[i] <= '9' {
		i++
	}
	digits := p[start:i]
	if len(digits) == 0 || len(digits) > 1 && digits[0] == '0' || i < len(p) && (p[i] == '.' || p[i] == 'e' || p[i] == 'E') {
		return 0, p, false
	}
	n, err := strconv.ParseInt(string(p[:i]), 10, 64)
	if err != nil {
		return 0, p, false
	}
	return n, p[i:], true
}

// cutPlainString reads a quoted string at the start of p whose bytes need
// no escaping in JSON.
func cutPlainString(p []byte) (string, []byte, bool) {
	if len(p) == 0 || p[0] != '"' {
		return "", p, false
	}
	end := bytes.IndexByte(p[1:], '"')
	if end < 0 || !plainJSONString(string(p[1:1+end])) {
		return "", p, false
	}
	return string(p[1 : 1+end]), p[end+2:], true
}

// plainJSONString: s is printable ASCII with no '"' or '\\', and none of
// the characters encoding/json escapes for HTML ('<', '>', '&'), so its
// JSON form is the bytes themselves in quotes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
