package router

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// Skill is one skill or tool as the keyword shortcut sees it: the phrases
// that point at it and how to find its parameters in the text.
type Skill struct {
	Name        skills.Name
	Description string
	// Triggers are phrases matched case-insensitively as whole words
	// anywhere in the input ("run command" matches "please run command
	// ls" but "execute" does not match "executed"). Ambiguous phrases
	// (see AmbiguousTriggers) and phrases under 3 characters are ignored.
	Triggers []string
	// Params pulls the parameters the skill needs out of the text, and
	// reports false when they are not there; a trigger without them is
	// not a hit. An "action" entry becomes the Intent's Action. A nil
	// Params means the skill needs none, and then it fires only when the
	// whole input (politeness and end punctuation aside) is one trigger.
	Params func(text string) (map[string]string, bool)
}

// AmbiguousTriggers are words too common to point at one skill; a trigger
// equal to one of them is ignored.
var AmbiguousTriggers = []string{
	"chat", "ask", "help", "what", "how", "why", "tell me",
	"cat", "save", "ls", "ps", "pwd", "bash", "shell",
}

// minTriggerLen is the shortest usable trigger, in characters.
const minTriggerLen = 3

// KeywordConfidence is the confidence of a keyword-shortcut hit.
const KeywordConfidence = 0.95

// Registry holds the skills and tools the keyword shortcut may pick. The
// zero value is empty and ready; it is not safe for concurrent Add and
// Match.
type Registry struct {
	entries []entry
}

type entry struct {
	skill    Skill
	triggers []string // normalised: lower case, single spaces
}

// NewRegistry returns a registry holding skills. It panics on a skill
// Add would refuse: the built-in tables are code, and a mistake in them is
// a programming error.
func NewRegistry(list ...Skill) *Registry {
	r := &Registry{}
	for _, s := range list {
		if err := r.Add(s); err != nil {
			panic(err)
		}
	}
	return r
}

// DefaultRegistry holds the built-in skills' triggers (BuiltinSkills).
func DefaultRegistry() *Registry { return NewRegistry(BuiltinSkills()...) }

// Add registers a skill or tool. Ambiguous and too-short triggers are
// dropped; a skill left with none is refused, as is one without a name or
// one whose name is already registered.
func (r *Registry) Add(s Skill) error {
	if s.Name == "" {
		return fmt.Errorf("register keyword triggers: the skill has no name")
	}
	for _, e := range r.entries {
		if e.skill.Name == s.Name {
			return fmt.Errorf("register keyword triggers for %q: already registered", s.Name)
		}
	}
	var trig []string
	for _, t := range s.Triggers {
		n := normalizeSpace(strings.ToLower(t))
		if utf8.RuneCountInString(n) < minTriggerLen || isAmbiguous(n) {
			continue
		}
		trig = append(trig, n)
	}
	if len(trig) == 0 {
		return fmt.Errorf("register keyword triggers for %q: no usable trigger (ambiguous or shorter than %d characters)", s.Name, minTriggerLen)
	}
	r.entries = append(r.entries, entry{skill: s, triggers: trig})
	return nil
}

// Skills lists the registered skills in the order they were added.
func (r *Registry) Skills() []Skill {
	out := make([]Skill, len(r.entries))
	for i, e := range r.entries {
		out[i] = e.skill
	}
	return out
}

// Match returns the intent for text when exactly one registered skill has
// a trigger in it as whole words and that skill's Params finds the
// parameters it needs. Zero or several matching skills, or missing
// parameters, are no hit: the request goes on to the classifier. The
// intent's Input is text; its Tier is left for the caller.
func (r *Registry) Match(text string) (skills.Intent, bool) {
	if r == nil || len(r.entries) == 0 {
		return skills.Intent{}, false
	}
	text = strings.TrimSpace(text)
	norm := normalizeSpace(strings.ToLower(text))
	var hit *entry
	for i := range r.entries {
		e := &r.entries[i]
		if !e.matches(norm) {
			continue
		}
		if hit != nil {
			return skills.Intent{}, false // ambiguous: two skills
		}
		hit = e
	}
	if hit == nil {
		return skills.Intent{}, false
	}
	var params map[string]string
	if hit.skill.Params == nil {
		if !hit.isWholeInput(norm) {
			return skills.Intent{}, false
		}
		params = map[string]string{}
	} else {
		p, ok := hit.skill.Params(text)
		if !ok {
			return skills.Intent{}, false
		}
		params = make(map[string]string, len(p))
		for k, v := range p {
			params[k] = v
		}
	}
	action := params["action"]
	delete(params, "action")
	return skills.Intent{Skill: hit.skill.Name, Action: action, Args: params, Input: text}, true
}

func (e *entry) matches(norm string) bool {
	for _, t := range e.triggers {
		if containsPhrase(norm, t) {
			return true
		}
	}
	return false
}

// isWholeInput reports whether the input is one trigger and nothing else
// but politeness and end punctuation.
func (e *entry) isWholeInput(norm string) bool {
	core := strings.TrimRight(stripPolite(norm), " ?.!")
	core = strings.TrimSpace(strings.TrimSuffix(core, " please"))
	for _, t := range e.triggers {
		if core == t {
			return true
		}
	}
	return false
}

// containsPhrase reports whether phrase occurs in s as whole words: the
// characters on either side of it, where the phrase itself starts or ends
// with a word character, are not word characters. Both are lower case.
func containsPhrase(s, phrase string) bool {
	first, _ := utf8.DecodeRuneInString(phrase)
	last, _ := utf8.DecodeLastRuneInString(phrase)
	for from := 0; from <= len(s)-len(phrase); {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(phrase)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end:])
		okBefore := i == 0 || !isWordRune(first) || !isWordRune(before)
		okAfter := end == len(s) || !isWordRune(last) || !isWordRune(after)
		if okBefore && okAfter {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	return false
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isAmbiguous(trigger string) bool {
	for _, a := range AmbiguousTriggers {
		if trigger == a {
			return true
		}
	}
	return false
}

// normalizeSpace trims s and makes every run of blanks one space.
func normalizeSpace(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "\t\n\r\v\f") && !strings.Contains(s, "  ") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// politePrefixes are dropped from the start of a request before its
// parameters are looked for ("please read file x", "can you run command y").
var politePrefixes = []string{
	"please", "pls", "kindly", "can you", "could you", "would you", "will you",
	"can you please", "could you please", "would you please", "i want you to",
	"i'd like you to", "go ahead and", "now",
}

// politeWords are politePrefixes split into words once.
var politeWords = lazy.New(func() [][]string { return splitPhrases(politePrefixes) })

// splitPhrases splits each phrase into its words, for cutPhrase.
func splitPhrases(list []string) [][]string {
	out := make([][]string, len(list))
	for i, p := range list {
		out[i] = strings.Fields(p)
	}
	return out
}

// stripPolite removes leading politeness words, repeatedly, keeping the
// case of the rest.
func stripPolite(text string) string {
	text = strings.TrimSpace(text)
	for changed := true; changed; {
		changed = false
		for _, p := range politeWords.Get() {
			if rest, ok := cutPhrase(text, p); ok {
				text = strings.TrimLeft(rest, " \t\n,")
				changed = true
			}
		}
	}
	return text
}

// cutPhrase removes a phrase, given as its words, from the start of s,
// comparing case-insensitively word by word with any blanks between words,
// and requiring a word boundary after it. It reports false when s does not
// start with the phrase.
func cutPhrase(s string, words []string) (string, bool) {
	if len(words) == 0 {
		return s, false
	}
	rest := s
	for i, w := range words {
		if i > 0 {
			trimmed := strings.TrimLeft(rest, " \t\n\r")
			if len(trimmed) == len(rest) {
				return s, false // words must be separated
			}
			rest = trimmed
		}
		if len(rest) < len(w) || !strings.EqualFold(rest[:len(w)], w) {
			return s, false
		}
		rest = rest[len(w):]
	}
	if r, _ := utf8.DecodeRuneInString(rest); rest != "" && isWordRune(r) {
		return s, false
	}
	return rest, true
}

// TextAfterTrigger returns a Params extractor for a tool that takes one
// parameter: the text that follows one of triggers at the start of the
// request (after politeness words and an optional ":"), with surrounding
// quotes or backticks removed. No text after the trigger, or a trigger
// that is not at the start, is no hit.
func TextAfterTrigger(param string, triggers ...string) func(string) (map[string]string, bool) {
	words := splitPhrases(triggers)
	return func(text string) (map[string]string, bool) {
		v, ok := afterLeadingTrigger(text, words)
		if !ok {
			return nil, false
		}
		return map[string]string{param: v}, true
	}
}

// afterLeadingTrigger returns the non-empty text after one of triggers
// (each split into words) at the start of text, unquoted.
func afterLeadingTrigger(text string, triggers [][]string) (string, bool) {
	t := stripPolite(text)
	for _, trig := range triggers {
		rest, ok := cutPhrase(t, trig)
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
		rest = strings.TrimSpace(unquote(rest))
		if rest != "" {
			return rest, true
		}
	}
	return "", false
}

// unquote removes one pair of matching quotes or backticks around s.
func unquote(s string) string {
	if strings.HasPrefix(s, "```") && strings.HasSuffix(s, "```") && len(s) >= 6 {
		return s[3 : len(s)-3]
	}
	if len(s) >= 2 {
		if f, l := s[0], s[len(s)-1]; (f == '"' || f == '\'' || f == '`') && f == l {
			return s[1 : len(s)-1]
		}
	}
	return s
}
