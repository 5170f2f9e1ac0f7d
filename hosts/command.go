package hosts

import (
	"os"
	"path/filepath"
)

// Command is one program invocation: an argument list, never a shell string.
type Command struct {
	Argv []string // program and arguments; Argv[0] is looked up on PATH
	Dir  string   // working directory; "" keeps the caller's
	Env  []string // extra KEY=value pairs added to the inherited environment
	// Root says the command needs root: the transport runs it through
	// its host's sudo policy (ApplySudo).
	Root bool
}

// UserShell is the shell a person's `!cmd` runs in: $SHELL when it names an
// executable file, else /bin/sh.
func UserShell(environ []string) string {
	for _, kv := range environ {
		if len(kv) > 6 && kv[:6] == "SHELL=" {
			sh := kv[6:]
			if filepath.IsAbs(sh) {
				if fi, err := os.Stat(sh); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
					return sh
				}
			}
		}
	}
	return "/bin/sh"
}

// ShellCommand builds the command that runs script through shell, as a
// person typing it at a prompt would.
func ShellCommand(shell, script string) Command {
	return Command{Argv: []string{shell, "-c", script}}
}
