package repl

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/policy"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// Approvals is what the REPL needs of the approval queue (core/app's
// facade): queue a proposal, and answer it.
type Approvals interface {
	Ask(ctx context.Context, p approvals.Proposal, o approvals.AskOptions) (approvals.Answer, error)
	Approve(ctx context.Context, id store.ApprovalID, d approvals.Decider, r approvals.Remember) (store.Approval, error)
	Reject(ctx context.Context, id store.ApprovalID, d approvals.Decider, note string) (store.Approval, error)
}

// ask is the session's Request.Ask: the proposal goes to the queue; what
// the gate runs by itself comes back done. What waits for a person is put
// to the person at the terminal, who answers here (or anywhere else: the
// first answer wins). Without a terminal it stays queued, and the answer
// says how to approve it.
func (s *session) ask(ctx context.Context, p approvals.Proposal) (approvals.Answer, error) {
	q := s.o.Approvals
	ans, err := q.Ask(ctx, p, approvals.AskOptions{Where: approvals.REPL})
	if err != nil || ans.Ran || ans.Entry.State != store.ApprovalPending || !s.o.Interactive || s.lines == nil {
		return ans, err
	}
	if ans.Entry.Level == string(policy.Observe) {
		// Observe asks nobody on the spot: the proposal waits in the
		// queue, and the answer says how to approve it.
		return ans, nil
	}
	e := ans.Entry
	fmt.Fprint(s.o.Out, approvalPrompt(e))
	line, err := s.lines.ReadLine("Allow? [y/N, or n: a note for the model] ")
	if err != nil {
		return ans, nil // ctrl+c or end of input: it stays queued
	}
	yes, note := readAnswer(line)
	if yes && actions.Risk(e.Risk) >= actions.High {
		// High and critical risk ask a second time, as everywhere else.
		again, err := s.lines.ReadLine(fmt.Sprintf("It is %s risk. Run it now? [y/N] ", actions.Risk(e.Risk)))
		if err != nil {
			return ans, nil // it stays queued
		}
		if yes, _ = readAnswer(again); !yes {
			fmt.Fprintln(s.o.Out, "Not run; it stays in the approval queue.")
			return ans, nil
		}
	}
	var got store.Approval
	if yes {
		got, err = q.Approve(ctx, e.ID, approvals.Person(approvals.REPL), approvals.Remember{})
	} else {
		got, err = q.Reject(ctx, e.ID, approvals.Person(approvals.REPL), note)
	}
	var conflict *store.ApprovalConflict
	if errors.As(err, &conflict) {
		// Someone answered first, elsewhere: theirs stands.
		fmt.Fprintln(s.o.Out, s.o.Style.errorLine("macroa: "+termsafe.Clean(conflict.Error())))
		got, err = conflict.Current, nil
	}
	if err != nil {
		return ans, err
	}
	return approvals.Answer{Entry: got, Ran: got.State == store.ApprovalSucceeded || got.State == store.ApprovalFailed}, nil
}

// readAnswer reads the person's answer: y or yes approves; anything else
// rejects, and what follows "n:" or "no:" is the note for the model.
func readAnswer(line string) (yes bool, note string) {
	t := strings.TrimSpace(line)
	if strings.EqualFold(t, "y") || strings.EqualFold(t, "yes") {
		return true, ""
	}
	for _, pre := range []string{"no:", "n:"} {
		if len(t) >= len(pre) && strings.EqualFold(t[:len(pre)], pre) {
			return false, strings.TrimSpace(t[len(pre):])
		}
	}
	return false, ""
}

// approvalPrompt shows exactly what would run: the whole command or the
// file's change, every control character in it written as an escape, so
// nothing in it (an escape sequence, a carriage return, a bidirectional
// override) can hide or rewrite what the person reads; then the risk, the
// gate's reason and the approval's id.
func approvalPrompt(e store.Approval) string {
	shown, more := e.Summary, ""
	if p, err := actions.DecodeParams(actions.Kind(e.Kind), []byte(e.Params)); err == nil {
		switch q := p.(type) {
		case actions.Command:
			shown = q.Shell
		case actions.File:
			more = preview(q)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nThe %s proposes (%s risk, approval %s):\n  ", termsafe.Clean(e.Proposer), actions.Risk(e.Risk), e.ID)
	b.WriteString(termsafe.Visible(shown))
	b.WriteString("\n")
	for _, l := range strings.SplitAfter(more, "\n") {
		if l != "" {
			// A file's lines one by one, each with its controls visible.
			l = strings.TrimSuffix(l, "\n")
			b.WriteString("  | " + termsafe.Visible(l) + "\n")
			shown += l // the lines' own characters, not the newlines between them
		}
	}
	if termsafe.NeedsEscape(shown) {
		b.WriteString("(it holds control or invisible characters, shown as escapes such as \\x1b; \\\\ is one backslash)\n")
	}
	b.WriteString("(" + termsafe.Clean(e.Reason) + ")\n")
	return b.String()
}

// preview is a file write as the person approves it: the diff against the
// file there now, or the new content when there is none.
func preview(f actions.File) string {
	if f.Diff != "" {
		return f.Diff
	}
	const max = 2000
	c := f.Content
	if len(c) > max {
		c = strings.ToValidUTF8(c[:max], "") + fmt.Sprintf("\n… and %d more bytes", len(f.Content)-max)
	}
	return c
}
