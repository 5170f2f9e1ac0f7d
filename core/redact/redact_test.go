package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		in, want string
		known    []string
	}{
		{in: "!echo hi", want: "!echo hi"},
		{in: "remember my wifi password is hunter2", want: "remember my wifi password is [redacted]"},
		{in: "remember my api key = abc123", want: "remember my api key = [redacted]"},
		{in: "token: 'a b c' ok", want: "token: [redacted] ok"},
		{in: "use sk-or-v1-0123456789abcdef0123 now", want: "use [redacted] now"},
		{in: "curl -H 'Authorization: Bearer abcdefghijkl'", want: "curl -H 'Authorization: Bearer [redacted]'"},
		{in: "OPENROUTER_API_KEY=xyz macroa", want: "OPENROUTER_API_KEY=[redacted] macroa"},
		{in: "git clone https://ann:s3cret@example.com/r.git", want: "git clone https://ann:[redacted]@example.com/r.git"},
		{in: "my key is mysecretvalue here", known: []string{"mysecretvalue"}, want: "my key is [redacted] here"},
		{in: "remember my server IP is 10.0.0.1", want: "remember my server IP is 10.0.0.1"},
		{in: "the token bucket", want: "the token bucket"},
		// Hostile shapes.
		{in: "x ghp_0123456789abcdefghijABCDEFGHIJ y", want: "x [redacted] y"},
		{in: "glpat-abcdefghij0123456789", want: "[redacted]"},
		{in: "AKIAIOSFODNN7EXAMPLE and ASIAIOSFODNN7EXAMPLE", want: "[redacted] and [redacted]"},
		{in: "AIzaSyA-0123456789abcdefghijklmnopqrstu", want: "[redacted]"},
		{in: "stripe sk_live_0123456789abcdefABCD", want: "stripe [redacted]"},
		{in: "hf_abcdefghijklmnopqrstuvwxyz0123456", want: "[redacted]"},
		{in: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", want: "aws_secret_access_key = [redacted]"},
		{in: `{"api_key": "abcdefgh12345678"}`, want: `{"api_key": "[redacted]"}`},
		{in: "export GITHUB_TOKEN=abc", want: "export GITHUB_TOKEN=[redacted]"},
		{in: "https://:p%40ss@host/v1", want: "https://:[redacted]@host/v1"},
		{in: "https://ann:p@ss@host/v1", want: "https://ann:[redacted]@host/v1"},
		{in: "pin is 4821", want: "pin is [redacted]"},
		// Ordinary text stays.
		{in: "max_tokens: 2048", want: "max_tokens: 2048"},
		{in: "the password is wrong, try again", want: "the password is wrong, try again"},
		{in: "the secret is to knead longer", want: "the secret is to knead longer"},
		{in: "my editor is helix", want: "my editor is helix"},
		{in: "http://127.0.0.1:11434/v1", want: "http://127.0.0.1:11434/v1"},
		// Known values: longest first, short ones only as whole words.
		{in: "abcdefXYZ", known: []string{"abcdef", "abcdefXYZ"}, want: "[redacted]"},
		{in: "pin 4821, port 48210", known: []string{"4821"}, want: "pin [redacted], port 48210"},
		{in: "abc", known: []string{"abc"}, want: "abc"},
	}
	for _, tc := range tests {
		if got := String(tc.in, tc.known...); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStringRemovesPrivateKeys(t *testing.T) {
	body := "MIIEowIBAAKCAQEAq7BFUAkGqL2tW1XpZ0mNbS2s3n5Q8u4Pz0h3mKEYBODYLINE\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
	tests := []struct{ name, in string }{
		{"rsa", "before\n-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\nafter"},
		{"openssh", "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "-----END OPENSSH PRIVATE KEY-----\nafter"},
		{"pkcs8", "before\n-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\nafter"},
		{"encrypted headers", "before\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0011\n\n" + body + "-----END RSA PRIVATE KEY-----\nafter"},
		{"cut short", "before\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body},
		{"pgp", "before\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body + "-----END PGP PRIVATE KEY BLOCK-----\nafter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := String(tc.in)
			if strings.Contains(got, "KEYBODYLINE") || strings.Contains(got, "b3BlbnNzaC1rZXkt") || !strings.Contains(got, Marker) {
				t.Fatalf("key body left in %q", got)
			}
			if !strings.HasPrefix(got, "before") {
				t.Fatalf("text before the key lost: %q", got)
			}
		})
	}
	pub := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@host"
	if String(pub) != pub {
		t.Errorf("a public key was redacted: %q", String(pub))
	}
}

func TestSecretName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"wifi password", true}, {"wifiPassword", true}, {"wifipassword", true}, {"WIFI_PASSWORD", true},
		{"bank pin", true}, {"PIN", true}, {"github token", true}, {"GITHUB_TOKEN", true},
		{"api key", true}, {"apiKey", true}, {"api_key", true}, {"apikey", true}, {"OPENAI_API_KEY", true},
		{"ssh private key", true}, {"secret", true}, {"aws secret", true}, {"db credentials", true},
		{"passphrase", true}, {"wi-fi key", true}, {"door code", true}, {"seed phrase", true},
		{"recovery codes", true}, {"credit card", true}, {"card number", true}, {"cvv", true},
		{"editor", false}, {"secretary", false}, {"tokenizer", false}, {"pinned", false},
		{"house key", false}, {"keyboard", false}, {"spinach", false}, {"server ip", false},
		{"zip code", false}, {"favourite number", false}, {"passport", false}, {"", false},
	}
	for _, tc := range tests {
		if got := SecretName(tc.name); got != tc.want {
			t.Errorf("SecretName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A fact printed as "key = value" (the memory skill, an audit entry's
// action, an agent's recall) loses its value when the key names a secret.
func TestStringSecretNamedPairs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"remember wifi_password = hunter2", "remember wifi_password = [redacted]"},
		{"• door_code = 4321 (pinned)", "• door_code = [redacted] (pinned)"},
		{"my door code is 4321", "my door code is [redacted]"},
		{"bank_pin: 7351", "bank_pin: [redacted]"},
		{`"github_token": "abc"`, `"github_token": "[redacted]"`},
		{"editor = helix", "editor = helix"},
		{"my editor is helix and my zip code is 12345", "my editor is helix and my zip code is 12345"},
		{"the door code is wrong", "the door code is wrong"},
		{"secretary = Ann", "secretary = Ann"},
	}
	for _, tc := range tests {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
