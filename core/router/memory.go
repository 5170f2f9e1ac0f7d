package router

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// A memory key: up to 51 characters without sentence punctuation. Lazy, so
// the first " is " splits key from value ("my pass is a is b" → pass =
// "a is b"). validKey checks the characters afterwards: Unicode classes in
// the expressions themselves would cost milliseconds at every start-up.
const keyPat = `([^\s=?!.,;:"][^=?!.,;:"\n]*?)`

// Length limits, checked in Go: counted repetitions such as {1,300} would
// make the compiled expressions hundreds of times larger.
const (
	maxKeyLen   = 51
	maxValueLen = 300
)

var (
	// "remember [that] [my] KEY is|are|= VALUE". Only "remember" takes the
	// conversational "is" form: "save my work is important" is not a fact.
	rememberRe = lazy.NewRegexp(`(?i)^(?:please\s+)?remember\s+(?:that\s+)?(?:my\s+)?` + keyPat + `(?:\s+(?:is|are)\s+|\s*=\s*)(.+?)[.!]?\s*$`)
	// "save|store|set [my] KEY = VALUE" needs the explicit "=".
	storeRe = lazy.NewRegexp(`(?i)^(?:please\s+)?(?:save|store|set)\s+(?:my\s+)?` + keyPat + `\s*=\s*(.+?)\s*$`)
	// "what is my X", "what's my X", "whats my X", "tell me my X", "recall [my] X".
	recallRe = lazy.NewRegexp(`(?i)^(?:(?:what(?:'s|’s|s|\s+is|\s+are|\s+was|\s+were)|tell\s+me)\s+my|recall(?:\s+my)?)\s+` + keyPat + `\s*\?*\s*$`)
	forgetRe = lazy.NewRegexp(`(?i)^(?:please\s+)?forget\s+(?:about\s+)?(?:my\s+)?` + keyPat + `\s*[.!]?\s*$`)
	listRe   = lazy.NewRegexp(`(?i)^(?:(?:list|show)(?:\s+me)?\s+(?:all\s+)?(?:of\s+)?(?:my\s+|your\s+)?(?:memories|memory|facts)|what\s+do\s+you\s+(?:know|remember)(?:\s+about\s+me)?|who\s+am\s+i)\s*\??\s*$`)
	searchRe = lazy.NewRegexp(`(?i)^search\s+(?:my\s+|your\s+)?(?:memories|memory|facts)\s+for\s+(.+?)\s*\??\s*$`)
)

// memoryIntent recognises the memory shortcuts. A cheap look at the first
// word decides which expressions are worth running.
func memoryIntent(text string) (skills.Intent, bool) {
	mem := func(action string, args ...string) skills.Intent {
		m := make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i]] = args[i+1]
		}
		return skills.Intent{Skill: skills.Memory, Action: action, Args: m}
	}
	switch firstWord(text) {
	case "please", "remember", "save", "store", "set":
		for _, re := range []*lazy.Regexp{rememberRe, storeRe} {
			if m := re.Get().FindStringSubmatch(text); m != nil && validKey(m[1]) {
				key := NormalizeKey(m[1])
				value := trimQuotes(strings.TrimSpace(m[2]))
				if key != "" && value != "" && utf8.RuneCountInString(value) <= maxValueLen {
					return mem("set", "key", key, "value", value), true
				}
			}
		}
		if m := forgetRe.Get().FindStringSubmatch(text); m != nil && validKey(m[1]) {
			return mem("forget", "key", NormalizeKey(m[1]), "query", strings.TrimSpace(m[1])), true
		}
	case "forget":
		if m := forgetRe.Get().FindStringSubmatch(text); m != nil && validKey(m[1]) {
			return mem("forget", "key", NormalizeKey(m[1]), "query", strings.TrimSpace(m[1])), true
		}
	case "what", "what's", "what’s", "whats", "tell", "recall":
		if m := recallRe.Get().FindStringSubmatch(text); m != nil && validKey(m[1]) {
			q := strings.TrimSpace(m[1])
			return mem("recall", "key", NormalizeKey(q), "query", q), true
		}
		if listRe.Get().MatchString(text) {
			return mem("list"), true
		}
	case "list", "show", "who":
		if listRe.Get().MatchString(text) {
			return mem("list"), true
		}
	case "search":
		if m := searchRe.Get().FindStringSubmatch(text); m != nil {
			return mem("search", "query", m[1]), true
		}
	}
	return skills.Intent{}, false
}

// validKey reports whether a spoken key starts with a letter or digit and
// holds only letters, digits, "_", "-", spaces and apostrophes.
func validKey(s string) bool {
	if utf8.RuneCountInString(s) > maxKeyLen {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		case i > 0 && (r == '_' || r == '-' || r == ' ' || r == '\'' || r == '’'):
		default:
			return false
		}
	}
	return s != ""
}

// NormalizeKey turns a spoken key into a stored one: lower case,
// apostrophes dropped, a leading article dropped, every run of other
// non-word characters made one "_" ("Server IP" → "server_ip",
// "dog's name" → "dogs_name", "café name" → "café_name").
func NormalizeKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, art := range []string{"the ", "a ", "an "} {
		if strings.HasPrefix(s, art) && len(s) > len(art) {
			s = s[len(art):]
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	under := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			under = false
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// trimQuotes removes one pair of matching surrounding quotes.
func trimQuotes(s string) string {
	if len(s) >= 2 {
		if f, l := s[0], s[len(s)-1]; (f == '"' || f == '\'') && f == l {
			return s[1 : len(s)-1]
		}
	}
	return s
}
