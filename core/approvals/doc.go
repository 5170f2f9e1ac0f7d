// Package approvals is the approval queue and the executor behind the one
// gate: every proposer (the agent, the classifier path, later the autonomy
// loop, the scheduler and MCP tools) hands a typed action to Service.Ask;
// the gate (core/policy) decides run, ask or deny; what runs is carried out
// by the executor through hosts, and what asks waits in the queue, a state
// machine kept in SQLite, for a person to approve or reject.
//
// The first answer wins across processes; an action runs at most once,
// even across a crash (an entry left approved or running by a process that
// died becomes interrupted, never re-run); identical pending proposals are
// merged; pending ones expire; every transition writes an audit entry that
// names who decided and from where.
package approvals
