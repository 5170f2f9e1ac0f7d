// Package tuitest drives cockpit models in tests: key presses parsed from
// their names, typing and pasting, the commands a model returns run to
// completion with their results fed back (batches and sequences opened,
// each command bounded by a timeout), golden views (ANSI stripped, rewritten
// with -update), screens checked to fill their size, the toasts a pane
// sent, and the theme's styles.
//
// Tests of the root model and of every pane use it, so a key is written
// the way the keymap names it ("ctrl+c", "alt+1", "shift+tab") and means
// the same press everywhere.
package tuitest
