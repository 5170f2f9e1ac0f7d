package tuitest

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// Driver sends messages to a model under test and runs the commands it
// returns to completion, feeding their results back to it. Results that
// Keep selects (toasts, copies, messages for another pane) are collected
// instead, for the test to look at.
type Driver struct {
	t       testing.TB
	send    func(tea.Msg) tea.Cmd
	timeout time.Duration
	keep    func(tea.Msg) bool
	kept    []tea.Msg
	// Unhandled counts the key presses the model did not take (only a
	// driver made by ForPane can tell).
	Unhandled int
}

// Option changes a Driver.
type Option func(*Driver)

// WithTimeout bounds each command (DefaultTimeout otherwise).
func WithTimeout(d time.Duration) Option { return func(dr *Driver) { dr.timeout = d } }

// WithKeep collects the results for which keep is true instead of sending
// them back to the model.
func WithKeep(keep func(tea.Msg) bool) Option { return func(dr *Driver) { dr.keep = keep } }

// New drives a model through send, which hands it a message and returns
// its command: a root model's Update, or a pane's (see ForPane).
func New(t testing.TB, send func(tea.Msg) tea.Cmd, opts ...Option) *Driver {
	d := &Driver{t: t, send: send, timeout: DefaultTimeout}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Model is what a root model offers: Bubble Tea's Update.
type Model interface {
	Update(tea.Msg) (tea.Model, tea.Cmd)
}

// ForModel drives a root model: every message goes to its Update.
func ForModel(t testing.TB, m Model, opts ...Option) *Driver {
	return New(t, func(msg tea.Msg) tea.Cmd { _, cmd := m.Update(msg); return cmd }, opts...)
}

// Pane is what a pane offers: keys through HandleKey, every other message
// through Update.
type Pane interface {
	HandleKey(tea.KeyPressMsg) (tea.Cmd, bool)
	Update(tea.Msg) tea.Cmd
}

// ForPane drives a pane: key presses go to HandleKey (the ones it does
// not take are counted in Unhandled), every other message to Update.
func ForPane(t testing.TB, p Pane, opts ...Option) *Driver {
	var d *Driver
	d = New(t, func(msg tea.Msg) tea.Cmd {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			cmd, handled := p.HandleKey(k)
			if !handled {
				d.Unhandled++
			}
			return cmd
		}
		return p.Update(msg)
	}, opts...)
	return d
}

// Send hands msg to the model and runs what it returns to completion.
func (d *Driver) Send(msg tea.Msg) {
	d.t.Helper()
	d.Run(d.send(msg))
}

// Run runs cmd to completion, results going back to the model (or to the
// kept messages).
func (d *Driver) Run(cmd tea.Cmd) {
	d.t.Helper()
	Run(d.t, cmd, d.timeout, func(msg tea.Msg) tea.Cmd {
		if d.keep != nil && d.keep(msg) {
			d.kept = append(d.kept, msg)
			return nil
		}
		return d.send(msg)
	})
}

// Press sends key presses by name (see Key), each run to completion.
func (d *Driver) Press(names ...string) {
	d.t.Helper()
	for _, n := range names {
		k, err := parseKey(n)
		if err != nil {
			d.t.Fatal(err)
		}
		d.Send(k)
	}
}

// Type types text one key press per character (see Typing).
func (d *Driver) Type(text string) {
	d.t.Helper()
	for _, k := range Typing(text) {
		d.Send(k)
	}
}

// Paste sends text as a bracketed paste.
func (d *Driver) Paste(text string) {
	d.t.Helper()
	d.Send(tea.PasteMsg{Content: text})
}

// Kept returns the messages collected since the last call and forgets
// them.
func (d *Driver) Kept() []tea.Msg {
	out := d.kept
	d.kept = nil
	return out
}
