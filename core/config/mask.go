package config

import (
	"strings"
	"unicode/utf8"
)

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

// MaskURL hides the password of a URL's user information for display:
// "https://ann:s3cret@host/v1" gives "https://ann:****@host/v1". A URL
// without one (or text that is no URL) comes back unchanged.
func MaskURL(raw string) string {
	_, start, end, ok := urlPassword(raw)
	if !ok {
		return raw
	}
	return raw[:start] + "****" + raw[end:]
}

// urlPassword finds the password in raw's user information ("user:pass@"
// after the scheme, up to the last @ before the path): it returns the
// password as written and its byte offsets.
func urlPassword(raw string) (pw string, start, end int, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", 0, 0, false
	}
	authStart := i + 3
	auth := raw[authStart:]
	if j := strings.IndexAny(auth, "/?#"); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at < 0 {
		return "", 0, 0, false
	}
	colon := strings.IndexByte(auth[:at], ':')
	if colon < 0 || colon == at-1 {
		return "", 0, 0, false
	}
	start, end = authStart+colon+1, authStart+at
	return raw[start:end], start, end, true
}
