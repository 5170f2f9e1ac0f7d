package kit

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Count writes a count with thousands separators: 10,000.
func Count(n int) string {
	s := strconv.Itoa(n)
	if n < 1000 && n > -1000 {
		return s
	}
	var b strings.Builder
	digits := strings.TrimPrefix(s, "-")
	if len(digits) != len(s) {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Sentence turns an error into a toast's sentence: one clean line, a
// capital first letter and a full stop.
func Sentence(err error) string {
	s := SafeLine(err.Error())
	if s == "" {
		return "Something went wrong."
	}
	r, size := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[size:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
