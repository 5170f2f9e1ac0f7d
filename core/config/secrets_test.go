package config

import (
	"slices"
	"testing"
)

func TestSecretValues(t *testing.T) {
	f := newFixture(t)
	f.env = []string{
		"OPENROUTER_API_KEY=sk-or-v1-envkey-0001",
		"MACROA_BASE_URL=https://ann:base%40pass-0002@llm.example.com/v1",
		"GITHUB_TOKEN=gh-env-token-0003",
		"STRIPE_KEY=stripe-env-0004",
		"SOME_TOKEN=short",                 // environment: too short to be a key
		"KEYBOARD_LAYOUT=us-international", // not a secret name
		"EDITOR=helix",
	}
	f.workEnv("DB_PASSWORD=wd-dotenv-0005\nDATABASE_URL=postgres://app:url-pass-0006@db/prod\nTHEME=dark\n")
	f.dataEnv("SERVICE_API_KEY=data-dotenv-0007\nPIN=4821\nLOCAL_LLM_CREDENTIAL=cred-0008\nMAX_TOKENS=4096\nUSE_KEYRING=true\nAPI_KEY_ENABLED=yes\n")
	f.toml("[providers.local]\nbase_url = \"http://u:prov-url-0009@127.0.0.1:9/v1\"\napi_key_env = \"LOCAL_LLM_CREDENTIAL\"\n" +
		"[providers.other]\nbase_url = \"http://127.0.0.1:10/v1\"\napi_key = \"toml-key-0010\"\n")
	got := f.load().SecretValues()
	want := []string{
		"sk-or-v1-envkey-0001", "base%40pass-0002", "base@pass-0002", "gh-env-token-0003", "stripe-env-0004",
		"wd-dotenv-0005", "url-pass-0006", "data-dotenv-0007", "4821", "cred-0008", "prov-url-0009", "toml-key-0010",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("SecretValues misses %q: %q", w, got)
		}
	}
	for _, no := range []string{"short", "us-international", "helix", "dark", "4096", "true", "yes", ""} {
		if slices.Contains(got, no) {
			t.Errorf("SecretValues lists %q, which is no secret", no)
		}
	}
	seen := map[string]bool{}
	for _, v := range got {
		if seen[v] {
			t.Errorf("%q listed twice", v)
		}
		seen[v] = true
	}
}
