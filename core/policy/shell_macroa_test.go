package policy

import "testing"

// Macroa run by a proposal: reading is a command like any other; anything
// that decides (approve, schedule, autonomy, install) is critical, so
// neither --yes nor a remembered rule lets a model approve its own
// proposals or plant a scheduled task.
func TestProposedMacroaCommands(t *testing.T) {
	cases := []struct {
		text     string
		critical bool
	}{
		{"macroa approvals approve 0123456789 --yes", true},
		{"macroa approvals reject 0123456789", true},
		{"macroa approvals rules revoke 3", true},
		{"/usr/local/bin/macroa approvals approve abc --yes", true},
		{"macroa schedule add evil '!touch /tmp/x' every:60", true},
		{"macroa schedule pause abc", true},
		{"macroa schedule delete abc", true},
		{"macroa schedule run-now abc", true},
		{"macroa autonomy auto-full", true},
		{"macroa daemon install --user", true},
		{"macroa run '!true'", true},
		{"macroa", true},
		{"macroa $(echo approvals) approve x", true},
		{"env macroa approvals approve x", true},
		{"macroa schedule list", false},
		{"macroa schedule show abc --json", false},
		{"macroa approvals list", false},
		{"macroa daemon status", false},
		{"macroa version", false},
		{"macroa --help", false},
	}
	for _, c := range cases {
		for _, l := range levels() {
			d := Decide(sh(c.text), "", l, Policy{})
			if c.critical && (d.Risk < Critical || d.Verdict == Run) {
				t.Errorf("%q at %s: %s/%s, want critical (%s)", c.text, l, d.Verdict, d.Risk, d.Reason)
			}
			if !c.critical && d.Risk == Critical {
				t.Errorf("%q at %s is critical (%s), a read", c.text, l, d.Reason)
			}
		}
	}
}
