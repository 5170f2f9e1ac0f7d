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
//
// The executor runs on this machine only for now (an action for another
// host fails, saying there is no transport to it yet): a program through
// hosts.Local, its lines published as events.ApprovalOutput as they are
// printed, cleaned and redacted, then the action's check, which fails the
// action when it does not hold; the memory kinds through MemoryWriter; a
// file write done by Macroa itself, never through a symbolic or hard
// link, with the diff shown when it is proposed, a backup kept (and named
// in the entry's Undo) before anything is written, and a rollback when
// the write or its check fails.
//
// A process names itself as an entry's runner when it approves it
// (Runner: host, pid and start time), so Recover can tell an entry whose
// process died (Alive) and mark it interrupted: it is never run again by
// itself.
package approvals
