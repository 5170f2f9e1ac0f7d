package kernel_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/router"
	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/skills"
	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/store"
)

// fakeReminders keeps reminders in memory, as the scheduler would.
type fakeReminders struct {
	now func() time.Time

	mu        sync.Mutex
	tasks     []store.Task
	sessions  []string
	sources   []string
	cancelled []store.TaskID
	fail      error
}

func (f *fakeReminders) AddReminder(_ context.Context, message, spec, session, source string) (store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return store.Task{}, f.fail
	}
	s, err := schedule.ParseStored(spec, time.UTC)
	if err != nil {
		return store.Task{}, err
	}
	next, _ := s.Next(f.now())
	t := store.Task{ID: store.TaskID(fmt.Sprintf("a%09x", len(f.tasks)+1)), Name: skills.ReminderName(message),
		Command: message, Kind: store.TaskReminder, Spec: spec, Session: session, NextRunAt: next}
	f.tasks = append(f.tasks, t)
	f.sessions = append(f.sessions, session)
	f.sources = append(f.sources, source)
	return t, nil
}

func (f *fakeReminders) ListReminders(context.Context) ([]store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Task(nil), f.tasks...), nil
}

func (f *fakeReminders) CancelReminder(_ context.Context, id store.TaskID, _ string) (store.Task, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range f.tasks {
		if t.ID == id {
			f.tasks = append(f.tasks[:i], f.tasks[i+1:]...)
			f.cancelled = append(f.cancelled, id)
			return t, nil
		}
	}
	return store.Task{}, store.ErrTaskNotFound
}

func (f *fakeReminders) all() []store.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]store.Task(nil), f.tasks...)
}

// reminderFixture is a kernel with fake reminders, a clock and a zone, and
// a model layer in front of a test server that has no answers scripted:
// any model call would be recorded there and fail.
type reminderFixture struct {
	fixture
	rem *fakeReminders
	srv *providertest.Server
}

func newReminderFixture(t *testing.T, now func() time.Time, loc *time.Location) reminderFixture {
	t.Helper()
	srv := providertest.New(t)
	cfg, db, dir := openData(t, "", "MACROA_BASE_URL="+srv.URL(), "MACROA_MODEL_NANO=m-nano")
	if now == nil {
		now = time.Now
	}
	rem := &fakeReminders{now: now}
	models := func(context.Context) (providers.Caller, error) { return providers.FromConfig(cfg) }
	k := kernel.New(kernel.Options{Config: cfg, DB: db, Environ: []string{"SHELL=/bin/sh"}, WorkDir: dir, UserHome: dir,
		Models: models, Reminders: rem, Location: loc, Now: now})
	return reminderFixture{fixture: fixture{k: k, db: db, dir: dir}, rem: rem, srv: srv}
}

// noModel fails when a run called a model or sent anything to one.
func (f reminderFixture) noModel(t *testing.T, res kernel.Result) {
	t.Helper()
	if res.LLMCalls != 0 || res.Model != "" {
		t.Errorf("%d model calls (model %q), want none", res.LLMCalls, res.Model)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the model server, want none", n)
	}
}

func TestReminderOneMinute(t *testing.T) {
	f := newReminderFixture(t, nil, nil)
	before := time.Now()
	res := f.k.Run(context.Background(), kernel.Request{Input: "remind me in 1 minute to stretch", Source: kernel.SourceCLI, Session: "s1"})
	after := time.Now()
	if !res.Success || res.Route != router.RouteReminder || res.Skill != skills.Reminder {
		t.Fatalf("result %+v, want a reminder set", res)
	}
	f.noModel(t, res)
	tasks := f.rem.all()
	if len(tasks) != 1 {
		t.Fatalf("%d tasks stored, want exactly 1: %+v", len(tasks), tasks)
	}
	task := tasks[0]
	epoch, ok := strings.CutPrefix(task.Spec, "once:")
	at, err := strconv.ParseInt(epoch, 10, 64)
	if !ok || err != nil || at < before.Add(time.Minute).Unix() || at > after.Add(time.Minute).Unix() {
		t.Errorf("spec %q, want once:<now+60> (between %d and %d)", task.Spec, before.Add(time.Minute).Unix(), after.Add(time.Minute).Unix())
	}
	if task.Command != "stretch" || task.Kind != store.TaskReminder || task.Name != "reminder: stretch" {
		t.Errorf("task %+v, want the reminder text stretch", task)
	}
	if f.rem.sessions[0] != "s1" || f.rem.sources[0] != "cli" {
		t.Errorf("session %q source %q, want s1 and cli", f.rem.sessions[0], f.rem.sources[0])
	}
	want := "Reminder set for " + time.Unix(at, 0).Format("15:04")
	if !strings.HasPrefix(res.Output, want) || !strings.Contains(res.Output, "(in 1 min): stretch") {
		t.Errorf("output %q, want %q… (in 1 min): stretch", res.Output, want)
	}
	e := f.onlyAudit(t)
	if e.Route != "reminder" || e.Skill != "reminder" || e.LLMCalls != 0 || !e.Success || e.ChosenBy != "user" ||
		!strings.Contains(e.Action, string(task.ID)) || !strings.Contains(e.Action, task.Spec) || !strings.Contains(e.Action, "stretch") {
		t.Errorf("audit entry %+v, want route reminder, 0 model calls, an action naming %s", e, task.ID)
	}
	if all := f.auditAll(t); len(all) != 2 || all[0].Stage != store.StageStart || !strings.HasPrefix(all[0].Action, "remind "+task.Spec) {
		t.Errorf("audit %+v, want the start record then the outcome", all)
	}
}

func TestReminderForms(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, berlin) // a Wednesday
	once := func(t time.Time) string { return "once:" + strconv.FormatInt(t.Unix(), 10) }
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, berlin) }
	tests := []struct {
		in, spec, message, output string
	}{
		{"remind me in 10 minutes to call John", once(day(2, 10, 10)), "call John", "Reminder set for 10:10 (in 10 min): call John"},
		{"remind me at 17:30 to stretch", once(day(2, 17, 30)), "stretch", "Reminder set for 17:30 (in 7 h 30 min): stretch"},
		{"Remind Me Tomorrow 9AM To Pay Rent", once(day(3, 9, 0)), "Pay Rent", "Reminder set for 09:00 tomorrow (in 23 h): Pay Rent"},
		{"remind me to stretch in 1 minute", once(day(2, 10, 1)), "stretch", "Reminder set for 10:01 (in 1 min): stretch"},
		{"remind me every monday at 9 to send the report", "TZ=Europe/Berlin cron:0 9 * * 1", "send the report",
			"Reminder set for every Monday at 09:00, first Mon 7 Dec 09:00 (in 4 days 23 h): send the report"},
		{"remind me every 2 hours to drink water", "every:7200", "drink water", "Reminder set for every 2 hours, first 12:00 (in 2 h): drink water"},
		{"remind me today at 17:30 to stretch", once(day(2, 17, 30)), "stretch", "Reminder set for 17:30 (in 7 h 30 min): stretch"},
		{"remind me to pay rent at 9 tomorrow", once(day(3, 9, 0)), "pay rent", "Reminder set for 09:00 tomorrow (in 23 h): pay rent"},
		// A time of day already past today is tomorrow's.
		{"remind me at 9:00 to stand up", once(day(3, 9, 0)), "stand up", "Reminder set for 09:00 tomorrow (in 23 h): stand up"},
		// Words in the message never choose the zone (the original read
		// "test" as EST, "list" as IST and "Alan" as LA).
		{"remind me at 11:00 to test the list for Alan in LA", once(day(2, 11, 0)), "test the list for Alan in LA", "Reminder set for 11:00 (in 1 h): test the list for Alan in LA"},
		{"remind me at 11:00 to call paris, tokyo and nyc (est, pst, utc)", once(day(2, 11, 0)), "call paris, tokyo and nyc (est, pst, utc)", "Reminder set for 11:00"},
		// The message is text: stored as typed, never run.
		{"remind me in 5 minutes to !touch pwned", once(day(2, 10, 5)), "!touch pwned", "Reminder set for 10:05 (in 5 min): !touch pwned"},
		{"remind me in 5 minutes to $ touch pwned", once(day(2, 10, 5)), "$ touch pwned", "Reminder set for 10:05 (in 5 min): $ touch pwned"},
		// Escape sequences are kept in the text and removed wherever it is shown.
		{"remind me in 1 minute to \x1b]0;owned\x07\x1b[31mred\x1b[0m alert\r", once(day(2, 10, 1)), "\x1b]0;owned\x07\x1b[31mred\x1b[0m alert",
			"Reminder set for 10:01 (in 1 min): red alert"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f := newReminderFixture(t, func() time.Time { return now }, berlin)
			res := f.k.Run(context.Background(), kernel.Request{Input: tc.in, Source: kernel.SourceREPL})
			if !res.Success || res.Route != router.RouteReminder {
				t.Fatalf("result %+v, want a reminder set", res)
			}
			f.noModel(t, res)
			tasks := f.rem.all()
			if len(tasks) != 1 || tasks[0].Spec != tc.spec || tasks[0].Command != tc.message {
				t.Fatalf("tasks %+v, want one with spec %q and text %q", tasks, tc.spec, tc.message)
			}
			if !strings.HasPrefix(res.Output, tc.output) {
				t.Errorf("output %q, want %q", res.Output, tc.output)
			}
			if strings.ContainsAny(res.Output, "\x1b\x07\r") {
				t.Errorf("output %q holds control characters", res.Output)
			}
			if _, err := os.Stat(filepath.Join(f.dir, "pwned")); err == nil {
				t.Error("the reminder's text ran as a command")
			}
			if e := f.onlyAudit(t); e.Route != "reminder" || !strings.Contains(e.Action, tasks[0].Spec) {
				t.Errorf("audit %+v, want the reminder named", e)
			}
		})
	}
}

// A time that does not read gets one sentence naming the forms: no task,
// no model call, no start record, and the run fails (exit 1).
func TestReminderBadTime(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct{ in, want string }{
		{"remind me at 25:00 to stretch", `"at 25:00": hour 25 is out of range 00-23`},
		{"remind me to stretch at 25:00", `"at 25:00"`},
		{"remind me to stretch", "a reminder needs a time: say it as in 10 minutes"},
		{"remind me tomorrow to pay rent", `"tomorrow": a time is missing`},
		{"remind me on friday at 9 to call Ann", `"on friday at 9"`},
		{"remind me in a bit to stretch", `"in a bit"`},
		{"remind me in 0 minutes to stretch", "more than zero"},
		{"remind me in 99999 days to stretch", "more than a year"},
		{"remind me in 10 minutes", "say what to remind you of"},
		{"remind me at 9:00 today to stand up", "09:00 today has passed (it is 10:00)"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			f := newReminderFixture(t, func() time.Time { return now }, time.UTC)
			res := f.k.Run(context.Background(), kernel.Request{Input: tc.in, Source: kernel.SourceCLI})
			if res.Success || res.Route != router.RouteReminder || !strings.Contains(res.Error, tc.want) {
				t.Fatalf("result %+v, want a failed reminder saying %s", res, tc.want)
			}
			if !strings.Contains(tc.want, "say what") && !strings.Contains(tc.want, "has passed") && !strings.Contains(res.Error, "in 10 minutes, at 17:30, tomorrow 9am") {
				t.Errorf("error %q does not name the accepted forms", res.Error)
			}
			if strings.Count(res.Error, ". ") > 0 || strings.Contains(res.Error, "\n") {
				t.Errorf("error %q is more than one sentence", res.Error)
			}
			f.noModel(t, res)
			if n := len(f.rem.all()); n != 0 {
				t.Errorf("%d tasks stored, want none", n)
			}
			if all := f.auditAll(t); len(all) != 1 || all[0].Success || all[0].Route != "reminder" {
				t.Errorf("audit %+v, want only the failed run's entry", all)
			}
		})
	}
}

func TestReminderListAndCancel(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := newReminderFixture(t, func() time.Time { return now }, time.UTC)
	run := func(in string) kernel.Result {
		t.Helper()
		res := f.k.Run(context.Background(), kernel.Request{Input: in, Source: kernel.SourceCLI})
		f.noModel(t, res)
		return res
	}
	if res := run("list reminders"); !res.Success || !strings.HasPrefix(res.Output, "No reminders scheduled") {
		t.Fatalf("empty list: %+v", res)
	}
	if res := run("cancel reminder stretch"); res.Success || !strings.Contains(res.Error, "no reminders to cancel") {
		t.Fatalf("cancel with none: %+v", res)
	}
	for _, in := range []string{"remind me at 17:30 to stretch", "remind me at 18:00 to call John", "remind me at 19:00 to call \x1b[2JAnn", "remind me every monday at 9 to send the report"} {
		if res := run(in); !res.Success {
			t.Fatalf("%s: %+v", in, res)
		}
	}
	res := run("show my reminders")
	want := "• [a00000] 17:30 — stretch\n• [a00000] 18:00 — call John\n• [a00000] 19:00 — call Ann\n• [a00000] every Monday at 09:00, next Mon 7 Dec 09:00 — send the report"
	if !res.Success || res.Output != want {
		t.Fatalf("list:\n%s\nwant:\n%s", res.Output, want)
	}
	if e := f.audit(t); e[len(e)-1].Action != "list reminders" {
		t.Errorf("list audit action %q", e[len(e)-1].Action)
	}
	if res := run("cancel reminder call"); res.Success || !strings.Contains(res.Error, "2 reminders match") {
		t.Errorf("ambiguous cancel: %+v", res)
	}
	if res := run("cancel reminder nothing like it"); res.Success || !strings.Contains(res.Error, "no reminder matches") {
		t.Errorf("unmatched cancel: %+v", res)
	}
	if res := run("cancel the reminder to call John"); !res.Success || res.Output != "Cancelled the reminder for 18:00: call John" {
		t.Errorf("cancel by text: %+v", res)
	}
	if res := run("delete reminder at 17:30"); !res.Success || !strings.HasSuffix(res.Output, ": stretch") {
		t.Errorf("cancel by time: %+v", res)
	}
	id := f.rem.all()[0].ID
	if res := run("cancel reminder " + string(id)); !res.Success || !strings.HasSuffix(res.Output, ": call Ann") {
		t.Errorf("cancel by id: %+v", res)
	}
	if got := f.rem.all(); len(got) != 1 || got[0].Command != "send the report" {
		t.Errorf("left %+v, want the weekly one", got)
	}
	e := f.audit(t)
	if last := e[len(e)-1]; !strings.HasPrefix(last.Action, "cancelled reminder "+string(id)) || last.Route != "reminder" {
		t.Errorf("cancel audit %+v", last)
	}
}

// Without a scheduler nothing is set and the sentence says why.
func TestReminderNotAvailable(t *testing.T) {
	f := newFixture(t, "")
	res := f.k.Run(context.Background(), kernel.Request{Input: "remind me in 1 minute to stretch", Source: kernel.SourceCLI})
	if res.Success || res.Route != router.RouteReminder || !strings.Contains(res.Error, "not available") || res.LLMCalls != 0 {
		t.Fatalf("result %+v, want a failed reminder", res)
	}
}

// A store that refuses the reminder fails the run after its start record.
func TestReminderStoreFails(t *testing.T) {
	f := newReminderFixture(t, nil, nil)
	f.rem.fail = fmt.Errorf("database is locked")
	res := f.k.Run(context.Background(), kernel.Request{Input: "remind me in 1 minute to stretch", Source: kernel.SourceCLI})
	if res.Success || !strings.Contains(res.Error, "could not set the reminder: database is locked") {
		t.Fatalf("result %+v", res)
	}
	if all := f.auditAll(t); len(all) != 2 || all[0].Stage != store.StageStart || all[1].Success {
		t.Errorf("audit %+v, want the start record and a failed outcome", all)
	}
}
