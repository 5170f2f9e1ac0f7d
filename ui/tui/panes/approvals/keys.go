package approvals

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// bindings are the pane's default keys. Every one that answers an entry
// or changes a rule is dangerous: a read-only cockpit has none of them.
func bindings() []kit.Binding {
	return append(kit.ListBindings(),
		kit.NewBinding("detail", "details: the command or diff, the reasoning, the gate's decision, the output", "enter", "d"),
		kit.NewBinding("approve", "approve and run (high and critical risk ask again)", "a").Danger(),
		kit.NewBinding("remember", "approve and remember for this session, host or always", "A").Danger(),
		kit.NewBinding("reject", "reject, with an optional note for the proposer", "r").Danger(),
		kit.NewBinding("history", "decided entries, newest first (and back)", "h"),
		kit.NewBinding("rules", "remembered rules (and back)", "R"),
		kit.NewBinding("revoke", "revoke the selected remembered rule", "x").Danger(),
	)
}

// HandleKey answers an open prompt first, then the detail view's keys,
// the filter, movement and the pane's actions. esc backs out of a prompt,
// the detail view, the filter, then the history or rules view; with none
// of them it is left to the root.
func (p *Pane) HandleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := msg.String()
	switch p.prompt {
	case confirm:
		e, r := p.target, p.remember
		p.closePrompt()
		if k == "y" || k == "Y" || p.Matches("approve", k) {
			return p.approve(e, r), true
		}
		return nil, true // esc, or anything else, cancels
	case scope:
		return p.chooseScope(k), true
	case noting:
		switch k {
		case "esc":
			p.closePrompt()
		case "enter":
			e, note := p.target, strings.TrimSpace(p.note.Value())
			p.closePrompt()
			return p.rejectCmd(e, note), true
		default:
			p.note.Update(msg)
		}
		return nil, true
	}
	l := &p.lists[p.view]
	if l.Detail && p.view != rules {
		if cmd, ok := p.actionKey(k, p.shown); ok {
			return cmd, true
		}
		if p.Matches("history", k) || p.Matches("rules", k) {
			l.Detail = false
			return p.switchKey(k), true
		}
		handled := l.DetailKey(p.Keys(), k)
		p.follow = p.Matches("bottom", k) || p.follow && !handled
		return nil, handled
	}
	if handled, changed := l.FilterKey(p.Keys(), msg); handled {
		if changed {
			p.renarrow()
		}
		return nil, true
	}
	n := len(p.rows[p.view])
	switch {
	case l.Move(p.Keys(), k, n):
		if p.view == history && l.Sel >= n-max(l.Page, 10) {
			return p.morePast(), true
		}
	case p.Matches("history", k), p.Matches("rules", k):
		return p.switchKey(k), true
	case p.view == rules:
		if p.Matches("revoke", k) {
			return p.revokeCmd(), true
		}
		if k == "esc" {
			p.view = open
			return nil, true
		}
		return nil, false
	case p.Matches("detail", k):
		if e, ok := p.selected(p.view); ok && l.OpenDetail(n) {
			p.show(*e)
			return p.loadShown(), true
		}
	case k == "esc" && p.view == history:
		p.view = open
	default:
		e, ok := p.selected(p.view)
		if !ok {
			e = nil
		}
		return p.actionKey(k, e)
	}
	return nil, true
}

// switchKey toggles the history or the rules view, loading it the first
// time.
func (p *Pane) switchKey(k string) tea.Cmd {
	to := history
	if p.Matches("rules", k) {
		to = rules
	}
	if p.view == to {
		p.view = open
		return nil
	}
	p.view = to
	switch {
	case p.svc == nil:
	case to == history && !p.loaded[history]:
		return p.loadPast()
	case to == rules && !p.loaded[rules]:
		return p.loadRules()
	}
	return nil
}

// show opens the detail view on e, with no output streamed yet.
func (p *Pane) show(e store.Approval) {
	if p.shown == nil || p.shown.ID != e.ID {
		p.live = nil
		p.liveGen++
	}
	p.shown = &e
	p.follow = false
}

// actionKey handles approve, remember and reject on entry e (nil: none
// selected). ok=false: k is none of them.
func (p *Pane) actionKey(k string, e *store.Approval) (tea.Cmd, bool) {
	var act string
	for _, a := range []string{"approve", "remember", "reject"} {
		if p.Matches(a, k) {
			act = a
		}
	}
	if act == "" {
		return nil, false
	}
	if e == nil {
		return nil, true
	}
	if why := p.cannotAnswer(e); why != "" {
		return kit.Toast(kit.ToastWarn, why), true
	}
	p.target = *e
	switch act {
	case "approve":
		return p.askApprove(*e, approvals.Remember{}), true
	case "remember":
		if why := cannotRemember(e); why != "" {
			return kit.Toast(kit.ToastError, why), true
		}
		p.prompt = scope
	case "reject":
		p.prompt = noting
		p.note.SetValue("")
	}
	return nil, true
}

// cannotAnswer says why entry e takes no answer now, "" when it does.
func (p *Pane) cannotAnswer(e *store.Approval) string {
	switch {
	case p.acting[e.ID]:
		return fmt.Sprintf("%s is being answered from here already", kit.SafeLine(e.Summary))
	case e.State != store.ApprovalPending:
		return fmt.Sprintf("%s is %s, not waiting for an answer", kit.SafeLine(e.Summary), e.State)
	}
	return ""
}

// cannotRemember says why approving e cannot be remembered, "" when it
// can: a rule never covers a protected target or critical risk.
func cannotRemember(e *store.Approval) string {
	switch {
	case e.Protected != "":
		return fmt.Sprintf("not remembered: %s touches the protected %s; approve it once with a", kit.SafeLine(e.Summary), kit.SafeLine(e.Protected))
	case actions.Risk(e.Risk) >= actions.Critical:
		return fmt.Sprintf("not remembered: %s is critical risk; approve it once with a", kit.SafeLine(e.Summary))
	}
	return ""
}

// chooseScope answers the remember prompt: s, h or w picks the scope
// (then approves, asking again for high risk); esc or another key
// cancels.
func (p *Pane) chooseScope(k string) tea.Cmd {
	e := p.target
	var s store.ApprovalScope
	switch k {
	case "s":
		s = store.ScopeSession
	case "h":
		s = store.ScopeHost
	case "w":
		s = store.ScopeAlways
	}
	p.closePrompt()
	switch {
	case s == "":
		return nil
	case s == store.ScopeSession && e.Session == "":
		return kit.Toast(kit.ToastWarn, "this proposal belongs to no session: remember it for the host (h) or always (w)")
	}
	return p.askApprove(e, approvals.Remember{Scope: s})
}

// askApprove approves e at once, or opens the second confirmation for
// high and critical risk.
func (p *Pane) askApprove(e store.Approval, r approvals.Remember) tea.Cmd {
	if actions.Risk(e.Risk) >= actions.High {
		p.prompt, p.target, p.remember = confirm, e, r
		return nil
	}
	return p.approve(e, r)
}

func (p *Pane) closePrompt() {
	p.prompt, p.target, p.remember = browse, store.Approval{}, approvals.Remember{}
	p.note.SetValue("")
}

// approve decides and runs e in a Cmd (the call returns when the run
// ends) and opens the detail view on it, where its output streams.
func (p *Pane) approve(e store.Approval, r approvals.Remember) tea.Cmd {
	if p.svc == nil || p.acting[e.ID] {
		return nil
	}
	p.acting[e.ID] = true
	if p.view != rules {
		p.show(e)
		p.lists[p.view].Detail = true
		p.follow = true
	}
	svc, d, id, summary := p.svc, p.decider, e.ID, e.Summary
	return func() tea.Msg {
		got, err := svc.Approve(context.Background(), id, d(), r)
		return actedMsg{approve: true, id: id, summary: summary, remember: r, entry: got, err: err}
	}
}

// rejectCmd rejects e with a note in a Cmd.
func (p *Pane) rejectCmd(e store.Approval, note string) tea.Cmd {
	if p.svc == nil || p.acting[e.ID] {
		return nil
	}
	p.acting[e.ID] = true
	svc, d, id, summary := p.svc, p.decider, e.ID, e.Summary
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		got, err := svc.Reject(ctx, id, d(), note)
		return actedMsg{id: id, summary: summary, entry: got, err: err}
	})
}

// acted reports an answer's outcome and reloads.
func (p *Pane) acted(m actedMsg) tea.Cmd {
	delete(p.acting, m.id)
	if m.err == nil || m.entry.ID == m.id {
		if p.shown != nil && p.shown.ID == m.id && m.entry.ID == m.id {
			p.setShown(m.entry)
		}
	}
	return tea.Batch(p.reload(), kit.Toast(answerToast(m)))
}

// answerToast is the toast after an answer.
func answerToast(m actedMsg) (kit.ToastLevel, string) {
	what := kit.SafeLine(m.summary)
	var c *store.ApprovalConflict
	switch {
	case errors.As(m.err, &c):
		return kit.ToastWarn, conflictText(c)
	case m.err != nil:
		return kit.ToastError, kit.Sentence(m.err)
	case !m.approve:
		return kit.ToastInfo, "rejected " + what
	}
	e := m.entry
	text := ""
	level := kit.ToastInfo
	switch e.State {
	case store.ApprovalSucceeded:
		text = "ran " + what + ": succeeded"
	case store.ApprovalFailed:
		level = kit.ToastError
		text = what + " failed"
		if e.Error != "" {
			text += ": " + kit.SafeLine(e.Error)
		}
	default:
		text = "approved " + what + " (" + string(e.State) + ")"
	}
	if m.remember.Scope != "" {
		text += "; remembered " + scopeWords(m.remember.Scope)
	}
	return level, text
}

// conflictText tells the loser of a race who answered first.
func conflictText(c *store.ApprovalConflict) string {
	cur := c.Current
	if errors.Is(c.Err, store.ErrApprovalExpired) || cur.State == store.ApprovalExpired {
		return "too late: " + kit.SafeLine(cur.Summary) + " expired before it was answered"
	}
	verb := "approved"
	if cur.State == store.ApprovalRejected {
		verb = "rejected"
	}
	by, where := kit.SafeLine(cur.DecidedBy), kit.SafeLine(cur.DecidedWhere)
	if by == "" {
		by = "someone"
	}
	s := "already " + verb + " by " + by
	if where != "" {
		s += " from " + where
	}
	return s
}

// scopeWords says how far a remembered decision reaches.
func scopeWords(s store.ApprovalScope) string {
	switch s {
	case store.ScopeSession:
		return "for this session"
	case store.ScopeHost:
		return "for this host"
	case store.ScopeAlways:
		return "always"
	}
	return string(s)
}

// revokeCmd revokes the selected rule in a Cmd.
func (p *Pane) revokeCmd() tea.Cmd {
	id := p.selectedRule()
	if id == 0 || p.svc == nil {
		return nil
	}
	for _, r := range p.rulesList {
		if r.ID == id && !r.RevokedAt.IsZero() {
			return kit.Toast(kit.ToastInfo, fmt.Sprintf("rule #%d is already revoked", id))
		}
	}
	svc, d := p.svc, p.decider
	return kit.Query(timeout, func(ctx context.Context) tea.Msg {
		return revokedMsg{id: id, err: svc.RevokeApprovalRule(ctx, id, d())}
	})
}

func (p *Pane) revoked(m revokedMsg) tea.Cmd {
	if m.err != nil {
		if errors.Is(m.err, store.ErrNotFound) {
			return tea.Batch(p.reload(), kit.Toast(kit.ToastWarn, fmt.Sprintf("rule #%d no longer exists", m.id)))
		}
		return tea.Batch(p.reload(), kit.Toast(kit.ToastError, kit.Sentence(m.err)))
	}
	return tea.Batch(p.reload(), kit.Toast(kit.ToastInfo, fmt.Sprintf("revoked rule #%d: the gate asks again", m.id)))
}
