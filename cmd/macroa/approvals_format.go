package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// riskWord is an entry's risk as a word, high and critical in capitals so
// they stand out in a table without relying on colour.
func riskWord(r int) string {
	w := actions.Risk(r).String()
	if actions.Risk(r) >= actions.High {
		return strings.ToUpper(w)
	}
	return w
}

// hostName is the host an entry is for, as a person reads it.
func hostName(h string) string {
	if h == "" {
		return "local"
	}
	return h
}

// span is a duration in one or two units, for ages and expiries: "45s",
// "12m", "3h05m", "2d4h".
func span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// expiresIn says when a pending entry expires: "23h59m", or "expired".
func expiresIn(e store.Approval, now time.Time) string {
	if e.State != store.ApprovalPending || e.ExpiresAt.IsZero() {
		return "-"
	}
	if !e.ExpiresAt.After(now) {
		return "expired"
	}
	return span(e.ExpiresAt.Sub(now))
}

// clock is a time of day, with the date when it is not today.
func clock(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// stamp is a full local time with how long ago (or ahead) it is.
func stamp(t, now time.Time) string {
	s := t.Local().Format("2006-01-02 15:04:05")
	if d := now.Sub(t); d >= 0 {
		return s + " (" + span(d) + " ago)"
	}
	return s + " (in " + span(t.Sub(now)) + ")"
}

// decodeAction rebuilds an entry's typed action; ok is false when its
// parameters no longer decode (a newer or damaged row).
func decodeAction(e store.Approval) (actions.Action, bool) {
	a, err := actions.Decode(actions.Kind(e.Kind), e.Host, []byte(e.Params))
	return a, err == nil
}

// actionText is what exactly the entry would run: a command's shell text,
// a program's argument list, a file's diff, a memory change. Every
// control character in it is shown as an escape, never acted on.
type actionText struct {
	Command string // the shell text or the argument list
	Dir     string // command.run's working directory
	Diff    string // file.write's diff against the file as it is now
}

func describeAction(e store.Approval) (actionText, bool) {
	a, ok := decodeAction(e)
	if !ok {
		return actionText{}, false
	}
	var t actionText
	switch p := a.Params.(type) {
	case actions.Command:
		t.Command, t.Dir = visibleLines(p.Shell), termsafe.Visible(p.Dir)
	case actions.File:
		t.Command = "write " + termsafe.Visible(p.Path)
		if p.Mode != 0 {
			t.Command += fmt.Sprintf(" (mode %#o)", p.Mode.Perm())
		}
		t.Diff = p.Diff
		if t.Diff == "" && a.Host == "" && !e.State.Final() {
			// Not yet run: the diff against the file as it is now.
			t.Diff = approvals.FileDiff(p.Path, p.Content)
		}
		t.Diff = visibleLines(t.Diff)
	case actions.Memory:
		t.Command = termsafe.Visible(a.Summary())
	default:
		if argv := a.Argv(); len(argv) > 0 {
			t.Command = termsafe.Visible(shellJoin(argv))
		} else {
			t.Command = termsafe.Visible(a.Summary())
		}
	}
	return t, true
}

// visibleLines is termsafe.Visible line by line: the line breaks stay
// line breaks, every other control character shows as an escape.
func visibleLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = termsafe.Visible(l)
	}
	return strings.Join(lines, "\n")
}

// shellJoin writes an argument list as a person would type it, quoting
// what a shell would split or expand.
func shellJoin(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%") == "" {
			parts[i] = a
			continue
		}
		parts[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(parts, " ")
}

// approvalJSON is the --json shape of an entry. Field names are stable:
// scripts depend on them. Times that have not happened are left out.
type approvalJSON struct {
	ID        string          `json:"id"`
	State     string          `json:"state"`
	Kind      string          `json:"kind"`
	Host      string          `json:"host"`
	Summary   string          `json:"summary"`
	Target    string          `json:"target"`
	Params    json.RawMessage `json:"params,omitempty"`
	Command   string          `json:"command,omitempty"`
	Dir       string          `json:"dir,omitempty"`
	Diff      string          `json:"diff,omitempty"`
	Count     int             `json:"count"`
	Risk      string          `json:"risk"`
	RiskLevel int             `json:"risk_level"`
	Verdict   string          `json:"verdict"`
	Reason    string          `json:"reason"`
	Protected string          `json:"protected"`
	Level     string          `json:"level"`

	Proposer string `json:"proposer"`
	Why      string `json:"why"`
	Session  string `json:"session"`
	TurnID   string `json:"turn_id"`
	Source   string `json:"source"`

	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`

	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecidedBy    string     `json:"decided_by"`
	DecidedWhere string     `json:"decided_where"`
	Note         string     `json:"note"`

	Runner     string     `json:"runner"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	ExitCode   int        `json:"exit_code"`
	Output     *string    `json:"output,omitempty"`
	Error      string     `json:"error"`
	Undo       string     `json:"undo,omitempty"`
}

// toJSON is an entry's --json shape; full adds what show prints and a
// list leaves out (the parameters, the exact command, the output).
func toJSON(e store.Approval, full bool) approvalJSON {
	j := approvalJSON{
		ID: string(e.ID), State: string(e.State), Kind: e.Kind, Host: e.Host, Summary: e.Summary, Target: e.Target,
		Count: e.Count, Risk: actions.Risk(e.Risk).String(), RiskLevel: e.Risk, Verdict: e.Verdict, Reason: e.Reason,
		Protected: e.Protected, Level: e.Level, Proposer: e.Proposer, Why: e.Why, Session: e.Session,
		TurnID: string(e.TurnID), Source: e.Source, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		ExpiresAt: optTime(e.ExpiresAt), DecidedAt: optTime(e.DecidedAt), DecidedBy: e.DecidedBy,
		DecidedWhere: e.DecidedWhere, Note: e.Note, Runner: e.Runner, StartedAt: optTime(e.StartedAt),
		FinishedAt: optTime(e.FinishedAt), ExitCode: e.ExitCode, Error: e.Error,
	}
	if !full {
		return j
	}
	if json.Valid([]byte(e.Params)) {
		j.Params = json.RawMessage(e.Params)
	}
	if t, ok := describeAction(e); ok {
		j.Command, j.Dir, j.Diff = t.Command, t.Dir, t.Diff
	}
	out := e.Output
	j.Output, j.Undo = &out, e.Undo
	return j
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// decidedBy says who settled an entry, from where and when: "approved by
// person:ann from cockpit at 12:03".
func decidedBy(e store.Approval, now time.Time) string {
	verb := "approved"
	switch e.State {
	case store.ApprovalRejected:
		verb = "rejected"
	case store.ApprovalExpired:
		// Nobody decided: DecidedAt is unset.
		return "expired at " + clock(expiredAt(e), now) + " before anyone answered"
	case store.ApprovalPending:
		return "not decided yet"
	}
	s := verb
	if e.DecidedBy != "" {
		s += " by " + e.DecidedBy
	}
	if e.DecidedWhere != "" {
		s += " from " + e.DecidedWhere
	}
	if !e.DecidedAt.IsZero() {
		s += " at " + clock(e.DecidedAt, now)
	}
	return s
}

// expiredAt is when an expired entry expired: its expiry time, or when it
// was marked expired when that is unknown. DecidedAt is unset: nobody
// decided.
func expiredAt(e store.Approval) time.Time {
	if !e.ExpiresAt.IsZero() {
		return e.ExpiresAt
	}
	return e.UpdatedAt
}

// outcomeWords says what became of an entry someone already answered, for
// a second answer: "it already ran and succeeded".
func outcomeWords(s store.ApprovalState) string {
	switch s {
	case store.ApprovalSucceeded:
		return "it already ran and succeeded"
	case store.ApprovalFailed:
		return "it already ran and failed"
	case store.ApprovalRunning:
		return "it is running now"
	case store.ApprovalApproved:
		return "it is about to run"
	case store.ApprovalRejected:
		return "nothing ran"
	}
	return "it is " + string(s)
}
