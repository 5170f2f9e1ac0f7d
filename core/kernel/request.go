// Package kernel serves requests: it routes each one to the cheapest thing
// that can answer it, runs the skill, keeps the session's context and writes
// an audit entry for every outcome (and one per tool call of an agent).
package kernel

import (
	"fmt"
	"github.com/macroa/macroa/core/approvals"
	"time"

	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// Source says which front end a request came from.
type Source string

const (
	SourceCLI       Source = "cli"
	SourceREPL      Source = "repl"
	SourceTUI       Source = "tui"
	SourceHTTP      Source = "http"
	SourceScheduler Source = "scheduler"
	SourceAutonomy  Source = "autonomy"
)

// Request is one thing a person (or the scheduler) asked for.
type Request struct {
	// TurnID, when set, names the turn (a front end matching streamed
	// events to what it shows picks it first); else one is made.
	TurnID  store.TurnID
	Input   string
	Session string // a session name; "" runs without a stored session
	Source  Source
	// Ask hands what a model proposed and the gate does not let through by
	// itself to the approval queue (core/approvals), as a typed action;
	// nil refuses all of it (nobody could be asked). The front end chooses
	// how it asks: the cockpit and the REPL wait for the answer, macroa
	// run queues and returns.
	Ask approvals.AskFunc
}

// Result is everything a front end may show about a finished run.
type Result struct {
	TurnID                         store.TurnID
	Output                         string
	Success                        bool
	Error                          string // one sentence; "" on success
	ExitCode                       int    // of a shell command
	Route                          router.Route
	Skill                          skills.Name
	Tier                           tier.Tier
	Model                          string // "" when no model was called
	Session                        string
	LLMCalls                       int
	Tokens                         int64 // prompt + completion
	PromptTokens, CompletionTokens int64
	CostUSD                        float64
	Elapsed                        time.Duration
	Providers                      []string // every provider tried, in order
	PlanSteps                      int
	Warnings                       []string // budget warnings raised during the run
	Streamed                       bool     // the answer already went out as the turn's Token events
	// Cancelled is set when a cancel (ctrl+c, esc) cut a model's answer
	// short: Output holds the part that had arrived, without any marker,
	// and Error says it was cancelled. Transcript adds the marker a
	// person sees.
	Cancelled bool
	// Action is what actually ran (the command, the path, the parameters),
	// ChosenBy who chose it; Refused is set when a model proposed it and
	// nobody approved it, so nothing ran.
	Action   string
	ChosenBy Chooser
	// Sandbox names the confinement a command a model chose ran under
	// unasked (full, partial, none, off); "" when no such command ran.
	Sandbox string
	Refused bool

	// AuditErr is set when the run succeeded or failed normally but its
	// audit entry could not be written.
	AuditErr error
	// unrecorded: nothing ran because the audit log could not be written,
	// and Error says so; the outcome's own failed write is not told twice.
	unrecorded bool
}

// CancelledMarker is the line shown after a cancelled answer.
const CancelledMarker = "[cancelled]"

// Transcript is the answer as it is printed whole, kept in a session's
// history and given by --json: Output, followed on a line of its own by
// CancelledMarker when the answer was cancelled.
func (r Result) Transcript() string {
	if !r.Cancelled {
		return r.Output
	}
	if r.Output == "" {
		return CancelledMarker
	}
	return r.Output + "\n" + CancelledMarker
}

// DebugLine summarises how the result was reached, for --debug and the
// REPL's debug mode.
func (r Result) DebugLine() string {
	model := r.Model
	if model == "" {
		model = "-"
	}
	return fmt.Sprintf("route=%s skill=%s tier=%s model=%s llm_calls=%d tokens=%d cost=$%.5f elapsed=%s turn=%.8s",
		r.Route, r.Skill, r.Tier, model, r.LLMCalls, r.Tokens, r.CostUSD, r.Elapsed.Round(10*time.Microsecond), r.TurnID)
}
