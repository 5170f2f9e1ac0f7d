package providertest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// These tests talk to the server with plain net/http, so they check the
// wire format itself rather than what one client library makes of it.

func post(t *testing.T, ctx context.Context, url, body string, header map[string]string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return http.DefaultClient.Do(req)
}

func postOK(t *testing.T, url, body string) *http.Response {
	t.Helper()
	res, err := post(t, context.Background(), url, body, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func decode[T any](t *testing.T, r io.Reader) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(r).Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v
}

type completion struct {
	Model   string `json:"model"`
	Object  string `json:"object"`
	Choices []struct {
		Message struct {
			Role      string          `json:"role"`
			Content   *string         `json:"content"`
			ToolCalls []wireToolDelta `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int64    `json:"prompt_tokens"`
		CompletionTokens int64    `json:"completion_tokens"`
		TotalTokens      int64    `json:"total_tokens"`
		Cost             *float64 `json:"cost"`
	} `json:"usage"`
}

type wireToolDelta struct {
	Index    int    `json:"index"`
	ID       string `json:"id"`
	Type     string `json:"type"`
	Function struct {
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	} `json:"function"`
}

type chunk struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Delta struct {
			Role      string          `json:"role"`
			Content   string          `json:"content"`
			ToolCalls []wireToolDelta `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int64 `json:"prompt_tokens"`
		CompletionTokens int64 `json:"completion_tokens"`
	} `json:"usage"`
}

type embedResponse struct {
	Model string `json:"model"`
	Data  []struct {
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
}

type errorResponse struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Code    *string `json:"code"`
	} `json:"error"`
}

// readSSE returns the data of each event, and the read error if the body
// broke off.
func readSSE(r io.Reader) ([]string, error) {
	var events []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			events = append(events, data)
		} else if line != "" {
			return events, errors.New("unexpected SSE line: " + line)
		}
	}
	return events, sc.Err()
}

func chatURL(s *Server) string { return s.URL() + "/chat/completions" }

const hello = `{"model":"m1","messages":[{"role":"user","content":"hello there"}]}`

func TestPlainChat(t *testing.T) {
	s := New(t)
	cost := 0.25
	s.Script(Reply{Content: "hi you", PromptTokens: 7, CompletionTokens: 3, Cost: &cost}, Reply{Content: "second", Model: "other"})
	tests := []struct {
		content, model, finish string
		prompt, completion     int64
		cost                   *float64
	}{
		{"hi you", "m1", "stop", 7, 3, &cost},
		{"second", "other", "stop", 2, 1, nil}, // rough counts: 11/4 and 6/4
		{"ok", "m1", "stop", 2, 1, nil},        // queue empty: the default
	}
	for i, tc := range tests {
		res := postOK(t, chatURL(s), hello)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("reply %d: status %d, type %q", i, res.StatusCode, res.Header.Get("Content-Type"))
		}
		c := decode[completion](t, res.Body)
		got := c.Choices[0]
		if c.Object != "chat.completion" || *got.Message.Content != tc.content || got.Message.Role != "assistant" ||
			c.Model != tc.model || got.FinishReason != tc.finish {
			t.Errorf("reply %d = %+v, want content %q model %q", i, c, tc.content, tc.model)
		}
		if c.Usage.PromptTokens != tc.prompt || c.Usage.CompletionTokens != tc.completion || c.Usage.TotalTokens != tc.prompt+tc.completion {
			t.Errorf("reply %d usage = %+v, want %d/%d", i, c.Usage, tc.prompt, tc.completion)
		}
		if (c.Usage.Cost == nil) != (tc.cost == nil) || (c.Usage.Cost != nil && *c.Usage.Cost != *tc.cost) {
			t.Errorf("reply %d cost = %v, want %v", i, c.Usage.Cost, tc.cost)
		}
	}
}

func TestHandleTakesPrecedence(t *testing.T) {
	s := New(t)
	s.Script(Reply{Content: "queued"})
	s.Handle(func(r Recorded) Reply { return Reply{Content: "echo " + r.Chat.Messages[0].Content} })
	c := decode[completion](t, postOK(t, chatURL(s), hello).Body)
	if got := *c.Choices[0].Message.Content; got != "echo hello there" {
		t.Fatalf("content = %q, want the handler's answer", got)
	}
}

func TestStreamReassemblesContent(t *testing.T) {
	tests := []struct {
		name         string
		reply        Reply
		includeUsage bool
		want         string
		wantChunks   int
	}{
		{"split after spaces", Reply{Content: "one two three"}, true, "one two three", 3},
		{"explicit chunks", Reply{Chunks: []string{"ab", "c", "d"}}, false, "abcd", 3},
		{"empty answer", Reply{Content: ""}, true, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(t)
			s.Script(tc.reply)
			body := `{"model":"m1","stream":true,"messages":[{"role":"user","content":"hi"}]`
			if tc.includeUsage {
				body += `,"stream_options":{"include_usage":true}`
			}
			res := postOK(t, chatURL(s), body+"}")
			if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Fatalf("content type %q", ct)
			}
			events, err := readSSE(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if events[len(events)-1] != "[DONE]" {
				t.Fatalf("last event %q, want [DONE]", events[len(events)-1])
			}
			var text strings.Builder
			var deltas int
			var finish string
			var sawUsage bool
			for i, e := range events[:len(events)-1] {
				c := decode[chunk](t, strings.NewReader(e))
				if c.Object != "chat.completion.chunk" || c.Model != "m1" || c.ID == "" {
					t.Fatalf("event %d is not a chunk: %s", i, e)
				}
				if len(c.Choices) == 0 {
					if c.Usage == nil || i != len(events)-2 {
						t.Fatalf("event %d: a chunk without choices must be the final usage chunk: %s", i, e)
					}
					sawUsage = true
					continue
				}
				d := c.Choices[0].Delta
				if (i == 0) != (d.Role == "assistant") {
					t.Errorf("event %d role %q: the role belongs on the first delta only", i, d.Role)
				}
				if f := c.Choices[0].FinishReason; f != nil {
					finish = *f
				} else {
					deltas++
				}
				text.WriteString(d.Content)
			}
			if text.String() != tc.want || deltas != tc.wantChunks || finish != "stop" || sawUsage != tc.includeUsage {
				t.Fatalf("text %q in %d deltas, finish %q, usage %v; want %q in %d, stop, usage %v",
					text.String(), deltas, finish, sawUsage, tc.want, tc.wantChunks, tc.includeUsage)
			}
		})
	}
}

var calls = []ToolCall{
	{ID: "call_a", Name: "get_time", Arguments: `{"zone":"Europe/Warsaw","format":"24h"}`},
	{Name: "remember", Arguments: `{"key":"żółw"}`},
}

func TestToolCallsJSON(t *testing.T) {
	s := New(t)
	s.Script(Reply{ToolCalls: calls})
	c := decode[completion](t, postOK(t, chatURL(s), hello).Body)
	msg := c.Choices[0].Message
	if c.Choices[0].FinishReason != "tool_calls" || msg.Content != nil || len(msg.ToolCalls) != 2 {
		t.Fatalf("reply = %+v, want two tool calls, null content, finish tool_calls", c)
	}
	for i, want := range []ToolCall{calls[0], {ID: "call_1", Name: calls[1].Name, Arguments: calls[1].Arguments}} {
		got := msg.ToolCalls[i]
		if got.ID != want.ID || got.Type != "function" || got.Function.Name != want.Name || got.Function.Arguments != want.Arguments {
			t.Errorf("tool call %d = %+v, want %+v", i, got, want)
		}
	}
}

func TestToolCallsStream(t *testing.T) {
	s := New(t)
	s.Script(Reply{Content: "let me check", ToolCalls: calls})
	res := postOK(t, chatURL(s), `{"model":"m","stream":true,"messages":[]}`)
	events, err := readSSE(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]*ToolCall{}
	var fragments int
	var finish, text string
	for _, e := range events[:len(events)-1] {
		c := decode[chunk](t, strings.NewReader(e))
		ch := c.Choices[0]
		text += ch.Delta.Content
		if ch.FinishReason != nil {
			finish = *ch.FinishReason
		}
		for _, d := range ch.Delta.ToolCalls {
			tc := got[d.Index]
			if tc == nil {
				if d.ID == "" || d.Function.Name == "" {
					t.Fatalf("the first delta of tool call %d must carry its id and name: %s", d.Index, e)
				}
				tc = &ToolCall{ID: d.ID, Name: d.Function.Name}
				got[d.Index] = tc
			} else if d.ID != "" || d.Function.Name != "" {
				t.Fatalf("a later delta repeats the id or name: %s", e)
			}
			if d.Function.Arguments != "" {
				fragments++
			}
			tc.Arguments += d.Function.Arguments
		}
	}
	if text != "let me check" || finish != "tool_calls" || len(got) != 2 {
		t.Fatalf("text %q, finish %q, %d calls", text, finish, len(got))
	}
	if got[0].Arguments != calls[0].Arguments || got[1].Arguments != calls[1].Arguments || got[1].ID != "call_1" {
		t.Fatalf("reassembled %+v %+v", *got[0], *got[1])
	}
	if fragments <= 2 {
		t.Errorf("arguments came in %d fragments; they should be split like a model streams them", fragments)
	}
}

func TestEmbeddings(t *testing.T) {
	s := New(t)
	s.ScriptEmbed(Reply{Embeddings: [][]float64{{1, 2}}, Model: "e-2"})
	tests := []struct {
		name, body string
		model      string
		want       [][]float64
	}{
		{"scripted", `{"model":"e","input":"x"}`, "e-2", [][]float64{{1, 2}}},
		{"string input", `{"model":"e","input":"alpha"}`, "e", [][]float64{Vector("alpha")}},
		{"array input", `{"model":"e","input":["alpha","beta"]}`, "e", [][]float64{Vector("alpha"), Vector("beta")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := postOK(t, s.URL()+"/embeddings", tc.body)
			out := decode[embedResponse](t, res.Body)
			var got [][]float64
			for i, d := range out.Data {
				if d.Index != i {
					t.Errorf("data[%d].index = %d", i, d.Index)
				}
				got = append(got, d.Embedding)
			}
			if out.Model != tc.model || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %s %v, want %s %v", out.Model, got, tc.model, tc.want)
			}
		})
	}
	if reflect.DeepEqual(Vector("alpha"), Vector("beta")) || len(Vector("")) != EmbedDims {
		t.Fatal("default vectors should differ by text and have EmbedDims numbers")
	}
	embeds := s.Requests()
	if len(embeds) != 3 || embeds[2].Embed == nil || !reflect.DeepEqual(embeds[2].Embed.Input, []string{"alpha", "beta"}) {
		t.Fatalf("recorded %+v", embeds)
	}
}

func TestErrorStatus(t *testing.T) {
	tests := []struct {
		reply     Reply
		status    int
		message   string
		typ, code string
	}{
		{Reply{Status: 401, Error: "bad key"}, 401, "bad key", "authentication_error", "invalid_api_key"},
		{Reply{Status: 404}, 404, "Not Found", "not_found_error", "model_not_found"},
		{Reply{Status: 429, Error: "slow down"}, 429, "slow down", "rate_limit_error", "rate_limit_exceeded"},
		{Reply{Status: 503, Error: "overloaded"}, 503, "overloaded", "server_error", ""},
		{Reply{Status: 400, Error: "bad"}, 400, "bad", "invalid_request_error", ""},
	}
	s := New(t)
	for _, tc := range tests {
		s.Script(tc.reply)
		res := postOK(t, chatURL(s), hello)
		body := decode[errorResponse](t, res.Body)
		code := ""
		if body.Error.Code != nil {
			code = *body.Error.Code
		}
		if res.StatusCode != tc.status || body.Error.Message != tc.message || body.Error.Type != tc.typ || code != tc.code {
			t.Errorf("status %d: got %d %+v code %q", tc.status, res.StatusCode, body.Error, code)
		}
	}
	// Embeddings fail the same way.
	s.ScriptEmbed(Reply{Status: 500, Error: "boom"})
	if res := postOK(t, s.URL()+"/embeddings", `{"model":"e","input":"x"}`); res.StatusCode != 500 {
		t.Errorf("embeddings status %d, want 500", res.StatusCode)
	}
}

func TestUnknownPathAndBadJSON(t *testing.T) {
	s := New(t)
	tests := []struct {
		method, path, body string
		status             int
		message            string
	}{
		{"GET", "/v1/models", "", 404, "Invalid URL (GET /v1/models)"},
		{"GET", "/v1/chat/completions", "", 404, "Invalid URL (GET /v1/chat/completions)"},
		{"POST", "/v1/chat/completions", "{not json", 400, "the request body is not valid JSON"},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, s.srv.URL+tc.path, strings.NewReader(tc.body))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status || !strings.Contains(string(b), tc.message) || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s = %d %s, want %d with %q", tc.method, tc.path, res.StatusCode, b, tc.status, tc.message)
		}
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("recorded %d requests, want all 3", n)
	}
	if n := len(s.ChatRequests()); n != 1 {
		t.Errorf("recorded %d chat requests, want 1 (the POST)", n)
	}
}

func TestDelayRespectsClientCancel(t *testing.T) {
	s := New(t)
	s.Script(Reply{Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := post(t, ctx, chatURL(s), hello, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	// The server's handler must have given up too: a second request is
	// answered at once, and Close at cleanup does not wait a minute.
	res := postOK(t, chatURL(s), hello)
	if res.StatusCode != 200 || time.Since(start) > 5*time.Second {
		t.Fatalf("status %d after %v", res.StatusCode, time.Since(start))
	}
}

func TestDelayWaits(t *testing.T) {
	s := New(t)
	s.Script(Reply{Delay: 150 * time.Millisecond, ChunkDelay: 50 * time.Millisecond, Content: "a b c"})
	start := time.Now()
	res := postOK(t, chatURL(s), `{"model":"m","stream":true,"messages":[]}`)
	if _, err := readSSE(res.Body); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("answered in %v; Delay and ChunkDelay add up to at least 250ms", d)
	}
}

func TestDropAfterDrops(t *testing.T) {
	s := New(t)
	s.Script(Reply{Content: "one two three four", DropAfter: 2})
	res := postOK(t, chatURL(s), `{"model":"m","stream":true,"messages":[]}`)
	events, err := readSSE(res.Body)
	if err == nil {
		t.Fatal("the stream ended cleanly; DropAfter must break the connection")
	}
	if len(events) != 2 {
		t.Fatalf("got %d events before the drop, want 2: %q", len(events), events)
	}
	for _, e := range events {
		if e == "[DONE]" || strings.Contains(e, "finish_reason\":\"") {
			t.Fatalf("a dropped stream must not finish: %q", events)
		}
	}
}

func TestStreamError(t *testing.T) {
	s := New(t)
	s.Script(Reply{Content: "one two", StreamError: "upstream died"})
	res := postOK(t, chatURL(s), `{"model":"m","stream":true,"messages":[]}`)
	events, err := readSSE(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if len(events) != 3 || !strings.Contains(last, `"error":{`) || !strings.Contains(last, "upstream died") {
		t.Fatalf("events %q: want two deltas then the error event, no [DONE]", events)
	}
}

func TestRecordsRequests(t *testing.T) {
	s := New(t)
	body := `{"model":"m9","temperature":0.5,"max_completion_tokens":77,"response_format":{"type":"json_object"},
	  "stream_options":{"include_usage":true},
	  "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
	  "messages":[
	    {"role":"system","content":"be brief"},
	    {"role":"user","content":[{"type":"text","text":"part one, "},{"type":"text","text":"part two"}]},
	    {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
	    {"role":"tool","tool_call_id":"c1","content":"42"}]}`
	res, err := post(t, context.Background(), chatURL(s), body, map[string]string{"Authorization": "Bearer sk-test", "X-Title": "Macroa"})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	reqs := s.ChatRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d chat requests recorded", len(reqs))
	}
	r := reqs[0]
	if r.Method != "POST" || r.Path != "/v1/chat/completions" || !bytes.Equal(r.Body, []byte(body)) || r.At.IsZero() {
		t.Errorf("recorded %s %s at %v, body %q", r.Method, r.Path, r.At, r.Body)
	}
	if r.Header.Get("Authorization") != "Bearer sk-test" || r.Header.Get("X-Title") != "Macroa" {
		t.Errorf("headers %v", r.Header)
	}
	c := r.Chat
	if c == nil || c.Model != "m9" || *c.Temperature != 0.5 || *c.MaxTokens != 77 || c.ResponseFormat.Type != "json_object" ||
		!c.StreamOptions.IncludeUsage || len(c.Tools) != 1 || c.Stream {
		t.Fatalf("decoded %+v", c)
	}
	want := []ChatMessage{
		{Role: "system", Content: "be brief"},
		{Role: "user", Content: "part one, part two"},
		{Role: "assistant", ToolCalls: []ChatToolCall{{ID: "c1", Type: "function", Function: ChatFunction{Name: "f", Arguments: "{}"}}}},
		{Role: "tool", Content: "42", ToolCallID: "c1"},
	}
	if !reflect.DeepEqual(c.Messages, want) {
		t.Fatalf("messages\n got %+v\nwant %+v", c.Messages, want)
	}
}
