package policy

import (
	"testing"

	"github.com/macroa/macroa/core/actions"
)

// allow_commands makes a configured command low risk, and nothing else:
// a denial, a protected unit, a chained command or a shell's text still
// decides.
func TestAllowedCommands(t *testing.T) {
	p := Policy{AllowedCommands: []string{"make test", "git", "systemctl restart nginx", "bash"}, DeniedCommands: []string{"git push"}}
	cases := []struct {
		shell string
		want  Verdict
	}{
		{"make test", Run},
		{"make test -j4", Run},
		{"make install", Ask},
		{"git commit -am wip", Run},
		{"git push origin main", Deny},
		{"make test && rm -rf /", Deny},
		{"make test; touch /etc/x", Ask},
		{"systemctl restart nginx", Ask}, // systemctl is judged by its own rules
		{"systemctl restart sshd", Deny}, // and a protected unit stays denied
		{"bash -c 'rm -rf ~'", Ask},      // a shell's text is judged, not its name
		{"sudo make test", Ask},          // running as another user always asks
		{"m\"ake\" test", Run},           // quoting does not change the words
		{"$(echo make) test", Ask},       // a computed program is never allowed
	}
	for _, c := range cases {
		a := actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: c.shell}}
		if got := Decide(a, "", AutoSafe, p); got.Verdict != c.want {
			t.Errorf("%q at auto-safe: %s (%s), want %s", c.shell, got.Verdict, got.Reason, c.want)
		}
		if got := Decide(a, "", Suggest, p); got.Verdict == Run {
			t.Errorf("%q ran at suggest", c.shell)
		}
	}
}
