package app

import (
	"context"

	"github.com/macroa/macroa/sandbox"
)

// Sandbox is the sandbox a model's unasked commands run in here: config.toml's
// mode on this kernel, for this user's home (the kernel's own).
func (a *App) Sandbox(ctx context.Context) (*sandbox.Box, error) {
	k, err := a.Kernel(ctx)
	if err != nil {
		return nil, err
	}
	return k.Sandbox(), nil
}

// SandboxNotice is the one line a person is told when a model's unasked
// commands run with less than full confinement (best-effort on a kernel
// that cannot, or off) or must ask because the kernel cannot (required);
// "" when they run fully confined.
func (a *App) SandboxNotice(ctx context.Context) string {
	b, err := a.Sandbox(ctx)
	if err != nil {
		return ""
	}
	if why := b.Refusal(); why != "" {
		return "a model's read-only commands ask first: " + why
	}
	return b.Notice()
}
