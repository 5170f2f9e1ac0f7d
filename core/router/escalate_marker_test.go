package router

import "testing"

func TestNeedsMoreReasoning(t *testing.T) {
	tests := []struct {
		in    string
		want  bool
		strip string
	}{
		{"[[ESCALATE]]", true, ""},
		{"\n  [[ESCALATE]]  \nneeds a proof", true, "needs a proof"},
		{"[[ESCALATE]]\r\n\r\nmore", true, "more"},
		{"The answer is 4.", false, "The answer is 4."},
		{"I would write [[ESCALATE]] if unsure", false, "I would write [[ESCALATE]] if unsure"},
		{"[[ESCALATE]] needs a proof", true, ""}, // a reason after the marker still escalates
		{"", false, ""},
	}
	for _, tc := range tests {
		if got := NeedsMoreReasoning(tc.in); got != tc.want {
			t.Errorf("NeedsMoreReasoning(%q) = %v", tc.in, got)
		}
		if got := StripEscalation(tc.in); got != tc.strip {
			t.Errorf("StripEscalation(%q) = %q, want %q", tc.in, got, tc.strip)
		}
	}
}
