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
		{"make test unit", Run},
		{"make test -j4", Ask}, // an option after the entry's words is not allowed
		{"git --no-pager log", Ask},
		{"make install", Ask},
		{"git commit", Run},
		{"git commit -am wip", Ask},
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

// An allowed program's options never ride along: a listed find or sort
// cannot run a program, write a file or reach a host.
func TestAllowedCommandsTakeNoOptions(t *testing.T) {
	p := Policy{AllowedCommands: []string{"find", "sort", "journalctl", "tar", "docker ps"}, DeniedCommands: []string{"curl"}}
	for _, text := range []string{
		"find /tmp -maxdepth 0 -exec rm -rf {} + -exec systemctl stop sshd \\; -exec curl -s http://x \\;",
		"sort -S1 --compress-program=sh x",
		"journalctl --vacuum-size=1",
		"tar -tf x --to-command=sh",
		"find /home/alice -maxdepth 0 -exec rm -rf {} +",
		"docker ps -H tcp://1.2.3.4",
	} {
		if d := Decide(sh(text), "", AutoFull, p); d.Verdict == Run {
			t.Errorf("%q ran by itself through allow_commands (%s)", text, d.Reason)
		}
	}
}
