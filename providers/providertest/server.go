// Package providertest is a real HTTP server speaking the OpenAI-compatible
// API (chat completions, JSON and SSE streaming, tool calls, embeddings) for
// tests. It runs on 127.0.0.1, answers from a script, and records every
// request, so clients are tested over the same wire they meet in production
// without the internet or a model.
package providertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// ToolCall is a tool call the server answers with. It has the fields of
// providers.ToolCall (one converts to the other), but is declared here so
// that package providers' own tests can import this package without an
// import cycle.
type ToolCall struct {
	ID        string // default: call_<index>
	Name      string
	Arguments string
}

// Reply is how the server answers one request. The zero value is a 200
// with empty content; unset fields take the defaults documented below.
type Reply struct {
	Status           int    // 0 = 200; >= 400 sends {"error":{"message":Error,"type":...,"code":...}}
	Error            string // the error message for Status >= 400 (default: the status text)
	Content          string
	Chunks           []string // streamed deltas; default: Content split after each space
	ToolCalls        []ToolCall
	FinishReason     string // default "stop", or "tool_calls" when ToolCalls are set
	Model            string // default: the model requested
	PromptTokens     int64  // default: a rough count (len/4, at least 1)
	CompletionTokens int64  // default: a rough count (len/4, at least 1)
	Cost             *float64
	Delay            time.Duration // before the status line; ends early when the client goes away
	ChunkDelay       time.Duration // between streamed chunks
	DropAfter        int           // streaming: reset the TCP connection after this many chunks (the first carries the role); 0 = never
	StreamError      string        // streaming: after the chunks, send data: {"error":{...}} and end
	StreamErrorCode  string        // the code of StreamError's event (default null), e.g. "invalid_api_key"
	StreamErrorType  string        // the type of StreamError's event (default "server_error")
	NoUsage          bool          // send no token counts: no usage chunk in a stream, no "usage" in a JSON answer
	Embeddings       [][]float64   // embeddings: default, a deterministic 8-dim vector per input

	// Raw, when set, is sent as the body as-is (with Status, default 200, and
	// ContentType, default application/json), for garbage answers and
	// vendor-specific error shapes.
	Raw         string
	ContentType string
}

// Server is the test server. Its methods are safe for concurrent use.
type Server struct {
	srv *httptest.Server

	mu         sync.Mutex
	queue      []Reply
	embedQueue []Reply
	def        Reply
	handle     func(Recorded) Reply
	reqs       []Recorded
	seq        int
	models     []string // GET /v1/models lists these when set
	tags       []string // GET /api/tags (Ollama's listing) lists these when set
}

// New starts a server on 127.0.0.1; it is closed when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{def: Reply{Content: "ok"}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL a client is configured with; it ends in "/v1".
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// Addr is the server's root, "http://127.0.0.1:PORT", without "/v1": where
// a local server is looked for.
func (s *Server) Addr() string { return s.srv.URL }

// SetModels makes GET /v1/models list ids, as an OpenAI-compatible server
// (llama.cpp, vLLM, LM Studio, Ollama) does. Without it the path is a 404.
func (s *Server) SetModels(ids ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.models = append([]string{}, ids...)
}

// SetOllamaTags makes GET /api/tags list names, as Ollama does. Without it
// the path is a 404, as on every other server.
func (s *Server) SetOllamaTags(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tags = append([]string{}, names...)
}

// Script queues replies: each chat completion takes the next one, and the
// default answers once the queue is empty.
func (s *Server) Script(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// ScriptEmbed queues replies for embeddings requests, which never take
// chat replies; once empty, inputs get deterministic vectors.
func (s *Server) ScriptEmbed(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.embedQueue = append(s.embedQueue, replies...)
}

// SetDefault sets the chat reply used when the queue is empty.
func (s *Server) SetDefault(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.def = r
}

// Handle makes fn decide every chat reply, ahead of the queue.
func (s *Server) Handle(fn func(Recorded) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handle = fn
}

// Requests returns every request received, in arrival order.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.reqs...)
}

// ChatRequests returns the chat completion requests (POSTs to
// /v1/chat/completions), in arrival order.
func (s *Server) ChatRequests() []Recorded {
	var out []Recorded
	for _, r := range s.Requests() {
		if r.Method == http.MethodPost && r.Path == chatPath {
			out = append(out, r)
		}
	}
	return out
}

const (
	chatPath   = "/v1/chat/completions"
	embedPath  = "/v1/embeddings"
	modelsPath = "/v1/models"
	tagsPath   = "/api/tags"
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the client went away mid-request; nothing to answer
	}
	rec := Recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, At: time.Now()}
	route := r.Method + " " + r.URL.Path
	var decodeErr error
	switch route {
	case "POST " + chatPath:
		rec.Chat, decodeErr = decodeChat(body)
	case "POST " + embedPath:
		rec.Embed, decodeErr = decodeEmbed(body)
	}

	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	s.seq++
	id := s.seq
	models, tags := s.models, s.tags
	s.mu.Unlock()

	switch {
	case route == "GET "+modelsPath && models != nil:
		data := make([]map[string]any, 0, len(models))
		for _, m := range models {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 0, "owned_by": "providertest"})
		}
		writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	case route == "GET "+tagsPath && tags != nil:
		list := make([]map[string]any, 0, len(tags))
		for _, m := range tags {
			list = append(list, map[string]any{"name": m, "model": m})
		}
		writeJSON(w, http.StatusOK, map[string]any{"models": list})
	case route != "POST "+chatPath && route != "POST "+embedPath:
		// What OpenAI answers for a path it does not serve: a 404 with no
		// code, unlike an unknown model's 404.
		writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
			"message": fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path),
			"type":    "invalid_request_error", "param": nil, "code": nil,
		}})
	case decodeErr != nil:
		writeError(w, http.StatusBadRequest, "the request body is not valid JSON: "+decodeErr.Error())
	case route == "POST "+chatPath:
		s.serveChat(w, r, rec, s.nextChat(rec), id)
	default:
		s.serveEmbed(w, r, rec, s.nextEmbed())
	}
}

func (s *Server) nextChat(rec Recorded) Reply {
	s.mu.Lock()
	handle := s.handle
	if handle == nil {
		defer s.mu.Unlock()
		if len(s.queue) > 0 {
			r := s.queue[0]
			s.queue = s.queue[1:]
			return r
		}
		return s.def
	}
	s.mu.Unlock()
	return handle(rec) // outside the lock: fn may call the server's methods
}

func (s *Server) nextEmbed() Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.embedQueue) > 0 {
		r := s.embedQueue[0]
		s.embedQueue = s.embedQueue[1:]
		return r
	}
	return Reply{}
}

// begin waits out the reply's Delay and sends Raw or an error status; it
// reports whether the caller should go on to write a normal answer.
func begin(w http.ResponseWriter, r *http.Request, rep Reply) bool {
	if !sleep(r.Context(), rep.Delay) {
		return false
	}
	if rep.Raw != "" {
		ct := rep.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(max(rep.Status, http.StatusOK))
		_, _ = io.WriteString(w, rep.Raw)
		return false
	}
	if rep.Status >= 400 {
		msg := rep.Error
		if msg == "" {
			msg = http.StatusText(rep.Status)
		}
		writeError(w, rep.Status, msg)
		return false
	}
	return true
}

// writeError sends the error body OpenAI sends, with the type and code a
// client may look at for that status.
func writeError(w http.ResponseWriter, status int, msg string) {
	typ, code := "invalid_request_error", any(nil)
	switch {
	case status == http.StatusUnauthorized:
		typ, code = "authentication_error", "invalid_api_key"
	case status == http.StatusForbidden:
		typ = "permission_error"
	case status == http.StatusNotFound:
		typ, code = "not_found_error", "model_not_found"
	case status == http.StatusTooManyRequests:
		typ, code = "rate_limit_error", "rate_limit_exceeded"
	case status >= 500:
		typ = "server_error"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// sleep waits d, or less when ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// roughTokens is the default token count: about four characters a token.
func roughTokens(n int) int64 {
	return int64(max(n/4, 1))
}
