package config

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	cases := map[string]string{
		"":                                     "(not set)",
		"a":                                    "****",
		"short-key":                            "****",
		"0123456789012345678":                  "****", // 19: still short
		"01234567890123456789":                 "0123…6789",
		"sk-or-v1-abcdefghijklmnopqrstuvwxyz0": "sk-o…xyz0",
		"ключ-ключ-ключ-ключ-ключ": "ключ…ключ",
	}
	for in, want := range cases {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
	if Mask("\xff\xfe invalid utf8 but long enough") != "****" {
		t.Error("invalid UTF-8 not fully masked")
	}
}

func TestMaskNeverRevealsTheMiddle(t *testing.T) {
	for n := 1; n <= 120; n++ {
		// Every character distinct, so any leak is visible.
		r := make([]rune, n)
		for i := range r {
			r[i] = rune(0x4e00 + i)
		}
		secret := string(r)
		got := Mask(secret)
		shown := strings.ReplaceAll(got, "…", "")
		if got == "****" {
			continue
		}
		if utf8.RuneCountInString(shown) != 8 {
			t.Fatalf("Mask(%d chars) shows %d characters: %q", n, utf8.RuneCountInString(shown), got)
		}
		if hidden := n - 8; hidden < 12 {
			t.Fatalf("Mask(%d chars) hides only %d", n, hidden)
		}
		if !strings.HasPrefix(got, string(r[:4])) || !strings.HasSuffix(got, string(r[n-4:])) {
			t.Fatalf("Mask(%q) = %q: not the ends", secret, got)
		}
		for _, c := range r[4 : n-4] {
			if strings.ContainsRune(got, c) {
				t.Fatalf("Mask(%q) = %q reveals %q from the middle", secret, got, c)
			}
		}
	}
}

func TestMaskURL(t *testing.T) {
	cases := map[string]string{
		"":                                    "",
		"http://127.0.0.1:11434/v1":           "http://127.0.0.1:11434/v1",
		"https://ann:s3cret@host/v1":          "https://****@host/v1",
		"https://:s3cret@host:8443/v1":        "https://****@host:8443/v1",
		"https://ann:p@ss@host/v1":            "https://****@host/v1",
		"https://ann:p%40ss@host/v1?x=a@b":    "https://****@host/v1?x=a@b",
		"https://ann@host/v1":                 "https://****@host/v1",
		"https://ann:@host/v1":                "https://****@host/v1",
		"http://CANARYUSERTOK@127.0.0.1:9/v1": "http://****@127.0.0.1:9/v1",
		"https://@host/v1":                    "https://@host/v1",
		"https://host/v1?token=CANARYQ&x=1":   "https://host/v1?token=****&x=1",
		"https://host/v1?api_key=K#frag":      "https://host/v1?api_key=****#frag",
		"https://host/v1?model=m&sig=abc":     "https://host/v1?model=m&sig=****",
		"custom (https://u:pw12345@h/v1)":     "custom (https://****@h/v1)",
		"not a url: user:pass@example.com":    "not a url: user:pass@example.com",
		"postgres://db:hunter2@10.0.0.5/prod": "postgres://****@10.0.0.5/prod",
	}
	for in, want := range cases {
		if got := MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// The base URL's user information never shows in `macroa config` or in an
// error about a bad value.
func TestBaseURLPasswordMaskedInSettingsAndErrors(t *testing.T) {
	const pw = "Zx9-basepass-Qw7"
	f := newFixture(t)
	f.env = []string{"MACROA_BASE_URL=https://ann:" + pw + "@llm.example.com/v1"}
	c := f.load()
	s := settingByName(t, c, "MACROA_BASE_URL")
	if strings.Contains(s.Value, pw) || s.Value != "https://****@llm.example.com/v1" {
		t.Errorf("MACROA_BASE_URL shown as %q", s.Value)
	}
	for _, s := range c.Settings() {
		if strings.Contains(s.Value, pw) {
			t.Errorf("%s shows the password: %q", s.Name, s.Value)
		}
	}

	f = newFixture(t)
	f.env = []string{"MACROA_BASE_URL=ftp://ann:" + pw + "@llm.example.com/v1"}
	if err := f.loadErr(); strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
	f = newFixture(t)
	f.toml("[providers.x]\nbase_url = \"ftp://ann:" + pw + "@h/v1\"\n")
	if err := f.loadErr(); strings.Contains(err.Error(), pw) {
		t.Errorf("config.toml error shows the password: %v", err)
	}
}

// A token as the base URL's user name is masked like a password.
func TestBaseURLUserTokenMaskedInSettings(t *testing.T) {
	const tok = "CANARYUSERTOK"
	f := newFixture(t)
	f.env = []string{"MACROA_BASE_URL=http://" + tok + "@127.0.0.1:9/v1"}
	c := f.load()
	for _, s := range c.Settings() {
		if strings.Contains(s.Value, tok) {
			t.Errorf("%s shows the user token: %q", s.Name, s.Value)
		}
	}
	if s := settingByName(t, c, "MACROA_BASE_URL"); s.Value != "http://****@127.0.0.1:9/v1" {
		t.Errorf("MACROA_BASE_URL shown as %q", s.Value)
	}
}
