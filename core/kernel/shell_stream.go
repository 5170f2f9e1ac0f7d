package kernel

import (
	"context"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/redact"
)

// dispatchTurn is dispatch for the skill of a turn: a shell command's
// output streams as the turn's text (see runShell), in sh.
func (k *Kernel) dispatchTurn(ctx context.Context, t *turn, d router.Decision, sh skills.ShellSkill) skills.Result {
	if d.Intent.Skill == skills.Shell {
		return k.runShell(ctx, t, sh, d.Intent)
	}
	return k.dispatch(ctx, d)
}

// runShell runs a shell intent and shows its output as it is printed: each
// line becomes the turn's streamed text on the event bus (events.Token,
// coalesced like a model's answer, secrets removed), so the cockpit shows
// a long command live. The result is still the skill's complete output.
// The tokens are marked as a command's (Token.Command): front ends that
// print the final output (the REPL, `macroa run`) skip them, or they would
// print it twice.
func (k *Kernel) runShell(ctx context.Context, t *turn, sh skills.ShellSkill, in skills.Intent) skills.Result {
	if k.bus == nil {
		return sh.Run(ctx, in)
	}
	coal := events.NewCoalescer(k.bus, string(t.id), 0)
	coal.Command = true
	// Flushed before the run completes, so every line is published ahead of
	// the RunCompleted event.
	defer coal.Flush()
	return sh.RunStreaming(ctx, in, func(l hosts.Line) {
		coal.Add(redact.String(l.Text, k.secrets...))
	})
}
