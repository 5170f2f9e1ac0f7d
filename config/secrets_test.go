package config

import (
	"os"
	"path/filepath"
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

// Every value in Macroa's own .env files is a secret unless it is a
// setting Macroa knows to be plain, or too short to be a key.
func TestSecretValuesDotEnvUnknownNames(t *testing.T) {
	f := newFixture(t)
	project := t.TempDir()
	f.workEnv("AUTH=CANARYAUTH_1\nPROJECT_DIR=" + project + "\nMACROA_USER_NAME=Annabel\n")
	f.dataEnv("STRIPE=rk_live_CANARYSTRIPE\nMACROA_MODEL_HAIKU=anthropic/claude-haiku\nMACROA_SHELL_TIMEOUT=45s\nMACROA_APP_TITLE=My Macroa\n" +
		"REGION=eu-west-1\nNAME=ann\nFLAG=enabled\nMACROA_BASE_URL=http://tokenuser12@127.0.0.1:9/v1\n")
	got := f.load().SecretValues()
	for _, w := range []string{"CANARYAUTH_1", "rk_live_CANARYSTRIPE", "eu-west-1", "tokenuser12"} {
		if !slices.Contains(got, w) {
			t.Errorf("SecretValues misses %q: %q", w, got)
		}
	}
	for _, no := range []string{project, "Annabel", "anthropic/claude-haiku", "45s", "My Macroa", "ann", "enabled",
		"http://tokenuser12@127.0.0.1:9/v1"} {
		if slices.Contains(got, no) {
			t.Errorf("SecretValues lists %q, which is no secret", no)
		}
	}
}

// The environment holds many variables Macroa did not choose: names with
// the new secret words count, the desktop's own session variables do not.
func TestSecretValuesEnvironmentNames(t *testing.T) {
	f := newFixture(t)
	work := t.TempDir()
	sock := filepath.Join(work, "agent.123")
	if err := os.WriteFile(sock, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f.env = []string{
		"SENTRY_DSN=https://abc123@o1.ingest.sentry.io/1", "GH_AUTH=authvalue-0001", "APP_LOGIN=loginvalue-0002",
		"SESSION_COOKIE=cookievalue-0003", "SLACK_WEBHOOK=https://hooks.example/0004", "REQUEST_SIGNATURE=sigvalue-0005",
		"PG_CONN=host=db user=app password=connvalue-0006", "DB_CONNECTION_STRING=connstr-0007", "MY_CRED=credvalue-0008",
		"MACROA_BASE_URL=https://usertoken-0009@llm.example.com/v1",
		"XDG_SESSION_TYPE=wayland-session", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
		"SSH_AUTH_SOCK=" + sock, "PWD=" + work, "AUTHOR_NAME=Annabel Lee",
	}
	got := f.load().SecretValues()
	for _, w := range []string{"https://abc123@o1.ingest.sentry.io/1", "authvalue-0001", "loginvalue-0002", "cookievalue-0003",
		"https://hooks.example/0004", "sigvalue-0005", "host=db user=app password=connvalue-0006", "connstr-0007",
		"credvalue-0008", "usertoken-0009", "abc123"} {
		if !slices.Contains(got, w) {
			t.Errorf("SecretValues misses %q: %q", w, got)
		}
	}
	for _, no := range []string{"wayland-session", "unix:path=/run/user/1000/bus", sock, work, "Annabel Lee"} {
		if slices.Contains(got, no) {
			t.Errorf("SecretValues lists %q, which is no secret", no)
		}
	}
}

// A token in a configured URL's query is a secret like its password.
func TestSecretValuesURLQueryToken(t *testing.T) {
	f := newFixture(t)
	f.env = []string{"MACROA_BASE_URL=https://llm.example.com/v1?api_key=querytoken-0010&model=m"}
	got := f.load().SecretValues()
	if !slices.Contains(got, "querytoken-0010") || slices.Contains(got, "m") {
		t.Fatalf("SecretValues = %q, want the query token and not the model", got)
	}
}
