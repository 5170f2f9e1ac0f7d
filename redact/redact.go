// Package redact removes secrets from text before it reaches the audit log,
// the log file, an event or a model.
package redact

import (
	"slices"
	"strings"

	"github.com/macroa/macroa/lazy"
)

// Marker replaces every secret.
const Marker = "[redacted]"

// Known values shorter than shortKnown are removed only where they stand
// as a whole word (a 4-digit PIN must not eat the middle of a port
// number); values shorter than minKnown are not removed at all.
const (
	minKnown   = 4
	shortKnown = 6
)

var (
	// Well-known token shapes: OpenAI (sk-proj-), OpenRouter and Anthropic
	// (sk-ant-) keys, GitHub, GitLab, Slack, Stripe (keys and webhook
	// secrets), Google, Hugging Face, npm, PyPI, SendGrid and DigitalOcean
	// tokens, AWS access key ids, age and Mailgun keys, JWTs, Slack and
	// Discord webhook URLs. Group 1 is what stands before the key: the start,
	// a rune that is not a letter or digit ("_" is one: "KEY_ghp_…"), or a
	// JSON escape ("…\nghp_…" in a tool's JSON output), kept in the result.
	tokenShapes = lazy.NewRegexp(`(^|[^A-Za-z0-9]|\\[nrt])(?:sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_\-]{20,}|` +
		`xox[abeprs]-[A-Za-z0-9\-]{10,}|xapp-[A-Za-z0-9\-]{10,}|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}|` +
		`AIza[0-9A-Za-z_\-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|pypi-AgE[A-Za-z0-9_\-]{16,}|` +
		`SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}|do[opr]_v1_[a-f0-9]{64}|(?:AKIA|ASIA)[0-9A-Z]{16}|` +
		`AGE-SECRET-KEY-1[0-9A-Z]{58}|key-[0-9a-f]{32}|` +
		`eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}|` +
		`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]+|` +
		`https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]+)`)
	// A Twilio API key: SK and 32 hex digits, with no letter or digit on
	// either side (group 1 as in tokenShapes; group 2 keeps a "_" after).
	// It has no prefix the cheap test can look for, so hasTwilioKey looks first.
	twilioKey = lazy.NewRegexp(`(^|[^A-Za-z0-9]|\\[nrt])SK[0-9a-fA-F]{32}(\b|_)`)
	// A Telegram bot token: the bot's id, a colon and its secret. The id
	// may follow "bot" in an API URL, so no word boundary is asked for.
	telegramToken = lazy.NewRegexp(`[0-9]{8,10}:AA[0-9A-Za-z_\-]{33,}`)
	// An Azure connection string's key: only the value goes, the fields
	// after it (";EndpointSuffix=…") stay.
	azureKey = lazy.NewRegexp(`(?i)((?:account|sharedaccess)key[ \t]*=[ \t]*)[A-Za-z0-9+/]{8,}={0,2}`)
	// An AWS secret access key has no prefix: 40 characters of base64
	// alone, redacted on a line that holds an access key id, or after its
	// name in any spelling ("AWS Secret Access Key [None]: …").
	awsSecretNear  = lazy.NewRegexp(`(^|[^A-Za-z0-9/+=]|\\[nrt])[A-Za-z0-9/+]{40}($|[^A-Za-z0-9/+=])`)
	awsSecretNamed = lazy.NewRegexp(`(?i)(aws[_\-. ]?secret[_\-. ]?access[_\-. ]?key["']?(?:[ \t]*\[[^\]]*\])?[ \t=:"',]*)[A-Za-z0-9/+]{40}`)
	// A PEM private key (RSA, EC, OpenSSH, PGP, encrypted...), whole or cut
	// short: without its END line everything that looks like its body goes.
	pemPrivate = lazy.NewRegexp(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,\-]*)`)
	bearer     = lazy.NewRegexp(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}`)
	// "password is hunter2", "api key = x", "token: y": keep the name, hide the value.
	namedSecret = lazy.NewRegexp(`(?i)\b((?:pass(?:word|wd|phrase|code)?|pwd|secret|token|api[ _\-]?key|private[ _\-]?key|pin|credentials?)s?)(\s*(?:\bis\b|\bare\b|=|:)\s*)("[^"]*"|'[^']*'|\S+)`)
	// KEY=value for environment-style names that look secret; a quoted
	// value goes whole ("PGPASSWORD='a b' psql").
	envSecret = lazy.NewRegexp(`\b([A-Z0-9_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)[A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)`)
	// key = value in ini, YAML and dotfiles ("aws_secret_access_key = …",
	// "auth_token: …"), any case; short values are left (max_tokens: 2048).
	iniSecret = lazy.NewRegexp(`(?i)\b([A-Za-z0-9_.\-]*(?:secret|token|passw(?:or)?d|api_?key|private_?key|access_?key|credential)[A-Za-z0-9_.\-]*["']?)([ \t]*[=:][ \t]*)(["']?)([^\s"']{8,})`)
	// "NAME = value", "NAME: value", "NAME is value" where NAME (one or two
	// words) names a secret by SecretName: "wifi_password = hunter2" (how
	// a fact prints), "door code is 4321", "bank_pin: 7351".
	namedPair = lazy.NewRegexp(`(?i)(?:([A-Za-z0-9_.\-]+)[ \t]+)?([A-Za-z0-9_.\-]+)(["']?[ \t]*[=:][ \t]*["']?|[ \t]+(?:is|are)[ \t]+)([^\s"']+|"[^"]*"|'[^']*')`)
	// user:password@host in URLs: the whole user information goes (a
	// token is often the user name), up to the last @ before the path, so
	// a raw @ in a password is not left half shown.
	urlUserinfo = lazy.NewRegexp(`(://)[^/?#\s@][^/?#\s]*@`)
)

// notAValue are words that follow "password is" in ordinary sentences
// ("the password is wrong"); they are kept, everything else is hidden.
var notAValue = lazy.New(func() map[string]bool {
	return map[string]bool{
		"a": true, "an": true, "the": true, "to": true, "not": true, "no": true, "in": true, "on": true,
		"of": true, "for": true, "and": true, "or": true, "but": true, "that": true, "this": true,
		"it": true, "my": true, "your": true, "still": true, "now": true, "also": true, "just": true,
		"too": true, "very": true, "wrong": true, "incorrect": true, "correct": true, "invalid": true,
		"valid": true, "required": true, "missing": true, "expired": true, "empty": true, "set": true,
		"unset": true, "needed": true, "ok": true, "fine": true, "weak": true, "strong": true,
		"[redacted]": true,
	}
})

// String returns s with secrets replaced by Marker. known lists secret values
// Macroa holds (API keys from the configuration, secret facts); they are
// removed verbatim wherever they appear.
func String(s string, known ...string) string {
	s = Known(s, known...)
	// Each pattern runs only where a cheap literal test says it could
	// match: most text (command output, prompts) holds none of them.
	if strings.Contains(s, "PRIVATE KEY") {
		s = pemPrivate.Get().ReplaceAllString(s, Marker)
	}
	// Before the key ids go: they show where an AWS secret is.
	if strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA") {
		s = byLine(s, awsSecretByID)
	}
	if containsAny(s, shapePrefixes) {
		s = tokenShapes.Get().ReplaceAllString(s, "${1}"+Marker)
	}
	if hasTwilioKey(s) {
		s = twilioKey.Get().ReplaceAllString(s, "${1}"+Marker+"${2}")
	}
	if strings.Contains(s, ":AA") {
		s = telegramToken.Get().ReplaceAllString(s, Marker)
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = urlUserinfo.Get().ReplaceAllString(s, "$1"+Marker+"@")
	}
	return byLine(s, func(line string) string {
		lower := strings.ToLower(line)
		if strings.Contains(lower, "secret") && strings.Contains(lower, "access") {
			line = awsSecretNamed.Get().ReplaceAllString(line, "${1}"+Marker)
		}
		line = commandPasswords(line, lower)
		// Every pattern but bearer needs "=", ":", " is " or " are "
		// between name and value: most lines have none, and this test is
		// cheaper than looking for every trigger word.
		if !strings.ContainsAny(line, "=:") && !strings.Contains(lower, " is ") && !strings.Contains(lower, " are ") {
			if strings.Contains(lower, "bearer") || strings.Contains(lower, "basic") {
				return bearer.Get().ReplaceAllString(line, "$1 "+Marker)
			}
			return line
		}
		if !containsAny(lower, lineTriggers) {
			return line
		}
		line = bearer.Get().ReplaceAllString(line, "$1 "+Marker)
		if strings.Contains(lower, "accountkey") || strings.Contains(lower, "sharedaccesskey") {
			line = azureKey.Get().ReplaceAllString(line, "${1}"+Marker)
		}
		line = namedSecret.Get().ReplaceAllStringFunc(line, func(m string) string {
			sub := namedSecret.Get().FindStringSubmatch(m)
			if notAValue.Get()[strings.ToLower(strings.TrimRight(sub[3], ".,;!?"))] {
				return m
			}
			return sub[1] + sub[2] + Marker
		})
		line = namedPair.Get().ReplaceAllStringFunc(line, redactPair)
		line = envSecret.Get().ReplaceAllString(line, "$1="+Marker)
		return iniSecret.Get().ReplaceAllStringFunc(line, func(m string) string {
			sub := iniSecret.Get().FindStringSubmatch(m)
			if strings.HasPrefix(sub[4], Marker) {
				return m
			}
			return sub[1] + sub[2] + sub[3] + Marker
		})
	})
}

// awsSecretByID redacts what looks like an AWS secret access key on a line
// that holds an access key id.
func awsSecretByID(line string) string {
	if !strings.Contains(line, "AKIA") && !strings.Contains(line, "ASIA") {
		return line
	}
	return awsSecretNear.Get().ReplaceAllString(line, "${1}"+Marker+"${2}")
}

// shapePrefixes: every token shape tokenShapes knows holds one of these.
var shapePrefixes = []string{"sk-", "gho_", "ghp_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "xapp-",
	"_live_", "_test_", "whsec_", "AIza", "hf_", "npm_", "pypi-", "SG.", "_v1_", "AKIA", "ASIA", "eyJ",
	"hooks.slack.com", "/api/webhooks/", "AGE-SECRET-KEY-", "key-"}

// hasTwilioKey reports whether s holds "SK" followed by 32 hex digits.
func hasTwilioKey(s string) bool {
	for {
		i := strings.Index(s, "SK")
		if i < 0 {
			return false
		}
		s = s[i+2:]
		n := 0
		for n < len(s) && n < 32 && isHex(s[n]) {
			n++
		}
		if n == 32 {
			return true
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// lineTriggers: a line holding none of these (lower-cased) has nothing
// the name-based patterns could match (every word SecretName knows holds one).
var lineTriggers = []string{"pass", "pw", "psk", "maiden", "account", "pat", "combin", "combo", "secret", "token", "key", "pin", "cred", "bearer", "basic",
	"otp", "mnemonic", "cvv", "cvc", "ssn", "phrase", "words", "code", "number", "card", "iban",
	"log", "sign", "auth", "2fa", "mfa", "dsn", "webhook", "cookie", "session", "answer", "question", "string"}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// byLine applies fn to each line of s (without its newline).
func byLine(s string, fn func(string) string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(fn(s))
			return b.String()
		}
		b.WriteString(fn(s[:i]))
		b.WriteByte('\n')
		s = s[i+1:]
	}
}

// redactPair hides the value of "NAME = value" when NAME names a secret.
func redactPair(m string) string {
	sub := namedPair.Get().FindStringSubmatch(m)
	prev, name, sep, val := sub[1], sub[2], sub[3], sub[4]
	// A word secret only alone ("cookie") is judged with the word before it:
	// "session cookie" is a secret, "favourite cookie" is not.
	secret := SecretName(name) && (prev == "" || !secretAlone.Get()[strings.ToLower(name)])
	if notAValue.Get()[strings.ToLower(strings.TrimRight(val, ".,;!?"))] || strings.HasPrefix(val, Marker) ||
		!(secret || prev != "" && SecretName(prev+" "+name)) {
		return m
	}
	head := name
	if prev != "" {
		head = m[:strings.Index(m, name)] + name
	}
	return head + sep + Marker
}

// Known removes only the known values from s, longest first so a secret
// that contains another is never left half shown.
func Known(s string, known ...string) string {
	if len(known) == 0 || s == "" {
		return s
	}
	vals := make([]string, 0, len(known))
	for _, k := range known {
		if len(k) >= minKnown && k != Marker {
			vals = append(vals, k)
		}
	}
	slices.SortFunc(vals, func(a, b string) int { return len(b) - len(a) })
	for _, k := range vals {
		if len(k) >= shortKnown {
			s = strings.ReplaceAll(s, k, Marker)
		} else {
			s = replaceWord(s, k)
		}
	}
	return s
}

// replaceWord replaces k where neither neighbour is a letter or digit.
func replaceWord(s, k string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, k)
		if i < 0 {
			break
		}
		end := i + len(k)
		if (i > 0 && isWordByte(s[i-1])) || (end < len(s) && isWordByte(s[end])) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(Marker)
		s = s[end:]
	}
	b.WriteString(s)
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

// ValueParts lists a secret value and the parts of it that are secrets on
// their own: a login written "user:password" holds its password after the
// first colon, and a command may print that part alone. A part shorter
// than Known removes, or the "//..." of a URL, is left out.
func ValueParts(v string) []string {
	out := []string{v}
	if _, after, ok := strings.Cut(v, ":"); ok && len(after) >= minKnown && !strings.HasPrefix(after, "//") {
		out = append(out, after)
	}
	return out
}
