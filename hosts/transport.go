package hosts

import (
	"context"
	"time"
)

// Transport runs commands on one host: this machine (Local) or another
// over SSH (SSHHost). The shell skill, the approval queue's executor, the
// probe and the agent all run their commands through one, so a command on
// web2 and one here take the same path.
type Transport interface {
	// Name is the host's inventory name; LocalName for this machine.
	Name() string
	// Run runs cmd, at most timeout (0: no limit of its own). A non-zero
	// exit is Output.ExitCode; the error is for a command that could not
	// be started or whose connection died.
	Run(ctx context.Context, cmd Command, timeout time.Duration) (Output, error)
	// Stream is Run handing each line of output to onLine as it is
	// printed (see Local.Stream for the rules onLine is called by).
	Stream(ctx context.Context, cmd Command, timeout time.Duration, onLine func(Line)) (Output, error)
	// Close ends what the transport keeps open.
	Close() error
}

// LocalName is the name of this machine among the hosts.
const LocalName = "local"

// Name is LocalName.
func (Local) Name() string { return LocalName }

// Close has nothing to end.
func (Local) Close() error { return nil }

var _ Transport = Local{}
