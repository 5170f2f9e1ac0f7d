package store

import (
	"errors"
	"time"
)

// ApprovalID names one entry of the approval queue: 10 lower-case hex
// characters, short enough to type, unique in the table.
type ApprovalID string

// ApprovalRuleID names one remembered decision (approval_rules.id).
type ApprovalRuleID int64

// ApprovalState is where an entry is in the queue's state machine:
//
//	pending → approved → running → succeeded | failed
//	pending → rejected | expired
//	approved | running → interrupted (the process that ran it died)
//
// Every state but pending, approved and running is final.
type ApprovalState string

// The states.
const (
	ApprovalPending     ApprovalState = "pending"
	ApprovalApproved    ApprovalState = "approved"
	ApprovalRunning     ApprovalState = "running"
	ApprovalSucceeded   ApprovalState = "succeeded"
	ApprovalFailed      ApprovalState = "failed"
	ApprovalRejected    ApprovalState = "rejected"
	ApprovalExpired     ApprovalState = "expired"
	ApprovalInterrupted ApprovalState = "interrupted"
)

// Final reports whether nothing more can happen to an entry in state s.
func (s ApprovalState) Final() bool {
	switch s {
	case ApprovalPending, ApprovalApproved, ApprovalRunning:
		return false
	}
	return true
}

// Approval is one row of the approval queue: a typed action a proposer
// asked to run, the gate's decision about it, who answered and what came of
// it. The store keeps the action as its kind, host and JSON parameters
// (core/actions encodes them); it never interprets them.
type Approval struct {
	ID    ApprovalID
	State ApprovalState

	// The action.
	Kind    string // actions.Kind
	Host    string // "" for this machine
	Params  string // JSON, actions.EncodeParams
	Summary string // one line in words: "restart nginx.service"
	Target  string // the canonical unit, path or command a remembered rule matches
	// DedupeKey is the same for identical proposals (kind, host,
	// parameters): a second identical pending proposal is merged into the
	// first (Count goes up) instead of queued twice.
	DedupeKey string
	Count     int // proposals merged into this entry, 1 or more

	// The gate's decision when it was proposed.
	Risk      int    // actions.Risk: 1 low .. 4 critical
	Verdict   string // policy.Verdict: run, ask or deny
	Reason    string // the gate's reason, in words
	Protected string // canonical protected unit involved, "" when none
	Level     string // the autonomy level it was judged at

	// Who proposed it, from where, and why.
	Proposer string // agent, classifier, planner, autonomy, scheduler, mcp, person
	Why      string // the proposer's reasoning: untrusted text, shown cleaned
	Session  string
	TurnID   TurnID
	Source   string // where it was proposed: tui, repl, cli, http, scheduler

	CreatedAt time.Time
	UpdatedAt time.Time
	ExpiresAt time.Time // a pending entry past this becomes expired

	// The answer: who decided and from where.
	DecidedAt    time.Time
	DecidedBy    string // "person:<login>", "policy", "rule:<id>"
	DecidedWhere string // cockpit, cli, repl, http, or the process that applied policy
	Note         string // a rejection's note, for the proposer's next round

	// The run: which process ran it, and its outcome.
	Runner     string // the process that claimed it: "<host>/<pid>/<start ticks>"
	StartedAt  time.Time
	FinishedAt time.Time
	ExitCode   int
	Output     string // capped at MaxApprovalOutput bytes, cleaned
	Error      string
	Undo       string // JSON the executor keeps to undo the action (a file's backup), "" when none
}

// MaxApprovalOutput caps the output kept with an approval.
const MaxApprovalOutput = 64 << 10

// ApprovalScope is how far a remembered decision reaches.
type ApprovalScope string

// The scopes.
const (
	ScopeSession ApprovalScope = "session" // the same session only
	ScopeHost    ApprovalScope = "host"    // the same host, any session
	ScopeAlways  ApprovalScope = "always"  // everywhere
)

// ApprovalRule is a remembered approval: the gate approves the same kind
// of action on the same target (and host, or session, by scope) without
// asking again. Rules never cover protected targets or critical risk
// (the service refuses to make one).
type ApprovalRule struct {
	ID        ApprovalRuleID
	Kind      string
	Host      string
	Target    string
	Scope     ApprovalScope
	Session   string // for ScopeSession
	CreatedAt time.Time
	CreatedBy string     // "person:<login>"
	From      ApprovalID // the approval it was made from
	RevokedAt time.Time  // zero while it applies
	Uses      int        // approvals it has given
}

// ApprovalQuery selects entries for a list.
type ApprovalQuery struct {
	States []ApprovalState // empty: every state
	// Order: pending first by risk (highest first) then age (oldest
	// first); then the rest newest first.
	Limit  int // 0: no limit
	Offset int
	Host   string // "" any
}

// ApprovalCounts are the numbers the status bar and the pane's title show.
type ApprovalCounts struct {
	Pending        int
	PendingByRisk  [5]int // index by risk 1..4
	Decided        int    // every final entry
	Running        int
	OldestPending  time.Time
	NewestActivity time.Time
}

// Errors of the queue's state machine. ErrApprovalDecided and friends wrap
// the entry as it stands in an *ApprovalConflict, so the loser is told who
// won.
var (
	ErrApprovalDecided = errors.New("the approval was already decided")
	ErrApprovalExpired = errors.New("the approval expired")
	ErrApprovalNotOurs = errors.New("the approval is claimed by another process")
	ErrAmbiguousID     = errors.New("the id prefix matches more than one approval")
)

// ApprovalConflict is returned when a transition finds the entry in
// another state than it needs: Current is the entry as it stands.
type ApprovalConflict struct {
	Err     error // one of the errors above
	Current Approval
}

func (e *ApprovalConflict) Error() string {
	return e.Err.Error() + " (" + string(e.Current.State) + " by " + e.Current.DecidedBy + " from " + e.Current.DecidedWhere + ")"
}

func (e *ApprovalConflict) Unwrap() error { return e.Err }
