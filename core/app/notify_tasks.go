package app

import (
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/notify"
	"github.com/macroa/macroa/store"
)

// reminderKind is the kind of a reminder's notification.
const reminderKind = "reminder"

// taskMessage is the notification for a reminder that fired and for a
// scheduled run that failed or was interrupted (its error only, never its
// output: output may hold what a notification channel must not see).
func taskMessage(e events.Event) (notify.Message, bool) {
	f, ok := e.(events.TaskFired)
	if !ok {
		return notify.Message{}, false
	}
	switch {
	case f.Kind == string(store.TaskReminder) && f.State == string(store.RunSucceeded):
		return notify.Message{
			Title:    "Reminder: " + cut(f.Message, 80),
			Body:     f.Message,
			Priority: notify.High,
			Tags:     []string{"reminder"},
			Kind:     reminderKind,
		}, true
	case f.State == string(store.RunFailed) || f.State == string(store.RunInterrupted):
		return notify.Message{
			Title:    "Scheduled task " + f.State + ": " + f.Name,
			Body:     "task: " + f.Name + " (" + f.Task + ")\nrun: " + f.State + "\n" + cut(f.Error, failedErrorMax) + "\n\nsee: macroa schedule history " + f.Task,
			Priority: notify.High,
			Tags:     []string{"failed"},
			Kind:     "task.failed",
		}, true
	}
	return notify.Message{}, false
}
