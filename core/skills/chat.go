package skills

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/tier"
)

// ChatSkill answers with a model: session context and relevant facts go in
// the prompt, the answer streams back as it is written.
type ChatSkill struct {
	Caller   providers.Caller
	DB       *store.DB // facts offered to the model; nil offers none
	UserName string
	// Instructions are appended to the system prompt (the escalation
	// protocol, for one).
	Instructions string
	Now          func() time.Time // nil: time.Now
}

// ChatRequest is one question for the chat skill.
type ChatRequest struct {
	Input    string
	Tier     tier.Tier
	History  []providers.Message // earlier turns, oldest first
	Episodes []string            // summaries of turns older than History, oldest first
	Session  string
	Priority providers.Priority
	OnDelta  func(text string) // streamed text; nil: no streaming
	OnReset  func()            // streamed text so far is void
}

// ChatAnswer is the chat skill's reply.
type ChatAnswer struct {
	Text      string
	Result    providers.Result // the model call; zero when nothing answered
	Cancelled bool             // the caller stopped it; Text holds what had arrived
}

// chatMaxTokens bounds one answer.
const chatMaxTokens = 2048

// Answer asks the model. When the caller cancels a streamed answer, the part
// that had arrived is returned with Cancelled set, not thrown away.
func (c ChatSkill) Answer(ctx context.Context, req ChatRequest) (ChatAnswer, error) {
	msgs := make([]providers.Message, 0, len(req.History)+2)
	msgs = append(msgs, providers.Message{Role: providers.RoleSystem, Content: c.systemPrompt(ctx, req.Input, req.Episodes)})
	msgs = append(msgs, req.History...)
	msgs = append(msgs, providers.Message{Role: providers.RoleUser, Content: req.Input})
	temp := 0.2

	// Keep what streams in, so a cancel can return it.
	var mu sync.Mutex
	var partial strings.Builder
	call := providers.Call{
		Tier:     req.Tier,
		Request:  providers.Request{Messages: msgs, Temperature: &temp, MaxTokens: chatMaxTokens},
		Priority: req.Priority,
		Session:  req.Session,
	}
	if req.OnDelta != nil {
		call.OnDelta = func(text string) {
			mu.Lock()
			partial.WriteString(text)
			mu.Unlock()
			req.OnDelta(text)
		}
		call.OnReset = func() {
			mu.Lock()
			partial.Reset()
			mu.Unlock()
			if req.OnReset != nil {
				req.OnReset()
			}
		}
	}
	res, err := c.Caller.Call(ctx, call)
	if err != nil {
		if ctx.Err() != nil { // cancelled by the caller, not a provider fault
			mu.Lock()
			defer mu.Unlock()
			return ChatAnswer{Text: partial.String(), Result: res, Cancelled: true}, nil
		}
		return ChatAnswer{Result: res}, err
	}
	return ChatAnswer{Text: res.Content, Result: res}, nil
}
