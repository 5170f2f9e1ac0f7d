package main

import (
	"context"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/app"
)

// The commands reach the core only through core/app, which builds what a
// command needs on first use, so --help and completion never touch the
// disk. These helpers turn its errors into exit errors.

// loadConfig reads the configuration.
func loadConfig(a *app.App) (*config.Config, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, failErr("%v", err)
	}
	return cfg, nil
}

// openStore loads the configuration, makes sure the data dir exists and
// opens the store.
func openStore(ctx context.Context, a *app.App) error {
	if err := a.Open(ctx); err != nil {
		return failErr("%v", err)
	}
	return nil
}

// openKernel opens the store and builds the kernel, for the commands that
// run requests.
func openKernel(ctx context.Context, a *app.App) error {
	if _, err := a.Kernel(ctx); err != nil {
		return failErr("%v", err)
	}
	return nil
}
