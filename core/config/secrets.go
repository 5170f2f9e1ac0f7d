package config

import (
	"net/url"
	"slices"
	"strings"

	"github.com/macroa/macroa/core/redact"
)

// minEnvSecret is the shortest value of a secret-looking variable from the
// environment that SecretValues lists: the environment holds many
// variables Macroa did not choose, and a short value there is more likely
// a flag than a key.
const minEnvSecret = 8

// minFileSecret is the shortest value a .env name that merely contains
// KEY, TOKEN, SECRET or PASSWORD must have to be listed (MAX_TOKENS=4096 is
// a setting); a name that names a secret (a PIN) is listed at any length.
const minFileSecret = 6

// notSecret are values no secret has: redacting "true" would garble every
// prompt that says it.
var notSecret = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"none": true, "null": true, "nil": true, "enabled": true, "disabled": true}

// SecretValues lists every secret value the configuration can see, for
// redaction: the API keys (OPENROUTER_API_KEY, MACROA_API_KEY, each
// [providers.X] key), the password in MACROA_BASE_URL and in every
// provider's base_url (as written and decoded), every value in ./.env and
// <home>/.env whose name looks secret (KEY, TOKEN, SECRET, PASSWORD...;
// see minFileSecret),
// the password of any URL in those files, and environment variables whose
// names name a secret (see redact.SecretName). Empty values are left out;
// the list has no repeats.
func (c *Config) SecretValues() []string {
	var out []string
	add := func(vs ...string) {
		for _, v := range vs {
			if strings.TrimSpace(v) != "" && !notSecret[strings.ToLower(v)] && !slices.Contains(out, v) {
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
	for _, layer := range c.layers {
		for _, name := range sortedKeys(layer.vars) {
			v := layer.vars[name].value
			add(urlSecrets(v)...)
			switch {
			case layer.isFile && redact.SecretName(name),
				layer.isFile && looksSecret(name) && len(v) >= minFileSecret:
				add(v)
			case !layer.isFile && len(v) >= minEnvSecret && envNameSecret(name):
				add(v)
			}
		}
	}
	return out
}

// envNameSecret: a variable of the environment that holds a secret, by its
// name: a secret word, or a name ending in _KEY (STRIPE_KEY).
func envNameSecret(name string) bool {
	if s, ok := lookupSetting(name); ok {
		return s.Secret
	}
	return redact.SecretName(name) || strings.HasSuffix(strings.ToUpper(name), "_KEY")
}

// urlSecrets returns the password in a URL's user information, as written
// and percent-decoded (either may be what a command prints).
func urlSecrets(raw string) []string {
	pw, _, _, ok := urlPassword(raw)
	if !ok {
		return nil
	}
	out := []string{pw}
	if dec, err := url.PathUnescape(pw); err == nil && dec != pw {
		out = append(out, dec)
	}
	return out
}
