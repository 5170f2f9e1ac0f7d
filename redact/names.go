package redact

import (
	"slices"
	"strings"
	"unicode"

	"github.com/macroa/macroa/lazy"
)

// A name (a fact's key, a variable's name) names a secret when one of its
// words is a secret word, or two words in a row make a secret phrase.
// Words are split at anything not a letter or digit and at camelCase
// humps; case does not matter. "wifi password", "bank PIN", "GITHUB_TOKEN",
// "apiKey", "ssh private key", "gmail login", "2fa backup", "door code",
// "root pw", "vpn psk" and "mother's maiden name" name secrets; "editor",
// "secretary", "tokenizer", "pinned", "house key", "login shell",
// "github account" and "session" do not.
var secretWords = lazy.New(func() map[string]bool {
	return map[string]bool{
		"password": true, "passwords": true, "passwd": true, "passphrase": true, "passcode": true, "pwd": true, "pw": true, "passkey": true,
		"psk": true, "presharedkey": true,
		"secret": true, "secrets": true, "token": true, "authtoken": true, "pin": true, "pincode": true,
		"credential": true, "credentials": true, "creds": true, "cred": true,
		"apikey": true, "privatekey": true, "secretkey": true, "accesskey": true,
		"otp": true, "totp": true, "mnemonic": true, "cvv": true, "cvc": true, "ssn": true, "iban": true,
		// A login is what it takes to sign in: a user name with its password.
		"login": true, "logins": true, "logon": true, "signin": true, "auth": true,
		"2fa": true, "mfa": true, "dsn": true, "webhook": true, "webhooks": true,
	}
})

// notSecretAfter: a secret word followed by one of these names a thing
// about the secret, not the secret ("login shell", "auth method").
var notSecretAfter = lazy.New(func() map[string][]string {
	return map[string][]string{
		"login":  {"shell", "page", "screen", "url", "time", "date", "count", "attempt", "attempts", "prompt", "form", "button", "history", "name"},
		"logon":  {"shell", "page", "screen", "time", "date", "count", "attempt", "attempts", "name"},
		"signin": {"page", "screen", "url", "time", "date", "attempt", "attempts", "button"},
		"auth":   {"method", "methods", "type", "mode", "provider", "url", "flow", "sock", "socket", "scheme"},
		"2fa":    {"app", "method", "type", "device", "enabled", "status"},
		"mfa":    {"app", "method", "type", "device", "enabled", "status"},
	}
})

// secretAlone are words that name a secret only as the whole name: "cookie"
// does, "favourite cookie" does not ("session cookie" is a pair below).
var secretAlone = lazy.New(func() map[string]bool { return map[string]bool{"cookie": true, "cookies": true} })

// secretInside are secret words unambiguous even inside a longer word
// ("wifipassword", "dbCredentials").
var secretInside = []string{"password", "passwd", "passphrase", "apikey", "privatekey", "credential"}

// secretPairs: the second word is a secret when the first qualifies it.
var secretPairs = lazy.New(func() map[string][]string {
	return map[string][]string{
		"key":       {"api", "private", "secret", "access", "wifi", "fi", "license", "licence", "ssh", "gpg", "pgp", "encryption", "recovery", "product", "signing", "master", "auth", "session", "shared", "preshared", "account"},
		"keys":      {"api", "private", "secret", "access", "ssh", "gpg", "pgp", "encryption", "recovery", "signing"},
		"phrase":    {"seed", "recovery", "pass", "secret"},
		"words":     {"seed", "recovery"},
		"code":      {"security", "access", "door", "alarm", "safe", "lock", "gate", "entry", "auth", "authorization", "verification", "unlock", "recovery", "backup", "sort", "2fa", "mfa", "login"},
		"codes":     {"recovery", "backup", "2fa", "mfa"},
		"number":    {"card", "account", "routing", "security", "social", "iban"},
		"card":      {"credit", "debit"},
		"in":        {"sign", "log"},
		"on":        {"log"},
		"id":        {"session"},
		"cookie":    {"session", "auth", "login", "browser", "http", "access", "refresh", "csrf", "github", "google"},
		"cookies":   {"session", "auth", "login", "browser"},
		"answer":    {"security", "secret"},
		"answers":   {"security", "secret"},
		"question":  {"security", "secret"},
		"questions": {"security", "secret"},
		"string":    {"connection", "conn"},
		"name":      {"maiden"},
		// "account" alone is a user name at most ("github account").
		"account":  {"bank", "savings", "checking", "chequing", "brokerage"},
		"accounts": {"bank", "savings", "checking", "chequing", "brokerage"},
		// "pat" is a personal access token only beside its forge.
		"pat":         {"github", "gitlab", "gh", "access"},
		"combination": {"safe", "lock", "padlock", "locker", "vault"},
		"combo":       {"safe", "lock", "padlock", "locker", "vault"},
	}
})

// SecretName reports whether name names a secret (see secretWords and
// secretPairs): such a fact is shown to its owner but never put into a
// prompt, and such a variable's value is redacted.
func SecretName(name string) bool {
	lower := strings.ToLower(name)
	for _, w := range secretInside {
		if strings.Contains(lower, w) {
			return true
		}
	}
	words := splitName(name)
	if len(words) == 1 && secretAlone.Get()[words[0]] {
		return true
	}
	for i, w := range words {
		if secretWords.Get()[w] && (i+1 == len(words) || !slices.Contains(notSecretAfter.Get()[w], words[i+1])) {
			return true
		}
		if i > 0 {
			for _, q := range secretPairs.Get()[w] {
				if words[i-1] == q {
					return true
				}
			}
		}
	}
	return false
}

// splitName cuts a name into lower-case words at every rune that is not a
// letter or digit and where a lower-case letter meets an upper-case one.
func splitName(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}
