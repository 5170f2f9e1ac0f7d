package skills

import "strings"

// ReminderWhen turns the day words people put around a time into a form
// core/schedule reads: "today at 17:30" and "at 17:30 today" are "at
// 17:30" with today set (the time must not have passed), "at 9
// tomorrow" is "tomorrow at 9". Anything else is returned as it is.
func ReminderWhen(when string) (phrase string, today bool) {
	ws := strings.Fields(when)
	if len(ws) < 2 {
		return when, false
	}
	first, last := strings.ToLower(ws[0]), strings.ToLower(ws[len(ws)-1])
	switch {
	case first == "today" && strings.ToLower(ws[1]) == "at":
		return strings.Join(ws[1:], " "), true
	case first == "today":
		return "at " + strings.Join(ws[1:], " "), true
	case last == "today" && strings.ToLower(ws[0]) == "at":
		return strings.Join(ws[:len(ws)-1], " "), true
	case last == "tomorrow" && strings.ToLower(ws[0]) == "at":
		return "tomorrow " + strings.Join(ws[:len(ws)-1], " "), false
	}
	return when, false
}
