package router

import (
	"strings"
	"time"
	"unicode"

	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/lazy"
)

// maxWhenWords bounds a time phrase: "every monday at 9 am" is five words.
const maxWhenWords = 6

var (
	// "remind me", after politeness: "please remind me", "can you remind me".
	remindRe = lazy.NewRegexp(`(?i)^(?:(?:please|hey)[\s,]+)?(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?remind\s+me(?:\s|$)`)
	// "list reminders", "show my reminders", "what are my reminders".
	reminderListRe = lazy.NewRegexp(`(?i)^(?:please\s+)?(?:(?:list|show)(?:\s+me)?(?:\s+all)?(?:\s+(?:of\s+)?(?:my|the))?\s+reminders|what\s+(?:are\s+)?my\s+reminders|what\s+reminders\s+do\s+i\s+have)\s*[?.!]?\s*$`)
	// "cancel reminder 3fa2c1", "delete the reminder to call John".
	reminderCancelRe = lazy.NewRegexp(`(?is)^(?:please\s+)?(?:cancel|delete|remove)\s+(?:the\s+|my\s+)?reminder\s+(?:for\s+|about\s+|to\s+)?(.+?)[\s.!]*$`)
)

// reminderIntent recognises reminders: "remind me <time> to <message>",
// "remind me to <message> <time>", "list reminders", "cancel reminder
// <id, time or words>". The time phrase is the longest one core/schedule
// reads; it is read again at the person's clock and zone when the reminder
// is set. Text shaped like a reminder whose time does not read is still a
// reminder, so its error names the forms instead of a model guessing.
func reminderIntent(text string) (skills.Intent, bool) {
	rem := func(action string, args ...string) skills.Intent {
		m := make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[args[i]] = args[i+1]
		}
		return skills.Intent{Skill: skills.Reminder, Action: action, Args: m}
	}
	switch firstWord(text) {
	case "list", "show", "what", "please":
		if reminderListRe.Get().MatchString(text) {
			return rem("list"), true
		}
	case "cancel", "delete", "remove":
		if m := reminderCancelRe.Get().FindStringSubmatch(text); m != nil {
			return rem("cancel", "ref", m[1]), true
		}
	}
	switch firstWord(text) {
	case "remind", "please", "hey", "hey,", "please,", "can", "could", "would", "will":
		loc := remindRe.Get().FindStringIndex(text)
		if loc == nil {
			return skills.Intent{}, false
		}
		when, message, ok := splitReminder(text[loc[1]:])
		if !ok {
			return skills.Intent{}, false
		}
		return rem("add", "when", when, "message", message), true
	}
	return skills.Intent{}, false
}

// splitReminder finds the time phrase and the message in what follows
// "remind me". ok is false for text that is no reminder ("remind me what
// my IP is"): neither a time first nor "to …".
func splitReminder(rest string) (when, message string, ok bool) {
	ws := wordsOf(rest)
	if len(ws) == 0 {
		return "", "", true // "remind me": the skill asks when and what
	}
	if timeWord(ws[0].lower) || timeish(ws[0].lower) {
		// The time first: the longest phrase that reads.
		for j := min(len(ws), maxWhenWords); j >= 1; j-- {
			if phrase := trimTimePunct(rest[ws[0].start:ws[j-1].end]); readsAsTime(phrase) {
				return phrase, stripConnector(rest[ws[j-1].end:]), true
			}
		}
		// None reads: the words up to "to" are the time the error names.
		end := len(ws)
		for i, w := range ws {
			if i > 0 && connector(w.lower) {
				end = i
				break
			}
		}
		end = min(end, maxWhenWords)
		for _, w := range ws[1:end] {
			if !timeVocabulary(strings.Trim(w.lower, ",:;.!?")) {
				// "remind me in English how to …": a question, not a time.
				return "", "", false
			}
		}
		return trimTimePunct(rest[ws[0].start:ws[end-1].end]), stripConnector(rest[ws[end-1].end:]), true
	}
	if !connector(ws[0].lower) {
		return "", "", false
	}
	body := strings.TrimRightFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '.' || r == '!' })
	// The message first: the leftmost time word from which the rest reads
	// is where the time starts ("to check in at 17:30": "at 17:30").
	for i := 1; i < len(ws); i++ {
		if ws[i].start >= len(body) || len(ws)-i > maxWhenWords || !timeWord(ws[i].lower) {
			continue
		}
		if phrase := trimTimePunct(body[ws[i].start:]); readsAsTime(phrase) {
			return phrase, strings.TrimSpace(rest[ws[0].end:ws[i].start]), true
		}
	}
	// None reads: a time word followed by a number is a time that is
	// wrong ("at 25:00"), which the error names.
	for i := len(ws) - 1; i >= 1; i-- {
		if ws[i].start < len(body) && len(ws)-i <= maxWhenWords && timeWord(ws[i].lower) && strings.ContainsAny(body[ws[i].start:], "0123456789") {
			return trimTimePunct(body[ws[i].start:]), strings.TrimSpace(rest[ws[0].end:ws[i].start]), true
		}
	}
	if ws[0].lower == "to" {
		// "remind me to stretch": a reminder without a time.
		return "", strings.TrimSpace(rest[ws[0].end:]), true
	}
	// "remind me about the film": a question as likely as a reminder.
	return "", "", false
}

// readsAsTime reports whether core/schedule reads phrase. Only its shape
// matters here, so a fixed clock keeps deciding pure; the skill reads it
// again at the real time.
func readsAsTime(phrase string) bool {
	phrase, _ = skills.ReminderWhen(phrase)
	// "every monday at 9" has the shape of "every day at 9", which reads
	// without working out a cron expression's next time (tens of µs).
	if ws := wordsOf(phrase); len(ws) >= 3 && ws[0].lower == "every" && ws[2].lower == "at" && weekdayLike(ws[1].lower) {
		phrase = "every day " + phrase[ws[2].start:]
	}
	_, err := schedule.Parse(phrase, shapeClock, time.UTC)
	return err == nil
}

// weekdayLike reports whether w names days of the week the way
// core/schedule reads them after "every": monday, mon, mondays, weekday,
// weekends.
func weekdayLike(w string) bool {
	switch strings.TrimSuffix(w, "s") {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekday", "weekend":
		return true
	}
	return false
}

var shapeClock = time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)

// timeWord reports whether a time phrase core/schedule reads may start at w.
func timeWord(w string) bool {
	switch w {
	case "in", "at", "tomorrow", "every", "today":
		return true
	}
	return false
}

// timeish reports whether a phrase starting at w is meant as a time,
// though core/schedule reads none that starts so ("on friday", "tonight",
// "5pm"): the text is a reminder whose time the error names.
func timeish(w string) bool {
	switch w {
	case "on", "next", "this", "today", "tonight", "later", "soon", "before", "after", "around", "by", "each", "daily", "weekly":
		return true
	}
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// timeVocabulary reports whether w may be part of a time a person types,
// read or not: a number, a unit, a day, a part of the day.
func timeVocabulary(w string) bool {
	if strings.ContainsAny(w, "0123456789") || timeWord(w) || timeish(w) {
		return true
	}
	switch strings.TrimSuffix(w, "s") {
	case "a", "an", "the", "bit", "while", "few", "couple", "of", "half", "quarter", "past",
		"sec", "second", "min", "minute", "hour", "hr", "h", "day", "week", "month", "year", "weekday", "weekend",
		"am", "pm", "a.m.", "p.m.", "o'clock", "noon", "midnight", "morning", "afternoon", "evening", "night",
		"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return true
	}
	return false
}

// connector reports whether w joins a time and a message: "to", "that", "about".
func connector(w string) bool { return w == "to" || w == "that" || w == "about" }

// stripConnector removes what joins a time to its message: blanks,
// ":", ",", a dash, and one "to", "that" or "about".
func stripConnector(s string) string {
	s = strings.TrimLeftFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(":,;-–—", r) })
	if ws := wordsOf(s); len(ws) > 0 && connector(ws[0].lower) {
		s = s[ws[0].end:]
	}
	return strings.TrimSpace(s)
}

// trimTimePunct drops the punctuation a time phrase may end with in a
// sentence: "in 10 minutes:", "at 17:30,".
func trimTimePunct(s string) string {
	return strings.TrimRight(s, ",:;.!?-–— \t\n")
}

type word struct {
	lower      string
	start, end int // byte offsets in the text
}

// wordsOf splits s at blanks, keeping where each word is.
func wordsOf(s string) []word {
	var out []word
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, word{lower: strings.ToLower(s[start:i]), start: start, end: i})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, word{lower: strings.ToLower(s[start:]), start: start, end: len(s)})
	}
	return out
}
