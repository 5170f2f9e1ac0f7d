package providers

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openai/openai-go/v3"
)

// Stream sends one request and passes each piece of content to onDelta.
// It succeeds only when the stream said it was finished: a stream that
// breaks off, or ends without a finish_reason, is an error, so a truncated
// answer never passes for a whole one.
func (p *OpenAI) Stream(ctx context.Context, req Request, onDelta func(text string)) (Response, error) {
	params, err := p.params(req)
	if err != nil {
		return Response{}, err
	}
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	t := p.start(ctx)
	defer t.stop()
	c := &capture{bufferJSON: true}
	stream := p.chat.NewStreaming(t.ctx, params, c.option())
	defer stream.Close()

	var acc openai.ChatCompletionAccumulator
	var finish string
	var cost float64
	var costOK bool
	chunks := 0
	text := false // content reached onDelta: only then did the answer begin
	for stream.Next() {
		t.touch()
		ch := stream.Current()
		chunks++
		if !acc.AddChunk(ch) {
			return Response{}, p.newError(BadResponse, req.Model,
				fmt.Sprintf("chunk %d does not continue the stream (its id or a choice index changed)", chunks))
		}
		if v, ok := usageCost([]byte(ch.RawJSON())); ok {
			cost, costOK = v, true
		}
		// The final usage chunk has no choices; only choice 0 is ours.
		for _, choice := range ch.Choices {
			if choice.Index != 0 {
				continue
			}
			if choice.FinishReason != "" {
				finish = choice.FinishReason
			}
			if choice.Delta.Content != "" {
				text = true
				if onDelta != nil {
					onDelta(choice.Delta.Content)
				}
			}
		}
	}
	if err := stream.Err(); err != nil {
		return Response{}, p.fail(ctx, t, c, req.Model, err, text)
	}
	if chunks == 0 {
		return p.notStreamed(c, req, onDelta)
	}
	// The SDK ends a stream that stops without [DONE] as cleanly as one that
	// finished; only the missing finish_reason tells them apart.
	if finish == "" || len(acc.Choices) == 0 {
		e := p.newError(Unavailable, req.Model, "the stream ended before the answer was complete")
		e.Midway, e.Answered = text, true
		return Response{}, e
	}
	msg := acc.Choices[0].Message
	out := Response{
		Content: msg.Content, FinishReason: finish, Model: acc.Model,
		Usage: Usage{PromptTokens: acc.Usage.PromptTokens, CompletionTokens: acc.Usage.CompletionTokens, CostUSD: cost, CostReported: costOK},
	}
	if out.Model == "" {
		out.Model = req.Model
	}
	// Tool calls are read from the accumulated message, whole, rather than
	// from JustFinishedToolCall, which misses calls made in parallel.
	for _, tc := range msg.ToolCalls {
		out.ToolCalls = append(out.ToolCalls, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	estimateUsage(req, &out)
	return out, nil
}

// notStreamed handles a stream with no events: a server that ignored
// "stream": true and sent one JSON answer is served from that answer;
// anything else is not a stream.
func (p *OpenAI) notStreamed(c *capture, req Request, onDelta func(string)) (Response, error) {
	if c.body == nil {
		return Response{}, p.newError(BadResponse, req.Model, "the stream had no events")
	}
	var res openai.ChatCompletion
	if err := json.Unmarshal(c.body, &res); err != nil {
		return Response{}, p.newError(BadResponse, req.Model, "a JSON answer to a stream request could not be read: "+oneLine(err.Error()))
	}
	out, err := p.response(&res, c.body, req)
	if err == nil && out.Content != "" && onDelta != nil {
		onDelta(out.Content)
	}
	return out, err
}
