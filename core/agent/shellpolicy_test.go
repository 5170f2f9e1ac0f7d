package agent

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckShell(t *testing.T) {
	tests := []struct {
		cmd    string
		allow  bool
		reason string // substring of Decision.Reason when refused
	}{
		// Read-only commands run unasked.
		{cmd: "ls -la", allow: true},
		{cmd: "df -h && uptime", allow: true},
		{cmd: "uptime; free -m; df -h", allow: true},
		{cmd: "ls 2>/dev/null", allow: true},
		{cmd: "ls -la >/dev/null 2>&1", allow: true},
		{cmd: "ls 2>&1 | wc -l", allow: true},
		{cmd: "FOO=1 ls", allow: true},
		{cmd: "LC_ALL=C TZ=UTC date +%F", allow: true},
		{cmd: `"l""s" -la`, allow: true},
		{cmd: `\ls -la`, allow: true},
		{cmd: "/usr/bin/ls -la /var/log", allow: true},
		{cmd: "ps aux | grep nginx | head -5", allow: true},
		{cmd: "find . -name '*.go' -type f -newer go.mod", allow: true},
		{cmd: "git status", allow: true},
		{cmd: "git log --oneline -5", allow: true},
		{cmd: "git -C /srv/app diff --stat", allow: true},
		{cmd: "git branch -a", allow: true},
		{cmd: "git remote -v", allow: true},
		{cmd: "systemctl status nginx", allow: true},
		{cmd: "systemctl --no-pager list-units --type service", allow: true},
		{cmd: "journalctl -u nginx -n 50 --no-pager", allow: true},
		{cmd: "echo $(uname -r)", allow: true},
		{cmd: "(cd /var/log && ls -la)", allow: true},
		{cmd: "{ uptime; whoami; }", allow: true},
		{cmd: "ls -la ~ $HOME", allow: true},
		{cmd: "ip addr show", allow: true},
		{cmd: "ip -br link", allow: true},
		{cmd: "ss -tulpn", allow: true},
		{cmd: "diff <(ls a) <(ls b)", allow: true},
		{cmd: "cat <<'EOF'\nhello $(rm -rf ~)\nEOF", allow: true},
		{cmd: "grep -c error < /var/log/syslog", allow: true},
		{cmd: "! grep -q x file", allow: true},

		// Hidden or chained destruction.
		{cmd: "ls -la; rm -rf /", reason: "rm is not on the read-only list"},
		{cmd: "git status; git push --force", reason: "git push is not on the read-only list"},
		{cmd: "cat x | sh", reason: "sh runs shell code"},
		{cmd: "echo $(rm -rf ~)", reason: "rm is not on the read-only list"},
		{cmd: "echo `rm -rf ~`", reason: "rm is not on the read-only list"},
		{cmd: "cat <(rm -rf ~)", reason: "rm is not on the read-only list"},
		{cmd: "ls > >(sh)", reason: "sh runs shell code"},
		{cmd: "cat <<EOF\n$(rm -rf ~)\nEOF", reason: "rm is not on the read-only list"},
		{cmd: "echo ${X:-$(rm -rf ~)}", reason: "parameter expansion with operators"},
		{cmd: "ls | xargs rm", reason: "xargs runs other programs"},
		{cmd: "for f in *; do rm $f; done", reason: "for loop"},
		{cmd: "f() { rm -rf ~; }; f", reason: "function definition"},
		{cmd: "sleep 100 &", reason: "background"},

		// Arguments that make an allowed program write or run things.
		{cmd: "find . -delete", reason: "find -delete"},
		{cmd: `find . -name x -exec rm {} \;`, reason: "find -exec"},
		{cmd: "find / -fprint /tmp/out", reason: "find -fprint"},
		{cmd: "find . $(echo -delete)", reason: "arguments to find are computed"},
		{cmd: "git push", reason: "git push is not on the read-only list"},
		{cmd: "git branch -D main", reason: "git branch -D changes branches"},
		{cmd: "git branch feature", reason: "creates a branch"},
		{cmd: "git -c core.pager=sh log", reason: "git option -c"},
		{cmd: "git diff --output=/etc/motd", reason: "writes a file"},
		{cmd: "systemctl restart nginx", reason: "systemctl restart is not a read-only"},
		{cmd: "journalctl --vacuum-time=1d", reason: "journalctl --vacuum-time=1d"},
		{cmd: "ip link set eth0 down", reason: "ip link set is not a read-only"},
		{cmd: "ip -batch cmds.txt", reason: "ip -batch"},
		{cmd: "ss -K dst 10.0.0.1", reason: "kills sockets"},
		{cmd: "date -s 2020-01-01", reason: "sets the system clock"},
		{cmd: "hostname evil", reason: "can change the host name"},
		{cmd: "sort -o /etc/passwd names", reason: "sort -o"},
		{cmd: "rg --pre=sh foo", reason: "runs another program"},
		{cmd: "printf -v PATH /tmp", reason: "printf -v"},

		// Output into files.
		{cmd: "ls > /etc/passwd", reason: "redirects output into a file (> /etc/passwd)"},
		{cmd: "ls >> out.txt", reason: "redirects output into a file"},
		{cmd: "ls &> out.txt", reason: "redirects output into a file"},
		{cmd: "ls >| out.txt", reason: "redirects output into a file"},
		{cmd: "ls >& out.txt", reason: "redirects output into a file"},
		{cmd: "ls 2> $LOG", reason: "redirects output into a file"},

		// Environment that changes what runs.
		{cmd: "PATH=/tmp ls", reason: "sets PATH"},
		{cmd: "PATH=/tmp; ls", reason: "sets PATH"},
		{cmd: "LD_PRELOAD=/tmp/x.so ls", reason: "sets LD_PRELOAD"},
		{cmd: "XDG_CONFIG_HOME=/tmp/evil git status", reason: "sets XDG_CONFIG_HOME"},
		{cmd: "export PATH=/tmp", reason: "declare/export"},

		// Programs that cannot be known before running.
		{cmd: "$CMD", reason: "is computed when the command runs"},
		{cmd: "$CMD -la /", reason: "is computed when the command runs"},
		{cmd: "$(echo rm) -rf /", reason: "is computed when the command runs"},
		{cmd: "l* -la", reason: "is computed when the command runs"},
		{cmd: `"r""m" -rf /`, reason: "rm is not on the read-only list"},
		{cmd: "/tmp/ls", reason: "is run by path"},
		{cmd: "./deploy.sh", reason: "is run by path"},

		// Programs that run other code or reveal secrets.
		{cmd: "sudo ls", reason: "sudo runs a command as root"},
		{cmd: "eval ls", reason: "eval runs text as shell code"},
		{cmd: "exec ls", reason: "exec replaces the shell"},
		{cmd: ". ./env.sh", reason: "runs a file as shell code"},
		{cmd: "source ~/.bashrc", reason: "runs a file as shell code"},
		{cmd: "env", reason: "may hold secrets"},
		{cmd: "printenv HOME", reason: "may hold secrets"},
		{cmd: "echo $OPENROUTER_API_KEY", reason: "expands $OPENROUTER_API_KEY"},
		{cmd: "cat ~/.macroa/.env", reason: "may hold secrets"},
		{cmd: "cat ~/.ssh/id_ed25519", reason: "SSH keys"},
		{cmd: "cat < /proc/1/environ", reason: "environment"},
		{cmd: "ps eww", reason: "environments"},
		{cmd: "echo $((1+2))", reason: "arithmetic expansion"},

		// Text that is not a command.
		{cmd: `echo "unterminated`, reason: "could not be parsed"},
		{cmd: "ls 'unterminated", reason: "could not be parsed"},
		{cmd: "cat <<EOF\nno end", reason: "unclosed here-document"},
		{cmd: "ls &&", reason: "could not be parsed"},
		{cmd: "", reason: "no command"},
		{cmd: "   # just a comment", reason: "no command"},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			d := CheckShell(tt.cmd)
			if d.Allowed != tt.allow {
				t.Fatalf("CheckShell(%q).Allowed = %v, want %v (reason %q, commands %q)", tt.cmd, d.Allowed, tt.allow, d.Reason, d.Commands)
			}
			if tt.allow && d.Reason != "" {
				t.Errorf("allowed with a reason: %q", d.Reason)
			}
			if !tt.allow {
				if d.Reason == "" {
					t.Errorf("refused without a reason")
				}
				if !strings.Contains(d.Reason, tt.reason) {
					t.Errorf("reason = %q, want it to contain %q", d.Reason, tt.reason)
				}
			}
		})
	}
}

func TestCheckShellListsEveryCommand(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{"ls -la; rm -rf /", []string{"ls -la", "rm -rf /"}},
		{"echo $(rm -rf ~)", []string{"echo $(rm -rf ~)", "rm -rf ~"}},
		{"df -h && uptime || whoami", []string{"df -h", "uptime", "whoami"}},
		{"cat x | sh", []string{"cat x", "sh"}},
		{"for f in a; do rm $f; done", []string{"rm $f"}},
	}
	for _, tt := range tests {
		d := CheckShell(tt.cmd)
		if !slices.Equal(d.Commands, tt.want) {
			t.Errorf("CheckShell(%q).Commands = %q, want %q", tt.cmd, d.Commands, tt.want)
		}
	}
}
