package approvals

import (
	"fmt"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// ApproveCommand is the command a person types to approve entry id.
func ApproveCommand(id store.ApprovalID) string { return "macroa approvals approve " + string(id) }

// NotRun says, in one sentence for a person, why a proposal's action did
// not run (or has not yet): queued, still waiting, rejected, expired,
// interrupted or denied by the gate. "" when it ran. Every quoted string
// is shown with its control characters visible.
func NotRun(ans Answer) string {
	e := ans.Entry
	if ans.Ran {
		return ""
	}
	risk := actions.Risk(e.Risk).String()
	switch e.State {
	case store.ApprovalPending:
		why := termsafe.Visible(e.Reason)
		switch {
		case e.Verdict == "deny":
			return fmt.Sprintf("never run by itself (%s); kept for a person as approval %s (%s risk): %s", why, e.ID, risk, ApproveCommand(e.ID))
		case ans.TimedOut:
			return fmt.Sprintf("still waiting for approval %s (%s risk: %s); it stays queued: %s, or reject it", e.ID, risk, why, ApproveCommand(e.ID))
		}
		return fmt.Sprintf("queued for approval as %s (%s risk: %s); approve it with: %s", e.ID, risk, why, ApproveCommand(e.ID))
	case store.ApprovalRejected:
		s := fmt.Sprintf("rejected by %s from %s", e.DecidedBy, e.DecidedWhere)
		if e.Note != "" {
			s += ", saying \"" + termsafe.Visible(e.Note) + "\""
		}
		return s
	case store.ApprovalExpired:
		return fmt.Sprintf("approval %s expired before anyone answered", e.ID)
	case store.ApprovalInterrupted:
		return fmt.Sprintf("approval %s was interrupted (%s); it is never run again by itself", e.ID, termsafe.Visible(e.Error))
	case store.ApprovalApproved, store.ApprovalRunning:
		return fmt.Sprintf("approval %s is %s in another process", e.ID, e.State)
	}
	return fmt.Sprintf("approval %s is %s", e.ID, e.State)
}

// ForModel is what the proposer's next round is told about a proposal
// that did not run: NotRun, and what to do about it. A rejection's note
// is passed on so the model can try something else.
func ForModel(ans Answer) string {
	e := ans.Entry
	switch e.State {
	case store.ApprovalRejected:
		if e.Note == "" {
			return "Not done: the person rejected it. Do not try the same thing another way; ask what they would like instead."
		}
		return "Not done: the person rejected it. Their note: \"" + termsafe.Visible(e.Note) + "\". " +
			"Do not try the same thing another way; take their note into account, or ask what they would like instead."
	case store.ApprovalPending:
		return "Not done yet: " + NotRun(ans) + ". Do not try another way to do it; tell the person what you proposed, why, and how to approve it."
	}
	return "Not done: " + NotRun(ans) + ". Do not try another way to do it; tell the person what you wanted to do and why."
}
