package providers

import (
	"context"
	"encoding/json"
)

// Role is who said a message.
type Role string

const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
	RoleTool      Role = "tool"
)

// Message is one chat message sent to or received from a model.
type Message struct {
	Role       Role
	Content    string
	ToolCalls  []ToolCall // on assistant messages that call tools
	ToolCallID string     // on tool messages: which call this answers
}

// ToolCall is a model's request to run a function.
type ToolCall struct {
	ID        string
	Name      string
	Arguments string // JSON text, as the model wrote it
}

// Tool describes a function a model may call.
type Tool struct {
	Name        string
	Description string
	Parameters  json.RawMessage // a JSON Schema object
}

// Request is one chat completion request.
type Request struct {
	Model       string
	Messages    []Message
	Temperature *float64 // nil: the provider's default
	MaxTokens   int      // 0: the provider's default
	JSON        bool     // ask for a JSON object answer (response_format json_object)
	Tools       []Tool
}

// Usage is what one call cost.
type Usage struct {
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
	CostReported     bool // the provider sent the cost itself (OpenRouter does)
	// Estimated: the provider sent no token counts, so these are Macroa's
	// estimate (four bytes a token), never zero, so budgets do not undercount.
	Estimated bool
}

// Response is a finished completion.
type Response struct {
	Content      string
	ToolCalls    []ToolCall
	FinishReason string
	Model        string // the model that answered, as the provider names it
	Usage        Usage
}

// Provider is one model endpoint. Implementations must be safe for
// concurrent use and must not retry: retries live in exactly one layer
// above them.
type Provider interface {
	// Name identifies the provider in audit entries and errors.
	Name() string
	// Complete sends one request and waits for the whole answer.
	Complete(ctx context.Context, req Request) (Response, error)
	// Stream sends one request and calls onDelta with each piece of text
	// as it arrives; the returned Response holds the whole answer.
	Stream(ctx context.Context, req Request, onDelta func(text string)) (Response, error)
	// Embed returns one vector per input.
	Embed(ctx context.Context, model string, inputs []string) ([][]float64, Usage, error)
}
