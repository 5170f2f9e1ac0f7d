package events

import (
	"strings"
	"sync"
	"time"
)

// DefaultCoalesce is how long streamed text is gathered before it is
// published: often enough to look live, rarely enough that a fast model
// does not flood a terminal with redraws.
const DefaultCoalesce = 30 * time.Millisecond

// Coalescer gathers a turn's streamed text and publishes it as Token events
// at most once per interval. Add and Reset may be called from any goroutine.
type Coalescer struct {
	bus      *Bus
	turn     string
	interval time.Duration
	// Command marks the tokens as a command's output (Token.Command); set
	// it before the first Add.
	Command bool

	mu    sync.Mutex
	buf   strings.Builder
	timer *time.Timer
}

// NewCoalescer returns a coalescer publishing tokens for turn on bus.
func NewCoalescer(bus *Bus, turn string, interval time.Duration) *Coalescer {
	if interval <= 0 {
		interval = DefaultCoalesce
	}
	return &Coalescer{bus: bus, turn: turn, interval: interval}
}

// Add queues text; the first text after a flush starts the interval.
func (c *Coalescer) Add(text string) {
	if text == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.WriteString(text)
	if c.timer == nil {
		c.timer = time.AfterFunc(c.interval, c.Flush)
	}
}

// Flush publishes what is queued now.
func (c *Coalescer) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if c.buf.Len() == 0 {
		return
	}
	c.bus.Publish(Token{TurnID: c.turn, Text: c.buf.String(), Command: c.Command})
	c.buf.Reset()
}

// Reset drops queued text and tells subscribers to clear what they showed.
func (c *Coalescer) Reset(reason string) {
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.buf.Reset()
	c.mu.Unlock()
	c.bus.Publish(StreamReset{TurnID: c.turn, Reason: reason})
}
