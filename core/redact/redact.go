// Package redact removes secrets from text before it reaches the audit log,
// the log file or an event.
package redact

import (
	"regexp"
	"strings"
)

// Marker replaces every secret.
const Marker = "[redacted]"

var (
	// Well-known token shapes: OpenAI/OpenRouter/Anthropic keys, GitHub and
	// Slack tokens, AWS access key ids, bearer tokens, JWTs.
	tokenShapes = regexp.MustCompile(`\b(?:sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})`)
	bearer      = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}`)
	// "password is hunter2", "api key = x", "token: y": keep the name, hide the value.
	namedSecret = regexp.MustCompile(`(?i)\b((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[ _\-]?key|private[ _\-]?key|pin|credentials?)s?)(\s*(?:\bis\b|\bare\b|=|:)\s*)("[^"]*"|'[^']*'|\S+)`)
	// KEY=value for environment-style names that look secret.
	envSecret = regexp.MustCompile(`\b([A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD)[A-Z0-9_]*)=(\S+)`)
	// user:password@host in URLs.
	urlPassword = regexp.MustCompile(`(://[^/\s:@]+:)[^/\s@]+@`)
)

// String returns s with secrets replaced by Marker. known lists secret values
// Macroa holds (API keys from the configuration); they are removed verbatim
// wherever they appear.
func String(s string, known ...string) string {
	for _, k := range known {
		if len(k) >= 6 {
			s = strings.ReplaceAll(s, k, Marker)
		}
	}
	s = tokenShapes.ReplaceAllString(s, Marker)
	s = bearer.ReplaceAllString(s, "$1 "+Marker)
	s = namedSecret.ReplaceAllString(s, "$1$2"+Marker)
	s = envSecret.ReplaceAllString(s, "$1="+Marker)
	s = urlPassword.ReplaceAllString(s, "$1"+Marker+"@")
	return s
}
