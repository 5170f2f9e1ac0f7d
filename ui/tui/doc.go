// Package tui is Macroa's full-screen cockpit on Bubble Tea v2.
//
// One root model (App) owns the panes; each pane is a plain struct behind
// the Pane interface, with its own keymap, so adding a pane is a local
// change. Rules: no I/O inside Update (work happens in tea.Cmds, which talk
// to the Backend), async results carry a sequence number and stale ones are
// dropped, and core events arrive as messages through one bridge goroutine
// (see Bridge) — nothing else calls Program.Send.
package tui
