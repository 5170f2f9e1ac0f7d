package kernel_test

import (
	"testing"

	"github.com/macroa/macroa/core/kernel"
)

func TestResultTranscript(t *testing.T) {
	cases := []struct {
		name string
		res  kernel.Result
		want string
	}{
		{"answer", kernel.Result{Output: "hello", Success: true}, "hello"},
		{"no answer", kernel.Result{}, ""},
		{"cancelled partway", kernel.Result{Output: "first second", Cancelled: true}, "first second\n[cancelled]"},
		{"cancelled before any text", kernel.Result{Cancelled: true}, "[cancelled]"},
		{"the marker in an answer that was not cancelled", kernel.Result{Output: "x [cancelled]"}, "x [cancelled]"},
	}
	for _, tc := range cases {
		if got := tc.res.Transcript(); got != tc.want {
			t.Errorf("%s: Transcript() = %q, want %q", tc.name, got, tc.want)
		}
	}
}
