package hosts

import "sync"

// sshOutputs are a remote command's two streams. The SSH library writes
// them from its own goroutines, which may outlive a session abandoned
// after a timeout: every write is under one lock, and finish shuts both,
// so nothing is handed on, or read, after Stream returns.
type sshOutputs struct {
	mu             sync.Mutex
	shut           bool
	out, err       *capture
	stdout, stderr *guarded
}

type guarded struct {
	o *sshOutputs
	c *capture
}

func (g *guarded) Write(p []byte) (int, error) {
	g.o.mu.Lock()
	defer g.o.mu.Unlock()
	if g.o.shut {
		return len(p), nil
	}
	return g.c.Write(p)
}

func newOutputs(limit int, onLine func(Line)) *sshOutputs {
	o := &sshOutputs{out: &capture{limit: limit}, err: &capture{limit: limit}}
	if onLine != nil {
		var mu sync.Mutex
		o.out.lines = &lineFeed{mu: &mu, stream: Stdout, on: onLine, limit: limit}
		o.err.lines = &lineFeed{mu: &mu, stream: Stderr, on: onLine, limit: limit}
	}
	o.stdout, o.stderr = &guarded{o, o.out}, &guarded{o, o.err}
	return o
}

// finish shuts the streams, hands on the last lines without a newline
// and returns the output as Output holds it.
func (o *sshOutputs) finish() (stdout, stderr string, truncated bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.shut = true
	if o.out.lines != nil {
		o.out.lines.flush()
		o.err.lines.flush()
	}
	stdout, t1 := o.out.text()
	stderr, t2 := o.err.text()
	return stdout, stderr, t1 || t2
}
