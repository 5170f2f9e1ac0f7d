// Package kit is what the cockpit's panes are built from: the Pane
// interface and a Base that panes embed (id, title, keys, size, focus),
// key bindings with a Dangerous flag and the one ReadOnly filter that
// strips them, the List controller every list uses (movement, paging,
// the text filter, detail view; Copy puts a row on the clipboard), the
// cell helpers that draw rows, untrusted text made safe to draw
// (SafeLine, SafeBlock), footer lines of key hints that fit any width
// (FitHints), the styles, and the messages panes send each other and the
// root.
//
// kit imports no pane and nothing of ui/tui, so every pane package can
// import it; ui/tui re-exports the names the root and old callers use.
package kit
