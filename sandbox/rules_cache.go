package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"sync"

	"github.com/landlock-lsm/go-landlock/landlock"
	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
	"github.com/macroa/macroa/secretpath"
)

// ruleset is the confinement made from one allow-list and the thread
// that holds it: the thread restricts itself once and then starts every
// command given to it, each inheriting its Landlock domain and seccomp
// filter. A command's parent-death signal fires when the thread that
// started it ends, so the thread lives until the last command it started
// is done and a newer allow-list has replaced it.
type ruleset struct {
	reqs  chan startReq
	users int  // commands started (or being started) and not done
	stale bool // replaced: the thread ends after its last user
}

type startReq struct {
	c   *exec.Cmd
	err chan error
}

// rulesCache keeps the ruleset of the latest allow-list. Building one
// means walking $HOME and opening every granted path (milliseconds);
// checking it means one stat of each directory that was walked. A
// directory whose entries changed gets a new modification time, so an
// entry added, removed or renamed since (a new credential, a file
// swapped for a link) makes the allow-list be built again.
type rulesCache struct {
	mu      sync.Mutex
	current *ruleset
	key     string // the working directory and private root it was built for
	gen     uint64 // secretpath.Generation when it was built
	stamps  []stamp
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
func (c *rulesCache) fresh(key string) bool {
	if c.current == nil || c.key != key || c.gen != secretpath.Generation() {
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

// start starts cmd on the current ruleset's thread, first building a new
// one when the allow-list may have changed. done is called once cmd has
// been waited for.
func (c *rulesCache) start(cmd *exec.Cmd, key string, build func() (Paths, error), s support.Support) (done func(), err error) {
	rs, err := c.acquire(key, build, s)
	if err != nil {
		return nil, err
	}
	req := startReq{c: cmd, err: make(chan error, 1)}
	rs.reqs <- req
	if err := <-req.err; err != nil {
		c.release(rs)
		return nil, err
	}
	return func() { c.release(rs) }, nil
}

func (c *rulesCache) acquire(key string, build func() (Paths, error), s support.Support) (*ruleset, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fresh(key) {
		gen := secretpath.Generation()
		paths, err := build()
		if err != nil {
			return nil, err
		}
		rs, err := newRuleset(paths, s)
		if err != nil {
			return nil, err
		}
		c.retire()
		c.current, c.key, c.gen, c.stamps = rs, key, gen, paths.stamps
	}
	c.current.users++
	return c.current, nil
}

// release ends one command's use of rs.
func (c *rulesCache) release(rs *ruleset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs.users--
	if rs.stale && rs.users == 0 {
		close(rs.reqs)
	}
}

// retire marks the current ruleset replaced; its thread ends now or after
// its last command.
func (c *rulesCache) retire() {
	if c.current == nil {
		return
	}
	c.current.stale = true
	if c.current.users == 0 {
		close(c.current.reqs)
	}
	c.current = nil
}

// newRuleset makes the Landlock rules for paths (none when the kernel has
// no Landlock) and the thread that restricts itself with them and seccomp,
// as strongly as s's level requires. A thread that cannot answers every
// command with why.
func newRuleset(paths Paths, s support.Support) (*ruleset, error) {
	fd := -1
	var flags uint32
	if s.LandlockABI >= support.ABIFiles {
		var err error
		if fd, flags, err = landlock.V7.BestEffort().NewRulesetFD(rules(paths)...); err != nil {
			return nil, fmt.Errorf("landlock rules: %w", err)
		}
	}
	rs := &ruleset{reqs: make(chan startReq)}
	onOwnThread(func() {
		err := restrict(fd, flags, s.Level(), s)
		if fd >= 0 {
			_ = unix.Close(fd)
		}
		for req := range rs.reqs {
			if err != nil {
				req.err <- err
				continue
			}
			req.err <- req.c.Start()
		}
	})
	return rs, nil
}

// privateRoot is the directory every command of this process gets its
// own temporary directory under: granted once in the cached ruleset, so
// a command's directory needs no rule of its own.
type privateRoot struct {
	mu   sync.Mutex
	path string
}

// dir makes a new directory for one command, making the root first when
// there is none (or it was removed: the ruleset naming it is then stale,
// as its stamp says).
func (r *privateRoot) dir() (root, dir string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path != "" {
		if st, err := os.Lstat(r.path); err != nil || !st.IsDir() {
			r.path = ""
		}
	}
	if r.path == "" {
		p, err := os.MkdirTemp("", "macroa-sandbox-")
		if err != nil {
			return "", "", fmt.Errorf("private temporary directory: %w", err)
		}
		r.path = p
	}
	d, err := os.MkdirTemp(r.path, "cmd-")
	if err != nil {
		return "", "", fmt.Errorf("private temporary directory: %w", err)
	}
	return r.path, d, nil
}

// remove deletes the root and everything in it.
func (r *privateRoot) remove() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path != "" {
		os.RemoveAll(r.path)
		r.path = ""
	}
}
