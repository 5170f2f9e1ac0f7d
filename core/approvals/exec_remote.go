package approvals

import (
	"context"
	"fmt"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// here is this machine's transport.
func (x *executor) here() hosts.Transport {
	if x.local == nil {
		return hosts.Local{}
	}
	return x.local
}

// needsRoot says which kinds change the system and so run through the
// host's sudo policy (hosts.Command.Root): under "never" they run as the
// login user and fail there when it may not.
func needsRoot(k actions.Kind) bool {
	switch k {
	case actions.ServiceStart, actions.ServiceRestart, actions.ServiceStop,
		actions.DiskCleanup, actions.PackageUpdate, actions.SystemReboot:
		return true
	}
	return false
}

// remoteRefusal is why an action for another host cannot run from here
// at all, nil when it may: a file is written or read with a backup, a
// diff and a rollback on this machine's file system only, and memory is
// Macroa's own.
func (x *executor) remoteRefusal(a actions.Action) error {
	switch {
	case a.Kind == actions.FileWrite || a.Kind == actions.FileRead:
		return fmt.Errorf("%s on host %s is not done through the approval queue: it keeps a backup and a rollback on this machine only; do it on the host itself", a.Kind, a.Host)
	case a.Kind.InProcess():
		return fmt.Errorf("%s is Macroa's own and has no host, not %s", a.Kind, a.Host)
	case x.transports == nil:
		return fmt.Errorf("no transport to host %s here", a.Host)
	}
	return nil
}

// runRemote carries an action out on its host through the host's
// transport, and checks it there.
func (x *executor) runRemote(ctx context.Context, id store.ApprovalID, a actions.Action, timeout time.Duration, out *outputLog) outcome {
	if err := x.remoteRefusal(a); err != nil {
		return outcome{exitCode: -1, err: err.Error()}
	}
	t, err := x.transports(a.Host)
	if err != nil {
		return outcome{exitCode: -1, err: fmt.Sprintf("host %s: %v", a.Host, err)}
	}
	o := x.runProgram(ctx, t, id, a, timeout, out)
	if o.ok {
		o = x.check(ctx, t, a, timeout, out, o)
	}
	return o
}
