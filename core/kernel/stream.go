package kernel

import (
	"strings"
	"sync"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/router"
)

// stream fans a turn's answer text out to the caller's callbacks and the
// event bus. It holds back the first characters of each attempt until it
// knows they are not the escalation marker, so a person never sees
// "[[ESCALATE]]" flash by.
type stream struct {
	onText  func(string)
	onReset func()
	coal    *events.Coalescer

	mu      sync.Mutex
	held    strings.Builder
	decided bool // the held prefix was judged: passing text through
	muted   bool // this attempt asked to escalate: drop its text
	shown   bool // text reached the person
}

func newStream(bus *events.Bus, turn string, onText func(string), onReset func()) *stream {
	return &stream{onText: onText, onReset: onReset, coal: events.NewCoalescer(bus, turn, 0)}
}

// delta receives streamed text from the model layer.
func (s *stream) delta(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.muted {
		return
	}
	if !s.decided {
		s.held.WriteString(text)
		h := s.held.String()
		trimmed := strings.TrimLeft(h, " \n")
		switch {
		case strings.HasPrefix(trimmed, router.EscalateMarker):
			s.muted = true
			return
		case len(trimmed) < len(router.EscalateMarker) && strings.HasPrefix(router.EscalateMarker, trimmed):
			return // could still be the marker: keep holding
		}
		s.decided = true
		text = h
	}
	s.emit(text)
}

func (s *stream) emit(text string) {
	if text == "" {
		return
	}
	s.shown = true
	if s.onText != nil {
		s.onText(text)
	}
	s.coal.Add(text)
}

// reset voids what this attempt streamed (a retry, a fallback provider or
// an escalation starts over).
func (s *stream) reset(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	wasShown := s.shown
	s.held.Reset()
	s.decided, s.muted, s.shown = false, false, false
	if wasShown {
		if s.onReset != nil {
			s.onReset()
		}
		s.coal.Reset(reason)
	}
}

// finish releases held text (an answer shorter than the marker) and
// publishes what is queued.
func (s *stream) finish() {
	s.mu.Lock()
	if !s.decided && !s.muted {
		s.decided = true
		s.emit(s.held.String())
	}
	s.mu.Unlock()
	s.coal.Flush()
}

// streamed reports whether any text reached the person.
func (s *stream) streamed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shown
}
