package events

// PartApprovals: the approval queue or its remembered rules changed.
const PartApprovals StorePart = "approvals"

// ApprovalChanged: an entry of the approval queue moved to State in this
// process (queued, merged, approved, running, finished, rejected, expired,
// interrupted). Other processes learn of it from StoreChanged{approvals}.
// Notifications are sent from the process that made the change, once.
type ApprovalChanged struct {
	ID       string // store.ApprovalID
	State    string // store.ApprovalState
	Risk     int    // actions.Risk
	Summary  string
	Host     string
	Proposer string
	By       string // who made this transition: person:<login>, policy, rule:<id>
	Where    string // cockpit, cli, repl, http
	Merged   bool   // a second identical proposal was merged into a pending one
	TurnID   string // the turn that proposed it, "" when none
}

func (e ApprovalChanged) Turn() string { return "" }

// ApprovalOutput: a line an approved action printed while it runs, for the
// approvals pane's detail view. Lossy like Token: the whole output is kept
// with the entry when the run ends.
type ApprovalOutput struct {
	ID     string
	Text   string // one cleaned line, with its newline
	Stderr bool
}

func (e ApprovalOutput) Turn() string       { return "" }
func (e ApprovalOutput) Delivery() Delivery { return Lossy }
