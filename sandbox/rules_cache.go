package sandbox

import (
	"sync"

	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/secretpath"
)

// openedLists keeps the latest allow-lists, walked and opened, for every
// Box of the process (one in the binary; a test process makes many).
// Walking $HOME and opening what it grants costs milliseconds; checking a
// walk costs one stat of each directory it read. A directory whose entries
// changed gets a new modification time, so an entry added, removed or
// renamed since (a new credential, a file swapped for a link) makes the
// allow-list be walked and opened again. Each command still gets a
// ruleset and a Landlock domain of its own, made from the opened entries
// (ruleset.go). At most maxOpenedLists are kept, so the descriptors they
// hold stay few whatever the number of boxes.
var openedLists = &openCache{max: maxOpenedLists}

const maxOpenedLists = 4

type openCache struct {
	mu      sync.Mutex
	max     int
	entries []*openedList // most recently used first
}

// openedList is one allow-list, opened.
type openedList struct {
	key    string // home, secrets and working directory it was built for
	gen    uint64 // secretpath.Generation when it was built
	stamps []stamp
	opened []pathRule
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
func (l *openedList) fresh() bool {
	if l.gen != secretpath.Generation() {
		return false
	}
	for _, s := range l.stamps {
		now, ok := stampOf(s.path)
		if !ok || now != s {
			return false
		}
	}
	return true
}

// ruleset makes the Landlock ruleset of a command on a kernel of Landlock
// ABI abi, writing only to rw, from the allow-list key names; build walks
// it again when it may have changed.
func (c *openCache) ruleset(key string, abi int, build func() Paths, rw []string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var l *openedList
	for i, e := range c.entries {
		if e.key != key {
			continue
		}
		c.entries = append(c.entries[:i], c.entries[i+1:]...)
		if e.fresh() {
			l = e
		} else {
			closeRules(e.opened)
		}
		break
	}
	if l == nil {
		gen := secretpath.Generation()
		p := build()
		l = &openedList{key: key, gen: gen, stamps: p.stamps, opened: openRules(p)}
	}
	c.entries = append([]*openedList{l}, c.entries...)
	for len(c.entries) > c.max {
		last := c.entries[len(c.entries)-1]
		closeRules(last.opened)
		c.entries = c.entries[:len(c.entries)-1]
	}
	return newRuleset(abi, l.opened, rw)
}
