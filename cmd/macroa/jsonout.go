package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/macroa/macroa/termsafe"
)

// writeJSON prints v as indented JSON, HTML characters unescaped, every
// string in it cleaned for the terminal: a script that prints a field it
// decoded cannot be made to print an escape sequence either.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeCleanJSON(w, b)
}

// writeJSONLine is writeJSON on one line.
func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return writeCleanJSON(w, b)
}

func writeCleanJSON(w io.Writer, b []byte) error {
	b, err := cleanJSON(b)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// cleanJSON rewrites every string literal of the JSON text b (keys too)
// with its value cleaned by termsafe, keeping the layout and the field
// order. HTML characters are left unescaped.
func cleanJSON(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b))
	for i := 0; i < len(b); {
		if b[i] != '"' {
			out.WriteByte(b[i])
			i++
			continue
		}
		end := i + 1
		for end < len(b) && b[end] != '"' {
			if b[end] == '\\' {
				end++
			}
			end++
		}
		end++ // past the closing quote
		var s string
		if err := json.Unmarshal(b[i:end], &s); err != nil {
			return nil, err
		}
		var lit strings.Builder
		enc := json.NewEncoder(&lit)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(termsafe.Clean(s)); err != nil {
			return nil, err
		}
		out.WriteString(strings.TrimSuffix(lit.String(), "\n"))
		i = end
	}
	return out.Bytes(), nil
}
