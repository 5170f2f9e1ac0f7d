package approvals

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/redact"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// MemoryWriter is how the executor carries out the memory kinds: core/app
// hands over its memory service, which writes each change with its audit
// entry.
type MemoryWriter interface {
	Remember(ctx context.Context, key, value string) error
	Forget(ctx context.Context, key string) error
}

// executor carries out one approved action on this machine: a program
// through hosts.Local (its lines published as events.ApprovalOutput as
// they are printed, cleaned and redacted), a file write done here with a
// backup kept first, or a memory change through MemoryWriter; then the
// action's check.
type executor struct {
	local hosts.Transport // this machine's; nil: hosts.Local{}
	// transports gives the transport to another host (an action's Host);
	// nil: actions for other hosts fail.
	transports func(host string) (hosts.Transport, error)
	memory     MemoryWriter
	backups    string // <data dir>/backups
	publish    func(events.Event)
	// started, when set, is called as the action's program has been
	// started (or, for what runs inside Macroa, as it begins): the
	// benchmark's probe.
	started func(store.ApprovalID)
}

// outcome is what came of a run: the state it ends in and what to keep.
type outcome struct {
	ok       bool
	exitCode int
	output   string
	err      string
}

// undoRecord is the Undo JSON of an entry: what the executor kept before
// it changed anything, and the argument list that reverses the action.
type undoRecord struct {
	Kind    string   `json:"kind"`
	Path    string   `json:"path,omitempty"`
	Backup  string   `json:"backup,omitempty"`
	Existed bool     `json:"existed"`
	Mode    uint32   `json:"mode,omitempty"`
	Argv    []string `json:"argv,omitempty"`
}

// prepared is what prepare made before the entry is marked running: the
// Undo JSON and, for a file write, the backup the run restores from.
type prepared struct {
	undo string
	file *fileBackup
}

// prepare does what must happen before anything is changed: for a file
// write, the backup of the file there now. Its Undo JSON is recorded with
// the entry as it starts running.
func (x *executor) prepare(id store.ApprovalID, a actions.Action) (prepared, error) {
	if a.Host != "" {
		return prepared{}, x.remoteRefusal(a)
	}
	f, ok := a.Params.(actions.File)
	if !ok || a.Kind != actions.FileWrite {
		return prepared{}, nil
	}
	b, err := backupFile(x.backups, id, f.Path)
	if err != nil {
		return prepared{}, err
	}
	f.Backup, f.Existed = b.path, b.existed
	rec := undoRecord{Kind: string(a.Kind), Path: f.Path, Backup: b.path, Existed: b.existed, Mode: uint32(b.mode),
		Argv: actions.Action{Kind: a.Kind, Host: a.Host, Params: f}.UndoArgv()}
	js, err := json.Marshal(rec)
	if err != nil {
		b.discard()
		return prepared{}, fmt.Errorf("record the backup: %w", err)
	}
	return prepared{undo: string(js), file: &b}, nil
}

// run carries the action out and checks it. secrets are redacted from
// every line published and from the output kept.
func (x *executor) run(ctx context.Context, id store.ApprovalID, a actions.Action, p prepared, timeout time.Duration, secrets []string) outcome {
	out := &outputLog{id: id, publish: x.publish, secrets: secrets}
	var o outcome
	switch {
	case a.Host != "":
		o = x.runRemote(ctx, id, a, timeout, out)
	case a.Kind.InProcess():
		o = x.runMemory(ctx, id, a, out)
	case a.Kind == actions.FileWrite:
		o = x.runFileWrite(ctx, id, a, p, timeout, out)
	case a.Kind == actions.FileRead:
		o = x.runFileRead(ctx, id, a, out)
	default:
		o = x.runProgram(ctx, x.here(), id, a, timeout, out)
		if o.ok {
			o = x.check(ctx, x.here(), a, timeout, out, o)
		}
	}
	o.output = out.text()
	o.err = redact.String(termsafe.Clean(o.err), secrets...)
	return o
}

// runProgram runs the action's argument list (command.run's in its Dir).
func (x *executor) runProgram(ctx context.Context, t hosts.Transport, id store.ApprovalID, a actions.Action, timeout time.Duration, out *outputLog) outcome {
	argv := a.Argv()
	if len(argv) == 0 {
		return outcome{exitCode: -1, err: fmt.Sprintf("the %s action has nothing to run", a.Kind)}
	}
	cmd := hosts.Command{Argv: argv, Root: needsRoot(a.Kind)}
	if c, ok := a.Params.(actions.Command); ok {
		cmd.Dir = c.Dir
	}
	first := true
	res, err := t.Stream(ctx, cmd, timeout, func(l hosts.Line) {
		if first {
			first = false
			x.began(id)
		}
		out.line(l)
	})
	if first {
		x.began(id)
	}
	if err != nil {
		return outcome{exitCode: -1, err: err.Error()}
	}
	return programOutcome(res, argv[0])
}

// programOutcome judges a finished program: exit 0 succeeded.
func programOutcome(res hosts.Output, name string) outcome {
	o := outcome{exitCode: res.ExitCode, ok: res.ExitCode == 0 && !res.TimedOut && !res.Canceled}
	switch {
	case res.TimedOut:
		o.err = fmt.Sprintf("%s ran out of time after %s and was stopped", name, res.Duration.Round(time.Millisecond))
	case res.Canceled:
		o.err = fmt.Sprintf("%s was stopped: the run was cancelled", name)
	case res.ExitCode != 0:
		o.err = fmt.Sprintf("%s exited with code %d", name, res.ExitCode)
	}
	return o
}

// check runs the action's check after it ran; the action failed when the
// check does not hold. The check's lines are published and kept too.
func (x *executor) check(ctx context.Context, t hosts.Transport, a actions.Action, timeout time.Duration, out *outputLog, o outcome) outcome {
	c := a.Check()
	if len(c.Argv) == 0 || a.Kind == actions.SystemReboot {
		// A reboot ends this process; nothing here could check it.
		return o
	}
	if ok, why := x.holds(ctx, t, c, timeout, out); !ok {
		o.ok, o.err = false, "the check failed: "+why
	}
	return o
}

// holds runs check c: it holds when it exits 0 and, with Want set, its
// first line is Want.
func (x *executor) holds(ctx context.Context, t hosts.Transport, c actions.Check, timeout time.Duration, out *outputLog) (bool, string) {
	out.note("check: " + strings.Join(c.Argv, " "))
	var first string
	got := false
	res, err := t.Stream(ctx, hosts.Command{Argv: c.Argv}, timeout, func(l hosts.Line) {
		if !got && l.Stream == hosts.Stdout {
			first, got = strings.TrimRight(l.Text, "\r\n"), true
		}
		out.line(l)
	})
	switch {
	case err != nil:
		return false, err.Error()
	case res.TimedOut || res.Canceled || res.ExitCode != 0:
		return false, programOutcome(res, c.Argv[0]).err
	case c.Want != "" && first != c.Want:
		return false, fmt.Sprintf("%s printed %q, not %q", c.Argv[0], termsafe.Visible(first), termsafe.Visible(c.Want))
	}
	return true, ""
}

// runMemory carries out memory.remember and memory.forget.
func (x *executor) runMemory(ctx context.Context, id store.ApprovalID, a actions.Action, out *outputLog) outcome {
	m, ok := a.Params.(actions.Memory)
	if !ok {
		return outcome{exitCode: -1, err: "the memory action has no key"}
	}
	if x.memory == nil {
		return outcome{exitCode: -1, err: "memory cannot be changed from here"}
	}
	x.began(id)
	var err error
	if a.Kind == actions.MemoryForget {
		if err = x.memory.Forget(ctx, m.Key); err == nil {
			out.note("forgot " + m.Key)
		}
	} else if err = x.memory.Remember(ctx, m.Key, m.Value); err == nil {
		out.note("remembered " + m.Key)
	}
	if err != nil {
		return outcome{exitCode: 1, err: err.Error()}
	}
	return outcome{ok: true}
}

func (x *executor) began(id store.ApprovalID) {
	if x.started != nil {
		x.started(id)
	}
}

// outputLog keeps an action's output as it comes, line by line, cleaned
// and redacted, up to store.MaxApprovalOutput bytes, and publishes each
// line.
type outputLog struct {
	id      store.ApprovalID
	publish func(events.Event)
	secrets []string

	mu      sync.Mutex
	b       strings.Builder
	dropped int
}

func (o *outputLog) line(l hosts.Line) {
	text := redact.String(termsafe.Clean(l.Text), o.secrets...)
	if text == "" {
		return
	}
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	o.mu.Lock()
	if o.b.Len()+len(text) <= store.MaxApprovalOutput {
		o.b.WriteString(text)
	} else {
		o.dropped += len(text)
	}
	o.mu.Unlock()
	if o.publish != nil {
		o.publish(events.ApprovalOutput{ID: string(o.id), Text: text, Stderr: l.Stream == hosts.Stderr})
	}
}

// note adds a line of Macroa's own ("check: ...", "wrote ...").
func (o *outputLog) note(s string) { o.line(hosts.Line{Stream: hosts.Stdout, Text: s + "\n"}) }

// text is the whole output, redacted once more as a whole (a secret split
// over lines), with a marker when some was dropped.
func (o *outputLog) text() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := redact.String(o.b.String(), o.secrets...)
	if o.dropped > 0 {
		marker := fmt.Sprintf("[... %d more bytes of output not kept]\n", o.dropped)
		if len(s)+len(marker) > store.MaxApprovalOutput {
			s = strings.ToValidUTF8(s[:store.MaxApprovalOutput-len(marker)], "")
		}
		s += marker
	}
	return s
}
