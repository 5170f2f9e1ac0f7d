package agent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/hosts"
)

// elsewhere is a transport to another host that must never be used.
type elsewhere struct{ ran *bool }

func (elsewhere) Name() string { return "web1" }
func (elsewhere) Close() error { return nil }
func (e elsewhere) Run(ctx context.Context, c hosts.Command, d time.Duration) (hosts.Output, error) {
	return e.Stream(ctx, c, d, nil)
}
func (e elsewhere) Stream(context.Context, hosts.Command, time.Duration, func(hosts.Line)) (hosts.Output, error) {
	*e.ran = true
	return hosts.Output{}, nil
}

// TestRunCommandLocalOnly: the shell policy judged paths on this machine,
// so a model's command never runs unasked through another host's
// transport; through this machine's it runs.
func TestRunCommandLocalOnly(t *testing.T) {
	ran := false
	a := &Agent{Shell: skills.ShellSkill{Runner: elsewhere{&ran}}}
	o := a.runCommand(context.Background(), "true")
	if ran || !strings.Contains(o.output, "this machine only") {
		t.Fatalf("ran %v: %q", ran, o.output)
	}
	a.Shell.Runner = hosts.Local{}
	if o := a.runCommand(context.Background(), "echo hi"); !strings.Contains(o.output, "hi") {
		t.Fatalf("local run: %q", o.output)
	}
}
