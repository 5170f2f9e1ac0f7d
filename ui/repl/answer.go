package repl

import (
	"io"
	"sync"

	"github.com/macroa/macroa/termsafe"
)

// Answer prints a model's answer as it streams (Request.OnText and
// OnReset), cleaned for the terminal, and remembers whether any of it was
// printed, so the whole answer is printed afterwards exactly when nothing
// streamed: once, whether the output is a terminal, a pipe or a file.
// `macroa run` uses it too.
type Answer struct {
	w       *termsafe.Writer
	mu      sync.Mutex
	printed bool
}

// NewAnswer returns an Answer printing to out.
func NewAnswer(out io.Writer) *Answer {
	return &Answer{w: termsafe.NewWriter(out)}
}

// Text prints a piece of the answer.
func (s *Answer) Text(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if text != "" {
		s.printed = true
	}
	_, _ = s.w.WriteString(text)
}

// Reset says what was printed is void: the answer starts over.
func (s *Answer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.w.Flush()
	if s.printed {
		_, _ = io.WriteString(s.w, "\n[answer restarted: the provider failed mid-answer]\n")
	}
	s.printed = false
}

// Done ends the stream and reports whether any of the answer was printed
// (false on a nil Answer).
func (s *Answer) Done() bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.w.Flush()
	return s.printed
}
