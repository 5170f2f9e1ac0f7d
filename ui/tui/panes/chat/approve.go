package chat

import (
	"context"
	"fmt"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/markdown"
)

// chatRun is the plumbing of one run in flight. The run's goroutine sends
// on msgs its approval requests (one at a time: it waits for each answer)
// and, last, its result; the pane always has one wait command reading
// them, so nothing but the Bubble Tea runtime delivers them and Update
// never blocks. Two places are enough for an unread request and the
// result, so the run never blocks on a pane that moved on.
type chatRun struct {
	seq  int
	turn store.TurnID
	msgs chan tea.Msg
}

func newChatRun(seq int, turn store.TurnID) *chatRun {
	return &chatRun{seq: seq, turn: turn, msgs: make(chan tea.Msg, 2)}
}

// wait returns the run's next message: an approval request or the result.
func (r *chatRun) wait() tea.Cmd {
	return func() tea.Msg { return <-r.msgs }
}

// start runs the request on its own goroutine and returns the first
// message. It is the run's first command, so no goroutine starts in Update.
func (r *chatRun) start(ctx context.Context, cancel context.CancelFunc, run func(context.Context) tea.Msg) tea.Cmd {
	return func() tea.Msg {
		go func() {
			defer cancel()
			r.msgs <- run(ctx)
		}()
		return <-r.msgs
	}
}

// ask is the run's kernel.Request.Ask: called on the kernel's goroutine,
// it hands the proposal to the approval queue and waits for the answer
// (the queue's own bounded wait). While it waits the pane shows the
// request; the person's key approves or rejects it through the queue,
// where the approvals pane, the CLI or another cockpit may answer first.
// A context that ends first (ctrl+c, the terminal went away) leaves the
// entry queued for a person.
//
// A cockpit nobody can approve from (read-only) does not wait: the entry
// stays queued for a person elsewhere and the run goes on at once.
func (r *chatRun) ask(q Approvals, wait bool) approvals.AskFunc {
	return func(ctx context.Context, p approvals.Proposal) (approvals.Answer, error) {
		done := make(chan struct{})
		defer close(done)
		shown := false
		ans, err := q.Ask(ctx, p, approvals.AskOptions{Where: approvals.Cockpit, Wait: wait, OnPending: func(e store.Approval) {
			answer := make(chan askReply, 1)
			command, detail := askShown(e)
			msg := approvalAskMsg{seq: r.seq, turn: r.turn, id: e.ID, risk: actions.Risk(e.Risk), command: command, detail: detail, reason: askReason(e), answer: answer, run: r}
			select {
			case r.msgs <- msg:
				shown = true
			case <-ctx.Done():
				return
			}
			go func() {
				select {
				case rep := <-answer:
					d := approvals.Person(approvals.Cockpit)
					switch rep {
					case replyApprove:
						_, _ = q.Approve(ctx, e.ID, d, approvals.Remember{})
					case replyReject:
						_, _ = q.Reject(ctx, e.ID, d, "")
					}
				case <-done:
				}
			}()
		}})
		if shown && ans.Entry.ID != "" && ans.Entry.State != store.ApprovalPending {
			// The answer may come from elsewhere; the box says who gave
			// it even when the run ends before the broadcast arrives.
			e := ans.Entry
			settled := approvalSettledMsg{run: r, id: e.ID, state: e.State, by: e.DecidedBy, where: e.DecidedWhere}
			select {
			case r.msgs <- settled:
			case <-ctx.Done():
			}
		}
		return ans, err
	}
}

// approvalSettledMsg says how the request a run showed was answered, as
// the queue had it when the run's wait ended.
type approvalSettledMsg struct {
	run       *chatRun
	id        store.ApprovalID
	state     store.ApprovalState
	by, where string
}

// askReply is what the person's key did with a request: approve or
// reject it, or leave it in the queue (the run ended, a newer request
// came, the cockpit is read-only).
type askReply int

const (
	replyLeave askReply = iota
	replyApprove
	replyReject
)

// askShown is what a request shows: as its command, the shell text or
// the action in words; under it, line by line, a file write's diff
// against the file there now.
func askShown(e store.Approval) (command, detail string) {
	p, err := actions.DecodeParams(actions.Kind(e.Kind), []byte(e.Params))
	if err != nil {
		return e.Summary, ""
	}
	switch q := p.(type) {
	case actions.Command:
		return q.Shell, ""
	case actions.File:
		return e.Summary, q.Diff
	}
	return e.Summary, ""
}

// askReason is the request's why: the risk, the gate's reason and where
// else it can be answered.
func askReason(e store.Approval) string {
	s := fmt.Sprintf("%s risk; %s. Approval %s: the approvals pane shows it too", actions.Risk(e.Risk), e.Reason, e.ID)
	if why := strings.TrimSpace(e.Why); why != "" && why != e.Reason {
		// The proposer's own words: untrusted, shown after the gate's.
		s += ". The " + e.Proposer + " says: " + why
	}
	return s
}

// approvalAskMsg asks the person whether an action a model proposed may
// run. At most one reply goes back on answer (room for one: sending never
// blocks).
type approvalAskMsg struct {
	seq             int
	turn            store.TurnID
	id              store.ApprovalID
	risk            actions.Risk
	command, reason string
	detail          string // shown line by line under the command (a diff)
	answer          chan<- askReply
	run             *chatRun
}

// reply returns the command that gives the answer.
func (m approvalAskMsg) reply(r askReply) tea.Cmd {
	ch := m.answer
	return func() tea.Msg {
		ch <- r
		return nil
	}
}

// chatApproval is the request the pane is showing, with its place in the
// conversation.
type chatApproval struct {
	ask approvalAskMsg
	msg *chatMsg
	// armed says the prompt has been on screen long enough to be read:
	// keys pressed before (typed ahead while the run went on, "why…"
	// with its y) answer nothing.
	armed bool
	// rearm is set when the terminal changed size while the request was
	// shown: the view went back to the command, and the next key only
	// starts a new wait before keys answer again.
	rearm bool
	// confirming: a high or critical risk request was approved once and
	// waits for the approve key a second time.
	confirming bool
}

// approvalResized puts a waiting request back in view after the terminal
// changed size (a shrink could push the command out of sight while the
// keys still answered) and disarms it until it could be read again.
func (p *Pane) approvalResized(vh int) {
	a := p.approval
	for i, m := range p.msgs {
		if m == a.msg && vh > 0 {
			p.scroll = chatScroll{follow: true}
			if p.blockLen(i) > vh {
				p.scrollTo(chatPos{i, 0}, vh)
			}
			break
		}
	}
	if a.armed {
		a.armed, a.msg.ask.armed, a.rearm = false, false, true
		a.msg.invalidate()
	}
}

// approvalArmDelay is how long a request shows before a key answers it.
const approvalArmDelay = 400 * time.Millisecond

// approvalArmedMsg says the request of run seq may now be answered.
type approvalArmedMsg struct {
	seq int
	ask *chatMsg
}

// chatAsk is an approval request as the conversation shows it: waiting,
// then what the person decided.
type chatAsk struct {
	command, reason string
	detail          string // lines under the command (a file's diff), each shown with its controls visible
	keys            string // how to answer, from the pane's keymap
	armed           bool   // the keys answer now (see chatApproval.armed)
	decided         bool
	allowed         bool
	left            bool   // nobody answered here: it stays in the approval queue
	why             string // why it was refused without an answer ("the run was cancelled")
}

// ask shows an approval request above the run's reply, takes the focus
// and keeps reading the run. A request of a run the pane no longer shows
// is refused at once.
func (p *Pane) ask(msg approvalAskMsg) tea.Cmd {
	if msg.seq != p.runSeq || !p.running || msg.turn != p.turnID || p.runReply() == nil {
		return tea.Batch(msg.reply(replyLeave), msg.run.wait())
	}
	var cmds []tea.Cmd
	if p.approval != nil {
		// A run asks one thing at a time; an older request is void.
		cmds = append(cmds, p.settle(replyLeave, "a newer request replaced it"))
	}
	if !p.canApprove() {
		// Nothing here could approve it (a read-only cockpit): it stays in
		// the approval queue for another place, and the conversation says
		// why.
		p.insertAsk(&chatMsg{kind: chatAsking, turn: msg.turn,
			ask: &chatAsk{command: msg.command, reason: msg.reason, decided: true, left: true, why: readOnlyWhy}})
		return tea.Batch(append(cmds, msg.reply(replyLeave), msg.run.wait(),
			kit.Toast(kit.ToastWarn, "a proposed command waits in the approval queue: "+readOnlyWhy))...)
	}
	keys := p.keysOf("approve") + " runs it · " + p.keysOf("refuse") + "/" + p.keysOf("send") +
		" refuses (default) · ctrl+c cancels the run"
	rec := &chatMsg{kind: chatAsking, turn: msg.turn, ask: &chatAsk{command: msg.command, detail: msg.detail, reason: msg.reason, keys: keys}}
	at := p.insertAsk(rec)
	p.approval = &chatApproval{ask: msg, msg: rec}
	// Following shows the prompt with the reply under it; a prompt taller
	// than the view shows from its start: the command first.
	p.scroll = chatScroll{follow: true}
	if vh := p.viewportH; vh > 0 && p.blockLen(at) > vh {
		p.scrollTo(chatPos{at, 0}, vh)
	}
	seq := msg.seq
	cmds = append(cmds, msg.run.wait(),
		tea.Tick(approvalArmDelay, func(time.Time) tea.Msg { return approvalArmedMsg{seq: seq, ask: rec} }),
		func() tea.Msg { return kit.FocusPaneMsg{Pane: kit.PaneChat} },
		kit.Toast(kit.ToastWarn, "a command waits for your approval in the chat"))
	return tea.Batch(cmds...)
}

// readOnlyWhy is why a request is refused when nothing can approve it.
const readOnlyWhy = "the cockpit is read-only"

// canApprove reports whether a key approves a request: the approve
// binding is dangerous, so a read-only cockpit has none.
func (p *Pane) canApprove() bool {
	for _, b := range p.Keys() {
		if b.Action == "approve" && b.Enabled() && len(b.Keys()) > 0 {
			return true
		}
	}
	return false
}

// insertAsk puts a request's record above the run's reply and returns
// its place.
func (p *Pane) insertAsk(rec *chatMsg) int {
	at := p.runIdx
	p.msgs = append(p.msgs[:at], append([]*chatMsg{rec}, p.msgs[at:]...)...)
	p.runIdx++
	if p.selected >= at {
		p.selected++
	}
	if !p.scroll.follow && p.scroll.top.msg >= at {
		p.scroll.top.msg++
	}
	return at
}

// settle answers the request shown and records the decision in the
// conversation; why says why it was refused without the person's answer.
func (p *Pane) settle(r askReply, why string) tea.Cmd {
	a := p.approval
	if a == nil {
		return nil
	}
	p.approval = nil
	a.msg.ask.decided, a.msg.ask.allowed, a.msg.ask.why = true, r == replyApprove, why
	a.msg.ask.left = r == replyLeave
	a.msg.invalidate()
	return a.ask.reply(r)
}

// approvalDecided settles the request shown when its entry was answered
// elsewhere (the approvals pane, the CLI, another cockpit): the run goes
// on by itself, and the prompt says who answered.
func (p *Pane) approvalDecided(e events.ApprovalChanged) tea.Cmd {
	return p.settleElsewhere(store.ApprovalID(e.ID), store.ApprovalState(e.State), e.By, e.Where)
}

// approvalSettled is the run's word on how its request was answered; it
// settles the box if the broadcast has not, and keeps reading the run.
func (p *Pane) approvalSettled(m approvalSettledMsg) tea.Cmd {
	return tea.Batch(p.settleElsewhere(m.id, m.state, m.by, m.where), m.run.wait())
}

// settleElsewhere settles the request shown, if it is entry id and no
// longer pending, with who answered it and from where.
func (p *Pane) settleElsewhere(id store.ApprovalID, state store.ApprovalState, by, where string) tea.Cmd {
	a := p.approval
	if a == nil || a.ask.id != id || state == store.ApprovalPending {
		return nil
	}
	p.approval = nil
	ok := state != store.ApprovalRejected && state != store.ApprovalExpired
	word := string(state)
	if ok {
		word = "approved" // what the person did, whatever came of the run since
	}
	a.msg.ask.decided, a.msg.ask.allowed = true, ok
	a.msg.ask.why = fmt.Sprintf("%s by %s from %s", word, by, where)
	a.msg.invalidate()
	return a.ask.reply(replyLeave) // ends the answer goroutine's wait
}

// armed lets the request shown be answered, once it could be read.
func (p *Pane) armed(msg approvalArmedMsg) {
	if a := p.approval; a != nil && msg.seq == p.runSeq && a.msg == msg.ask {
		a.armed, a.msg.ask.armed = true, true
		a.msg.invalidate()
	}
}

// approvalKey handles a key while a request waits: the approve key runs
// the command; the refuse keys and send (the default answer) refuse it;
// neither answers before the request is armed. Other typed text is
// swallowed so it cannot land in the input; any other key
// (handled=false) goes on to the pane's keys (scrolling, so the context
// can be read) and the global ones (tab, f1; ctrl+c is the root's).
func (p *Pane) approvalKey(msg tea.KeyPressMsg, k string) (tea.Cmd, bool) {
	on := func(action string) bool { return kit.Matches(p.Keys(), action, k) }
	switch {
	case on("approve"), on("refuse"), on("send"):
		if a := p.approval; !a.armed {
			if a.rearm {
				a.rearm = false
				seq, rec := p.runSeq, a.msg
				return tea.Tick(approvalArmDelay, func(time.Time) tea.Msg { return approvalArmedMsg{seq: seq, ask: rec} }), true
			}
			return nil, true
		}
		r := replyReject
		if on("approve") {
			r = replyApprove
			if a := p.approval; a.ask.risk >= actions.High && !a.confirming {
				// High and critical risk ask a second time, as the
				// approvals pane and the CLI do.
				a.confirming = true
				a.msg.ask.keys = fmt.Sprintf("%s risk: %s again runs it · %s/%s refuses", a.ask.risk, p.keysOf("approve"), p.keysOf("refuse"), p.keysOf("send"))
				a.msg.invalidate()
				return nil, true
			}
		}
		return p.settle(r, ""), true
	case msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModSuper|tea.ModHyper|tea.ModMeta) == 0:
		return nil, true
	}
	return nil, false
}

// render draws the request at content width cw, each line exactly cw
// cells. Waiting, it is a box with the command in full (every control
// character shown as an escape, wrapped, never cut), the reason and the
// keys; decided, a line or two saying what happened to the command.
func (a *chatAsk) render(cw int, st kit.Styles) []string {
	command := termsafe.Visible(a.command)
	if a.decided {
		mark, style, what := "✗ ", st.Warning, "refused: "
		switch {
		case a.allowed:
			mark, style, what = "✓ ", st.Success, "approved: "
			if a.why != "" { // approved elsewhere: by whom, from where
				what = markdown.Sanitize(a.why) + ": "
			}
		case a.left:
			what = "left in the approval queue (" + markdown.Sanitize(a.why) + "): "
		case a.why != "":
			what = "refused (" + markdown.Sanitize(a.why) + "): "
		}
		return chatStyleLines(chatHanging(mark, what+command, cw), style, cw)
	}
	keys := "…"
	if a.armed {
		keys = a.keys
	}
	if cw < 12 {
		lines := chatStyleLines(chatCutPlain(command, cw), st.Accent, cw)
		lines = append(lines, a.detailLines(cw, st)...)
		return append(lines, chatStyleLines(chatWrapPlain(keys, cw), st.Muted, cw)...)
	}
	// The box keeps a cell free on its right, like the text beside it.
	bw := cw - 1
	in := bw - 4
	var body []string
	body = append(body, chatStyleLines(chatCutPlain(command, in), st.Accent, in)...)
	body = append(body, a.detailLines(in, st)...)
	body = append(body, strings.Repeat(" ", in))
	if r := strings.TrimSpace(markdown.Sanitize(a.reason)); r != "" {
		body = append(body, chatStyleLines(chatWrapPlain("why: "+r, in), st.Text, in)...)
	}
	body = append(body, chatStyleLines(chatWrapPlain(keys, in), st.Muted, in)...)

	title := chatFitPlain(" needs your approval ", max(bw-4, 0))
	edge := st.Warning
	lines := make([]string, 0, len(body)+2)
	lines = append(lines, edge.Render("╭─"+title+strings.Repeat("─", max(bw-3-chatWidth(title), 0))+"╮")+" ")
	for _, l := range body {
		lines = append(lines, edge.Render("│")+" "+l+" "+edge.Render("│")+" ")
	}
	lines = append(lines, edge.Render("╰"+strings.Repeat("─", bw-2)+"╯")+" ")
	return lines
}

// chatHanging wraps s after a two-cell mark, cutting anywhere (a command
// keeps every character), later lines indented under the text.
func chatHanging(mark, s string, width int) []string {
	return chatAfterMark(mark, s, width, chatCutPlain)
}

// keysOf is every key of an action as the cheat sheet shows them
// ("n/esc"), or "(unbound)".
func (p *Pane) keysOf(action string) string {
	for _, b := range p.Keys() {
		if b.Action == action && b.Enabled() && len(b.Keys()) > 0 {
			return b.Help().Key
		}
	}
	return "(unbound)"
}

// detailLines draws the lines under the command (a file's diff) at width
// w, each with its control characters visible, cut anywhere, never lost.
func (a *chatAsk) detailLines(w int, st kit.Styles) []string {
	if a.detail == "" {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(a.detail, "\n"), "\n") {
		out = append(out, chatStyleLines(chatCutPlain(termsafe.Visible(l), w), st.Text, w)...)
	}
	return out
}
