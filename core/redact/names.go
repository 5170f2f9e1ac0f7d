package redact

import (
	"strings"
	"unicode"
)

// A name (a fact's key, a variable's name) names a secret when one of its
// words is a secret word, or two words in a row make a secret phrase.
// Words are split at anything not a letter or digit and at camelCase
// humps; case does not matter. "wifi password", "bank PIN", "GITHUB_TOKEN",
// "apiKey", "ssh private key" and "door code" name secrets; "editor",
// "secretary", "tokenizer", "pinned" and "house key" do not.
var secretWords = map[string]bool{
	"password": true, "passwords": true, "passwd": true, "passphrase": true, "passcode": true, "pwd": true,
	"secret": true, "secrets": true, "token": true, "pin": true, "pincode": true,
	"credential": true, "credentials": true, "creds": true,
	"apikey": true, "privatekey": true, "secretkey": true, "accesskey": true,
	"otp": true, "totp": true, "mnemonic": true, "cvv": true, "cvc": true, "ssn": true,
}

// secretInside are secret words unambiguous even inside a longer word
// ("wifipassword", "dbCredentials").
var secretInside = []string{"password", "passwd", "passphrase", "apikey", "privatekey", "credential"}

// secretPairs: the second word is a secret when the first qualifies it.
var secretPairs = map[string][]string{
	"key":    {"api", "private", "secret", "access", "wifi", "fi", "license", "licence", "ssh", "gpg", "pgp", "encryption", "recovery", "product", "signing", "master", "auth"},
	"keys":   {"api", "private", "secret", "access", "ssh", "gpg", "pgp", "encryption", "recovery", "signing"},
	"phrase": {"seed", "recovery", "pass", "secret"},
	"words":  {"seed", "recovery"},
	"code":   {"security", "access", "door", "alarm", "safe", "lock", "gate", "entry", "auth", "verification", "unlock", "recovery", "backup"},
	"codes":  {"recovery", "backup"},
	"number": {"card", "account", "routing", "security", "social"},
	"card":   {"credit", "debit"},
}

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
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if i > 0 {
			for _, q := range secretPairs[w] {
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
