package approvals

import (
	"context"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
)

// Entry is one entry of the queue, as the store keeps it.
type Entry = store.Approval

// Proposer says who proposed an action.
type Proposer string

// The proposers. The gate treats them all alike: risk comes from the
// action, never from who proposed it.
const (
	ByAgent      Proposer = "agent"
	ByClassifier Proposer = "classifier"
	ByPlanner    Proposer = "planner"
	ByAutonomy   Proposer = "autonomy"
	ByScheduler  Proposer = "scheduler"
	ByMCP        Proposer = "mcp"
	ByPerson     Proposer = "person"
)

// Where names the front end a person decided from, or a proposal came from.
type Where string

// The places.
const (
	Cockpit Where = "cockpit"
	CLI     Where = "cli"
	REPL    Where = "repl"
	HTTP    Where = "http"
)

// Proposal is one typed action a proposer asks to run.
type Proposal struct {
	Action   actions.Action
	Proposer Proposer
	Why      string // the proposer's reasoning, untrusted: stored redacted and shown cleaned
	Session  store.SessionID
	TurnID   store.TurnID
	Source   string // tui, repl, cli, http, scheduler, autonomy
}

// Decider is a person (or the policy, or a rule) answering an entry, and
// the front end they answered from.
type Decider struct {
	Who   string // "person:<login>", "policy", "rule:<id>"
	Where Where
}

// Person is the decider for the person at this terminal: their login name
// and the front end.
func Person(where Where) Decider { return Decider{Who: "person:" + login(), Where: where} }

// Remember is what a person asks the gate to remember with an approval.
// The zero value remembers nothing.
type Remember struct {
	Scope store.ApprovalScope // "" none, or session, host, always
}

// AskOptions say how a front end waits for a person.
type AskOptions struct {
	Where Where
	// Wait for the answer (the cockpit, the REPL); false queues the
	// proposal and returns at once with the entry pending (macroa run).
	Wait bool
	// Timeout bounds the wait; 0 is the configured approval wait.
	Timeout time.Duration
	// PreApproved: the person approved what a model proposes in advance
	// (macroa run --yes). It never covers what the gate denies, critical
	// risk or a protected target: those stay pending for an explicit
	// answer.
	PreApproved bool
	// OnPending is called once, on the asking goroutine, when the entry
	// is queued and the ask is about to wait: the front end shows it
	// (the chat pane's prompt, the REPL's question).
	OnPending func(Entry)
}

// Answer is what came of a proposal.
type Answer struct {
	Entry Entry // as it stands when Ask returned
	// Ran: the action ran (succeeded or failed); its output is in Entry.
	Ran bool
	// TimedOut: the wait ended before anyone answered; the entry is
	// still pending and a later approval still runs it.
	TimedOut bool
	// Merged: an identical proposal was already pending; this one joined it.
	Merged bool
}

// AskFunc hands a proposal to the queue the way one front end asks (see
// Service.Asker): it returns when the action ran, was decided, was queued
// without waiting, or the wait ended.
type AskFunc func(ctx context.Context, p Proposal) (Answer, error)
