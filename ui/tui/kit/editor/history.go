package editor

// History is the list of sent inputs that up and down walk through,
// like a shell's.
type History struct {
	items []string
	pos   int    // len(items): not walking, the draft is shown
	draft string // what was typed before walking started
}

// HistoryMax is how many inputs are kept.
const HistoryMax = 1000

// Add records a sent input (not twice in a row) and stops walking.
func (h *History) Add(s string) {
	if n := len(h.items); n == 0 || h.items[n-1] != s {
		h.items = append(h.items, s)
		if len(h.items) > HistoryMax {
			h.items = h.items[len(h.items)-HistoryMax:]
		}
	}
	h.Reset()
}

// Reset stops walking.
func (h *History) Reset() { h.pos = len(h.items); h.draft = "" }

// Prev returns the input before the shown one; cur (the draft) is kept
// when walking starts. false: there is none.
func (h *History) Prev(cur string) (string, bool) {
	if h.pos == 0 {
		return "", false
	}
	if h.pos >= len(h.items) {
		h.pos, h.draft = len(h.items), cur
	}
	h.pos--
	return h.items[h.pos], true
}

// Next returns the input after the shown one, and the draft after the
// newest. false: not walking.
func (h *History) Next() (string, bool) {
	if h.pos >= len(h.items) {
		return "", false
	}
	h.pos++
	if h.pos == len(h.items) {
		d := h.draft
		h.draft = ""
		return d, true
	}
	return h.items[h.pos], true
}
