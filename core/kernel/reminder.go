package kernel

import (
	"context"

	"github.com/macroa/macroa/core/skills"
)

// remindFor is the reminder skill for one turn: a new reminder keeps the
// turn's session and source, its start record is written once its time
// has been read (an unreadable time changes nothing and records nothing
// but the run), and the run's audit entry names the reminder made.
func (k *Kernel) remindFor(ctx context.Context, t *turn) skills.ReminderSkill {
	r := k.remind
	r.Session, r.Source = t.req.Session, string(t.req.Source)
	r.Record = func(action string) error {
		t.action = action
		by := t.chosenBy
		if by == "" {
			by = ChosenByUser
		}
		if err := k.record(ctx, k.intentEntry(t, t.route, skills.Reminder, action, by)); err != nil {
			t.unrecorded = true
			return err
		}
		return nil
	}
	r.Done = func(action string) { t.action = action }
	return r
}
