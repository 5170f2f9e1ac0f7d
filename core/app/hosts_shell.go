package app

import (
	"context"
	"fmt"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// RunShell proposes shell text to run on a host (hosts.LocalName or ""
// is this machine) as the person at the cockpit: a typed command.run
// action for that host handed to the approval queue like any request.
// The gate judges it; it runs now when the policy lets it, else it waits
// in the queue for a person (this call does not wait), or is refused. It
// returns the entry as it stands: run (with its output), pending, or
// rejected with the gate's reason.
func (a *App) RunShell(ctx context.Context, host, command string) (store.Approval, error) {
	if host == hosts.LocalName {
		host = ""
	}
	act := actions.Action{Kind: actions.CommandRun, Host: host, Params: actions.Command{Shell: command}}
	ans, err := a.Ask(ctx, approvals.Proposal{Action: act, Proposer: approvals.ByPerson, Source: "tui"},
		approvals.AskOptions{Where: approvals.Cockpit})
	if err != nil {
		return ans.Entry, fmt.Errorf("propose the command: %w", err)
	}
	return ans.Entry, nil
}
