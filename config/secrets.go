package config

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/macroa/macroa/lazy"
	"github.com/macroa/macroa/redact"
)

// minEnvSecret is the shortest value of a secret-looking variable from the
// environment that SecretValues lists: the environment holds many
// variables Macroa did not choose, and a short value there is more likely
// a flag than a key.
const minEnvSecret = 8

// minFileSecret is the shortest value in a .env file that SecretValues
// lists when its name does not name a secret: Macroa's .env files are where
// people put credentials, whatever they call them (AUTH=..., STRIPE=...),
// so every value there is one unless it is a plain setting Macroa knows
// (the table in settings.go), a path that exists, or shorter than this.
// A name that names a secret (a PIN) is listed at any length.
const minFileSecret = 6

// notSecret are values no secret has: redacting "true" would garble every
// prompt that says it.
var notSecret = lazy.New(func() map[string]bool {
	return map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
		"none": true, "null": true, "nil": true, "enabled": true, "disabled": true}
})

// SecretValues lists every secret value the configuration can see, for
// redaction: the API keys (OPENROUTER_API_KEY, MACROA_API_KEY, each
// [providers.X] key, each [[notify]] token), the credentials in MACROA_BASE_URL, in every
// provider's base_url and in any URL in the environment or a .env file (see
// urlSecrets), every value in ./.env and <home>/.env that is no plain
// Macroa setting (see minFileSecret), and environment variables whose
// names name a secret (see envNameSecret). Empty values are left out; the
// list has no repeats.
func (c *Config) SecretValues() []string {
	var out []string
	add := func(vs ...string) {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" && !notSecret.Get()[strings.ToLower(v)] && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	add(c.OpenRouterKey, c.APIKey)
	add(urlSecrets(c.BaseURL)...)
	for _, name := range sortedKeys(c.File.Providers) {
		add(c.ProviderAPIKey(name))
		add(urlSecrets(string(c.File.Providers[name].BaseURL))...)
	}
	for i, n := range c.File.Notify {
		add(c.NotifyToken(i))
		add(urlSecrets(string(n.URL))...)
	}
	for _, layer := range c.layers {
		for _, name := range sortedKeys(layer.vars) {
			v := layer.vars[name].value
			add(urlSecrets(v)...)
			if layer.isFile && fileValueSecret(name, v) || !layer.isFile && envValueSecret(name, v) {
				add(v)
			}
		}
	}
	return out
}

// fileValueSecret: a value in one of Macroa's .env files is a secret unless
// it is a plain setting Macroa knows, an existing path, or too short to be
// a key under a name that names no secret.
func fileValueSecret(name, v string) bool {
	if s, ok := lookupSetting(name); ok {
		return s.Secret
	}
	if retiredName(name) || existingPath(v) {
		return false
	}
	return redact.SecretName(name) || len(v) >= minFileSecret
}

// envValueSecret: the environment holds many variables Macroa did not
// choose, so only a secret-looking name counts, and a short value there is
// more likely a flag than a key.
func envValueSecret(name, v string) bool {
	return len(v) >= minEnvSecret && envNameSecret(name) && !existingPath(v)
}

// envNameSecret: a variable of the environment that holds a secret, by its
// name: a secret word (redact.SecretName), a name ending in _KEY
// (STRIPE_KEY), or one of the words variables for signing keys, webhooks
// and connection strings use.
func envNameSecret(name string) bool {
	if s, ok := lookupSetting(name); ok {
		return s.Secret
	}
	if redact.SecretName(name) || strings.HasSuffix(strings.ToUpper(name), "_KEY") {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
		if envSecretWords.Get()[w] {
			return true
		}
	}
	return false
}

// envSecretWords name secrets in a variable's name, though not in a fact's
// ("email signature" is no secret; REQUEST_SIGNATURE is).
var envSecretWords = lazy.New(func() map[string]bool {
	return map[string]bool{"signature": true, "sig": true, "conn": true, "connection": true, "connstr": true,
		"cookie": true, "cookies": true}
})

// existingPath: an absolute path that exists names a file, not a secret;
// listing it would redact every path under it (PWD=/home/ann).
func existingPath(v string) bool {
	if !filepath.IsAbs(v) {
		return false
	}
	_, err := os.Lstat(v)
	return err == nil
}

// retiredName: a setting the original Macroa read (a path or a choice).
func retiredName(name string) bool {
	for _, r := range retired {
		if r.Name == name {
			return true
		}
	}
	return false
}

// urlSecrets returns the credentials in a URL's user information, as
// written and percent-decoded (either may be what a command prints): the
// password, or the user name when it stands alone (then it is the token,
// as in https://TOKEN@host). A user name beside a password is an account
// name ("postgres", "root") that redacting everywhere would garble; text
// redaction removes the whole user information from any URL anyway.
func urlSecrets(raw string) []string {
	out := querySecrets(raw)
	user, pw, hasPassword, ok := urlCredentials(raw)
	if !ok {
		return out
	}
	v := user
	if hasPassword {
		v = pw
	}
	if v == "" {
		return out
	}
	out = append(out, v)
	if dec, err := url.PathUnescape(v); err == nil && dec != v {
		out = append(out, dec)
	}
	return out
}

// querySecrets returns the values of a URL's query parameters that carry
// credentials (?token=…), as written and decoded.
func querySecrets(raw string) []string {
	q := strings.IndexByte(raw, '?')
	if q < 0 {
		return nil
	}
	query, _, _ := strings.Cut(raw[q+1:], "#")
	var out []string
	for _, p := range strings.Split(query, "&") {
		name, v, ok := strings.Cut(p, "=")
		if !ok || v == "" || !secretQueryName(name) {
			continue
		}
		out = append(out, v)
		if dec, err := url.QueryUnescape(v); err == nil && dec != v {
			out = append(out, dec)
		}
	}
	return out
}
