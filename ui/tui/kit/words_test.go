package kit

import (
	"errors"
	"testing"
)

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "Something went wrong.",
		"disk full":         "Disk full.",
		"done.":             "Done.",
		"two\nlines\x1b[2J": "Two lines.",
		"élan is gone":      "Élan is gone.",
	} {
		if got := Sentence(errors.New(in)); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
