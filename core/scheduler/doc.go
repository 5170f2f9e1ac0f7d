// Package scheduler keeps Macroa's scheduled tasks and fires them: every
// front end's operations on the task table (add, list, find, pause,
// delete, run now, history), and the runner.
//
// # One runner, each run once
//
// Tasks live in SQLite. Any number of processes may have the scheduler
// open (the daemon, cockpits, CLI commands), but only the one holding the
// "scheduler" lease row runs due tasks. It renews the lease every
// RenewEvery; a holder that stops renewing loses it when it expires, and
// one that died on this machine (its pid and start time gone) loses it at
// once. A due run is claimed before it starts: one write transaction moves
// the task to its next due time, but only while the task still names the
// due time read and the claimer still holds the lease, and records the run
// (state running). Of two processes racing, one records the run and the
// other's claim changes nothing, so a run starts once.
//
// A process killed mid-run leaves its run "running" with its runner's
// identity; the lease holder (at each renewal) and every process's Start
// mark such runs interrupted. They are never run again.
//
// # No polling
//
// The runner sleeps on a timer until the next due time or the next lease
// renewal, whichever is sooner, and is woken early when the tasks change:
// by this process's own writes, and by other processes' through the
// store watcher's StoreChanged{schedules}. A process that does not hold
// the lease sleeps until the lease expires, or until its holder exits
// (watched where the platform can, with a pidfd), or the lease is released.
//
// # What a run does
//
// A request task runs its command through the kernel (Options.Run) with
// source scheduler, at batch priority; what needs approval goes to the
// approval queue and the run waits (state waiting) for the answer. A
// reminder task never runs anything: it publishes TaskFired with its
// text, writes an audit entry and sends it to the notification channels.
//
// # Missed runs
//
// When a task is due, its newest due time runs unless it is more than
// MissedGrace late; every earlier due time it passed was missed (no
// process ran the scheduler then), and the newest too when it is late.
// The task's policy decides: once (the default) runs it once
// for all of them, skip records them as skipped, all runs each, oldest
// first, up to the task's cap. Then the task moves to its first due time
// after now; an every: task keeps its phase.
package scheduler
