package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/store"
)

// Options says what the App is built from. Every field may be left zero.
type Options struct {
	// Config is the configuration; nil loads it from the environment, the
	// .env files and config.toml on first need.
	Config *config.Config
	// Store is a store the caller opened and will close (tests, a process
	// that shares one); nil opens Config's database on first need, and
	// Shutdown closes it.
	Store *store.DB
	// Environ, WorkDir and UserHome are what the shell and file skills see;
	// zero: this process's environment, working and home directories.
	Environ           []string
	WorkDir, UserHome string
	// Models builds the model layer on its first use; nil: the configured
	// providers, else a local server Local finds.
	Models kernel.ModelFactory
	// Local looks for a model server on this machine when nothing is
	// configured; nil: Ollama's default address.
	Local *providers.LocalDetector
	// WatchEvery is how often the store watcher looks for changes where
	// writes cannot wake it; zero: DefaultWatchEvery.
	WatchEvery time.Duration
	// WatchSafety is how often the watcher looks anyway where writes wake
	// it, in case a notification was lost; zero: every 2 s; negative:
	// never (the daemon: an idle daemon wakes only to renew its lease).
	WatchSafety time.Duration
	// pollStore makes the watcher poll even where writes could wake it
	// (tests of the polling path).
	pollStore bool
	// reloadConfig reads the configuration again when config.toml
	// changes, for the approval queue's [policy]; nil: config.LoadDefault
	// when Config was nil, else never (tests set it).
	reloadConfig func() (*config.Config, error)
	// Log receives what goes wrong in the background (the watcher); nil
	// discards it.
	Log *slog.Logger
	// Sandbox confines the commands a model runs unasked; nil: the
	// kernel's, from config.toml's sandbox mode on this kernel (tests give
	// one faking another kernel).
	Sandbox *sandbox.Box
}

// App is the composition root: it builds what a command needs on first
// use (configuration, store, kernel, model layer), owns the event broker,
// the services and the store watcher, and is the facade front ends call.
// It is safe for concurrent use.
type App struct {
	opts  Options
	local *providers.LocalDetector
	log   atomic.Pointer[slog.Logger]

	busOnce sync.Once
	bus     *events.Bus // see broker.go

	mu    sync.Mutex // guards the lazily built parts below
	cfg   *config.Config
	db    *store.DB
	kern  *kernel.Kernel
	watch *watcher
	notes *notifyLoop // see notify.go
	// approvals is the approval queue, built on first use (approvals.go).
	approvals *approvals.Service
	// schedules is the scheduler, built on first use (schedules.go).
	schedules *scheduler.Service
	// hosts is the fleet, built on first use (hosts.go); role says
	// whether Start polls it (SetRole).
	hosts  *HostsService
	role   string
	closed bool

	base       context.Context // ends every run when it ends (Start, Shutdown)
	cancelBase context.CancelFunc
	runMu      sync.Mutex // orders runs.Add against Shutdown's Wait
	stopping   bool
	runs       runCounter
}

// New returns an App that has touched nothing yet: no file is read until
// a method needs it, so --help and shell completion never reach the disk.
func New(o Options) *App {
	base, cancel := context.WithCancel(context.Background())
	a := &App{opts: o, cfg: o.Config, db: o.Store, local: o.Local, base: base, cancelBase: cancel}
	if a.local == nil {
		a.local = providers.NewLocalDetector(providers.DefaultOllamaAddr)
	}
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	a.log.Store(log)
	return a
}

// SetLog sends what goes wrong in the background to l from now on. The
// cockpit opens its log once the configuration is known, and sets it
// before Kernel, Start or Subscribe, which make the broker.
func (a *App) SetLog(l *slog.Logger) {
	if l != nil {
		a.log.Store(l)
	}
}

func (a *App) logger() *slog.Logger { return a.log.Load() }

// SetWatchSafety sets Options.WatchSafety; call it before Start. The
// daemon switches the safety look off, so it wakes only to renew its lease.
func (a *App) SetWatchSafety(d time.Duration) {
	a.mu.Lock()
	a.opts.WatchSafety = d
	a.mu.Unlock()
}

// Config returns the configuration, loading it on first use.
func (a *App) Config() (*config.Config, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.config()
}

func (a *App) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := config.LoadDefault()
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	a.cfg = cfg
	return cfg, nil
}

// Open loads the configuration, makes sure the data dir exists and opens
// the store. It is what every command that reads or writes the store
// calls first; later calls return at once.
func (a *App) Open(ctx context.Context) error {
	_, err := a.store(ctx)
	return err
}

// store returns the open store, opening it on first use.
func (a *App) store(ctx context.Context) (*store.DB, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.openStore(ctx)
}

func (a *App) openStore(ctx context.Context) (*store.DB, error) {
	if a.db != nil {
		return a.db, nil
	}
	if a.closed {
		return nil, errClosed
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	if err := EnsureDataDir(cfg.Home); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, err
	}
	a.db = db
	return db, nil
}

// errClosed is what a method that needs the store says after Shutdown.
var errClosed = errors.New("macroa is shutting down")

// Kernel returns the kernel, opening the store first. The model layer is
// built later still, by the kernel, on the first request that needs one.
func (a *App) Kernel(ctx context.Context) (*kernel.Kernel, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.kern != nil {
		return a.kern, nil
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	env, wd, home := a.opts.Environ, a.opts.WorkDir, a.opts.UserHome
	if env == nil {
		env = os.Environ()
	}
	if wd == "" {
		wd, _ = os.Getwd()
	}
	if home == "" {
		if home, err = os.UserHomeDir(); err != nil {
			return nil, fmt.Errorf("cannot find your home directory: %w", err)
		}
	}
	a.kern = kernel.New(kernel.Options{Config: a.cfg, DB: db, Environ: env, WorkDir: wd, UserHome: home,
		Bus: a.broker(), Models: a.modelFactory(a.cfg), Reminders: reminders{a}, Location: localZone(env),
		Hosts: a.hostsReader(), Transports: a.agentTransports(), Sandbox: a.opts.Sandbox})
	return a.kern, nil
}

// EnsureDataDir creates the data dir (0700: it holds secrets) and checks
// that it is writable, with a message that says what to do when not.
func EnsureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the data dir %s: %w (set MACROA_HOME to a writable directory)", dir, unwrapPath(err))
	}
	if err := syscall.Access(dir, 0x2 /* W_OK */); err != nil {
		return fmt.Errorf("the data dir %s is not writable: %w (set MACROA_HOME to a writable directory)", dir, err)
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
