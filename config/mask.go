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

// MaskURL hides the whole user information of a URL for display (a token
// is often the user name): "https://ann:s3cret@host/v1" and
// "http://TOKEN@host/v1" give "https://****@host/v1". A URL without one
// (or text that is no URL) comes back unchanged.
func MaskURL(raw string) string {
	if start, end, ok := urlUserinfo(raw); ok {
		raw = raw[:start] + "****" + raw[end:]
	}
	return maskQuerySecrets(raw)
}

// maskQuerySecrets hides the values of query parameters whose names carry
// credentials (?token=…, &api_key=…, &sig=…).
func maskQuerySecrets(raw string) string {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return raw
	}
	query, frag := raw[q+1:], ""
	if h := strings.IndexByte(query, '#'); h >= 0 {
		query, frag = query[:h], query[h:]
	}
	parts := strings.Split(query, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if hasValue && secretQueryName(name) {
			parts[i] = name + "=****"
		}
	}
	return raw[:q+1] + strings.Join(parts, "&") + frag
}

// secretQueryName reports whether a query parameter name carries a
// credential.
func secretQueryName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"token", "key", "secret", "password", "passwd", "pwd", "sig", "signature", "auth", "credential", "session"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// urlUserinfo finds the user information in raw ("user:pass@" after the
// scheme, up to the last @ before the path): it returns its byte offsets,
// the @ left out. An empty one ("https://@host") is not found.
func urlUserinfo(raw string) (start, end int, ok bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return 0, 0, false
	}
	start = i + 3
	auth := raw[start:]
	if j := strings.IndexAny(auth, "/?#"); j >= 0 {
		auth = auth[:j]
	}
	at := strings.LastIndexByte(auth, '@')
	if at <= 0 {
		return 0, 0, false
	}
	return start, start + at, true
}

// urlCredentials splits raw's user information into the user name and the
// password (hasPassword is false when there is no colon).
func urlCredentials(raw string) (user, pw string, hasPassword, ok bool) {
	start, end, ok := urlUserinfo(raw)
	if !ok {
		return "", "", false, false
	}
	user, pw, hasPassword = strings.Cut(raw[start:end], ":")
	return user, pw, hasPassword, true
}
