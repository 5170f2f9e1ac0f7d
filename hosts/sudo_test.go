package hosts

import (
	"slices"
	"testing"

	"github.com/macroa/macroa/config"
)

func TestApplySudo(t *testing.T) {
	root := Command{Argv: []string{"systemctl", "restart", "nginx"}, Root: true}
	withEnv := Command{Argv: []string{"apt-get", "update"}, Env: []string{"DEBIAN_FRONTEND=noninteractive"}, Root: true, Dir: "/tmp"}
	tests := []struct {
		name   string
		cmd    Command
		policy config.SudoPolicy
		user   string
		argv   []string
		env    []string
	}{
		{"sudo as a user", root, config.SudoAsk, "deploy", []string{"sudo", "-n", "--", "systemctl", "restart", "nginx"}, nil},
		{"sudo as root", root, config.SudoAsk, "root", root.Argv, nil},
		{"never", root, config.SudoNever, "deploy", root.Argv, nil},
		{"unset policy", root, "", "deploy", root.Argv, nil},
		{"needs no root", Command{Argv: []string{"uptime"}}, config.SudoAsk, "deploy", []string{"uptime"}, nil},
		{"env moves behind sudo", withEnv, config.SudoAsk, "deploy",
			[]string{"sudo", "-n", "--", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "update"}, nil},
		{"env kept without sudo", withEnv, config.SudoNever, "deploy", withEnv.Argv, withEnv.Env},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ApplySudo(tc.cmd, tc.policy, tc.user)
			if !slices.Equal(got.Argv, tc.argv) || !slices.Equal(got.Env, tc.env) || got.Dir != tc.cmd.Dir {
				t.Fatalf("ApplySudo = %q env %q dir %q, want %q env %q", got.Argv, got.Env, got.Dir, tc.argv, tc.env)
			}
		})
	}
	// The caller's argument list is not changed under it.
	_ = ApplySudo(root, config.SudoAsk, "deploy")
	if root.Argv[0] != "systemctl" {
		t.Fatal("ApplySudo changed its argument")
	}
}
