package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/macroa/macroa/sandbox/support"
)

// Mode is config.toml's `sandbox`: what an unasked command gets when the
// kernel cannot confine it fully.
type Mode string

const (
	ModeRequired   Mode = "required"    // less than full: it asks a person instead
	ModeBestEffort Mode = "best-effort" // the strongest the kernel gives, said once
	ModeOff        Mode = "off"         // the person's choice: run as a typed command runs
)

// Box confines the commands a model runs unasked on this machine. One Box
// serves every command of a process: it holds the mode, what the kernel
// offers and whose home it is; each Start builds its own allow-list.
type Box struct {
	mode    Mode
	support support.Support
	home    string
	secrets []string
}

// New is the Box for mode on this kernel (support.Detect), for a command
// run as the owner of home, with secrets the paths config.toml adds to
// the credentials secretpath knows. An unknown mode is best-effort.
func New(mode Mode, home string, secrets []string) *Box {
	return newBox(mode, support.Detect(), home, secrets)
}

// NewWithSupport is New on a kernel that offers s, for tests that need a
// kernel this machine is not (an older Landlock, none at all). A Box
// whose s claims more than the kernel has fails to start its commands.
func NewWithSupport(mode Mode, s support.Support, home string, secrets []string) *Box {
	return newBox(mode, s, home, secrets)
}

func newBox(mode Mode, s support.Support, home string, secrets []string) *Box {
	switch mode {
	case ModeRequired, ModeBestEffort, ModeOff:
	default:
		mode = ModeBestEffort
	}
	if home != "" {
		home = filepath.Clean(home)
	}
	return &Box{mode: mode, support: s, home: home, secrets: cleanAll(secrets)}
}

// defaults serve code that was given no Box (a test's Agent, a tool
// built alone): best-effort, one per home, never unconfined.
var (
	defaultsMu sync.Mutex
	defaults   = map[string]*Box{}
)

// Default is the Box for a caller that was given none: best-effort, for
// the home $HOME names now, with the credentials secretpath knows.
func Default() *Box {
	home, _ := os.UserHomeDir()
	defaultsMu.Lock()
	defer defaultsMu.Unlock()
	b, ok := defaults[home]
	if !ok {
		b = New(ModeBestEffort, home, nil)
		defaults[home] = b
	}
	return b
}

// Label names what an unasked command runs under, for its audit entry:
// full, partial or none (what the kernel gives), or off (the person's
// choice).
func (b *Box) Label() string {
	if b.mode == ModeOff {
		return string(ModeOff)
	}
	return string(b.support.Level())
}

// Mode is the box's mode.
func (b *Box) Mode() Mode { return b.mode }

// Refusal says why an unasked command may not run here and must ask a
// person instead: the mode is required and the kernel cannot confine
// fully. "" when it may run.
func (b *Box) Refusal() string {
	if b.mode != ModeRequired || b.support.Level() == support.LevelFull {
		return ""
	}
	return "sandbox = \"required\" and this kernel cannot confine a command fully (" + b.support.Describe() + ")"
}

// Notice is the one line a person is told once when unasked commands run
// with less than full confinement (best-effort on a kernel that cannot,
// or off); "" when there is nothing to say.
func (b *Box) Notice() string {
	switch {
	case b.mode == ModeOff:
		return "sandbox off: a model's read-only commands run unconfined (sandbox = \"off\" in config.toml)"
	case b.mode == ModeBestEffort && b.support.Level() != support.LevelFull:
		return "sandbox " + b.support.Describe()
	}
	return ""
}

// Applies says in a few words what a model's unasked commands get here:
// "confined (full)", "confined (partial, best effort)", "unconfined
// (none, best effort)", "ask first (required: ...)" or "unconfined (off)".
func (b *Box) Applies() string {
	switch {
	case b.mode == ModeOff:
		return "unconfined (off)"
	case b.Refusal() != "":
		return "ask first (required; this kernel gives " + string(b.support.Level()) + ")"
	case b.support.Level() == support.LevelFull:
		return "confined (full)"
	case b.support.Level() == support.LevelNone:
		return "unconfined (none, best effort)"
	}
	return "confined (partial, best effort)"
}

// Describe is what the box gives, for `macroa config` and the answers.
func (b *Box) Describe() string {
	if b.mode == ModeOff {
		return "off (sandbox = \"off\" in config.toml)"
	}
	return b.support.Describe()
}

// Start starts c confined: c.Env holds only the extra variables the
// caller wants (git's overrides); the command gets those, PATH, HOME,
// TMPDIR, LANG and TERM, nothing else of this process. Its private
// temporary directory and the thread that started it live until release,
// which the caller calls once c has been waited for; release also kills
// whatever the command left running in its process group. With mode off
// it starts c as is, with this process's environment.
func (b *Box) Start(c *exec.Cmd) (release func(), err error) {
	if b.mode == ModeOff {
		c.Env = append(os.Environ(), c.Env...)
		return func() {}, c.Start()
	}
	if b.Refusal() != "" {
		// The gate asks first; this is the last line of defence.
		return nil, fmt.Errorf("sandbox: %s", b.Refusal())
	}
	tmp, err := os.MkdirTemp("", "macroa-sandbox-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: private temporary directory: %w", err)
	}
	c.Env = append(c.Env, childEnvironment(b.home, tmp)...)
	rulesetFD := -1
	if b.support.LandlockABI >= support.ABIFiles {
		workDir := readableWorkDir(c.Dir, b.home)
		key := b.home + "\x00" + workDir + "\x00" + strings.Join(b.secrets, "\x00")
		rulesetFD, err = openedLists.ruleset(key, b.support.LandlockABI, func() Paths {
			var read []string
			if workDir != "" {
				read = []string{workDir}
			}
			return AllowList(b.home, "", b.secrets, read)
		}, []string{tmp})
		if err != nil {
			os.RemoveAll(tmp)
			return nil, fmt.Errorf("sandbox: %w", err)
		}
	}
	started := make(chan error, 1)
	done, ended := make(chan struct{}), make(chan struct{})
	onOwnThread(func() {
		// This thread restricts itself and forks the command, which
		// inherits its Landlock domain and seccomp filter: a domain of
		// its own, which no other command shares. It is never unlocked,
		// so the runtime ends it with this goroutine and no other
		// goroutine ever runs confined. It lives while the command runs
		// (the kernel sends the command's parent-death signal when the
		// thread that started it ends) and then ends whatever the
		// command left running.
		defer close(ended)
		err := restrict(rulesetFD, b.support.Level(), b.support)
		if rulesetFD >= 0 {
			_ = unix.Close(rulesetFD)
		}
		if err == nil {
			err = c.Start()
		}
		started <- err
		if err != nil {
			return
		}
		<-done
		endLeftovers(c, b.support)
	})
	if err := <-started; err != nil {
		<-ended
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return func() {
		close(done)
		<-ended
		os.RemoveAll(tmp)
	}, nil
}

// readableWorkDir is the working directory when the command may read it
// whole (walked like $HOME, less credentials); "" for the root directory
// or a top-level one, whose walk would grant most of the machine, for the
// kernel's views (/proc, /sys, /dev), and for the home, a directory in it
// or one above it, which the home's own walk covers.
func readableWorkDir(dir, home string) string {
	if dir == "" || !filepath.IsAbs(dir) {
		return ""
	}
	dir = filepath.Clean(dir)
	if home != "" && (within(dir, home) || within(home, dir)) {
		// The home walk judges it entry by entry already; walked again
		// here, its directories would be granted whole.
		return ""
	}
	if strings.Count(dir, "/") < 2 {
		return ""
	}
	for _, p := range []string{"/proc/", "/sys/", "/dev/", "/run/"} {
		if strings.HasPrefix(dir+"/", p) {
			return ""
		}
	}
	return dir
}

// childEnvironment is all the command sees of an environment besides the
// caller's extras: no key, token or socket of this process.
func childEnvironment(home, tmp string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + tmp}
	for _, k := range []string{"LANG", "LC_ALL", "TERM"} {
		if v, ok := os.LookupEnv(k); ok && !strings.ContainsRune(v, 0) {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// onOwnThread runs fn in a new goroutine locked to an OS thread that is
// not the process's main thread, and never unlocked, so the thread ends
// with fn. The main thread is the process as other processes see it
// (/proc/PID): were it confined, the command could read this process's
// environment as its own domain's, and the runtime never ends it.
func onOwnThread(fn func()) {
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			fn()
			return
		}
		// Hold the main thread until fn's goroutine has a thread of its
		// own: it cannot be this one.
		locked := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(locked)
			fn()
		}()
		<-locked
		runtime.UnlockOSThread()
	}()
}

// within says p is dir or lies beneath it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
