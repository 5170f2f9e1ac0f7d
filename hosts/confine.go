package hosts

import "os/exec"

// Confiner starts a command on this machine inside a sandbox (package
// sandbox's Box): the way a command a model chose runs unasked. Local
// hands it the command with c.Env holding only the extra variables the
// caller asked for (Command.Env); the confiner builds the rest of the
// environment, so none of this process's keys or tokens reach it.
type Confiner interface {
	// Start starts c confined. release is called once c has been waited
	// for; it frees what the confinement held (its thread, its private
	// temporary directory).
	Start(c *exec.Cmd) (release func(), err error)
}
