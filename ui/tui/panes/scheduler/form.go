package scheduler

import (
	"context"
	"errors"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/macroa/macroa/core/schedule"
	"github.com/macroa/macroa/core/scheduler"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/kit"
	"github.com/macroa/macroa/ui/tui/kit/filter"
)

// The form's fields, in the order tab moves through them: three typed
// ones, then two that toggle between fixed choices.
const (
	fieldName = iota
	fieldCommand
	fieldSpec
	fieldMissed
	fieldKind
	fields
	typed = fieldMissed // the fields before it take text
)

// maxField is the most runes a field takes.
const maxField = 2000

// fieldLabels and fieldHints name the fields and say what an empty one
// means.
var (
	fieldLabels = [fields]string{"name", "command", "schedule", "missed", "kind"}
	fieldHints  = [typed]string{
		"a short name no other task still to fire has (a reminder's gets a number)",
		"what runs: a request as you would type it (!df -h), or a reminder's text",
		"every 15 minutes · every monday at 9 · daily:07:30 · cron:0 9 * * 1-5",
	}
)

// choice is one value of a toggled field and what it means.
type choice struct{ value, means string }

// The toggled fields' choices, the default first.
var (
	missedChoices = []choice{
		{string(store.MissedOnce), "missed runs run once"},
		{string(store.MissedSkip), "missed runs are skipped"},
		{string(store.MissedAll), "each missed run runs"},
	}
	kindChoices = []choice{
		{string(store.TaskRequest), "runs the command as a request"},
		{string(store.TaskReminder), "tells you the text, runs nothing"},
	}
)

// choices are a toggled field's choices.
func choices(field int) []choice {
	if field == fieldMissed {
		return missedChoices
	}
	return kindChoices
}

// form is the add form: its inputs, the field typed into, the preview of
// the spec as typed, and what refused the last submission.
type form struct {
	in     [typed]filter.Input
	picked [fields]int // the choice of each toggled field
	focus  int
	top    int // the first line shown when the form is taller than the pane
	// The preview of the spec text previewFor: its words and next fire
	// times, or why it is refused.
	previewFor string
	preview    scheduler.Preview
	specErr    string
	err        string // a refusal of another field, or of the service
	submitting bool
}

func newForm() form {
	var f form
	for i := range f.in {
		f.in[i] = filter.New(maxField)
	}
	f.focus = fieldName
	return f
}

// spec is the schedule as typed.
func (f *form) spec() string { return strings.TrimSpace(f.in[fieldSpec].Value()) }

type (
	previewMsg struct {
		seq  uint64
		spec string
		pv   scheduler.Preview
		err  error
	}
	addedMsg struct {
		task store.Task
		err  error
	}
)

// key handles a key while the form is open: tab and the arrows move
// between fields, enter adds, esc closes, the rest edits the field.
func (f *form) key(p *Pane, msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		p.prompt = browse
		p.form = form{}
		return nil
	case "tab", "down":
		f.focus = (f.focus + 1) % fields
		return nil
	case "shift+tab", "up":
		f.focus = (f.focus + fields - 1) % fields
		return nil
	case "enter":
		return f.submit(p)
	}
	if f.focus >= typed {
		f.toggle(msg.String())
		return nil
	}
	before := f.in[f.focus].Value()
	f.in[f.focus].Update(msg)
	return f.edited(p, before)
}

// toggle changes a toggled field's choice: space and right to the next,
// left to the one before; other keys do nothing there.
func (f *form) toggle(k string) {
	n := len(choices(f.focus))
	switch k {
	case "space", "right":
		f.picked[f.focus] = (f.picked[f.focus] + 1) % n
	case "left":
		f.picked[f.focus] = (f.picked[f.focus] + n - 1) % n
	default:
		return
	}
	f.err = ""
}

// paste types a paste into the field typed into.
func (f *form) paste(p *Pane, msg tea.PasteMsg) tea.Cmd {
	if f.focus >= typed {
		return nil
	}
	before := f.in[f.focus].Value()
	f.in[f.focus].Update(msg)
	return f.edited(p, before)
}

// edited clears the refusal of a changed field and previews a changed spec.
func (f *form) edited(p *Pane, before string) tea.Cmd {
	if f.in[f.focus].Value() == before {
		return nil
	}
	f.err = ""
	if f.focus != fieldSpec {
		return nil
	}
	return p.previewCmd(f.spec())
}

// previewCmd reads the spec as typed: its words and next fire times, or
// why it is refused. An empty spec shows nothing.
func (p *Pane) previewCmd(spec string) tea.Cmd {
	seq, svc := p.q.Next(kindPreview), p.svc
	if spec == "" || svc == nil {
		p.form.previewFor, p.form.preview, p.form.specErr = "", scheduler.Preview{}, ""
		return nil
	}
	return func() tea.Msg {
		pv, err := svc.Preview(spec, previewN)
		return previewMsg{seq: seq, spec: spec, pv: pv, err: err}
	}
}

// applyPreview takes a preview when it is of the newest spec typed.
func (f *form) applyPreview(p *Pane, m previewMsg) {
	if p.prompt != adding || !p.q.Current(kindPreview, m.seq) {
		return
	}
	f.previewFor, f.preview, f.specErr = m.spec, m.pv, ""
	if m.err != nil {
		f.preview, f.specErr = scheduler.Preview{}, specReason(m.err)
	}
}

// specReason is why a spec is refused, in one sentence (a
// *schedule.Error's reason, without the list of accepted forms).
func specReason(err error) string {
	var se *schedule.Error
	if errors.As(err, &se) && se.Reason != "" {
		return kit.SafeLine(se.Reason)
	}
	return kit.Sentence(err)
}

// submit checks the form and adds the task in a Cmd; a refusal keeps the
// form open and says why beside the field.
func (f *form) submit(p *Pane) tea.Cmd {
	if f.submitting {
		return nil
	}
	name := strings.TrimSpace(f.in[fieldName].Value())
	command := strings.TrimSpace(f.in[fieldCommand].Value())
	spec := f.spec()
	missed := store.MissedPolicy(missedChoices[f.picked[fieldMissed]].value)
	kind := store.TaskKind(kindChoices[f.picked[fieldKind]].value)
	switch {
	case name == "":
		f.focus, f.err = fieldName, "a task needs a name"
	case command == "":
		f.focus, f.err = fieldCommand, "a task needs a command (or a reminder's text)"
	case spec == "":
		f.focus, f.err = fieldSpec, "a task needs a schedule"
	case f.previewFor == spec && f.specErr != "":
		f.focus, f.err = fieldSpec, "the schedule is refused: "+f.specErr
	default:
		f.err, f.submitting = "", true
		svc, who := p.svc, p.person
		return kit.Query(timeout, func(ctx context.Context) tea.Msg {
			t, err := svc.Add(ctx, scheduler.AddRequest{Name: name, Command: command, Spec: spec, Kind: kind,
				Missed: missed, By: who(), Source: source})
			return addedMsg{task: t, err: err}
		})
	}
	return nil
}

// added closes the form on success and selects the new task; a refusal
// stays in the form, beside the field it is about.
func (p *Pane) added(m addedMsg) tea.Cmd {
	if p.prompt != adding {
		if m.err == nil {
			return p.reload()
		}
		return nil
	}
	f := &p.form
	f.submitting = false
	var se *schedule.Error
	switch {
	case errors.As(m.err, &se):
		f.focus, f.previewFor, f.specErr = fieldSpec, f.spec(), specReason(m.err)
		f.err = "the schedule is refused: " + f.specErr
		return nil
	case errors.Is(m.err, scheduler.ErrNameTaken), errors.Is(m.err, scheduler.ErrNameControls):
		f.focus, f.err = fieldName, kit.Sentence(m.err)
		return nil
	case m.err != nil:
		f.err = kit.Sentence(m.err)
		return nil
	}
	p.prompt, p.form = browse, form{}
	// Shown at once, in the place the reload will find it (by next due
	// time, the ones that never fire last), so the list does not jump.
	at := len(p.tasks)
	for i := range p.tasks {
		if n := p.tasks[i].NextRunAt; n.IsZero() || (!m.task.NextRunAt.IsZero() && n.After(m.task.NextRunAt)) {
			at = i
			break
		}
	}
	p.tasks = slices.Insert(p.tasks, at, m.task)
	p.words[m.task.ID] = ""
	p.narrow(m.task.ID)
	text := "added " + kit.SafeLine(m.task.Name)
	if !m.task.NextRunAt.IsZero() {
		text += ": next run " + nextText(&m.task, p.now())
	}
	return tea.Batch(p.reload(), kit.Toast(kit.ToastInfo, text))
}
