package kit

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// ListBindings are the movement and text filter keys every list shares; a
// pane appends its own actions after them.
func ListBindings() []Binding {
	return []Binding{
		NewBinding("up", "up", "up", "k"),
		NewBinding("down", "down", "down", "j"),
		NewBinding("pageup", "page up", "pgup"),
		NewBinding("pagedown", "page down", "pgdown"),
		NewBinding("top", "first", "g", "home"),
		NewBinding("bottom", "last", "G", "end"),
		NewBinding("search", "filter the rows by text (enter keeps it, esc clears it)", "/"),
	}
}

// List is the controller every list pane uses: a cursor over the rows, the
// page size of the last draw, whether the selection follows the last row
// (a tail), a detail view of the selected row, and a text filter. It holds
// no rows: the pane says how many there are and asks Match which pass the
// filter, keeping its own selection on the same item when they change.
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
	// Filtering is whether the text filter is being typed (the pane then
	// takes text: see Capturing); query is its text and lower the same,
	// lower-cased, for Match.
	Filtering bool
	query     filter.Input
	lower     string
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

// filterLimit is the most runes a text filter takes.
const filterLimit = 200

// Query is the text filter ("" for none).
func (l *List) Query() string { return l.lower }

// Match reports whether any of texts holds the filter's text, ignoring
// case; with no filter everything matches.
func (l *List) Match(texts ...string) bool {
	if l.lower == "" {
		return true
	}
	for _, t := range texts {
		if containsFold(t, l.lower) {
			return true
		}
	}
	return false
}

// containsFold is strings.Contains ignoring case, with sub already lower
// case; ASCII text (the common case) is compared without allocating.
func containsFold(s, sub string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), sub)
		}
	}
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// FilterKey handles the text filter's keys: the "search" key opens it;
// while it is typed, text and editing keys change it (the rows narrow as
// it is typed), enter keeps it and goes back to the list, esc clears it;
// esc with a kept filter clears it. changed says the rows must be matched
// again; a key that is not the filter's (handled=false) is the pane's.
func (l *List) FilterKey(keys []Binding, msg tea.KeyPressMsg) (handled, changed bool) {
	k := msg.String()
	switch {
	case l.Filtering && k == "esc", !l.Filtering && k == "esc" && l.lower != "":
		l.Filtering = false
		return true, l.setQuery("")
	case l.Filtering && k == "enter":
		l.Filtering = false
		return true, false
	case l.Filtering:
		if !l.query.Update(msg) {
			return false, false
		}
		return true, l.setQuery(l.query.Value())
	case Matches(keys, "search", k):
		l.Filtering, l.Detail = true, false
		if l.lower == "" {
			l.query = filter.New(filterLimit)
		}
		return true, false
	}
	return false, false
}

// FilterPaste types a paste into the filter while it is typed; it reports
// whether the filter changed.
func (l *List) FilterPaste(msg tea.Msg) bool {
	if _, ok := msg.(tea.PasteMsg); !ok || !l.Filtering {
		return false
	}
	l.query.Update(msg)
	return l.setQuery(l.query.Value())
}

// setQuery sets the filter's text (already clean: the input removes
// escape sequences and controls) and reports whether it changed.
func (l *List) setQuery(q string) bool {
	if l.query.Value() != q {
		l.query.SetValue(q)
	}
	lower := strings.ToLower(q)
	changed := lower != l.lower
	l.lower = lower
	return changed
}

// FilterLine is the filter as a footer shows it, exactly width cells:
// the input while it is typed, else the kept filter and how to clear it;
// "" when there is no filter.
func (l *List) FilterLine(width int, st Styles, shown, total int) string {
	if !l.Filtering && l.lower == "" {
		return ""
	}
	counts := " " + strconv.Itoa(shown) + "/" + strconv.Itoa(total)
	if !l.Filtering {
		return st.Muted.Render(Fit("/"+OneLine(l.query.Value())+counts+" · esc clears", width))
	}
	in := max(1, width-1-len(counts))
	return Fit(st.Accent.Render("/")+l.query.View(in, st.Text, st.Subtle, "type to filter")+st.Muted.Render(counts), width)
}
