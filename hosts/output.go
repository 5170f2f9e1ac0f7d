package hosts

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// DefaultMaxOutput is how many characters of each stream a command may keep.
const DefaultMaxOutput = 50_000

// capture is an io.Writer that keeps the first limit characters' worth of
// bytes and counts the rest, so a chatty command cannot exhaust memory.
type capture struct {
	buf     []byte
	limit   int // characters to keep
	dropped int64
}

func (c *capture) Write(p []byte) (int, error) {
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

// text returns the captured output cleaned for display: terminal escape
// sequences stripped, CRLF folded, invalid UTF-8 replaced, and cut to the
// limit with a marker saying so.
func (c *capture) text() (string, bool) {
	s := strings.ToValidUTF8(string(c.buf), "\uFFFD")
	s = ansi.Strip(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	truncated := c.dropped > 0
	if utf8.RuneCountInString(s) > c.limit {
		i, n := 0, 0
		for i = range s {
			if n == c.limit {
				break
			}
			n++
		}
		s = s[:i]
		truncated = true
	}
	if truncated {
		s += "\n" + TruncationMarker(c.limit)
	}
	return s, truncated
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
