// Package app is Macroa's composition root and the facade front ends call.
//
// An *App builds only what a command needs, on first use: New reads
// nothing, Config loads the configuration, Open makes sure the data dir
// exists and opens the store, Kernel builds the kernel, and the kernel
// builds the model layer on the first request that needs a model. So
// `--help` and shell completion touch no disk, a memory lookup opens no
// model layer, and themes and the cockpit are the cockpit's business
// (cmd/macroa), never loaded here.
//
// The App owns:
//
//   - the event broker (broker.go, the only file that knows its API):
//     Subscribe(ctx) for a front end, publish for the App's own parts;
//   - the services, each a small value over the store: SessionService,
//     MemoryService, AuditService and UsageService. Logic two front ends
//     share lives in a service (or in store, when it is one transaction),
//     never in a front end;
//   - the approval queue (approvals.go): core/approvals' Service, built
//     on first use from [policy], the store, the broker, this machine's
//     hosts and the memory service; Start recovers what a dead process
//     left and starts its expiry timer, Shutdown stops it (runs in flight
//     record their outcome) before the store closes;
//   - the hosts (hosts.go): Hosts() is core/fleet's Service with the
//     inventory (hosts_inventory.go: [[hosts]] resolved through
//     ~/.ssh/config, this machine first, read again when config.toml
//     changes; the targets of each [[prometheus]] source as hosts of its
//     group, one read of the whole source an interval serving them all:
//     hosts_prom.go) and one pool of transports, host keys checked against
//     ~/.ssh/known_hosts and the data dir's known_hosts (ScanKey, Trust);
//     Start polls them when SetRole named the process the daemon or a
//     cockpit (whichever holds the hosts lease), Shutdown stops the
//     poller and closes the pool's connections before the store closes;
//     alerts go to the notification channels (notify_hosts.go);
//   - the facade (facade.go): the methods the cockpit's panes declare in
//     their small interfaces, with Run and Subscribe;
//   - runs in flight: Run ends when its context or the App's base context
//     ends (Start's context, e.g. the cockpit's SIGHUP), and Shutdown
//     waits for runs to save;
//   - the store watcher (watcher.go), started by Start: one per process,
//     it publishes events.StoreChanged naming the parts that changed,
//     whoever wrote them. It looks when the store's files are written
//     (inotify, wake_linux.go), so an idle process does not wake for it,
//     and polls every WatchEvery where it cannot be told.
//
// Lifecycle: New, then any method; Start(ctx) for a long-running front end
// (the cockpit, the daemon); Shutdown(ctx) at the end, which cancels
// runs, waits for them until ctx ends, stops the watcher, closes the
// broker and the store, and adds no fixed wait.
//
// # Adding a service
//
//  1. Add the typed queries it needs to store/ (the only package that
//     writes SQL), with their tests on a real database.
//  2. Add a file here, say sessions.go, with a value type holding the App
//     (type SessionService struct{ a *App }), an accessor
//     (func (a *App) SessionService() SessionService) and one method per
//     operation; each takes a context and gets the store from a.store(ctx),
//     which opens it on first use. Return the store's errors as they are:
//     front ends add the sentence a person reads. A service with logic
//     and background work of its own lives in its own package under core/
//     (core/approvals, core/scheduler) and is built here on first use
//     (approvals.go, schedules.go).
//  3. Anything it must build lazily (a client, a pool) is built on the
//     first call that needs it, under a.mu, never in New.
//  4. Background work starts in Start and stops in Shutdown, before the
//     store closes; it takes a.base so it ends with the App.
//  5. State changes other processes make reach front ends through the
//     watcher: when the service writes a new table, add its counter to
//     store.ChangeMarks, an events.StorePart for it, and a line in
//     changedParts.
//  6. When a pane needs it, add a facade method with the signature the
//     pane's interface declares, handing over to the service.
//  7. Test it in core/app with a real store (see app_test.go).
package app
