package scheduler

import (
	"slices"
	"strings"
	"testing"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestAddForm: n opens the form; as the spec is typed it shows its words
// and next three fire times, or why it is refused in the error style;
// enter adds a valid task (and selects it) and refuses an invalid one,
// keeping the form.
func TestAddForm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields []string // name, command, spec
		keys   []string // pressed after: tab to missed, space toggles...
		wants  []string // on the form before enter
		call   string   // the Add call; "" refused
		err    string   // the refusal shown after enter
	}{
		{name: "every", fields: []string{"ping", "!true", "every 2 seconds"},
			wants: []string{"every 2 seconds  (every:2)", "next Wed Dec 02 11:45:50 (in 2s) · Wed Dec 02 11:45:52 · Wed Dec 02 11:45:54 UTC"},
			call:  "add ping every:2 request once by person:ann from tui"},
		{name: "weekly reminder", fields: []string{"stand-up", "stand up!", "every monday at 9"},
			keys: []string{"tab", "space", "tab", "right"},
			wants: []string{"every Monday at 09:00  (TZ=UTC cron:0 9 * * 1)", "next Mon Dec 07 09:00 (in 4d 21h) · Mon Dec 14 09:00",
				"missed     once · [skip] · all  missed runs are skipped", "kind       request · [reminder]  tells you the text, runs nothing"},
			call: "add stand-up TZ=UTC cron:0 9 * * 1 reminder skip by person:ann from tui"},
		{name: "toggles go round and ignore typing", fields: []string{"all", "!true", "every 2 seconds"},
			keys:  []string{"tab", "left", "x", "tab", "space", "space", "y"},
			wants: []string{"[all]", "[request]"},
			call:  "add all every:2 request all by person:ann from tui"},
		{name: "bad cron", fields: []string{"bad", "!true", "cron:61 * * * *"},
			wants: []string{"refused: "}, err: "the schedule is refused"},
		{name: "no name", fields: []string{"", "!true", "every 2 seconds"}, err: "a task needs a name"},
		{name: "no command", fields: []string{"x", "", "every 2 seconds"}, err: "a task needs a command"},
		{name: "name taken", fields: []string{"backup", "!true", "every 2 seconds"}, err: `nother task has that name: "backup" is task a1backup01`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, f, d, _, _ := newTestPane(t, sample()...)
			d.Press("n")
			if !p.Capturing() {
				t.Fatal("the form does not take the keys")
			}
			for i, v := range tc.fields {
				if i > 0 {
					d.Press("tab")
				}
				d.Type(v)
			}
			d.Press(tc.keys...)
			view := tuitest.Screen(t, p, 100, 20)
			tuitest.RequireContains(t, view, tc.wants...)
			if tc.name == "bad cron" {
				st := tuitest.Styles(t, "ansi")
				if !strings.Contains(p.View(100, 20, true), st.Error.Render("refused: ")[:8]) {
					t.Error("the refusal is not in the error style")
				}
				tuitest.RequireContains(t, view, "61")
			}
			d.Press("enter")
			got := f.log()
			if tc.call == "" {
				if len(got) != 0 {
					t.Fatalf("an invalid form was added: %q", got)
				}
				if !p.Capturing() || p.prompt != adding {
					t.Fatal("a refusal closed the form")
				}
				tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 20), tc.err)
				if tc.name == "name taken" && p.form.focus != fieldName {
					t.Errorf("the refusal left the focus on field %d, not the name", p.form.focus)
				}
				return
			}
			if !slices.Equal(got, []string{tc.call}) {
				t.Fatalf("calls = %q, want %q", got, tc.call)
			}
			if p.Capturing() {
				t.Fatal("the form stayed open after adding")
			}
			if s, ok := p.Selected(); !ok || s.Name != tc.fields[0] {
				t.Errorf("selected %q, want the new task", s.Name)
			}
			if ts := tuitest.Toasts(d.Kept()); len(ts) == 0 || !strings.HasPrefix(ts[0], "added "+tc.fields[0]+": next run in ") {
				t.Errorf("toasts = %q", ts)
			}
		})
	}
}

// TestAddFormEsc: esc closes the form and adds nothing; the service's
// refusal of a spec the preview had not seen yet keeps the form too.
func TestAddFormEsc(t *testing.T) {
	p, f, d, _, _ := newTestPane(t, sample()...)
	d.Press("n")
	d.Type("x")
	d.Press("esc")
	if p.Capturing() || len(f.log()) != 0 {
		t.Fatalf("esc left the form open or added: %q", f.log())
	}

	// The spec's preview is still on its way when enter comes.
	d.Press("n")
	d.Type("x\t!true\t")
	for _, k := range tuitest.Typing("cron:0 0 30 2 *") {
		p.HandleKey(k) // the previews are never run
	}
	d.Press("enter")
	if len(f.log()) != 0 || p.prompt != adding {
		t.Fatalf("the service's refusal closed the form: %q", f.log())
	}
	tuitest.RequireContains(t, tuitest.Screen(t, p, 100, 20), "the schedule is refused: ")
}

// TestFormFitsTheCockpit: the form with a preview shows every field and
// the three fire times at 80x24; in the cockpit's side area at 80x24
// (78x8) it scrolls so the field tabbed into, with the schedule's
// preview, is always in sight, and the keys stay on the last line.
func TestFormFitsTheCockpit(t *testing.T) {
	p, _, d, _, _ := newTestPane(t, sample()...)
	d.Press("n")
	d.Type("ping\t!true\tevery weekday at 8")
	tuitest.RequireContains(t, tuitest.Screen(t, p, 80, 24), "name       ping", "command    !true", "schedule   every weekday at 8",
		"Thu Dec 03 08:00", "Fri Dec 04 08:00", "Mon Dec 07 08:00 UTC", "missed     [once]", "kind       [request]")
	want := []string{"name       ping", "command    !true", "schedule   every weekday at 8", "missed     [once]", "kind       [request]"}
	for round := range 2 { // down through the fields, then up again
		for i := range fields {
			focus := i
			if round == 1 {
				focus = fields - 1 - i
			}
			for p.form.focus != focus {
				d.Press("tab")
			}
			view := tuitest.Screen(t, p, 78, 8)
			tuitest.RequireContains(t, view, want[focus])
			if focus == fieldSpec {
				tuitest.RequireContains(t, view, "every weekday at 08:00", "Mon Dec 07 08:00 UTC")
			}
			if last := tuitest.Lines(view)[7]; !strings.HasPrefix(last, "enter adds") {
				t.Fatalf("focus %d: the keys are not on the last line:\n%s", focus, view)
			}
		}
	}
}

// TestLongCommandScrolls: a command longer than its input scrolls while
// it is typed, its end and the cursor in sight.
func TestLongCommandScrolls(t *testing.T) {
	p, _, d, _, _ := newTestPane(t, sample()...)
	d.Press("n", "tab")
	d.Type("!echo " + strings.Repeat("abcdefghij", 12) + " END")
	line := tuitest.Lines(tuitest.Screen(t, p, 80, 24))[2]
	if !strings.Contains(line, "abcdefghij END") || strings.Contains(line, "…") {
		t.Fatalf("the command line does not follow the typing: %q", line)
	}
}
