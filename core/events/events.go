// Package events is the core's typed event bus. The kernel publishes what
// happens during a run; front ends subscribe (the TUI through its single
// bridge goroutine, the HTTP API as SSE, `macroa run` to stream tokens).
// Publishing never blocks the kernel on a slow subscriber.
package events

import (
	"time"

	"github.com/macroa/macroa/tier"
)

// Event is anything published on the bus. Every event names its turn, so a
// front end can drop events of runs it no longer shows.
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

// Token: streamed answer text, coalesced (see Coalescer).
type Token struct {
	TurnID, Text string
}

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
