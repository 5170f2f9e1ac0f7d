// Package tui is Macroa's full-screen cockpit on Bubble Tea v2.
//
// One root model (App) owns the panes, the layout, the global keys, the
// cheat sheet and the status bar. Each pane is a kit.Pane with its own
// keymap; the registry (registry.go) lists them in order, and focus keys
// (alt+1…9, plain digits while the focused pane takes no text), the cheat
// sheet, the side tabs and the status bar counts are generated from it.
// The panes live under panes/: chat (always on screen), sessions, audit,
// approvals, scheduler, hosts.
// Rules: no I/O inside Update (work happens in tea.Cmds, which call the
// small service interface each pane declares), async results carry a
// sequence number and stale ones are dropped, panes reload when a
// StoreChanged core event names their part (never on a timer of their
// own), and core events arrive as CoreEventMsg through one bridge
// goroutine (see Bridge): nothing else calls Program.Send.
//
// # How to add a pane
//
//  1. Make a package ui/tui/panes/<name>. Declare there the service the
//     pane needs as a small interface of methods that take a context and
//     plain data (a subset of core/app's facade, so a remote client could
//     serve it too), and nothing more.
//  2. Write `type Pane struct{ kit.Base; ... }` and
//     `func New(svc Service, st kit.Styles, keys map[string][]string) *Pane`
//     that calls kit.NewBase(id, title, bindings(), keys). Base gives ID,
//     Title, Keys, SetKeys, Capturing, Init and Badge; write HandleKey,
//     Update and View (View fills exactly the size it is given). Mark a
//     binding that changes state with .Danger(), so a read-only cockpit
//     drops it (macroa tui --read-only). A list uses kit.List for
//     movement, paging, the text filter and the detail view, and
//     kit.Cell/Fit/Block to draw rows.
//  3. Load in Init; reload in Update when kit.StoreChanged(msg, part) says
//     your part changed, and after your own actions. Keep a sequence
//     number on every query and drop stale answers. Implement Quiet for
//     answers that change nothing shown, and Badge for a short count.
//  4. Test the package on its own, all through ui/tui/tuitest: the
//     service is core/app over a real store (tuitest.NewWorld), then key
//     presses by name, typing, commands run to completion, goldens and
//     styles; go test ./ui/tui/... -update rewrites the goldens.
//  5. Add one line to registry.go:
//     `func(o Options) Pane { return name.New(o.Name, o.Styles, o.Keys["name"]) }`,
//     and, when the pane needs a service no pane used before, a field of
//     that type in Options, which cmd/macroa/tui.go fills from core/app.
package tui
