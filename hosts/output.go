package hosts

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// DefaultMaxOutput is how many characters of each stream a command may keep.
const DefaultMaxOutput = 50_000

// capture is an io.Writer that keeps the first limit characters' worth of
// bytes and counts the rest, so a chatty command cannot exhaust memory.
// With lines set, it also hands on what the command prints as it prints it.
type capture struct {
	buf     []byte
	limit   int // characters to keep
	dropped int64
	lines   *lineFeed // nil: nobody watches the output as it comes
}

func (c *capture) Write(p []byte) (int, error) {
	if c.lines != nil {
		c.lines.write(p)
	}
	// Up to 4 bytes a character: keep enough bytes for limit characters,
	// then cut on a character boundary in text().
	room := c.limit*utf8.UTFMax - len(c.buf)
	if room > 0 {
		n := min(room, len(p))
		c.buf = append(c.buf, p[:n]...)
		c.dropped += int64(len(p) - n)
	} else {
		c.dropped += int64(len(p))
	}
	return len(p), nil
}

// clean makes raw output fit for display: invalid UTF-8 replaced, terminal
// escape sequences stripped, CRLF folded.
func clean(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = ansi.Strip(s)
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// text returns the captured output cleaned for display (see clean) and cut
// to the limit with a marker saying so.
func (c *capture) text() (string, bool) {
	s := clean(c.buf)
	truncated := c.dropped > 0
	if utf8.RuneCountInString(s) > c.limit {
		s = s[:runeOffset(s, c.limit)]
		truncated = true
	}
	if truncated {
		s += "\n" + TruncationMarker(c.limit)
	}
	return s, truncated
}

// runeOffset is the byte offset of the n-th character of s (len(s) when s
// is shorter).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}

// TruncationMarker is the line appended to output cut at limit characters.
func TruncationMarker(limit int) string {
	return "[... truncated at " + itoa(limit) + " chars]"
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Stream names one of a command's output streams.
type Stream int

const (
	Stdout Stream = iota + 1
	Stderr
)

func (s Stream) String() string {
	if s == Stderr {
		return "stderr"
	}
	return "stdout"
}

// Line is output a command printed, handed on as it was printed: one line
// with its newline, the last part of the output without one, or a piece of
// a very long line. It is cleaned like Output (escape sequences stripped,
// CRLF folded, invalid UTF-8 replaced) and a stream stops at the same
// character limit, with the truncation marker as its last line.
type Line struct {
	Stream Stream
	Text   string
	// Cut: the stream reached its limit with this line; nothing more of
	// it follows, though the command may still be printing.
	Cut bool
}

// maxPending is how many bytes of a line without a newline are held before
// they are handed on anyway, so a progress bar or a binary blob shows up
// and costs bounded memory.
const maxPending = 4096

// lineFeed splits one stream into Lines for a callback. The two streams of
// a command share mu, so the callback is never called concurrently.
type lineFeed struct {
	mu      *sync.Mutex
	stream  Stream
	on      func(Line)
	limit   int
	pending []byte
	sent    int  // characters handed on
	full    bool // the limit was reached: the rest is dropped
}

func (f *lineFeed) write(p []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.full {
		return
	}
	f.pending = append(f.pending, p...)
	start := 0
	for !f.full {
		i := bytes.IndexByte(f.pending[start:], '\n')
		if i < 0 {
			break
		}
		f.emit(f.pending[start : start+i+1])
		start += i + 1
	}
	for !f.full && len(f.pending)-start >= maxPending {
		n := pieceLen(f.pending[start : start+maxPending])
		f.emit(f.pending[start : start+n])
		start += n
	}
	if f.full {
		f.pending = nil
		return
	}
	f.pending = append(f.pending[:0], f.pending[start:]...)
}

// pieceLen is how much of a long line to hand on: all of b, less a
// character cut in two at its end, less an escape sequence that may go on
// in the next write (it starts the next piece instead).
func pieceLen(b []byte) int {
	n := len(b)
	if i := bytes.LastIndexByte(b, 0x1b); i > 0 && n-i < 256 {
		n = i
	}
	for k := 1; k < utf8.UTFMax && k <= n; k++ {
		if utf8.RuneStart(b[n-k]) {
			if !utf8.FullRune(b[n-k : n]) {
				n -= k
			}
			break
		}
	}
	if n == 0 {
		return len(b)
	}
	return n
}

// flush hands on what is left without a newline, once the command ended.
func (f *lineFeed) flush() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.full && len(f.pending) > 0 {
		f.emit(f.pending)
	}
	f.pending = nil
}

// emit cleans a piece and hands it on, cut at the stream's limit.
func (f *lineFeed) emit(b []byte) {
	s := clean(b)
	n := utf8.RuneCountInString(s)
	if f.sent+n > f.limit {
		s = s[:runeOffset(s, f.limit-f.sent)]
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		s += TruncationMarker(f.limit) + "\n"
		f.full = true
	}
	f.sent += n
	if s != "" {
		f.on(Line{Stream: f.stream, Text: s, Cut: f.full})
	}
}
