package termsafe

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi/parser"
)

// replacement is what invalid UTF-8 becomes.
const replacement = "\uFFFD"

// filter is the sanitiser's state machine. It keeps its state between
// calls to write, so an escape sequence or a character split over two
// chunks of a stream is handled as if it had arrived whole. Escape
// sequences are recognised with the DEC parser's transition table from
// charmbracelet/x/ansi; text is decoded here, so that invalid UTF-8 never
// swallows the bytes after it.
type filter struct {
	state parser.State // GroundState in text, else inside an escape sequence
	part  [utf8.UTFMax]byte
	npart int  // bytes of a UTF-8 character collected so far
	want  int  // bytes that character needs
	cr    bool // the last line break written came from a carriage return
}

// write appends the clean form of p to dst.
func (f *filter) write(dst, p []byte) []byte {
	for _, b := range p {
		dst = f.byte(dst, b)
	}
	return dst
}

// flush ends the input: a partial character becomes U+FFFD, an unfinished
// escape sequence is dropped, and the next write starts afresh.
func (f *filter) flush(dst []byte) []byte {
	if f.npart > 0 {
		dst = append(dst, replacement...)
		f.npart = 0
	}
	f.state = parser.GroundState
	f.cr = false
	return dst
}

func (f *filter) byte(dst []byte, b byte) []byte {
	if f.npart > 0 {
		if b >= 0x80 && b <= 0xbf {
			f.part[f.npart] = b
			f.npart++
			if f.npart < f.want {
				return dst
			}
			n := f.npart
			f.npart = 0
			return f.char(dst, f.part[:n])
		}
		// A character cut short by another byte: that byte starts afresh.
		dst = append(dst, replacement...)
		f.cr = false
		f.npart = 0
	}
	if f.state != parser.GroundState {
		return f.sequence(dst, b)
	}
	switch {
	case b >= 0x20 && b < 0x7f:
		f.cr = false
		return append(dst, b)
	case b == '\n':
		if f.cr {
			f.cr = false // the \n of a \r\n: the line already broke
			return dst
		}
		return append(dst, '\n')
	case b == '\r':
		// A carriage return would let the text after it overwrite the
		// text before it: it breaks the line instead, once.
		if !f.cr {
			f.cr = true
			dst = append(dst, '\n')
		}
		return dst
	case b == '\t':
		f.cr = false
		return append(dst, '\t')
	case b >= 0xc2 && b <= 0xf4:
		f.part[0], f.npart, f.want = b, 1, utf8Len(b)
		return dst
	case b >= 0xa0:
		// Not a UTF-8 lead byte: a stray continuation or an impossible byte.
		f.cr = false
		return append(dst, replacement...)
	}
	// C0 controls, DEL, ESC and the 8-bit C1 controls: ESC and the C1
	// sequence introducers enter an escape sequence, the rest are dropped.
	f.state, _ = parser.Table.Transition(parser.GroundState, b)
	if f.state == parser.Utf8State {
		f.state = parser.GroundState
	}
	return dst
}

// sequence consumes one byte of an escape sequence; nothing of it is
// written. A UTF-8 lead byte ends the sequence and starts a character.
func (f *filter) sequence(dst []byte, b byte) []byte {
	next, _ := parser.Table.Transition(f.state, b)
	if next == parser.Utf8State {
		f.state = parser.GroundState
		f.part[0], f.npart, f.want = b, 1, utf8Len(b)
		return dst
	}
	f.state = next
	return dst
}

// char writes one complete UTF-8 sequence, or U+FFFD when it is not valid.
func (f *filter) char(dst, c []byte) []byte {
	r, size := utf8.DecodeRune(c)
	if r == utf8.RuneError && size <= 1 {
		f.cr = false
		return append(dst, replacement...)
	}
	switch {
	case r >= 0x80 && r <= 0x9f:
		// A C1 control written as a character: terminals that honour it
		// treat it as its 8-bit form, so it starts a sequence here too.
		f.state, _ = parser.Table.Transition(parser.GroundState, byte(r))
		return dst
	case isBidiControl(r):
		return dst
	}
	f.cr = false
	return append(dst, c...)
}

// isBidiControl reports the explicit embeddings, overrides and isolates,
// which reorder the characters around them on screen.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func utf8Len(lead byte) int {
	switch {
	case lead >= 0xf0:
		return 4
	case lead >= 0xe0:
		return 3
	}
	return 2
}
