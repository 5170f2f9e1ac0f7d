package sandbox

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/secretpath"
)

// walkCache keeps the latest allow-list, opened. Walking $HOME and
// opening what it grants costs milliseconds; checking the walk costs one
// stat of each directory it read. A directory whose entries changed gets
// a new modification time, so an entry added, removed or renamed since (a
// new credential, a file swapped for a link) makes the allow-list be
// walked and opened again. Each command still gets a ruleset and a
// Landlock domain of its own, made from the opened entries (ruleset.go).
type walkCache struct {
	mu     sync.Mutex
	opened []pathRule
	valid  bool
	dir    string // the working directory it was built for
	gen    uint64 // secretpath.Generation when it was built
	stamps []stamp
}

// stamp is a walked directory as it was when its entries were read.
type stamp struct {
	path  string
	mtime unix.Timespec
	ino   uint64
}

func stampOf(p string) (stamp, bool) {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return stamp{}, false
	}
	return stamp{path: p, mtime: st.Mtim, ino: st.Ino}, true
}

// fresh says the walked directories are as they were.
func (c *walkCache) fresh(dir string) bool {
	if !c.valid || c.dir != dir || c.gen != secretpath.Generation() {
		return false
	}
	for _, s := range c.stamps {
		now, ok := stampOf(s.path)
		if !ok || now != s {
			return false
		}
	}
	return true
}

// ruleset makes the Landlock ruleset of a command started in dir on a
// kernel of Landlock ABI abi, writing only to rw; the allow-list is walked
// again (build) when it may have changed.
func (c *walkCache) ruleset(dir string, abi int, build func() Paths, rw []string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fresh(dir) {
		gen := secretpath.Generation()
		p := build()
		closeRules(c.opened)
		c.opened, c.valid, c.dir, c.gen, c.stamps = openRules(p), true, dir, gen, p.stamps
	}
	return newRuleset(abi, c.opened, rw)
}
