package providers_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/macroa/macroa/providers"
	"github.com/macroa/macroa/providers/providertest"
)

// Every test here talks HTTP to providertest on 127.0.0.1: the SDK's real
// request building, SSE decoding and error handling run as in production.

func newOpenAI(srv *providertest.Server, mod ...func(*providers.OpenAIConfig)) *providers.OpenAI {
	c := providers.OpenAIConfig{
		Name: "local", BaseURL: srv.URL(), APIKey: "sk-test",
		Headers: map[string]string{"HTTP-Referer": "https://github.com/macroa/macroa", "X-Title": "Macroa"},
	}
	for _, m := range mod {
		m(&c)
	}
	return providers.NewOpenAI(c)
}

func userAsks(text string) providers.Request {
	return providers.Request{Model: "m1", Messages: []providers.Message{{Role: providers.RoleUser, Content: text}}}
}

// onlyChat returns the single chat request the server saw.
func onlyChat(t *testing.T, srv *providertest.Server) providertest.Recorded {
	t.Helper()
	reqs := srv.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("the server saw %d chat requests, want 1", len(reqs))
	}
	return reqs[0]
}

// rawFields decodes a request body into its top-level fields, to check
// which fields were sent at all.
func rawFields(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("request body is not JSON: %v", err)
	}
	return m
}

func wantError(t *testing.T, err error, kind providers.ErrorKind) *providers.Error {
	t.Helper()
	pe, ok := providers.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *providers.Error of kind %v", err, err, kind)
	}
	if pe.Kind != kind {
		t.Fatalf("kind = %v, want %v (error: %v)", pe.Kind, kind, err)
	}
	if pe.Provider != "local" {
		t.Errorf("provider = %q, want local", pe.Provider)
	}
	return pe
}

func TestCompleteRequestBody(t *testing.T) {
	temp := 0.2
	schema := `{"type":"object","properties":{"n":{"type":"integer","maximum":9007199254740993}},"required":["n"]}`
	history := []providers.Message{
		{Role: providers.RoleSystem, Content: "be brief"},
		{Role: providers.RoleUser, Content: "what time is it?"},
		{Role: providers.RoleAssistant, ToolCalls: []providers.ToolCall{{ID: "c1", Name: "now", Arguments: `{"zone":"UTC"}`}}},
		{Role: providers.RoleTool, ToolCallID: "c1", Content: "12:00"},
		{Role: providers.RoleAssistant, Content: "noon"},
	}
	tests := []struct {
		name  string
		req   providers.Request
		check func(t *testing.T, body providertest.ChatBody, raw map[string]json.RawMessage)
	}{
		{
			name: "defaults are left to the server",
			req:  userAsks("hi"),
			check: func(t *testing.T, b providertest.ChatBody, raw map[string]json.RawMessage) {
				for _, f := range []string{"temperature", "max_tokens", "max_completion_tokens", "response_format", "tools", "stream", "stream_options"} {
					if _, ok := raw[f]; ok {
						t.Errorf("%s was sent although not set: %s", f, raw[f])
					}
				}
				if b.Model != "m1" || len(b.Messages) != 1 || !reflect.DeepEqual(b.Messages[0], providertest.ChatMessage{Role: "user", Content: "hi"}) {
					t.Errorf("body %+v", b)
				}
			},
		},
		{
			name: "temperature, max tokens and JSON mode",
			req:  providers.Request{Model: "m2", Messages: history[:2], Temperature: &temp, MaxTokens: 2048, JSON: true},
			check: func(t *testing.T, b providertest.ChatBody, raw map[string]json.RawMessage) {
				if b.Temperature == nil || *b.Temperature != 0.2 || string(raw["max_tokens"]) != "2048" ||
					b.ResponseFormat == nil || b.ResponseFormat.Type != "json_object" {
					t.Errorf("temperature %v, max_tokens %s, response_format %+v", b.Temperature, raw["max_tokens"], b.ResponseFormat)
				}
			},
		},
		{
			name: "a zero temperature is still sent",
			req:  providers.Request{Model: "m", Messages: history[1:2], Temperature: new(float64)},
			check: func(t *testing.T, b providertest.ChatBody, raw map[string]json.RawMessage) {
				if string(raw["temperature"]) != "0" {
					t.Errorf("temperature = %s, want 0", raw["temperature"])
				}
			},
		},
		{
			name: "a tool round trip",
			req:  providers.Request{Model: "m", Messages: history},
			check: func(t *testing.T, b providertest.ChatBody, raw map[string]json.RawMessage) {
				want := []providertest.ChatMessage{
					{Role: "system", Content: "be brief"},
					{Role: "user", Content: "what time is it?"},
					{Role: "assistant", ToolCalls: []providertest.ChatToolCall{{ID: "c1", Type: "function", Function: providertest.ChatFunction{Name: "now", Arguments: `{"zone":"UTC"}`}}}},
					{Role: "tool", Content: "12:00", ToolCallID: "c1"},
					{Role: "assistant", Content: "noon"},
				}
				if !reflect.DeepEqual(b.Messages, want) {
					t.Errorf("messages\n got %+v\nwant %+v", b.Messages, want)
				}
			},
		},
		{
			name: "tools keep their schema byte for byte",
			req: providers.Request{Model: "m", Messages: history[1:2], Tools: []providers.Tool{
				{Name: "count", Description: "counts", Parameters: json.RawMessage(schema)},
				{Name: "ping"},
			}},
			check: func(t *testing.T, b providertest.ChatBody, raw map[string]json.RawMessage) {
				if len(b.Tools) != 2 {
					t.Fatalf("%d tools sent", len(b.Tools))
				}
				var tool struct {
					Type     string `json:"type"`
					Function struct {
						Name        string                     `json:"name"`
						Description string                     `json:"description"`
						Parameters  map[string]json.RawMessage `json:"parameters"`
					} `json:"function"`
				}
				if err := json.Unmarshal(b.Tools[0], &tool); err != nil {
					t.Fatal(err)
				}
				if tool.Type != "function" || tool.Function.Name != "count" || tool.Function.Description != "counts" {
					t.Errorf("tool %s", b.Tools[0])
				}
				// A large integer survives: no float64 or json.Number on the way.
				if got := string(tool.Function.Parameters["properties"]); got != `{"n":{"type":"integer","maximum":9007199254740993}}` {
					t.Errorf("properties = %s", got)
				}
				if strings.Contains(string(b.Tools[1]), "parameters") {
					t.Errorf("a tool without parameters sent some: %s", b.Tools[1])
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			if _, err := newOpenAI(srv).Complete(context.Background(), tc.req); err != nil {
				t.Fatal(err)
			}
			r := onlyChat(t, srv)
			if r.Path != "/v1/chat/completions" || r.Chat == nil {
				t.Fatalf("request %s %s", r.Method, r.Path)
			}
			tc.check(t, *r.Chat, rawFields(t, r.Body))
		})
	}
}

func TestHeaders(t *testing.T) {
	srv := providertest.New(t)
	if _, err := newOpenAI(srv).Complete(context.Background(), userAsks("hi")); err != nil {
		t.Fatal(err)
	}
	h := onlyChat(t, srv).Header
	for k, want := range map[string]string{
		"Authorization": "Bearer sk-test",
		"X-Title":       "Macroa",
		"HTTP-Referer":  "https://github.com/macroa/macroa",
		"Content-Type":  "application/json",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
}

// The SDK's NewClient reads OPENAI_* variables; none of them may reach a
// request, least of all a key meant for OpenAI sent to another server.
func TestEnvironmentDoesNotLeak(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-from-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_ORG_ID", "org-env")
	t.Setenv("OPENAI_PROJECT_ID", "proj-env")
	t.Setenv("OPENAI_CUSTOM_HEADERS", "X-Leak: yes")
	srv := providertest.New(t)
	tests := []struct {
		name, key, wantAuth string
	}{
		{"no key configured", "", ""},
		{"a key configured", "sk-mine", "Bearer sk-mine"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newOpenAI(srv, func(c *providers.OpenAIConfig) { c.APIKey = tc.key })
			if _, err := p.Complete(context.Background(), userAsks("hi")); err != nil {
				t.Fatalf("the request did not reach the configured server: %v", err)
			}
			if _, _, err := p.Embed(context.Background(), "e", []string{"x"}); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			for _, r := range reqs[len(reqs)-2:] {
				if got := r.Header.Get("Authorization"); got != tc.wantAuth {
					t.Errorf("%s: Authorization = %q, want %q", r.Path, got, tc.wantAuth)
				}
				for _, k := range []string{"OpenAI-Organization", "OpenAI-Project", "X-Leak"} {
					if v := r.Header.Get(k); v != "" {
						t.Errorf("%s: header %s = %q leaked from the environment", r.Path, k, v)
					}
				}
			}
		})
	}
}

func TestCompleteResponse(t *testing.T) {
	cost := 0.0042
	tests := []struct {
		name  string
		reply providertest.Reply
		want  providers.Response
	}{
		{
			name:  "text",
			reply: providertest.Reply{Content: "hello there", PromptTokens: 12, CompletionTokens: 3},
			want:  providers.Response{Content: "hello there", FinishReason: "stop", Model: "m1", Usage: providers.Usage{PromptTokens: 12, CompletionTokens: 3}},
		},
		{
			name:  "OpenRouter reports the cost",
			reply: providertest.Reply{Content: "x", Model: "openai/gpt-4o-mini", PromptTokens: 1, CompletionTokens: 1, Cost: &cost},
			want: providers.Response{Content: "x", FinishReason: "stop", Model: "openai/gpt-4o-mini",
				Usage: providers.Usage{PromptTokens: 1, CompletionTokens: 1, CostUSD: 0.0042, CostReported: true}},
		},
		{
			name: "tool calls",
			reply: providertest.Reply{PromptTokens: 5, CompletionTokens: 9, ToolCalls: []providertest.ToolCall{
				{ID: "call_a", Name: "now", Arguments: `{"zone":"UTC"}`}, {ID: "call_b", Name: "ping", Arguments: `{}`},
			}},
			want: providers.Response{FinishReason: "tool_calls", Model: "m1", Usage: providers.Usage{PromptTokens: 5, CompletionTokens: 9},
				ToolCalls: []providers.ToolCall{{ID: "call_a", Name: "now", Arguments: `{"zone":"UTC"}`}, {ID: "call_b", Name: "ping", Arguments: `{}`}}},
		},
		{
			name:  "length cut",
			reply: providertest.Reply{Content: "trunc", FinishReason: "length", PromptTokens: 1, CompletionTokens: 1},
			want:  providers.Response{Content: "trunc", FinishReason: "length", Model: "m1", Usage: providers.Usage{PromptTokens: 1, CompletionTokens: 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.Script(tc.reply)
			got, err := newOpenAI(srv).Complete(context.Background(), userAsks("hi"))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("response\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestStream(t *testing.T) {
	cost := 0.5
	tests := []struct {
		name       string
		reply      providertest.Reply
		wantDeltas []string
		want       providers.Response
	}{
		{
			name:       "text in order, then usage and cost",
			reply:      providertest.Reply{Chunks: []string{"Hel", "lo, ", "wor", "ld"}, PromptTokens: 4, CompletionTokens: 2, Cost: &cost},
			wantDeltas: []string{"Hel", "lo, ", "wor", "ld"},
			want: providers.Response{Content: "Hello, world", FinishReason: "stop", Model: "m1",
				Usage: providers.Usage{PromptTokens: 4, CompletionTokens: 2, CostUSD: 0.5, CostReported: true}},
		},
		{
			name: "parallel tool calls after some text",
			reply: providertest.Reply{Content: "checking ", PromptTokens: 1, CompletionTokens: 1, ToolCalls: []providertest.ToolCall{
				{ID: "call_a", Name: "now", Arguments: `{"zone":"Europe/Warsaw","format":"24h"}`},
				{ID: "call_b", Name: "weather", Arguments: `{"city":"Kraków"}`},
			}},
			wantDeltas: []string{"checking "},
			want: providers.Response{Content: "checking ", FinishReason: "tool_calls", Model: "m1", Usage: providers.Usage{PromptTokens: 1, CompletionTokens: 1},
				ToolCalls: []providers.ToolCall{
					{ID: "call_a", Name: "now", Arguments: `{"zone":"Europe/Warsaw","format":"24h"}`},
					{ID: "call_b", Name: "weather", Arguments: `{"city":"Kraków"}`},
				}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.Script(tc.reply)
			var deltas []string
			got, err := newOpenAI(srv).Stream(context.Background(), userAsks("hi"), func(s string) { deltas = append(deltas, s) })
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(deltas, tc.wantDeltas) {
				t.Errorf("deltas %q, want %q", deltas, tc.wantDeltas)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("response\n got %+v\nwant %+v", got, tc.want)
			}
			b := onlyChat(t, srv).Chat
			if !b.Stream || b.StreamOptions == nil || !b.StreamOptions.IncludeUsage {
				t.Errorf("stream %v, stream_options %+v: want stream with include_usage", b.Stream, b.StreamOptions)
			}
		})
	}
}

func TestStreamThatDoesNotFinishIsAnError(t *testing.T) {
	tests := []struct {
		name       string
		reply      providertest.Reply
		kind       providers.ErrorKind
		wantDeltas string
		message    string
	}{
		{
			name:       "connection dropped",
			reply:      providertest.Reply{Chunks: []string{"a", "b", "c", "d"}, DropAfter: 2},
			kind:       providers.Unavailable,
			wantDeltas: "ab",
			message:    "local failed after it began to answer: ",
		},
		{
			// Ends cleanly, but with neither finish_reason nor [DONE]: the SDK
			// reports no error for this, so the provider must notice.
			name: "stream ends early without an error",
			reply: providertest.Reply{ContentType: "text/event-stream", Raw: `data: {"id":"x","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{"role":"assistant","content":"par"}}]}` +
				"\n\n" + `data: {"id":"x","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{"content":"tial"}}]}` + "\n\n"},
			kind:       providers.Unavailable,
			wantDeltas: "partial",
			message:    "local failed after it began to answer: the stream ended before the answer was complete",
		},
		{
			name:       "error event mid-stream",
			reply:      providertest.Reply{Chunks: []string{"a", "b"}, StreamError: "upstream overloaded"},
			kind:       providers.Unavailable,
			wantDeltas: "ab",
			message:    "local failed after it began to answer: upstream overloaded",
		},
		{
			// OpenRouter puts an HTTP-like status in a numeric code.
			name: "OpenRouter error event with a status code",
			reply: providertest.Reply{ContentType: "text/event-stream", Raw: `data: {"id":"x","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{"content":"a"}}]}` +
				"\n\n" + `data: {"id":"x","object":"chat.completion.chunk","error":{"code":429,"message":"Rate limit exceeded upstream"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}` + "\n\n"},
			kind:       providers.RateLimit,
			wantDeltas: "a",
			message:    "local is rate limiting (HTTP 429)",
		},
		// Before any text arrived the sentence must not say the answer began.
		{
			name:    "connection dropped before any text",
			reply:   providertest.Reply{DropAfter: 1},
			kind:    providers.Unavailable,
			message: "local failed: the connection",
		},
		{
			name: "stream ends early before any text",
			reply: providertest.Reply{ContentType: "text/event-stream", Raw: `data: {"id":"x","object":"chat.completion.chunk","model":"m1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` +
				"\n\n"},
			kind:    providers.Unavailable,
			message: "local failed: the stream ended before the answer was complete",
		},
		{
			name:    "error event before any text",
			reply:   providertest.Reply{StreamError: "upstream overloaded"},
			kind:    providers.Unavailable,
			message: "local failed: upstream overloaded",
		},
		{
			name:    "not a stream at all",
			reply:   providertest.Reply{ContentType: "text/html", Raw: "<html>captive portal</html>"},
			kind:    providers.BadResponse,
			message: "local sent a response that is not a valid answer: the stream had no events",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.Script(tc.reply)
			var deltas strings.Builder
			_, err := newOpenAI(srv).Stream(context.Background(), userAsks("hi"), func(s string) { deltas.WriteString(s) })
			pe := wantError(t, err, tc.kind)
			if !pe.Retryable() && tc.kind != providers.BadResponse {
				t.Errorf("%v should be retryable", err)
			}
			if deltas.String() != tc.wantDeltas {
				t.Errorf("deltas %q, want %q", deltas.String(), tc.wantDeltas)
			}
			if !strings.HasPrefix(err.Error(), tc.message) {
				t.Errorf("error %q, want it to start %q", err, tc.message)
			}
		})
	}
}

// A server that ignores "stream": true and answers with one JSON object
// still gives a whole answer, passed to onDelta once.
func TestStreamAnsweredWithJSON(t *testing.T) {
	srv := providertest.New(t)
	srv.Script(providertest.Reply{Raw: `{"id":"c","object":"chat.completion","model":"m1","choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}`})
	var deltas []string
	got, err := newOpenAI(srv).Stream(context.Background(), userAsks("hi"), func(s string) { deltas = append(deltas, s) })
	if err != nil {
		t.Fatal(err)
	}
	if got.Content != "whole" || got.Usage.PromptTokens != 3 || !reflect.DeepEqual(deltas, []string{"whole"}) {
		t.Fatalf("got %+v, deltas %q", got, deltas)
	}
}

func TestHTTPErrors(t *testing.T) {
	tests := []struct {
		name      string
		reply     providertest.Reply
		kind      providers.ErrorKind
		retryable bool
		message   string
	}{
		{"401", providertest.Reply{Status: 401, Error: "Unauthorized"}, providers.Auth, false,
			"local rejected the API key (HTTP 401): check api_key or api_key_env in [providers.local]"},
		{"401 with a reason", providertest.Reply{Status: 401, Error: "key disabled"}, providers.Auth, false,
			"local rejected the API key (HTTP 401): key disabled; check api_key or api_key_env in [providers.local]"},
		{"403", providertest.Reply{Status: 403, Error: "not allowed in your region"}, providers.Auth, false,
			"local refused access (HTTP 403): not allowed in your region; check"},
		{"404 model", providertest.Reply{Status: 404, Error: "The model `m1` does not exist"}, providers.UnknownModel, false,
			`model "m1" is unknown to local (HTTP 404): check the model name`},
		{"404 Ollama", providertest.Reply{Status: 404, Raw: `{"error":{"message":"model \"m1\" not found, try pulling it first","type":"api_error"}}`}, providers.UnknownModel, false,
			`model "m1" is unknown to local (HTTP 404)`},
		{"404 vLLM shape", providertest.Reply{Status: 404, Raw: `{"object":"error","message":"The model m1 does not exist.","type":"NotFoundError","code":404}`}, providers.UnknownModel, false,
			`model "m1" is unknown to local (HTTP 404)`},
		{"404 wrong path", providertest.Reply{Status: 404, ContentType: "text/plain", Raw: "404 page not found"}, providers.BadRequest, false,
			"local has no such endpoint (HTTP 404): check the base URL http://127.0.0.1:"},
		{"400 OpenRouter bad model id", providertest.Reply{Status: 400, Raw: `{"error":{"message":"m1 is not a valid model ID","code":400}}`}, providers.UnknownModel, false,
			`model "m1" is unknown to local (HTTP 400)`},
		{"400 context", providertest.Reply{Status: 400, Error: "This model's maximum context length is 8192 tokens. However, you requested 9000 tokens."}, providers.ContextLength, false,
			`the prompt is longer than model "m1"'s context window on local (HTTP 400)`},
		{"400 other", providertest.Reply{Status: 400, Error: "messages: must not be empty"}, providers.BadRequest, false,
			"local rejected the request (HTTP 400): messages: must not be empty"},
		{"402", providertest.Reply{Status: 402, Error: "Insufficient credits"}, providers.Quota, false,
			"local says the account is out of credit or over its quota (HTTP 402): Insufficient credits"},
		{"429", providertest.Reply{Status: 429, Error: "slow down"}, providers.RateLimit, true,
			"local is rate limiting (HTTP 429): wait a moment or lower the request rate"},
		{"429 quota", providertest.Reply{Status: 429, Raw: `{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}`}, providers.Quota, false,
			"local says the account is out of credit"},
		{"500", providertest.Reply{Status: 500, Error: "boom"}, providers.Unavailable, true, "local failed (HTTP 500): boom"},
		{"503", providertest.Reply{Status: 503, Error: "overloaded"}, providers.Unavailable, true, "local failed (HTTP 503): overloaded"},
		{"502 HTML from a proxy", providertest.Reply{Status: 502, ContentType: "text/html", Raw: "<html>\n<body>Bad   gateway</body>\n</html>"}, providers.Unavailable, true,
			"local failed (HTTP 502): <html> <body>Bad gateway</body> </html>"},
		{"OpenRouter upstream error", providertest.Reply{Status: 503, Raw: `{"error":{"message":"Provider returned error","code":503,"metadata":{"raw":"upstream is down","provider_name":"X"}}}`}, providers.Unavailable, true,
			"local failed (HTTP 503): upstream is down"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			p := newOpenAI(srv)
			// The same answer must mean the same thing to every call.
			srv.SetDefault(tc.reply)
			srv.ScriptEmbed(tc.reply)
			_, errC := p.Complete(context.Background(), userAsks("hi"))
			_, errS := p.Stream(context.Background(), userAsks("hi"), func(string) {})
			_, _, errE := p.Embed(context.Background(), "m1", []string{"x"})
			for call, err := range map[string]error{"Complete": errC, "Stream": errS, "Embed": errE} {
				pe := wantError(t, err, tc.kind)
				if pe.Retryable() != tc.retryable || pe.Status != tc.reply.Status {
					t.Errorf("%s: retryable %v status %d, want %v %d", call, pe.Retryable(), pe.Status, tc.retryable, tc.reply.Status)
				}
				if !strings.HasPrefix(err.Error(), tc.message) || strings.Contains(err.Error(), "\n") {
					t.Errorf("%s: error %q, want one line starting %q", call, err, tc.message)
				}
			}
		})
	}
}

func TestBadResponses(t *testing.T) {
	tests := []struct {
		name    string
		reply   providertest.Reply
		kind    providers.ErrorKind
		message string
	}{
		{"not JSON", providertest.Reply{Raw: "this is not json"}, providers.BadResponse, "local sent a response that is not a valid answer: error parsing response json"},
		{"truncated JSON", providertest.Reply{Raw: `{"id":"x","choices":[`}, providers.BadResponse, "local sent a response that is not a valid answer"},
		{"HTML", providertest.Reply{ContentType: "text/html", Raw: "<html>hi</html>"}, providers.BadResponse, "local sent a response that is not a valid answer"},
		{"no choices", providertest.Reply{Raw: `{"id":"x","choices":[]}`}, providers.BadResponse, "local sent a response that is not a valid answer: the answer has no choices"},
		{"an error sent with 200", providertest.Reply{Raw: `{"error":{"message":"upstream timed out","code":502}}`}, providers.Unavailable, "local failed (HTTP 502): upstream timed out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.Script(tc.reply)
			_, err := newOpenAI(srv).Complete(context.Background(), userAsks("hi"))
			wantError(t, err, tc.kind)
			if !strings.HasPrefix(err.Error(), tc.message) {
				t.Errorf("error %q, want it to start %q", err, tc.message)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String() + "/v1"
	ln.Close() // nothing listens there now
	p := providers.NewOpenAI(providers.OpenAIConfig{Name: "local", BaseURL: base})
	_, errC := p.Complete(context.Background(), userAsks("hi"))
	_, errS := p.Stream(context.Background(), userAsks("hi"), nil)
	_, _, errE := p.Embed(context.Background(), "e", []string{"x"})
	for _, err := range []error{errC, errS, errE} {
		pe := wantError(t, err, providers.Unavailable)
		if want := "local is unreachable at " + base + ": connection refused"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		if !pe.Retryable() || pe.Status != 0 {
			t.Errorf("retryable %v status %d", pe.Retryable(), pe.Status)
		}
	}
}

func TestBadConfigFailsWithoutSending(t *testing.T) {
	srv := providertest.New(t)
	tests := []struct {
		name string
		p    *providers.OpenAI
		req  providers.Request
		kind providers.ErrorKind
		msg  string
	}{
		{"no base URL", providers.NewOpenAI(providers.OpenAIConfig{Name: "local"}), userAsks("hi"), providers.Unavailable, `the base URL "" is not an http(s) URL`},
		{"bad tool schema", newOpenAI(srv), providers.Request{Model: "m", Tools: []providers.Tool{{Name: "f", Parameters: json.RawMessage(`[1]`)}}}, providers.BadRequest, `the parameters of tool "f" are not a JSON object`},
		{"unknown role", newOpenAI(srv), providers.Request{Model: "m", Messages: []providers.Message{{Role: "robot"}}}, providers.BadRequest, `message 0 has the unknown role "robot"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, call := range []func() error{
				func() error { _, err := tc.p.Complete(context.Background(), tc.req); return err },
				func() error { _, err := tc.p.Stream(context.Background(), tc.req, nil); return err },
			} {
				err := call()
				wantError(t, err, tc.kind)
				if !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("error %q does not say %q", err, tc.msg)
				}
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests were sent", n)
	}
}

// The provider's own Timeout is a retryable Timeout; the caller's context
// ending is Canceled, which must not be retried.
func TestTimeoutAndCancel(t *testing.T) {
	slow := providertest.Reply{Delay: 5 * time.Second}
	tests := []struct {
		name      string
		reply     providertest.Reply
		timeout   time.Duration
		ctx       func() (context.Context, context.CancelFunc)
		stream    bool
		kind      providers.ErrorKind
		retryable bool
		is        error
		message   string
	}{
		{name: "attempt timeout", reply: slow, timeout: 100 * time.Millisecond, kind: providers.Timeout, retryable: true,
			message: "local did not answer within 100ms"},
		{name: "attempt timeout, streaming", reply: slow, timeout: 100 * time.Millisecond, stream: true, kind: providers.Timeout, retryable: true,
			message: "local did not answer within 100ms"},
		{name: "silence mid-stream", reply: providertest.Reply{Chunks: []string{"a", "b"}, ChunkDelay: 2 * time.Second}, timeout: 150 * time.Millisecond, stream: true,
			kind: providers.Timeout, retryable: true, message: "local went silent for 150ms after it began to answer"},
		{name: "caller deadline", reply: slow, timeout: time.Minute, kind: providers.Canceled, is: context.DeadlineExceeded,
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 100*time.Millisecond)
			},
			message: "the request to local ran past its deadline"},
		{name: "caller cancel, streaming", reply: slow, stream: true, kind: providers.Canceled, is: context.Canceled,
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
				return ctx, cancel
			},
			message: "the request to local was canceled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := providertest.New(t)
			srv.Script(tc.reply)
			p := newOpenAI(srv, func(c *providers.OpenAIConfig) { c.Timeout = tc.timeout })
			ctx, cancel := context.WithCancel(context.Background())
			if tc.ctx != nil {
				ctx, cancel = tc.ctx()
			}
			defer cancel()
			start := time.Now()
			var err error
			if tc.stream {
				_, err = p.Stream(ctx, userAsks("hi"), func(string) {})
			} else {
				_, err = p.Complete(ctx, userAsks("hi"))
			}
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Errorf("took %v; the limit should have ended it", d)
			}
			pe := wantError(t, err, tc.kind)
			if pe.Retryable() != tc.retryable {
				t.Errorf("retryable = %v, want %v", pe.Retryable(), tc.retryable)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if err.Error() != tc.message {
				t.Errorf("error %q, want %q", err, tc.message)
			}
		})
	}
}

// The stream timeout bounds silence, not the whole answer.
func TestStreamTimeoutAllowsLongAnswers(t *testing.T) {
	srv := providertest.New(t)
	srv.Script(providertest.Reply{Chunks: []string{"1", "2", "3", "4", "5", "6"}, ChunkDelay: 60 * time.Millisecond})
	p := newOpenAI(srv, func(c *providers.OpenAIConfig) { c.Timeout = 200 * time.Millisecond })
	got, err := p.Stream(context.Background(), userAsks("hi"), func(string) {})
	if err != nil || got.Content != "123456" {
		t.Fatalf("got %q, %v: a stream that keeps flowing must not time out", got.Content, err)
	}
}

func TestEmbed(t *testing.T) {
	srv := providertest.New(t)
	p := newOpenAI(srv)
	inputs := []string{"alpha", "beta", "gamma"}
	vecs, usage, err := p.Embed(context.Background(), "nomic-embed-text", inputs)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		if !reflect.DeepEqual(vecs[i], providertest.Vector(in)) {
			t.Errorf("vector %d = %v, want the vector of %q", i, vecs[i], in)
		}
	}
	if usage.PromptTokens <= 0 {
		t.Errorf("usage %+v", usage)
	}
	r := srv.Requests()[0]
	raw := rawFields(t, r.Body)
	if r.Path != "/v1/embeddings" || r.Embed.Model != "nomic-embed-text" || !reflect.DeepEqual(r.Embed.Input, inputs) ||
		string(raw["encoding_format"]) != `"float"` || r.Header.Get("Authorization") != "Bearer sk-test" {
		t.Errorf("request %s %s %+v", r.Path, r.Body, r.Header)
	}

	// Nothing to embed sends nothing.
	if vecs, _, err := p.Embed(context.Background(), "e", nil); err != nil || vecs != nil {
		t.Errorf("Embed(nil) = %v, %v", vecs, err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	// A server that answers with the wrong number of vectors is caught.
	srv.ScriptEmbed(providertest.Reply{Embeddings: [][]float64{{1}}})
	_, _, err = p.Embed(context.Background(), "e", []string{"a", "b"})
	wantError(t, err, providers.BadResponse)
}

func TestConcurrentCalls(t *testing.T) {
	srv := providertest.New(t)
	srv.Handle(func(r providertest.Recorded) providertest.Reply {
		return providertest.Reply{Content: "echo " + r.Chat.Messages[0].Content}
	})
	p := newOpenAI(srv)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			q := strings.Repeat("q", i+1)
			var got providers.Response
			var err error
			if i%2 == 0 {
				got, err = p.Complete(context.Background(), userAsks(q))
			} else {
				got, err = p.Stream(context.Background(), userAsks(q), func(string) {})
			}
			if err != nil || got.Content != "echo "+q {
				t.Errorf("call %d: %q, %v", i, got.Content, err)
			}
		})
	}
	wg.Wait()
}
