package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/macroa/macroa/config"
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
	return p.response(res, c.body, req)
}

// response maps a finished completion to req. raw is its body, for what
// the SDK does not model: OpenRouter's usage.cost and errors sent with a 200.
func (p *OpenAI) response(res *openai.ChatCompletion, raw []byte, req Request) (Response, error) {
	model := req.Model
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
	estimateUsage(req, &out)
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
