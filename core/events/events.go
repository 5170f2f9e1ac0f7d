// Package events is the core's typed broker. The kernel (and later the
// services) publish what happens; front ends subscribe: the cockpit through
// its single bridge goroutine, `macroa run` and the REPL to print a turn's
// streamed text. Publishing never waits for a subscriber. Each event type
// chooses its delivery: lossy for high-rate events (Token), guaranteed for
// state changes (every other event here).
package events

import (
	"time"

	"github.com/macroa/macroa/tier"
)

// Event is anything published on the bus. Every event names its turn ("" for
// an event that belongs to none), so a front end can drop events of runs it
// no longer shows.
type Event interface {
	Turn() string
}

// RunStarted: a request entered the kernel.
type RunStarted struct {
	TurnID, Input, Source, Session string
	At                             time.Time
}

// RouteDecided: the router chose a skill and tier.
type RouteDecided struct {
	TurnID, Route, Skill string
	Tier                 tier.Tier
}

// PlanCreated: the planner split the request into steps.
type PlanCreated struct {
	TurnID string
	Steps  []string
	Tiers  []tier.Tier
}

// Token: streamed text, coalesced (see Coalescer). It is lossy: a view that
// falls behind misses some; a front end that prints a turn's answer from
// its tokens subscribes with SubscribeOptions.Lossless.
type Token struct {
	TurnID, Text string
	// Command: the text is a command's output as it runs, not a model's
	// answer. The result holds it whole, so a front end that prints the
	// result (the REPL, `macroa run`) skips it.
	Command bool
}

// Delivery: tokens come fast and a later one makes up for a missed view.
func (Token) Delivery() Delivery { return Lossy }

// StreamReset: text streamed so far for the turn is void (a retry or a
// fallback provider starts over); front ends clear it.
type StreamReset struct {
	TurnID, Reason string
}

// Escalated: the answer needed more reasoning and moved up a tier.
type Escalated struct {
	TurnID   string
	From, To tier.Tier
}

// BudgetWarning: spending in a scope crossed 80% of its cap.
type BudgetWarning struct {
	TurnID, Message string
}

// RunCompleted: the run finished (successfully or not).
type RunCompleted struct {
	TurnID, Skill, Error string
	Success              bool
	Tier                 tier.Tier
	Model                string
	Elapsed              time.Duration
}

func (e RunStarted) Turn() string    { return e.TurnID }
func (e RouteDecided) Turn() string  { return e.TurnID }
func (e PlanCreated) Turn() string   { return e.TurnID }
func (e Token) Turn() string         { return e.TurnID }
func (e StreamReset) Turn() string   { return e.TurnID }
func (e Escalated) Turn() string     { return e.TurnID }
func (e BudgetWarning) Turn() string { return e.TurnID }
func (e RunCompleted) Turn() string  { return e.TurnID }

// StorePart names a kind of data in the store that a StoreChanged event
// says may have changed.
type StorePart string

const (
	PartAudit    StorePart = "audit"
	PartSessions StorePart = "sessions"
	PartFacts    StorePart = "facts"
	PartUsage    StorePart = "usage"
)

// StoreChanged: the store changed, by this process or another; panes that
// show one of Parts reload it. It belongs to no turn.
type StoreChanged struct {
	Parts []StorePart
	At    time.Time
}

func (e StoreChanged) Turn() string { return "" }

// Has reports whether p is among the changed parts.
func (e StoreChanged) Has(p StorePart) bool {
	for _, q := range e.Parts {
		if q == p {
			return true
		}
	}
	return false
}

// StoreReplaced: the database file this process opened was removed or
// replaced by another file (a person started over, a backup was restored).
// What this process shows and writes still goes to the old file until it
// is restarted, so front ends say so.
type StoreReplaced struct {
	Path string
	At   time.Time
}

func (e StoreReplaced) Turn() string { return "" }
