package tuitest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// DefaultTimeout bounds one command when no other timeout is given.
const DefaultTimeout = 5 * time.Second

// maxSteps is how many commands one Run may take before it is called a
// loop: a model that answers every result with another command.
const maxSteps = 10000

// sequenceType is the type of the message tea.Sequence's command returns;
// Bubble Tea does not export it.
var sequenceType = sync.OnceValue(func() reflect.Type {
	nop := func() tea.Msg { return nil }
	return reflect.TypeOf(tea.Sequence(nop, nop)())
})

// cmdsType is []tea.Cmd, the underlying type of a sequence.
var cmdsType = reflect.TypeFor[[]tea.Cmd]()

// Run runs cmd the way the Bubble Tea runtime would and hands every
// message it produces to handle, whose returned command runs next: a
// batch's commands each run, a sequence's run in order (each one's result
// handled before the next starts), and nil is nothing. Each command runs
// in its own goroutine and must return within timeout (0: DefaultTimeout),
// so a tick that should not have been scheduled fails the test instead of
// hanging it. Tests use it to take real I/O commands to completion without
// a clock.
func Run(t testing.TB, cmd tea.Cmd, timeout time.Duration, handle func(tea.Msg) tea.Cmd) {
	t.Helper()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	r := runner{t: t, timeout: timeout, handle: handle}
	r.queue = append(r.queue, cmd)
	for len(r.queue) > 0 {
		next := r.queue[0]
		r.queue = r.queue[1:]
		r.exec(next)
	}
}

type runner struct {
	t       testing.TB
	timeout time.Duration
	handle  func(tea.Msg) tea.Cmd
	queue   []tea.Cmd
	steps   int
}

// exec runs one command and deals with its message: batches and sequences
// are opened at once, anything else goes to handle and what handle returns
// is queued.
func (r *runner) exec(cmd tea.Cmd) {
	r.t.Helper()
	if cmd == nil {
		return
	}
	if r.steps++; r.steps > maxSteps {
		r.t.Fatalf("tuitest: commands never settle (%d run)", maxSteps)
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(r.timeout):
		r.t.Fatalf("tuitest: a command did not return within %v (a tick that should not have been run?)", r.timeout)
	}
	if msg == nil {
		return
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			r.exec(c)
		}
		return
	}
	if reflect.TypeOf(msg) == sequenceType() {
		for _, c := range reflect.ValueOf(msg).Convert(cmdsType).Interface().([]tea.Cmd) {
			r.exec(c)
		}
		return
	}
	r.queue = append(r.queue, r.handle(msg))
}
