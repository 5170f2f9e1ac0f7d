package redact

import "testing"

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
	}
	for _, tc := range tests {
		if got := String(tc.in, tc.known...); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
