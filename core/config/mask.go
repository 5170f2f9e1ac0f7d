package config

import "unicode/utf8"

// maskMinLen is the shortest secret whose ends Mask shows. At this length at
// least 12 characters stay hidden, so the ends never give away most of it.
const maskMinLen = 20

// Mask hides a secret for display: "" gives "(not set)", a short secret
// gives "****", and a longer one its first 4 and last 4 characters around
// an ellipsis ("sk-o…9f3a"). The middle is never shown.
func Mask(secret string) string {
	if secret == "" {
		return "(not set)"
	}
	if !utf8.ValidString(secret) || utf8.RuneCountInString(secret) < maskMinLen {
		return "****"
	}
	r := []rune(secret)
	return string(r[:4]) + "…" + string(r[len(r)-4:])
}
