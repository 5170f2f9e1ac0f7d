package kit

// ListBindings are the movement and detail keys every list shares; a pane
// appends its own actions after them.
func ListBindings() []Binding {
	return []Binding{
		NewBinding("up", "up", "up", "k"),
		NewBinding("down", "down", "down", "j"),
		NewBinding("pageup", "page up", "pgup"),
		NewBinding("pagedown", "page down", "pgdown"),
		NewBinding("top", "first", "g", "home"),
		NewBinding("bottom", "last", "G", "end"),
	}
}

// List is the controller every list pane uses: a cursor over the rows, the
// page size of the last draw, whether the selection follows the last row
// (a tail), and a detail view of the selected row. It holds no rows: the
// pane says how many there are, so filtering stays the pane's business.
type List struct {
	Cursor
	// Page is how many rows the last View showed, for page up/down.
	Page int
	// Follow keeps the selection on the last row as rows arrive; moving
	// away from the end stops it, moving back to the end resumes it.
	Follow bool
	// Detail is whether the detail view of the selected row is open, and
	// DetailTop its first line shown.
	Detail    bool
	DetailTop int
}

// step is how far page up/down moves: a page, keeping one row of context.
func (l *List) step() int { return max(1, l.Page-1) }

// Move applies a movement key (up, down, pageup, pagedown, top, bottom as
// bound in keys) to a list of n rows; it reports whether k was one.
func (l *List) Move(keys []Binding, k string, n int) bool {
	var delta int
	switch {
	case Matches(keys, "up", k):
		delta = -1
	case Matches(keys, "down", k):
		delta = 1
	case Matches(keys, "pageup", k):
		delta = -l.step()
	case Matches(keys, "pagedown", k):
		delta = l.step()
	case Matches(keys, "top", k):
		delta = -n
	case Matches(keys, "bottom", k):
		delta = n
	default:
		return false
	}
	l.Cursor.Move(delta, n)
	l.Follow = l.AtEnd(n)
	return true
}

// OpenDetail opens the detail view when a list of n rows has a selection.
func (l *List) OpenDetail(n int) bool {
	if n == 0 {
		return false
	}
	l.Detail, l.DetailTop = true, 0
	return true
}

// DetailKey scrolls the open detail view with the movement keys and closes
// it on esc or the "detail" action; it reports whether k was one of them.
// View clamps DetailTop with ClampDetail.
func (l *List) DetailKey(keys []Binding, k string) bool {
	switch {
	case k == "esc" || Matches(keys, "detail", k):
		l.Detail = false
	case Matches(keys, "up", k):
		l.DetailTop = max(0, l.DetailTop-1)
	case Matches(keys, "down", k):
		l.DetailTop++
	case Matches(keys, "pageup", k):
		l.DetailTop = max(0, l.DetailTop-l.step())
	case Matches(keys, "pagedown", k):
		l.DetailTop += l.step()
	case Matches(keys, "top", k):
		l.DetailTop = 0
	case Matches(keys, "bottom", k):
		l.DetailTop = 1 << 30
	default:
		return false
	}
	return true
}

// ClampDetail keeps the detail view's first line inside lines lines shown
// rows at a time, and takes rows as the page size.
func (l *List) ClampDetail(lines, rows int) {
	l.DetailTop = max(0, min(l.DetailTop, lines-rows))
	l.Page = max(1, rows)
}
