package hosts

import (
	"context"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// commandInput is the one-line shell prompt for a host.
type commandInput struct{ in filter.Input }

func newCommandInput() commandInput { return commandInput{in: filter.New(commandLimit)} }

// shellMsg ends a proposal of a shell command.
type shellMsg struct {
	host, command string
	entry         store.Approval
	err           error
}

// key edits the prompt; enter proposes the command, esc closes it.
func (c *commandInput) key(p *Pane, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		p.prompt = browse
		return nil
	case "enter":
		text := strings.TrimSpace(c.in.Value())
		if text == "" {
			return nil
		}
		p.prompt = browse
		return p.shellCmd(p.target, text)
	}
	c.in.Update(msg)
	return nil
}

// shellCmd hands the command to the approval queue as the person's
// proposal; the answer says whether it ran, waits or was refused.
func (p *Pane) shellCmd(host, command string) tea.Cmd {
	svc := p.svc
	p.shells[host] = "proposed: " + kit.SafeLine(command)
	return kit.Query(probeTimeout, func(ctx context.Context) tea.Msg {
		e, err := svc.RunShell(ctx, host, command)
		return shellMsg{host: host, command: command, entry: e, err: err}
	})
}

// shellDone says what came of the command, in a toast and in the host's
// detail view.
func (p *Pane) shellDone(m shellMsg) tea.Cmd {
	level, text := shellOutcome(m)
	p.shells[m.host] = text
	return kit.Toast(level, kit.SafeLine(m.host)+": "+text)
}

// shellOutcome is a proposal's outcome in words: the output's first line
// when it ran, the entry to answer when it waits, the reason when refused.
func shellOutcome(m shellMsg) (kit.ToastLevel, string) {
	e := m.entry
	cmd := kit.SafeLine(kit.Head(m.command, 80))
	switch {
	case m.err != nil:
		return kit.ToastError, "`" + cmd + "` not run: " + kit.Sentence(m.err)
	case e.State == store.ApprovalPending && e.Verdict == "deny":
		return kit.ToastError, "`" + cmd + "` refused by the gate: " + kit.SafeLine(e.Reason)
	case e.State == store.ApprovalPending:
		return kit.ToastWarn, "`" + cmd + "` is waiting for approval #" + kit.SafeLine(string(e.ID)) + " (the approvals pane answers it)"
	case e.State == store.ApprovalSucceeded:
		return kit.ToastInfo, "`" + cmd + "` ran: exit 0" + firstOutput(e.Output)
	case e.State == store.ApprovalFailed:
		why := "exit " + strconv.Itoa(e.ExitCode)
		if e.Error != "" {
			why = kit.SafeLine(e.Error)
		}
		return kit.ToastError, "`" + cmd + "` failed: " + why + firstOutput(e.Output)
	case e.State == store.ApprovalRejected:
		return kit.ToastError, "`" + cmd + "` rejected: " + kit.SafeLine(e.Reason+" "+e.Note)
	}
	return kit.ToastWarn, "`" + cmd + "` " + kit.SafeLine(string(e.State))
}

// firstOutput is ": " and the first non-blank line of a command's output,
// cleaned; "" when it printed nothing.
func firstOutput(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(kit.SafeLine(l)); l != "" {
			return ": " + kit.Head(l, 200)
		}
	}
	return ""
}
