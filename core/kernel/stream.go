package kernel

import (
	"strings"
	"sync"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/router"
)

// stream publishes a turn's answer text on the broker, as the turn's Token
// events (and StreamReset when it starts over): the one way every front end
// receives it. It holds back the first characters of each attempt until it
// knows they are not the escalation marker, so a person never sees
// "[[ESCALATE]]" flash by.
type stream struct {
	coal *events.Coalescer

	mu      sync.Mutex
	held    strings.Builder
	decided bool // the held prefix was judged: passing text through
	muted   bool // this attempt asked to escalate: drop its text
	shown   bool // text reached the person
}

func newStream(bus *events.Bus, turn string) *stream {
	return &stream{coal: events.NewCoalescer(bus, turn, 0)}
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
		// The blanks router.NeedsMoreReasoning skips: a marker after a
		// \r\n or a tab is the marker too.
		trimmed := strings.TrimLeft(h, " \t\r\n")
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
		s.coal.Reset(reason)
	}
}

// finish releases held text (an answer shorter than the marker) and
// publishes what is queued. The kernel calls it before it publishes
// RunCompleted, so a front end has every token of the turn by then.
func (s *stream) finish() {
	s.mu.Lock()
	if !s.decided && !s.muted {
		s.decided = true
		s.emit(s.held.String())
	}
	s.mu.Unlock()
	s.coal.Flush()
}

// streamed reports whether any of the answer went out as tokens.
func (s *stream) streamed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shown
}
