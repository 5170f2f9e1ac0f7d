package main

import (
	"context"
	"errors"
	"os"
	"syscall"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
)

// app holds what a command needs, loaded on first use so that --help and
// completion never touch the disk.
type app struct {
	cfg    *config.Config
	db     *store.DB
	kernel *kernel.Kernel
	bus    *events.Bus
}

// loadConfig reads the configuration, turning problems into exit errors.
func (a *app) loadConfig() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := config.LoadDefault()
	if err != nil {
		return nil, failErr("configuration: %v", err)
	}
	a.cfg = cfg
	return cfg, nil
}

// open loads the configuration, makes sure the data dir exists and opens
// the database.
func (a *app) open(ctx context.Context) error {
	if a.db != nil {
		return nil
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return err
	}
	if err := ensureDataDir(cfg.Home); err != nil {
		return err
	}
	db, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return failErr("%v", err)
	}
	a.db = db
	return nil
}

// kern returns the kernel, opening everything it needs.
func (a *app) kern(ctx context.Context) (*kernel.Kernel, error) {
	if a.kernel != nil {
		return a.kernel, nil
	}
	if err := a.open(ctx); err != nil {
		return nil, err
	}
	wd, _ := os.Getwd()
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, failErr("cannot find your home directory: %v", err)
	}
	a.bus = events.New(nil)
	a.kernel = kernel.New(kernel.Options{Config: a.cfg, DB: a.db, Environ: os.Environ(), WorkDir: wd, UserHome: home,
		Bus: a.bus, Models: modelFactory(a.cfg)})
	return a.kernel, nil
}

func (a *app) close() {
	if a.db != nil {
		_ = a.db.Close()
	}
}

// ensureDataDir creates the data dir (0700: it holds secrets) and checks
// that it is writable, with a message that says what to do when not.
func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return failErr("cannot create the data dir %s: %v (set MACROA_HOME to a writable directory)", dir, unwrapPath(err))
	}
	if err := syscall.Access(dir, 0x2 /* W_OK */); err != nil {
		return failErr("the data dir %s is not writable: %v (set MACROA_HOME to a writable directory)", dir, err)
	}
	return nil
}

// unwrapPath drops the path from a *PathError: the message names it already.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
