package providers

import (
	"errors"
	"fmt"
	"strings"
)

// The context guard keeps over-long prompts from ever being sent. Some
// servers (Ollama above all) silently drop the start of a prompt that does
// not fit — the system prompt and tool schemas first — and answer 200, so
// the only safe place to catch it is before sending.

const (
	// defaultWindow is assumed for a model the table does not know. It is
	// small on purpose: guessing too small costs a trimmed history, guessing
	// too big costs a silently truncated prompt.
	defaultWindow = 8192
	// defaultAnswerReserve is kept free for the answer when the request does
	// not set MaxTokens.
	defaultAnswerReserve = 1024
	// perMessageTokens covers the role and framing tokens every chat
	// message carries on top of its text.
	perMessageTokens = 4
)

// DefaultWindows lists the context windows, in tokens, of the seed's default
// models. Keys are model ids without the vendor prefix; see windowFor.
var DefaultWindows = map[string]int{
	"gemini-2.5-flash-lite": 1_048_576,
	"claude-haiku-4-5":      200_000,
	"claude-sonnet-4-6":     200_000,
	"claude-opus-4-6":       200_000,
}

// ErrTooLong is wrapped by the error a request gets when it cannot be made
// to fit any model's window.
var ErrTooLong = errors.New("request too long for the model's context window")

// tooLongError says how big the request is and which window it missed.
type tooLongError struct {
	tokens int
	model  string
	window int
}

func (e *tooLongError) Error() string {
	return fmt.Sprintf("the request is about %d tokens, more than %s's window of %d even after trimming the conversation",
		e.tokens, e.model, e.window)
}

func (e *tooLongError) Unwrap() error { return ErrTooLong }

// windowFor returns the context window of model: an exact entry first, then
// the id without its vendor prefix ("anthropic/claude-haiku-4-5"), then
// without a variant tag (":free"), else defaultWindow.
func windowFor(windows map[string]int, model string) int {
	candidates := []string{model}
	short := model
	if i := strings.LastIndex(short, "/"); i >= 0 {
		short = short[i+1:]
		candidates = append(candidates, short)
	}
	if i := strings.Index(short, ":"); i >= 0 {
		candidates = append(candidates, short[:i])
	}
	for _, c := range candidates {
		if w, ok := windows[c]; ok && w > 0 {
			return w
		}
	}
	return defaultWindow
}

// estimateTokens approximates a text's token count as ceil(len/4). This is
// an approximation, not a tokenizer: Macroa carries none, and four
// characters per token is the usual rule of thumb for English and code. It
// counts bytes rather than characters, which is the same for ASCII and
// errs on the large (safe) side for other scripts, where one character is
// often a whole token.
func estimateTokens(s string) int {
	return (len(s) + 3) / 4
}

// messageTokens estimates one message: its text, its tool calls, and
// perMessageTokens of framing.
func messageTokens(m Message) int {
	n := len(m.Content) + len(m.ToolCallID)
	for _, tc := range m.ToolCalls {
		n += len(tc.ID) + len(tc.Name) + len(tc.Arguments)
	}
	return (n+3)/4 + perMessageTokens
}

// toolTokens estimates the tool definitions, which are sent with every
// request and are never trimmed.
func toolTokens(tools []Tool) int {
	n := 0
	for _, t := range tools {
		n += estimateTokens(t.Name+t.Description+string(t.Parameters)) + perMessageTokens
	}
	return n
}

// answerReserve is how much of the window is kept for the answer.
func answerReserve(req Request) int {
	if req.MaxTokens > 0 {
		return req.MaxTokens
	}
	return defaultAnswerReserve
}

// requestTokens estimates a whole request, answer reserve included.
func requestTokens(req Request) int {
	n := toolTokens(req.Tools) + answerReserve(req)
	for _, m := range req.Messages {
		n += messageTokens(m)
	}
	return n
}

// fitWindow returns req trimmed to fit window, and whether it fits at all.
// It drops the oldest messages first and never drops a system message, the
// tool definitions, the last user message or anything after it (the
// current turn's tool calls and results, without which the model would
// repeat them). An assistant message is dropped together with the tool
// results that answer it, since a tool result without its call is rejected
// by OpenAI-compatible servers, and the kept history starts at a user
// message. When it does not fit, the returned request
// is the smallest one tried, and its estimate is what the error reports.
func fitWindow(req Request, window int) (Request, bool) {
	total := requestTokens(req)
	if total <= window {
		return req, true
	}
	lastUser := -1
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == RoleUser {
			lastUser = i
			break
		}
	}
	drop := make([]bool, len(req.Messages))
	dropped := false
	for i := 0; i < lastUser; i++ {
		m := req.Messages[i]
		if m.Role == RoleSystem || drop[i] {
			continue
		}
		// Stop once it fits, but only at a user message, so the kept
		// history starts with a whole turn rather than a dangling answer.
		if total <= window && (!dropped || m.Role == RoleUser) {
			break
		}
		drop[i], dropped = true, true
		total -= messageTokens(m)
		// The tool results answering this message's calls go with it.
		for j := i + 1; j < lastUser && len(m.ToolCalls) > 0; j++ {
			if req.Messages[j].Role == RoleTool && answers(m.ToolCalls, req.Messages[j].ToolCallID) && !drop[j] {
				drop[j] = true
				total -= messageTokens(req.Messages[j])
			}
		}
	}
	if !dropped {
		return req, false
	}
	kept := make([]Message, 0, len(req.Messages))
	for i, m := range req.Messages {
		if !drop[i] {
			kept = append(kept, m)
		}
	}
	out := req
	out.Messages = kept
	return out, total <= window
}

// answers reports whether id is the id of one of calls.
func answers(calls []ToolCall, id string) bool {
	for _, c := range calls {
		if c.ID == id {
			return true
		}
	}
	return false
}
