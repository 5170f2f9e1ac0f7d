package main

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/ui/tui/kit"
)

// configWatch tells the hosts pane when config.toml no longer loads: the
// fleet then keeps the hosts it read before and says so only in the log.
// It loads the file again, as the fleet does, only when it changed.
type configWatch struct {
	path string
	load func() (*config.Config, error)

	mu    sync.Mutex
	stamp fileStamp
	err   string
}

// fileStamp is what tells a file changed.
type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

func stampFile(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{mod: fi.ModTime(), size: fi.Size(), ok: true}
}

// newConfigWatch watches path, loaded as it is now; nil without a path.
func newConfigWatch(path string, load func() (*config.Config, error)) *configWatch {
	if path == "" || load == nil {
		return nil
	}
	return &configWatch{path: path, load: load, stamp: stampFile(path)}
}

// problem is why config.toml does not load now, "" when it does.
func (w *configWatch) problem() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if st := stampFile(w.path); st != w.stamp {
		w.stamp, w.err = st, ""
		if _, err := w.load(); err != nil {
			w.err = kit.SafeLine(err.Error())
		}
	}
	return w.err
}

// ConfigProblem says why config.toml no longer loads ("" when it does),
// for the hosts pane's header.
func (h hostsPane) ConfigProblem(context.Context) string {
	if h.cfg == nil {
		return ""
	}
	return h.cfg.problem()
}
