package skills

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// Reminders keeps reminders: the scheduler's tasks of kind reminder. A
// reminder's message is text a person is shown when it fires; nothing ever
// routes or runs it.
type Reminders interface {
	// AddReminder stores message, to be shown at the times spec (a machine
	// form of core/schedule) names.
	AddReminder(ctx context.Context, message, spec, session, source string) (store.Task, error)
	// ListReminders returns the reminders still to fire, by next due time.
	ListReminders(ctx context.Context) ([]store.Task, error)
	// CancelReminder deletes one reminder.
	CancelReminder(ctx context.Context, id store.TaskID, source string) (store.Task, error)
}

// ReminderSkill sets, lists and cancels reminders. The time is read by
// core/schedule in the person's zone, never guessed from words in the
// message; it never calls a model.
type ReminderSkill struct {
	Store Reminders // nil: reminders are not available here
	Now   func() time.Time
	Loc   *time.Location // nil: time.Local

	// Session and Source are the turn's, kept with a new reminder.
	Session, Source string
	// Record, when set, writes the audit record of a change before it is
	// made; an error stops the change.
	Record func(action string) error
	// Done, when set, is told what was changed, for the run's audit entry.
	Done func(action string)
}

// reminderForms names the time forms a reminder takes, for error sentences.
const reminderForms = "say it as in 10 minutes, at 17:30, tomorrow 9am, every day at 7:30 or every monday at 9, before or after the message"

// Run performs the intent's action: add, list or cancel.
func (r ReminderSkill) Run(ctx context.Context, in Intent) Result {
	switch in.Action {
	case "add", "":
		return r.add(ctx, in.Arg("when"), in.Arg("message"))
	case "list":
		return r.list(ctx)
	case "cancel":
		return r.cancel(ctx, in.Arg("ref"))
	}
	return Fail(fmt.Sprintf("unknown reminder action %q: use add, list or cancel", in.Action))
}

func (r ReminderSkill) now() time.Time {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	return now().In(r.loc())
}

func (r ReminderSkill) loc() *time.Location {
	if r.Loc == nil {
		return time.Local
	}
	return r.Loc
}

func (r ReminderSkill) add(ctx context.Context, when, message string) Result {
	when, message = strings.TrimSpace(when), strings.TrimSpace(message)
	if when == "" {
		return Fail("a reminder needs a time: " + reminderForms + " (remind me in 10 minutes to " + oneLine(ShownMessage(message), 40) + ")")
	}
	if message == "" {
		return Fail("say what to remind you of, as in: remind me " + when + " to stretch")
	}
	now := r.now()
	phrase, today := ReminderWhen(when)
	spec, err := schedule.Parse(phrase, now, r.loc())
	if err != nil {
		why := ""
		var se *schedule.Error
		if errors.As(err, &se) && !strings.HasSuffix(se.Reason, "is not a schedule") {
			why = ": " + se.Reason
		}
		return Fail(fmt.Sprintf("cannot read the time %q%s; %s", when, why, reminderForms))
	}
	first, ok := spec.Next(now)
	if !ok {
		return Fail(fmt.Sprintf("the time %q never comes: %s", when, reminderForms))
	}
	if y, m, d := now.Date(); today {
		if fy, fm, fd := first.Date(); fy != y || fm != m || fd != d {
			return Fail(fmt.Sprintf("%s today has passed (it is %s): say a later time, or tomorrow", first.Format("15:04"), now.Format("15:04")))
		}
	}
	if r.Store == nil {
		return Fail("reminders are not available here: the scheduler is not running in this process")
	}
	machine := spec.String()
	if r.Record != nil {
		if err := r.Record(fmt.Sprintf("remind %s: %s", machine, message)); err != nil {
			return Fail(fmt.Sprintf("reminder not set: %v", err))
		}
	}
	task, err := r.Store.AddReminder(ctx, message, machine, r.Session, r.Source)
	if err != nil {
		return Fail(fmt.Sprintf("could not set the reminder: %v", err))
	}
	if r.Done != nil {
		r.Done(fmt.Sprintf("set reminder %s (%s): %s", task.ID, machine, message))
	}
	if !task.NextRunAt.IsZero() {
		first = task.NextRunAt.In(r.loc())
	}
	at := WhenText(first, now) + " (" + UntilText(first.Sub(now)) + ")"
	if spec.Kind() != schedule.Once {
		at = spec.Describe() + ", first " + at
	}
	return OK(fmt.Sprintf("Reminder set for %s: %s", at, ShownMessage(message)))
}

func (r ReminderSkill) list(ctx context.Context) Result {
	tasks, err := r.reminders(ctx)
	if err != nil {
		return Fail(err.Error())
	}
	if len(tasks) == 0 {
		return OK("No reminders scheduled. Set one with \"remind me in 10 minutes to stretch\".")
	}
	now := r.now()
	var b strings.Builder
	for i, t := range tasks {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "• [%s] %s — %s", shortID(t.ID), r.taskWhen(t, now), ShownMessage(t.Command))
	}
	return OK(b.String())
}

// cancel deletes the one reminder ref names: an id prefix, the time it
// fires next (17:30), or words of its message.
func (r ReminderSkill) cancel(ctx context.Context, ref string) Result {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Fail("say which reminder to cancel: its id, its time or words of its message (list them with \"list reminders\")")
	}
	tasks, err := r.reminders(ctx)
	if err != nil {
		return Fail(err.Error())
	}
	if len(tasks) == 0 {
		return Fail("there are no reminders to cancel")
	}
	now := r.now()
	found := r.match(tasks, ref)
	switch {
	case len(found) == 0:
		return Fail(fmt.Sprintf("no reminder matches %q; list them with \"list reminders\"", ref))
	case len(found) > 1:
		var names []string
		for _, t := range found {
			names = append(names, fmt.Sprintf("[%s] %s", shortID(t.ID), oneLine(ShownMessage(t.Command), 40)))
		}
		return Fail(fmt.Sprintf("%d reminders match %q (%s): say which by its id", len(found), ref, strings.Join(names, ", ")))
	}
	t := found[0]
	if r.Record != nil {
		if err := r.Record(fmt.Sprintf("cancel reminder %s: %s", t.ID, t.Command)); err != nil {
			return Fail(fmt.Sprintf("reminder not cancelled: %v", err))
		}
	}
	if _, err := r.Store.CancelReminder(ctx, t.ID, r.Source); err != nil {
		return Fail(fmt.Sprintf("could not cancel the reminder: %v", err))
	}
	if r.Done != nil {
		r.Done(fmt.Sprintf("cancelled reminder %s: %s", t.ID, t.Command))
	}
	return OK(fmt.Sprintf("Cancelled the reminder for %s: %s", r.taskWhen(t, now), ShownMessage(t.Command)))
}

// match finds the reminders ref names: by id prefix first, then by the
// time they fire next, then by words of their message.
func (r ReminderSkill) match(tasks []store.Task, ref string) []store.Task {
	low := strings.ToLower(ref)
	for _, by := range []func(store.Task) bool{
		func(t store.Task) bool { return strings.HasPrefix(string(t.ID), low) },
		func(t store.Task) bool {
			return !t.NextRunAt.IsZero() && t.NextRunAt.In(r.loc()).Format("15:04") == strings.TrimPrefix(low, "at ")
		},
		func(t store.Task) bool { return strings.Contains(strings.ToLower(t.Command), low) },
	} {
		var out []store.Task
		for _, t := range tasks {
			if by(t) {
				out = append(out, t)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

// reminders lists the reminders still to fire.
func (r ReminderSkill) reminders(ctx context.Context) ([]store.Task, error) {
	if r.Store == nil {
		return nil, errors.New("reminders are not available here: the scheduler is not running in this process")
	}
	tasks, err := r.Store.ListReminders(ctx)
	if err != nil {
		return nil, fmt.Errorf("could not list reminders: %w", err)
	}
	out := tasks[:0:0]
	for _, t := range tasks {
		if t.Kind == store.TaskReminder && !t.Done() {
			out = append(out, t)
		}
	}
	return out, nil
}

// taskWhen says when a stored reminder fires next, and how often.
func (r ReminderSkill) taskWhen(t store.Task, now time.Time) string {
	when := WhenText(t.NextRunAt.In(r.loc()), now)
	if spec, err := schedule.ParseStored(t.Spec, r.loc()); err == nil && spec.Kind() != schedule.Once {
		when = spec.Describe() + ", next " + when
	}
	if t.Paused {
		when += " (paused)"
	}
	return when
}

// WhenText names a time near now the way a person says it, in at's zone:
// "17:30", "09:00 tomorrow", "Mon 7 Dec 09:00", with the year when it is
// not now's.
func WhenText(at, now time.Time) string {
	now = now.In(at.Location())
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	days := int(day(at).Sub(day(now)) / (24 * time.Hour))
	switch {
	case days == 0:
		return at.Format("15:04")
	case days == 1:
		return at.Format("15:04") + " tomorrow"
	case at.Year() == now.Year():
		return at.Format("Mon 2 Jan 15:04")
	}
	return at.Format("Mon 2 Jan 2006 15:04")
}

// UntilText says how far away d is: "in 45 s", "in 9 min", "in 2 h 5 min",
// "in 3 days 4 h"; "now" when it has come.
func UntilText(d time.Duration) string {
	// Stored times are whole seconds, read a moment after now: round up.
	d = (d + time.Second - 1).Truncate(time.Second)
	switch {
	case d < time.Second:
		return "now"
	case d < time.Minute:
		return fmt.Sprintf("in %d s", int(d/time.Second))
	}
	mins := int(d.Round(time.Minute) / time.Minute)
	h, m := mins/60, mins%60
	switch {
	case h == 0:
		return fmt.Sprintf("in %d min", m)
	case h < 24 && m == 0:
		return fmt.Sprintf("in %d h", h)
	case h < 24:
		return fmt.Sprintf("in %d h %d min", h, m)
	}
	days, h := h/24, h%24
	unit := "days"
	if days == 1 {
		unit = "day"
	}
	if h == 0 {
		return fmt.Sprintf("in %d %s", days, unit)
	}
	return fmt.Sprintf("in %d %s %d h", days, unit, h)
}

// ShownMessage is a reminder's text as a terminal may show it: escape
// sequences and controls removed, on one line.
func ShownMessage(message string) string {
	return strings.Join(strings.Fields(termsafe.Clean(message)), " ")
}

// ReminderName is the task name of a reminder: "reminder: " and the first
// 60 characters of its text as shown.
func ReminderName(message string) string {
	return "reminder: " + oneLine(ShownMessage(message), 60)
}

// oneLine cuts s to n characters, marking the cut with "…".
func oneLine(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func shortID(id store.TaskID) string {
	if len(id) > 6 {
		return string(id[:6])
	}
	return string(id)
}
