package termsafe

import "unicode/utf8"

// Clean returns s made safe to print: escape sequences and control
// characters removed (newline and tab kept), carriage returns turned into
// line breaks, invalid UTF-8 replaced. Text with nothing to remove is
// returned as it is, without copying.
func Clean(s string) string {
	if IsClean(s) {
		return s
	}
	var f filter
	out := f.write(make([]byte, 0, len(s)), []byte(s))
	return string(f.flush(out))
}

// IsClean reports whether Clean would return s unchanged.
func IsClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return isCleanUnicode(s[i:])
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7f:
			return false
		}
	}
	return true
}

func isCleanUnicode(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1,
			r < 0x20 && r != '\n' && r != '\t',
			r >= 0x7f && r <= 0x9f,
			isBidiControl(r):
			return false
		}
		i += size
	}
	return true
}
