package scheduler

import (
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/store"
)

func TestPlan(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	task := func(spec string, next time.Time, missed store.MissedPolicy, cap int) store.Task {
		return store.Task{ID: "t", Spec: spec, NextRunAt: next, Missed: missed, MissedCap: cap}
	}
	type run struct {
		due     time.Time
		trigger store.TaskRunTrigger
		skip    bool
	}
	cases := []struct {
		name string
		task store.Task
		runs []run
		next time.Time
	}{
		{"every on time", task("every:60", now.Add(-100*time.Millisecond), "", 10),
			[]run{{now.Add(-100 * time.Millisecond), store.TriggerSchedule, false}}, now.Add(59900 * time.Millisecond)},
		{"every a little late: the newest runs, the ones it passed were missed", task("every:1", now.Add(-2500*time.Millisecond), "", 10),
			[]run{{now.Add(-500 * time.Millisecond), store.TriggerSchedule, false}}, now.Add(500 * time.Millisecond)},
		{"every a little late, skip: the passed ones recorded skipped", task("every:2", now.Add(-7*time.Second), store.MissedSkip, 10),
			[]run{{now.Add(-3 * time.Second), store.TriggerMissed, true}, {now.Add(-time.Second), store.TriggerSchedule, false}},
			now.Add(time.Second)},
		{"every a little late, all: each passed one runs", task("every:2", now.Add(-5*time.Second), store.MissedAll, 10),
			[]run{{now.Add(-5 * time.Second), store.TriggerMissed, false}, {now.Add(-3 * time.Second), store.TriggerMissed, false},
				{now.Add(-time.Second), store.TriggerSchedule, false}}, now.Add(time.Second)},
		{"every missed: once by default, phase kept", task("every:600", now.Add(-35*time.Minute), "", 10),
			[]run{{now.Add(-5 * time.Minute), store.TriggerMissed, false}}, now.Add(5 * time.Minute)},
		{"every missed: skip", task("every:600", now.Add(-35*time.Minute), store.MissedSkip, 10),
			[]run{{now.Add(-5 * time.Minute), store.TriggerMissed, true}}, now.Add(5 * time.Minute)},
		{"every missed: all up to the cap", task("every:600", now.Add(-35*time.Minute), store.MissedAll, 2),
			[]run{{now.Add(-35 * time.Minute), store.TriggerMissed, false}, {now.Add(-25 * time.Minute), store.TriggerMissed, false}},
			now.Add(5 * time.Minute)},
		{"once on time is done after", task("once:1796212800", now, "", 10),
			[]run{{now, store.TriggerSchedule, false}}, time.Time{}},
		{"once missed runs once", task("once:1796209200", now.Add(-time.Hour), "", 10),
			[]run{{now.Add(-time.Hour), store.TriggerMissed, false}}, time.Time{}},
		{"daily missed for three days runs once", task("TZ=UTC daily:09:00", now.Add(-3*24*time.Hour-3*time.Hour), "", 10),
			[]run{{now.Add(-3 * time.Hour), store.TriggerMissed, false}}, now.Add(21 * time.Hour)},
		{"cron missed, one on time: only the on-time run", task("TZ=UTC cron:*/30 * * * *", now.Add(-30*time.Minute), "", 10),
			[]run{{now, store.TriggerSchedule, false}}, now.Add(30 * time.Minute)},
		{"a year behind walks no year of minutes", task("TZ=UTC cron:* * * * *", now.Add(-365*24*time.Hour), store.MissedAll, 3),
			[]run{{now.Add(-365 * 24 * time.Hour), store.TriggerMissed, false},
				{now.Add(-365*24*time.Hour + time.Minute), store.TriggerMissed, false},
				{now.Add(-365*24*time.Hour + 2*time.Minute), store.TriggerMissed, false},
				{now, store.TriggerSchedule, false}}, now.Add(time.Minute)},
		{"daily a minute late is still on time", task("TZ=UTC daily:11:59", now.Add(-time.Minute), "", 10),
			[]run{{now.Add(-time.Minute), store.TriggerSchedule, false}}, now.Add(24*time.Hour - time.Minute)},
		{"cron missed, skip says how many", task("TZ=UTC cron:0 * * * *", now.Add(-3*time.Hour), store.MissedSkip, 10),
			[]run{{now.Add(-time.Hour), store.TriggerMissed, true}, {now, store.TriggerSchedule, false}}, now.Add(time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := plan(c.task, now, time.UTC)
			if !got.Next.Equal(c.next) {
				t.Errorf("next = %v, want %v", got.Next, c.next)
			}
			if !got.Due.Equal(c.task.NextRunAt) {
				t.Errorf("due = %v, want the task's %v", got.Due, c.task.NextRunAt)
			}
			if len(got.Runs) != len(c.runs) {
				t.Fatalf("runs = %+v, want %d", got.Runs, len(c.runs))
			}
			for i, r := range got.Runs {
				w := c.runs[i]
				if !r.DueAt.Equal(w.due) || r.Trigger != w.trigger || (r.Skip != "") != w.skip {
					t.Errorf("run %d = %+v, want %+v", i, r, w)
				}
			}
		})
	}
}

func TestPlanUnreadableSpecFiresNoMore(t *testing.T) {
	now := time.Now()
	got := plan(store.Task{ID: "t", Spec: "every:banana", NextRunAt: now}, now, time.UTC)
	if !got.Next.IsZero() || len(got.Runs) != 1 || !strings.Contains(got.Runs[0].Skip, "no longer reads") {
		t.Fatalf("plan = %+v", got)
	}
}
