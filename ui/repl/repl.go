// Package repl is Macroa's line-oriented interactive session: read a line,
// run it through the kernel, print the answer literally, repeat. A failed
// command never ends the session. Everything it prints that it did not
// write itself (answers, messages, names) goes through the terminal
// sanitiser (termsafe); only its own colours reach the terminal as
// escape codes.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/termsafe"
)

// Runner serves one request; *kernel.Kernel is one.
type Runner interface {
	Run(ctx context.Context, req kernel.Request) kernel.Result
}

// Options configures a session.
type Options struct {
	In          io.Reader
	Out         io.Writer
	Interactive bool   // a person at a terminal: line editing, history, prompt, colour
	Session     string // named session to keep the turns in; "" keeps none
	HistoryPath string // where line history is kept (interactive only)
	Banner      string // printed once at start (interactive only)
	Debug       bool   // print the routing line after each answer
	Style       Style
	// ClearSession empties the named session's stored context.
	ClearSession func(ctx context.Context, name string) error
	// Events is where a turn's streamed answer is read as it arrives;
	// nil prints each answer whole once its run is done.
	Events events.Subscriber
	// Approvals is the approval queue a model's proposals go to; nil
	// refuses every proposal that needs a person.
	Approvals Approvals
}

// Help is the text the "help" built-in prints.
const Help = `Type a request and press enter. Built-ins:
  !cmd or $ cmd   run a shell command (no model involved)
  remember my X is Y / what is my X / forget my X / list my memories
  read file P / list directory P / write file P: TEXT / does file P exist
  clear           forget this conversation's context
  debug           show or hide routing details after each answer
  help            this text
  exit, quit, q   leave (so does ctrl+d)
ctrl+c stops a running command; at the prompt it clears the line.`

// Run reads requests until exit or end of input.
func Run(ctx context.Context, r Runner, o Options) error {
	s := &session{r: r, o: o, debug: o.Debug}
	var lines lineReader
	if o.Interactive {
		lr, err := newTerminalReader(o.HistoryPath)
		if err != nil {
			return err
		}
		defer lr.Close()
		lines = lr
		if o.Banner != "" {
			fmt.Fprintln(o.Out, termsafe.Clean(o.Banner))
		}
		if o.Session != "" {
			fmt.Fprintf(o.Out, "Session: %s\n", termsafe.Clean(o.Session))
		}
	} else {
		lines = newPlainReader(o.In)
	}
	s.lines = lines
	for {
		line, err := lines.ReadLine(o.Style.prompt())
		switch {
		case errors.Is(err, errInterrupted):
			continue
		case errors.Is(err, io.EOF):
			if o.Interactive {
				fmt.Fprintln(o.Out, "Bye.")
			}
			return nil
		case err != nil:
			return fmt.Errorf("read input: %w", err)
		}
		if s.handle(ctx, line) {
			if o.Interactive {
				fmt.Fprintln(o.Out, "Bye.")
			}
			return nil
		}
	}
}

type session struct {
	r     Runner
	o     Options
	debug bool
	lines lineReader
}

// handle runs one line and reports whether the session should end.
func (s *session) handle(ctx context.Context, line string) (quit bool) {
	text := strings.TrimSpace(line)
	switch strings.ToLower(text) {
	case "":
		return false
	case "exit", "quit", "q":
		return true
	case "help":
		fmt.Fprintln(s.o.Out, Help)
		return false
	case "debug":
		s.debug = !s.debug
		fmt.Fprintf(s.o.Out, "Debug mode %s.\n", map[bool]string{true: "on", false: "off"}[s.debug])
		return false
	case "clear":
		if s.o.Session != "" && s.o.ClearSession != nil {
			if err := s.o.ClearSession(ctx, s.o.Session); err != nil {
				fmt.Fprintln(s.o.Out, s.o.Style.errorLine("could not clear the session: "+err.Error()))
				return false
			}
		}
		fmt.Fprintln(s.o.Out, "Context cleared.")
		return false
	}

	// ctrl+c during a run cancels that run only; SIGTERM and SIGHUP (the
	// terminal went away) cancel it too, so it is saved and audited, and
	// then end the session.
	termCtx, stopTerm := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGHUP)
	defer stopTerm()
	runCtx, stop := signal.NotifyContext(termCtx, os.Interrupt)
	req := kernel.Request{TurnID: store.NewTurnID(), Input: line, Session: s.o.Session, Source: kernel.SourceREPL}
	if s.o.Approvals != nil {
		req.Ask = s.ask
	}
	// A model's answer prints as it arrives, to a terminal or a pipe. Its
	// subscription outlives a cancelled run, so the partial answer prints.
	answer := FollowAnswer(ctx, s.o.Events, req.TurnID, s.o.Out)
	res := s.r.Run(runCtx, req)
	stop()

	switch {
	case answer.Done():
		// The answer is out already; only the cancel marker is new.
		if res.Cancelled {
			fmt.Fprint(s.o.Out, "\n"+kernel.CancelledMarker)
		}
		fmt.Fprintln(s.o.Out)
	case res.Transcript() != "":
		fmt.Fprintln(s.o.Out, termsafe.Clean(res.Transcript()))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(s.o.Out, s.o.Style.errorLine("warning: "+w))
	}
	if !res.Success && res.Error != "" {
		fmt.Fprintln(s.o.Out, s.o.Style.errorLine(res.Error))
	}
	if res.AuditErr != nil {
		fmt.Fprintln(s.o.Out, s.o.Style.errorLine("warning: "+res.AuditErr.Error()))
	}
	if s.debug {
		fmt.Fprintln(s.o.Out, s.o.Style.muted("  "+res.DebugLine()))
	}
	return termCtx.Err() != nil
}

// lineReader yields lines of input.
type lineReader interface {
	ReadLine(prompt string) (string, error)
}

// errInterrupted is ctrl+c at the prompt: drop the line, keep going.
var errInterrupted = errors.New("interrupted")

// plainReader reads lines from a pipe or file, with no prompt.
type plainReader struct{ sc *bufio.Scanner }

func newPlainReader(r io.Reader) *plainReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	return &plainReader{sc: sc}
}

func (p *plainReader) ReadLine(string) (string, error) {
	if p.sc.Scan() {
		return p.sc.Text(), nil
	}
	if err := p.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}
