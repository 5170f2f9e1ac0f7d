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
