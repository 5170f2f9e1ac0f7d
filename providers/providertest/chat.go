package providertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// answer is a Reply with every default filled in for one request.
type answer struct {
	id               string
	model            string
	content          string
	chunks           []string
	toolCalls        []map[string]any // OpenAI's tool_calls entries, ids filled in
	finish           string
	prompt, complete int64
	cost             *float64
	chunkDelay       time.Duration
	dropAfter        int
	streamError      string
	streamErrorCode  string
	streamErrorType  string
	noUsage          bool
}

func resolve(rep Reply, req *ChatBody, id int) answer {
	a := answer{
		id: fmt.Sprintf("chatcmpl-%d", id), model: rep.Model, content: rep.Content,
		chunks: rep.Chunks, finish: rep.FinishReason, prompt: rep.PromptTokens,
		complete: rep.CompletionTokens, cost: rep.Cost, chunkDelay: rep.ChunkDelay,
		dropAfter: rep.DropAfter, streamError: rep.StreamError,
		streamErrorCode: rep.StreamErrorCode, streamErrorType: rep.StreamErrorType, noUsage: rep.NoUsage,
	}
	if a.model == "" {
		a.model = req.Model
	}
	if a.content == "" && len(a.chunks) > 0 {
		a.content = strings.Join(a.chunks, "")
	}
	if a.chunks == nil {
		a.chunks = splitAfterSpaces(a.content)
	}
	outLen := len(a.content)
	for i, tc := range rep.ToolCalls {
		callID := tc.ID
		if callID == "" {
			callID = fmt.Sprintf("call_%d", i)
		}
		a.toolCalls = append(a.toolCalls, map[string]any{
			"id": callID, "type": "function",
			"function": map[string]any{"name": tc.Name, "arguments": tc.Arguments},
		})
		outLen += len(tc.Name) + len(tc.Arguments)
	}
	if a.finish == "" {
		a.finish = "stop"
		if len(rep.ToolCalls) > 0 {
			a.finish = "tool_calls"
		}
	}
	if a.prompt == 0 {
		inLen := 0
		for _, m := range req.Messages {
			inLen += len(m.Content)
		}
		a.prompt = roughTokens(inLen)
	}
	if a.complete == 0 {
		a.complete = roughTokens(outLen)
	}
	return a
}

// splitAfterSpaces cuts s after each space, so joining the pieces gives s.
func splitAfterSpaces(s string) []string {
	var out []string
	for _, p := range strings.SplitAfter(s, " ") {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) serveChat(w http.ResponseWriter, r *http.Request, rec Recorded, rep Reply, id int) {
	if !begin(w, r, rep) {
		return
	}
	a := resolve(rep, rec.Chat, id)
	if rec.Chat.Stream {
		includeUsage := rec.Chat.StreamOptions != nil && rec.Chat.StreamOptions.IncludeUsage
		streamChat(w, r, a, includeUsage)
		return
	}
	msg := map[string]any{"role": "assistant", "content": a.content}
	if len(a.toolCalls) > 0 {
		msg["tool_calls"] = a.toolCalls
		if a.content == "" {
			msg["content"] = nil // what OpenAI sends beside tool calls
		}
	}
	body := map[string]any{
		"id": a.id, "object": "chat.completion", "created": time.Now().Unix(), "model": a.model,
		"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": a.finish, "logprobs": nil}},
	}
	if !a.noUsage {
		body["usage"] = a.usage()
	}
	writeJSON(w, http.StatusOK, body)
}

func (a answer) usage() map[string]any {
	u := map[string]any{"prompt_tokens": a.prompt, "completion_tokens": a.complete, "total_tokens": a.prompt + a.complete}
	if a.cost != nil {
		u["cost"] = *a.cost // OpenRouter reports the price of the call here
	}
	return u
}

// deltas lists the chunk deltas of a streamed answer in wire order: content
// pieces, then for each tool call its header (index, id, name) followed by
// argument fragments. The role rides on the first delta.
func (a answer) deltas() []map[string]any {
	var out []map[string]any
	for _, c := range a.chunks {
		out = append(out, map[string]any{"content": c})
	}
	for i, tc := range a.toolCalls {
		fn := tc["function"].(map[string]any)
		out = append(out, map[string]any{"tool_calls": []any{map[string]any{
			"index": i, "id": tc["id"], "type": "function",
			"function": map[string]any{"name": fn["name"], "arguments": ""},
		}}})
		for _, frag := range fragments(fn["arguments"].(string), 8) {
			out = append(out, map[string]any{"tool_calls": []any{map[string]any{
				"index": i, "function": map[string]any{"arguments": frag},
			}}})
		}
	}
	if len(out) == 0 {
		out = append(out, map[string]any{"content": ""})
	}
	out[0]["role"] = "assistant"
	return out
}

// fragments cuts s into pieces of about n bytes without splitting a rune,
// the way models stream tool arguments token by token.
func fragments(s string, n int) []string {
	var out []string
	for len(s) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 {
			cut = n
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func streamChat(w http.ResponseWriter, r *http.Request, a answer, includeUsage bool) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	created := time.Now().Unix()
	chunk := func(choices []any, usage map[string]any) map[string]any {
		c := map[string]any{"id": a.id, "object": "chat.completion.chunk", "created": created, "model": a.model, "choices": choices}
		if usage != nil {
			c["usage"] = usage
		}
		return c
	}
	send := func(v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}

	for i, d := range a.deltas() {
		if i > 0 && !sleep(r.Context(), a.chunkDelay) {
			return
		}
		if a.dropAfter > 0 && i == a.dropAfter {
			drop(rc)
			return
		}
		if !send(chunk([]any{map[string]any{"index": 0, "delta": d, "finish_reason": nil}}, nil)) {
			return
		}
	}
	if a.streamError != "" {
		typ, code := "server_error", any(nil)
		if a.streamErrorType != "" {
			typ = a.streamErrorType
		}
		if a.streamErrorCode != "" {
			code = a.streamErrorCode
		}
		send(map[string]any{"error": map[string]any{"message": a.streamError, "type": typ, "code": code}})
		return
	}
	if a.dropAfter > 0 {
		drop(rc) // DropAfter at or past the last delta: still never finish
		return
	}
	if !send(chunk([]any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": a.finish}}, nil)) {
		return
	}
	// The final usage chunk has no choices, which is what trips clients
	// that index Choices[0] without looking.
	if includeUsage && !a.noUsage && !send(chunk([]any{}, a.usage())) {
		return
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	_ = rc.Flush()
}

// drop takes the connection from the HTTP server and closes it with a TCP
// reset, so the client sees a broken stream: no final chunk, no [DONE], no
// end of the chunked body.
func drop(rc *http.ResponseController) {
	conn, _, err := rc.Hijack()
	if err != nil {
		panic(fmt.Sprintf("providertest: cannot hijack the connection to drop it: %v", err))
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
