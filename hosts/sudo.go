package hosts

import (
	"os"
	"os/user"
	"sync"

	"github.com/macroa/macroa/config"
)

// ApplySudo is the one place a host's sudo policy meets a command: a
// command that needs root (cmd.Root) on a host whose policy is sudo, run
// by a user other than root, becomes `sudo -n -- …`, so sudo never waits
// for a password; its extra environment moves behind sudo as `env K=V`,
// since sudo would drop it. Every other command is returned as is: under
// the policy never, one that needs root fails on the host.
func ApplySudo(cmd Command, policy config.SudoPolicy, user string) Command {
	if !cmd.Root || policy != config.SudoAsk || user == "root" {
		return cmd
	}
	argv := make([]string, 0, len(cmd.Argv)+len(cmd.Env)+4)
	argv = append(argv, "sudo", "-n", "--")
	if len(cmd.Env) > 0 {
		argv = append(argv, "env")
		argv = append(argv, cmd.Env...)
		cmd.Env = nil
	}
	cmd.Argv = append(argv, cmd.Argv...)
	return cmd
}

// localUser is the name of the user Macroa runs as here ("root" for uid 0).
var localUser = sync.OnceValue(func() string {
	if os.Geteuid() == 0 {
		return "root"
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return os.Getenv("USER")
})
