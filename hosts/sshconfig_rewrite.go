package hosts

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// matchMark ends the Host line a Match line became: a negated name no
// alias has, so it changes no match, and marks the names as no aliases.
const matchMark = "!macroa.match"

// rewrite prepares a file's text for the library, line for line: Include
// becomes includeKey (resolved here), a Match line becomes the Host line
// it amounts to (see SSHConfig). The library takes almost anything, so
// the lines ssh would refuse are refused here: a keyword that is not a
// word, one without a value, an unbalanced quote.
func rewrite(text string) (string, error) {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		key, rest := splitKeyword(line)
		if err := checkLine(key, rest); err != nil {
			return "", fmt.Errorf("line %d: %w", n, err)
		}
		switch strings.ToLower(key) {
		case "include":
			line = includeKey + " " + rest
		case "match":
			line = "Host " + matchPatterns(rest) + " " + matchMark
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// checkLine refuses a line ssh would not read.
func checkLine(key, rest string) error {
	if key == "" || key[0] == '#' {
		return nil
	}
	for _, r := range key {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return errors.New("it does not start with a keyword")
		}
	}
	value := rest
	if i := strings.Index(rest, " #"); i >= 0 {
		value = rest[:i]
	}
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("%s has no value", key)
	}
	if strings.Count(value, `"`)%2 != 0 {
		return fmt.Errorf("%s: a quote is not closed", key)
	}
	return nil
}

// splitKeyword splits "Keyword value" or "Keyword=value".
func splitKeyword(line string) (key, rest string) {
	s := strings.TrimLeft(line, " \t")
	i := strings.IndexAny(s, " \t=")
	if i < 0 {
		return s, ""
	}
	key, rest = s[:i], strings.TrimLeft(s[i:], " \t")
	rest = strings.TrimLeft(strings.TrimPrefix(rest, "="), " \t")
	return key, rest
}

// matchPatterns is the Host pattern list a Match line amounts to; "!*"
// (never) for criteria that cannot be judged here.
func matchPatterns(criteria string) string {
	f := strings.Fields(criteria)
	if len(f) == 1 && strings.EqualFold(f[0], "all") {
		return "*"
	}
	if len(f) != 2 {
		return "!*"
	}
	switch strings.ToLower(f[0]) {
	case "host", "originalhost":
		return strings.ReplaceAll(f[1], ",", " ")
	}
	return "!*"
}
