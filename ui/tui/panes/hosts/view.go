package hosts

import (
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/ui/tui/kit"
)

// View draws the detail view when it is open, else the list, with a
// header line and a footer for the question, the prompt, the filter and
// hints. It fills exactly width × height.
func (p *Pane) View(width, height int, focused bool) string {
	p.drawn = true
	if width <= 0 || height <= 0 {
		return ""
	}
	if p.list.Detail && p.shown != "" {
		return p.viewDetail(width, height)
	}
	p.list.Detail = false
	now := p.now()
	cols := p.columns(width)
	return kit.ListFrame{
		Header: p.header(width),
		Footer: p.footer(width),
		Empty:  p.emptyText(),
		Muted:  p.st.Muted,
		ColumnHead: func(above, below int) string {
			return p.columnHead(cols, width, above, below)
		},
		Row: func(i int, selected bool) string {
			line := p.row(&p.hosts[p.rows[i]], cols, now)
			if selected {
				line = p.mark(line, focused)
			}
			return line
		},
	}.Render(&p.list, len(p.rows), width, height)
}

// emptyText is what a list with no row says, "" when it has rows.
func (p *Pane) emptyText() string {
	switch {
	case len(p.rows) > 0:
		return ""
	case p.svc == nil:
		return "the fleet is not available in this cockpit"
	case !p.loaded && p.loadErr == "":
		return "loading…"
	case !p.loaded:
		return ""
	case p.list.Query() != "":
		return "nothing matches the filter; esc clears it"
	}
	return "no hosts: add one with macroa hosts add <name> <address>"
}

// header is the first line: the counts and who polls the hosts, or why
// they could not be read. A narrow pane sheds the state counts first.
func (p *Pane) header(width int) string {
	if p.loadErr != "" {
		return p.st.Error.Render(kit.Fit("could not read the hosts: "+kit.SafeLine(p.loadErr), width))
	}
	if !p.loaded {
		return p.st.Accent.Render(kit.Fit("hosts", width))
	}
	if p.configErr != "" {
		return p.st.Warning.Render(kit.Fit("config.toml does not load, showing the hosts read before: "+kit.SafeLine(p.configErr), width))
	}
	count := kit.Count(len(p.hosts)) + " hosts"
	if len(p.hosts) == 1 {
		count = "1 host"
	}
	alerts := ""
	switch n := p.firing(); n {
	case 0:
		alerts = " · no alerts"
	case 1:
		alerts = " · 1 alert"
	default:
		alerts = " · " + kit.Count(n) + " alerts"
	}
	states := p.needWords()
	long, short, warn := p.pollWords()
	style := p.st.Muted
	if warn {
		style = p.st.Warning
	}
	return kit.FitHead(width, p.st, style,
		kit.HeadChoice{Lead: count + alerts + states, Tail: long},
		kit.HeadChoice{Lead: count + alerts + states, Tail: short},
		kit.HeadChoice{Lead: count + alerts, Tail: long},
		kit.HeadChoice{Lead: count + alerts, Tail: short},
		kit.HeadChoice{Lead: count, Tail: short})
}

// needWords says, in words, what waits for a person: " · 2 down · 1
// key to trust"; "" when nothing does.
func (p *Pane) needWords() string {
	n := map[fleet.State]int{}
	for i := range p.hosts {
		if needsPerson(p.hosts[i].State) {
			n[p.hosts[i].State]++
		}
	}
	var out string
	for _, w := range []struct {
		s           fleet.State
		one, plural string
	}{
		{fleet.StateUnreachable, " down", " down"},
		{fleet.StateDenied, " login denied", " logins denied"},
		{fleet.StateUntrusted, " key to trust", " keys to trust"},
		{fleet.StateRefused, " key changed", " keys changed"},
	} {
		switch c := n[w.s]; {
		case c == 1:
			out += " · 1" + w.one
		case c > 1:
			out += " · " + kit.Count(c) + w.plural
		}
	}
	return out
}

// pollWords says which process polls the hosts, in full and in fewer
// words; warn when none does (the numbers then grow old).
func (p *Pane) pollWords() (long, short string, warn bool) {
	pl := p.polling
	switch {
	case pl == nil || len(p.hosts) == 0:
		return "", "", false
	case pl.Self:
		return "polled by this cockpit", "polled here", false
	case pl.By == "daemon":
		return "polled by the daemon", "by daemon", false
	case pl.By == "tui":
		return "polled by another cockpit", "by another cockpit", false
	case pl.By != "":
		by := kit.SafeLine(pl.By)
		return "polled by " + by, "by " + by, false
	}
	return "nobody polls them: macroa daemon start", "not polled!", true
}

// footer is the last line: the trust question, the warning, the prompt,
// the filter, or the keys.
func (p *Pane) footer(width int) []string {
	switch p.prompt {
	case trusting:
		return p.trustLines(width)
	case keyWarned:
		return p.warnLines(width)
	case shelling:
		return p.promptLines(width)
	}
	if f := p.list.FilterLine(width, p.st, len(p.rows), len(p.hosts)); f != "" {
		return []string{f}
	}
	if p.scanning != "" {
		return []string{p.fetchingLine(width)}
	}
	var hints []kit.Hint
	add := func(action, what string, drop int) {
		if k := p.KeyLabel(action); k != "?" {
			hints = append(hints, kit.Hint{Text: k + " " + what, Drop: drop})
		}
	}
	add("detail", "details", 4)
	add("probe", "probe", 1)
	add("trust", "trust key", 2)
	add("shell", "shell", 3)
	add("order", "sort", 5)
	add("search", "filter", 6)
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

// fetchingLine says a host's key is being fetched, until it answers.
func (p *Pane) fetchingLine(width int) string {
	return p.st.Accent.Render(kit.Fit("fetching "+kit.SafeLine(p.scanning)+"'s key…", width))
}

// mark puts the selection marker on a row (whose first two cells are
// blank), reversing the whole row when the pane has focus.
func (p *Pane) mark(line string, focused bool) string {
	if focused {
		return p.paint.sel.Apply("›" + ansi.Strip(line)[len(" "):])
	}
	return p.paint.accent.Apply("›") + line[1:]
}

// seen is the seen column in full: how long ago the host last
// answered, or since when it does not.
func seen(h *fleet.HostStatus, now time.Time) string { return seenText(h, now, seenLong) }

// seenText is the seen column in a column of width cells: "unreachable
// since 12:03", "down since 12:03" or "down 12:03" for a host that does
// not answer, "12s ago" for one that does.
func seenText(h *fleet.HostStatus, now time.Time, width int) string {
	switch {
	case (h.State == fleet.StateUnreachable || h.State == fleet.StateDenied) && !h.Since.IsZero():
		word, at := "down", clock(now, h.Since)
		if h.State == fleet.StateDenied {
			word = "denied"
		}
		switch {
		case width >= seenLong:
			return kit.SafeLine(string(h.State)) + " since " + at
		case width >= seenMid:
			return word + " since " + at
		}
		return word + " " + at
	case h.LastSeen.IsZero() && h.State == fleet.StateNew:
		if width >= seenMid {
			return "never probed"
		}
		return "never"
	}
	return ago(now, h.LastSeen)
}
