package approvals

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
)

// hostName is an entry's host as shown: "local" for this machine.
func hostName(h string) string {
	if h == "" {
		return "local"
	}
	return kit.SafeLine(h)
}

// span is a duration, coarsely: "12s", "5m", "3h", "2d".
func span(d time.Duration) string {
	switch {
	case d < 0:
		d = 0
		fallthrough
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// ago is how long ago t was: "5m ago"; "-" when unknown.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return span(now.Sub(t)) + " ago"
}

// expiry is a pending entry's countdown: "23h", "overdue"; "-" when it
// has none.
func expiry(now, t time.Time) string {
	switch {
	case t.IsZero():
		return "-"
	case !t.After(now):
		return "overdue"
	}
	return span(t.Sub(now))
}

// stamp is a time in the clock's zone: "15:04" today, else "Jan 02".
func stamp(now, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format("15:04")
	}
	return t.Format("Jan 02")
}

// decided says who answered an entry and from where: "person:ann (cli)".
func decided(e *store.Approval) string {
	if e.DecidedBy == "" {
		return "-"
	}
	s := kit.SafeLine(e.DecidedBy)
	if e.DecidedWhere != "" {
		s += " (" + kit.SafeLine(e.DecidedWhere) + ")"
	}
	return s
}

// command is the exact thing an entry runs, in lines: a command's shell
// text (and its directory), a file's path and diff, a memory change, or
// the argument list of the other kinds. Parameters that cannot be read
// say so.
func command(e *store.Approval) (label string, lines []string) {
	k := actions.Kind(e.Kind)
	params, err := actions.DecodeParams(k, []byte(e.Params))
	if err != nil {
		return "parameters", []string{"cannot be read: " + kit.SafeLine(err.Error()), kit.SafeBlock(e.Params)}
	}
	switch q := params.(type) {
	case actions.Command:
		lines = []string{kit.SafeBlock(q.Shell)}
		if q.Dir != "" {
			lines = append(lines, "(in "+kit.SafeLine(q.Dir)+")")
		}
		return "command", lines
	case actions.File:
		mode := q.Mode
		if mode == 0 {
			mode = 0o644
		}
		head := fmt.Sprintf("write %s (mode %04o)", kit.SafeLine(q.Path), mode.Perm())
		if q.Diff != "" {
			return "diff", []string{head, kit.SafeBlock(q.Diff)}
		}
		return "file", []string{head + "; the diff against the file is made when it runs; new content:", kit.SafeBlock(q.Content)}
	case actions.Memory:
		if k == actions.MemoryForget {
			return "memory", []string{"forget " + kit.SafeLine(q.Key)}
		}
		return "memory", []string{"remember " + kit.SafeLine(q.Key) + " = " + kit.SafeLine(q.Value)}
	}
	argv := actions.Action{Kind: k, Host: e.Host, Params: params}.Argv()
	if argv == nil {
		return "action", []string{kit.SafeLine(e.Kind) + " " + kit.SafeLine(e.Params)}
	}
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = shellQuote(a)
	}
	return "command", []string{kit.SafeBlock(strings.Join(quoted, " "))}
}

// shellQuote quotes an argument the way a shell would need it, so an
// argument list reads unambiguously.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@%+,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
