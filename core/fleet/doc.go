// Package fleet watches the hosts: it probes each one on its interval,
// keeps its status and history in the store, and raises and clears
// alerts by the rules in rules.go.
//
// # One poller
//
// Any number of processes may have the fleet open (the daemon, cockpits,
// CLI commands); only the one holding the "hosts" lease probes hosts on
// their intervals, exactly as core/scheduler's runner holds its lease:
// renewed every RenewEvery, taken over when it expires or its holder has
// ended, and taken from a cockpit by the daemon. Every other process reads
// the status the holder wrote, and a host whose last probe is older than
// two intervals and the timeout while no poller runs reads as stale.
//
// # One probe of a host at a time
//
// Each host has its own goroutine and interval. A probe is bounded by
// [monitor] timeout; while a host does not answer its interval doubles,
// up to MaxBackoffIntervals intervals and MaxBackoff, and resets at the
// first answer; its status says when the next try is. A host whose key is
// unknown (untrusted) or changed (refused) is not probed again until a
// person acted: ProbeNow asks, or the known keys change (KeyStamp). ProbeNow probes at once, with or
// without the lease; a probe of the host already under way is joined,
// never run twice.
//
// # What a probe writes
//
// One transaction per probe: the status (its state, why, the snapshot of
// the last answer), one sample of the headline numbers, and each alert
// that fires or clears with its audit entry. Each transition is
// published (events.HostAlert), and so is each probe (events.HostProbed);
// core/app turns the alerts into notifications. Only the lease holder
// fires and clears alerts: a ProbeNow elsewhere writes the status and the
// sample only. Alerts still firing on a host the inventory no longer
// lists are cleared by the holder at its next lease renewal (a
// Prometheus target's after a grace: its source lists it only once it
// answered), and Alerts no longer shows them firing meanwhile. History is pruned as probes are
// written: samples older than [monitor] history or over MaxSamples a
// host, resolved alerts after AlertHistory.
package fleet
