package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"

	"github.com/macroa/macroa/core/config"
)

// OpenAIConfig describes one OpenAI-compatible endpoint: OpenRouter,
// Ollama, llama.cpp, vLLM or OpenAI itself.
type OpenAIConfig struct {
	Name    string // names the provider in errors and audit entries
	BaseURL string // e.g. https://openrouter.ai/api/v1
	APIKey  string // sent as a bearer token; "" sends none
	Headers map[string]string
	// Timeout bounds one attempt; 0 means none. For Complete and Embed it
	// covers the whole call; for Stream it is the longest wait for the
	// first chunk and between two chunks, so a long answer that keeps
	// arriving is never cut off.
	Timeout time.Duration
	// KeyHint is the setting that holds APIKey, named when the key is
	// rejected; "" derives it from Name.
	KeyHint string
}

// OpenAI is a Provider over the openai-go SDK. It never retries (the
// gateway does) and reads nothing from the environment: everything comes
// from its OpenAIConfig.
type OpenAI struct {
	name, url, keyHint string
	timeout            time.Duration
	urlErr             error // the base URL is unusable; every call reports it
	chat               openai.ChatCompletionService
	embed              openai.EmbeddingService
}

var _ Provider = (*OpenAI)(nil)

// NewOpenAI builds the provider. It builds the SDK's services directly
// rather than through openai.NewClient, because NewClient reads
// OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID and
// OPENAI_CUSTOM_HEADERS from the environment, and a key meant for OpenAI
// must never be sent to another endpoint.
func NewOpenAI(c OpenAIConfig) *OpenAI {
	p := &OpenAI{name: c.Name, timeout: c.Timeout, keyHint: c.KeyHint}
	if p.keyHint == "" {
		p.keyHint = defaultKeyHint(c.Name)
	}
	p.url, p.urlErr = cleanBaseURL(c.BaseURL)
	opts := []option.RequestOption{
		option.WithHTTPClient(&http.Client{}),
		option.WithBaseURL(c.BaseURL),
		option.WithAPIKey(c.APIKey), // even when empty: no Authorization header then
		option.WithMaxRetries(0),
	}
	for k, v := range c.Headers {
		if v != "" {
			opts = append(opts, option.WithHeader(k, v))
		}
	}
	p.chat = openai.NewChatCompletionService(opts...)
	p.embed = openai.NewEmbeddingService(opts...)
	return p
}

// Name identifies the provider.
func (p *OpenAI) Name() string { return p.name }

func defaultKeyHint(name string) string {
	switch name {
	case config.BuiltinOpenRouter:
		return "OPENROUTER_API_KEY"
	case config.BuiltinDefault:
		return "MACROA_API_KEY"
	}
	return fmt.Sprintf("api_key or api_key_env in [providers.%s]", name)
}

// cleanBaseURL checks the base URL and returns it without credentials, as
// errors show it.
func cleanBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return raw, fmt.Errorf("the base URL %q is not an http(s) URL", raw)
	}
	u.User = nil
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Complete sends one request and waits for the whole answer.
func (p *OpenAI) Complete(ctx context.Context, req Request) (Response, error) {
	params, err := p.params(req)
	if err != nil {
		return Response{}, err
	}
	t := p.start(ctx)
	defer t.stop()
	c := &capture{buffer: true}
	res, err := p.chat.New(t.ctx, params, c.option())
	if err != nil {
		return Response{}, p.fail(ctx, t, c, req.Model, err, false)
	}
	return p.response(res, c.body, req.Model)
}

// response maps a finished completion. raw is its body, for what the SDK
// does not model: OpenRouter's usage.cost and errors sent with a 200.
func (p *OpenAI) response(res *openai.ChatCompletion, raw []byte, model string) (Response, error) {
	var choice *openai.ChatCompletionChoice
	for i := range res.Choices {
		if res.Choices[i].Index == 0 {
			choice = &res.Choices[i]
			break
		}
	}
	if choice == nil {
		if e := p.inBandError(raw, model); e != nil {
			return Response{}, e
		}
		return Response{}, p.newError(BadResponse, model, "the answer has no choices")
	}
	out := Response{
		Content:      choice.Message.Content,
		FinishReason: choice.FinishReason,
		Model:        res.Model,
		Usage:        Usage{PromptTokens: res.Usage.PromptTokens, CompletionTokens: res.Usage.CompletionTokens},
	}
	if out.Model == "" {
		out.Model = model
	}
	for _, tc := range choice.Message.ToolCalls {
		if tc.Type == "" || tc.Type == "function" {
			out.ToolCalls = append(out.ToolCalls, ToolCall{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
	}
	out.Usage.CostUSD, out.Usage.CostReported = usageCost(raw)
	return out, nil
}

// usageCost reads usage.cost, which OpenRouter adds to report the price.
func usageCost(raw []byte) (float64, bool) {
	if !bytes.Contains(raw, []byte(`"cost"`)) {
		return 0, false
	}
	var v struct {
		Usage *struct {
			Cost *float64 `json:"cost"`
		} `json:"usage"`
	}
	if json.Unmarshal(raw, &v) != nil || v.Usage == nil || v.Usage.Cost == nil {
		return 0, false
	}
	return *v.Usage.Cost, true
}

// inBandError reads {"error":...} sent with a 200 status, as OpenRouter
// does when an upstream fails after the status line went out.
func (p *OpenAI) inBandError(raw []byte, model string) *Error {
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(raw, &v) != nil || len(v.Error) == 0 || string(v.Error) == "null" {
		return nil
	}
	return p.eventError(raw, model)
}

// eventError is an error the provider reported after it began to answer:
// an error event in a stream or an error body sent with a 200. A numeric
// code that looks like an HTTP status (OpenRouter's) is taken as one.
func (p *OpenAI) eventError(data []byte, model string) *Error {
	b := parseErrorBody(data)
	status := 0
	if n, err := strconv.Atoi(b.code); err == nil && n >= 400 && n < 600 {
		status = n
	}
	e := p.newError(kindFor(status, b), model, b.message)
	e.Status, e.Midway = status, true
	return e
}

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
			if choice.Delta.Content != "" && onDelta != nil {
				onDelta(choice.Delta.Content)
			}
		}
	}
	if err := stream.Err(); err != nil {
		return Response{}, p.fail(ctx, t, c, req.Model, err, chunks > 0)
	}
	if chunks == 0 {
		return p.notStreamed(c, req.Model, onDelta)
	}
	// The SDK ends a stream that stops without [DONE] as cleanly as one that
	// finished; only the missing finish_reason tells them apart.
	if finish == "" || len(acc.Choices) == 0 {
		e := p.newError(Unavailable, req.Model, "the stream ended before the answer was complete")
		e.Midway = true
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
	return out, nil
}

// notStreamed handles a stream with no events: a server that ignored
// "stream": true and sent one JSON answer is served from that answer;
// anything else is not a stream.
func (p *OpenAI) notStreamed(c *capture, model string, onDelta func(string)) (Response, error) {
	if c.body == nil {
		return Response{}, p.newError(BadResponse, model, "the stream had no events")
	}
	var res openai.ChatCompletion
	if err := json.Unmarshal(c.body, &res); err != nil {
		return Response{}, p.newError(BadResponse, model, "a JSON answer to a stream request could not be read: "+oneLine(err.Error()))
	}
	out, err := p.response(&res, c.body, model)
	if err == nil && out.Content != "" && onDelta != nil {
		onDelta(out.Content)
	}
	return out, err
}

// Embed returns one float vector per input, in input order.
func (p *OpenAI) Embed(ctx context.Context, model string, inputs []string) ([][]float64, Usage, error) {
	if p.urlErr != nil {
		return nil, Usage{}, p.newError(Unavailable, model, p.urlErr.Error())
	}
	if len(inputs) == 0 {
		return nil, Usage{}, nil
	}
	t := p.start(ctx)
	defer t.stop()
	c := &capture{buffer: true}
	res, err := p.embed.New(t.ctx, openai.EmbeddingNewParams{
		Model: openai.EmbeddingModel(model),
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: inputs},
		// Ask for floats: not every local server can encode base64.
		EncodingFormat: openai.EmbeddingNewParamsEncodingFormatFloat,
	}, c.option())
	if err != nil {
		return nil, Usage{}, p.fail(ctx, t, c, model, err, false)
	}
	if len(res.Data) != len(inputs) {
		return nil, Usage{}, p.newError(BadResponse, model, fmt.Sprintf("%d vectors came back for %d inputs", len(res.Data), len(inputs)))
	}
	out := make([][]float64, len(inputs))
	for _, d := range res.Data {
		if d.Index < 0 || int(d.Index) >= len(out) || out[d.Index] != nil {
			return nil, Usage{}, p.newError(BadResponse, model, fmt.Sprintf("vector index %d is out of place", d.Index))
		}
		out[d.Index] = d.Embedding
	}
	u := Usage{PromptTokens: res.Usage.PromptTokens}
	u.CostUSD, u.CostReported = usageCost(c.body)
	return out, u, nil
}

// params maps a Request to the SDK's parameters. Optional settings are
// sent only when set, so each server applies its own defaults.
func (p *OpenAI) params(req Request) (openai.ChatCompletionNewParams, error) {
	if p.urlErr != nil {
		return openai.ChatCompletionNewParams{}, p.newError(Unavailable, req.Model, p.urlErr.Error())
	}
	params := openai.ChatCompletionNewParams{Model: req.Model}
	for i, m := range req.Messages {
		switch m.Role {
		case RoleSystem:
			params.Messages = append(params.Messages, openai.SystemMessage(m.Content))
		case RoleUser:
			params.Messages = append(params.Messages, openai.UserMessage(m.Content))
		case RoleAssistant:
			params.Messages = append(params.Messages, assistantMessage(m))
		case RoleTool:
			params.Messages = append(params.Messages, openai.ToolMessage(m.Content, m.ToolCallID))
		default:
			return params, p.newError(BadRequest, req.Model, fmt.Sprintf("message %d has the unknown role %q", i, m.Role))
		}
	}
	if req.Temperature != nil {
		params.Temperature = openai.Float(*req.Temperature)
	}
	if req.MaxTokens > 0 {
		// max_tokens, not max_completion_tokens: it is the one every
		// OpenAI-compatible server (OpenRouter, Ollama, llama.cpp, vLLM) reads.
		params.MaxTokens = openai.Int(int64(req.MaxTokens))
	}
	if req.JSON {
		params.ResponseFormat.OfJSONObject = &openai.ResponseFormatJSONObjectParam{}
	}
	for _, tool := range req.Tools {
		fn, err := functionTool(tool)
		if err != nil {
			return params, p.newError(BadRequest, req.Model, err.Error())
		}
		params.Tools = append(params.Tools, fn)
	}
	return params, nil
}

func assistantMessage(m Message) openai.ChatCompletionMessageParamUnion {
	var a openai.ChatCompletionAssistantMessageParam
	if m.Content != "" || len(m.ToolCalls) == 0 {
		a.Content.OfString = openai.String(m.Content)
	}
	for _, tc := range m.ToolCalls {
		a.ToolCalls = append(a.ToolCalls, openai.ChatCompletionMessageToolCallUnionParam{
			OfFunction: &openai.ChatCompletionMessageFunctionToolCallParam{
				ID:       tc.ID,
				Function: openai.ChatCompletionMessageFunctionToolCallFunctionParam{Name: tc.Name, Arguments: tc.Arguments},
			},
		})
	}
	return openai.ChatCompletionMessageParamUnion{OfAssistant: &a}
}

// functionTool maps a Tool. The schema's top-level values are passed as raw
// JSON: decoding them into Go values first would turn large integers into
// floats, and the SDK writes json.Number values as strings.
func functionTool(t Tool) (openai.ChatCompletionToolUnionParam, error) {
	def := openai.FunctionDefinitionParam{Name: t.Name}
	if t.Description != "" {
		def.Description = openai.String(t.Description)
	}
	if len(bytes.TrimSpace(t.Parameters)) > 0 {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(t.Parameters, &fields); err != nil {
			return openai.ChatCompletionToolUnionParam{}, fmt.Errorf("the parameters of tool %q are not a JSON object: %w", t.Name, err)
		}
		def.Parameters = make(openai.FunctionParameters, len(fields))
		for k, v := range fields {
			def.Parameters[k] = v
		}
	}
	return openai.ChatCompletionFunctionTool(def), nil
}

// newError starts an Error from this provider.
func (p *OpenAI) newError(kind ErrorKind, model, msg string) *Error {
	e := &Error{Provider: p.name, Kind: kind, Model: model, URL: p.url, Message: msg}
	if kind == Auth {
		e.Hint = p.keyHint
	}
	return e
}

// fail turns what the SDK returned into an Error. midway says whether part
// of a streamed answer had arrived.
func (p *OpenAI) fail(ctx context.Context, t *attemptTimer, c *capture, model string, err error, midway bool) *Error {
	var e *Error
	var se *ssestream.StreamError
	switch {
	case ctx.Err() != nil:
		// The caller's context ended (canceled, or its deadline passed).
		// That is the caller's decision, never a provider fault to retry.
		e = p.newError(Canceled, model, "")
		e.Err = ctx.Err()
		return e
	case t.expired():
		e = p.newError(Timeout, model, "")
		e.After, e.Midway = p.timeout, midway
	case c.status >= 400:
		h := httpError(p.name, c.status, c.header, c.body)
		e = p.newError(h.Kind, model, h.Message)
		e.Status, e.Wait = h.Status, h.Wait
	case errors.As(err, &se):
		e = p.eventError(se.Event.Data, model)
	case c.readErr != nil:
		e = p.newError(Unavailable, model, netReason(c.readErr))
		e.Midway = true
	case c.buffer && c.status != 0:
		// The whole body arrived (capture read it), so whatever the SDK
		// says now, even "unexpected EOF", is about its content.
		e = p.newError(BadResponse, model, oneLine(err.Error()))
	case isNetErr(err):
		e = p.newError(Unavailable, model, netReason(err))
		e.Midway = c.status != 0 // the status line came, then the connection failed
	case c.status != 0:
		e = p.newError(BadResponse, model, oneLine(err.Error()))
	default:
		e = p.newError(Unavailable, model, oneLine(err.Error()))
	}
	e.Err = err
	return e
}

func isNetErr(err error) bool {
	var ne net.Error
	var errno syscall.Errno
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &ne) || errors.As(err, &errno)
}

// netReason says in a few words what the network did, without the
// request's method and URL, which the sentence names already.
func netReason(err error) string {
	var dns *net.DNSError
	var ue *url.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was reset"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the connection closed early"
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("no such host %q", dns.Name)
	case errors.As(err, &ue):
		return oneLine(ue.Err.Error())
	}
	return oneLine(err.Error())
}

// errAttemptExpired is the cause an attempt's own timer sets, which tells
// OpenAIConfig.Timeout apart from the caller's context ending.
var errAttemptExpired = errors.New("the provider's attempt timeout passed")

// attemptTimer is one attempt's context, ended by OpenAIConfig.Timeout.
type attemptTimer struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	limit  time.Duration
}

func (p *OpenAI) start(ctx context.Context) *attemptTimer {
	t := &attemptTimer{limit: p.timeout}
	t.ctx, t.cancel = context.WithCancelCause(ctx)
	if t.limit > 0 {
		t.timer = time.AfterFunc(t.limit, func() { t.cancel(errAttemptExpired) })
	}
	return t
}

// touch restarts the timer: a stream made progress.
func (t *attemptTimer) touch() {
	if t.timer != nil {
		t.timer.Reset(t.limit)
	}
}

func (t *attemptTimer) stop() {
	if t.timer != nil {
		t.timer.Stop()
	}
	t.cancel(context.Canceled)
}

func (t *attemptTimer) expired() bool {
	return errors.Is(context.Cause(t.ctx), errAttemptExpired)
}

// capture is a per-request middleware that keeps what the SDK drops: the
// status, headers and body of an error answer (the SDK keeps only what fits
// its own error shape, and nothing of a non-JSON body), and, when buffer is
// set, the whole body of a success, so a connection that breaks while the
// body arrives is told apart from a body that is not valid JSON.
type capture struct {
	buffer     bool // read every success body here
	bufferJSON bool // read a success body here only when it is JSON (a server that ignored "stream")
	status     int
	header     http.Header
	body       []byte
	readErr    error
}

const (
	maxErrorBody   = 64 << 10
	maxSuccessBody = 64 << 20
)

func (c *capture) option() option.RequestOption {
	return option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		res, err := next(req)
		if err != nil || res == nil {
			return res, err
		}
		c.status, c.header = res.StatusCode, res.Header
		isJSON := strings.HasPrefix(res.Header.Get("Content-Type"), "application/json")
		if res.StatusCode < 400 && !c.buffer && !(c.bufferJSON && isJSON) {
			return res, nil
		}
		limit := int64(maxSuccessBody)
		if res.StatusCode >= 400 {
			limit = maxErrorBody
		}
		body, rerr := io.ReadAll(io.LimitReader(res.Body, limit))
		_ = res.Body.Close()
		c.body = body
		if rerr != nil && res.StatusCode < 400 {
			c.readErr = rerr
			return nil, rerr
		}
		res.Body = io.NopCloser(bytes.NewReader(body))
		return res, nil
	})
}
