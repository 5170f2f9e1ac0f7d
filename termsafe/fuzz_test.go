package termsafe

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func validUTF8(s string) bool { return utf8.ValidString(s) }

// FuzzClean checks that nothing a terminal acts on survives Clean or the
// Writer, however the input is cut into chunks, and that both agree. The
// seed corpus (every hostile case) runs with plain go test.
func FuzzClean(f *testing.F) {
	for _, tc := range hostile {
		f.Add(tc.in, uint8(3))
	}
	f.Add("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\x9b\xe2\x9c\x93", uint8(1))
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		got := Clean(in)
		if bad := forbidden(got); bad != "" {
			t.Fatalf("Clean(%q) = %q holds %s", in, got, bad)
		}
		if Clean(got) != got {
			t.Fatalf("Clean is not idempotent: %q then %q", got, Clean(got))
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		step := int(chunk%16) + 1
		for i := 0; i < len(in); i += step {
			_, _ = w.WriteString(in[i:min(i+step, len(in))])
		}
		_ = w.Flush()
		if out.String() != got {
			t.Fatalf("Writer in chunks of %d gave %q, Clean gave %q for %q", step, out.String(), got, in)
		}
		vis := Visible(in)
		if bad := forbidden(vis); bad != "" || bytes.ContainsAny([]byte(vis), "\t\n") {
			t.Fatalf("Visible(%q) = %q holds a control character", in, vis)
		}
	})
}
