package kernel

import (
	"context"
	"fmt"

	"github.com/macroa/macroa/core/agent"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
)

// runIntent runs a deterministic skill a decision names, through the gate:
// what a model chose and would change state waits for the person, and
// anything that changes state runs only once its audit record is written.
// The turn keeps what ran and who chose it for the run's audit entry.
func (k *Kernel) runIntent(ctx context.Context, t *turn, d router.Decision, by Chooser) skills.Result {
	j := k.judge(d.Intent)
	t.action, t.chosenBy, t.route = j.action, by, d.Route
	if by.byModel() && !j.readOnly && t.req.Ask != nil {
		return k.proposeIntent(ctx, t, d, by, j)
	}
	if refused, ok := k.gate(t.req, d, by, j); !ok {
		t.refused = true
		return refused
	}
	if j.changes && d.Intent.Skill != skills.Memory && d.Intent.Skill != skills.Reminder {
		// Memory writes commit with their audit record in one transaction
		// (see memoryFor), reminders record once their time has been read
		// (remindFor); everything else is recorded before it runs.
		if err := k.auditIntent(ctx, t, d, j, by); err != nil {
			t.unrecorded = true
			return skills.Fail(fmt.Sprintf("not run: %v", err))
		}
	}
	switch d.Intent.Skill {
	case skills.Memory:
		return k.memoryFor(t).Run(ctx, d.Intent)
	case skills.Reminder:
		return k.remindFor(ctx, t).Run(ctx, d.Intent)
	case skills.Hosts:
		return k.hosts.Run(ctx, d.Intent)
	}
	sh := k.shell
	if !by.byModel() || d.Intent.Skill != skills.Shell {
		return k.dispatchTurn(ctx, t, d, sh)
	}
	// A model's command runs the way the policy judged it: in bash, with
	// git's code-running configuration overridden, inside the sandbox.
	sh = agent.PolicyShell(sh, j.policy, k.box)
	t.sandbox = k.box.Label()
	return agent.SandboxNote(k.dispatchTurn(ctx, t, d, sh), k.box)
}
