package providertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Recorded is one request the server received, kept exactly as it arrived
// so tests can check what a client really put on the wire.
type Recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Chat   *ChatBody  // set for a chat completion whose body decoded
	Embed  *EmbedBody // set for an embeddings request whose body decoded
	At     time.Time
}

// ChatBody is the part of a chat completion request tests look at.
// Decoding is lenient: unknown fields are ignored, and the shapes real
// clients send in more than one way (string or parts content, max_tokens or
// max_completion_tokens) are folded into one.
type ChatBody struct {
	Model          string
	Messages       []ChatMessage
	Stream         bool
	Temperature    *float64
	MaxTokens      *int
	ResponseFormat *ResponseFormat
	Tools          []json.RawMessage
	StreamOptions  *StreamOptions
}

// ResponseFormat is the request's response_format.
type ResponseFormat struct {
	Type string `json:"type"`
}

// StreamOptions is the request's stream_options.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ChatMessage is one message of a chat request. Content holds the text
// whether it arrived as a string or as an array of text parts.
type ChatMessage struct {
	Role       string
	Content    string
	ToolCalls  []ChatToolCall
	ToolCallID string
}

// ChatToolCall is a tool call on an assistant message of a request.
type ChatToolCall struct {
	ID       string
	Type     string
	Function ChatFunction
}

// ChatFunction is the function part of a ChatToolCall.
type ChatFunction struct {
	Name      string
	Arguments string
}

// EmbedBody is an embeddings request; Input holds one entry per text
// whether the client sent a single string or an array.
type EmbedBody struct {
	Model string
	Input []string
}

// wireChat mirrors the JSON of a chat request; content stays raw because
// it may be a string, an array of parts, or null.
type wireChat struct {
	Model               string            `json:"model"`
	Messages            []wireMessage     `json:"messages"`
	Stream              bool              `json:"stream"`
	Temperature         *float64          `json:"temperature"`
	MaxTokens           *int              `json:"max_tokens"`
	MaxCompletionTokens *int              `json:"max_completion_tokens"`
	ResponseFormat      *ResponseFormat   `json:"response_format"`
	Tools               []json.RawMessage `json:"tools"`
	StreamOptions       *StreamOptions    `json:"stream_options"`
}

type wireMessage struct {
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	ToolCalls []struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	} `json:"tool_calls"`
	ToolCallID string `json:"tool_call_id"`
}

func decodeChat(body []byte) (*ChatBody, error) {
	var w wireChat
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	c := &ChatBody{
		Model: w.Model, Stream: w.Stream, Temperature: w.Temperature,
		MaxTokens: w.MaxTokens, ResponseFormat: w.ResponseFormat,
		Tools: w.Tools, StreamOptions: w.StreamOptions,
	}
	if c.MaxTokens == nil {
		c.MaxTokens = w.MaxCompletionTokens
	}
	for _, m := range w.Messages {
		cm := ChatMessage{Role: m.Role, Content: contentText(m.Content), ToolCallID: m.ToolCallID}
		for _, tc := range m.ToolCalls {
			cm.ToolCalls = append(cm.ToolCalls, ChatToolCall{
				ID: tc.ID, Type: tc.Type,
				Function: ChatFunction{Name: tc.Function.Name, Arguments: tc.Function.Arguments},
			})
		}
		c.Messages = append(c.Messages, cm)
	}
	return c, nil
}

// contentText reads message content sent as a string or as an array of
// parts ({"type":"text","text":...}); other part types carry no text.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

func decodeEmbed(body []byte) (*EmbedBody, error) {
	var w struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, err
	}
	e := &EmbedBody{Model: w.Model}
	var one string
	if err := json.Unmarshal(w.Input, &one); err == nil {
		e.Input = []string{one}
		return e, nil
	}
	if err := json.Unmarshal(w.Input, &e.Input); err != nil {
		return nil, err
	}
	return e, nil
}
