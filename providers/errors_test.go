package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestErrorSentences(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Provider: "openrouter", Kind: Auth, Status: 401, Hint: "OPENROUTER_API_KEY"},
			"openrouter rejected the API key (HTTP 401): check OPENROUTER_API_KEY"},
		{Error{Provider: "openrouter", Kind: Auth, Status: 401, Message: "Unauthorized", Hint: "OPENROUTER_API_KEY"},
			"openrouter rejected the API key (HTTP 401): check OPENROUTER_API_KEY"},
		{Error{Provider: "openrouter", Kind: Auth, Status: 401, Message: "User not found.", Hint: "OPENROUTER_API_KEY"},
			"openrouter rejected the API key (HTTP 401): User not found.; check OPENROUTER_API_KEY"},
		{Error{Provider: "openai", Kind: Auth, Status: 403, Message: "region not supported"},
			"openai refused access (HTTP 403): region not supported; check the API key"},
		{Error{Provider: "local", Kind: UnknownModel, Status: 404, Model: "x", Hint: "MACROA_MODEL_NANO"},
			`model "x" is unknown to local (HTTP 404): check MACROA_MODEL_NANO or the model name`},
		{Error{Provider: "local", Kind: UnknownModel, Status: 400, Model: "x"},
			`model "x" is unknown to local (HTTP 400): check the model name`},
		{Error{Provider: "openrouter", Kind: RateLimit, Status: 429, Message: "slow"},
			"openrouter is rate limiting (HTTP 429): wait a moment or lower the request rate"},
		{Error{Provider: "openrouter", Kind: Quota, Status: 402, Message: "Insufficient credits"},
			"openrouter says the account is out of credit or over its quota (HTTP 402): Insufficient credits"},
		{Error{Provider: "local", Kind: Timeout, After: 30 * time.Second},
			"local did not answer within 30s"},
		{Error{Provider: "local", Kind: Timeout, After: 30 * time.Second, Midway: true},
			"local went silent for 30s after it began to answer"},
		// The gateway builds its own timeout sentence and passes it as Message.
		{Error{Provider: "local", Kind: Timeout, Message: "local did not answer within 1m0s"},
			"local did not answer within 1m0s"},
		{Error{Provider: "local", Kind: Timeout, Status: 408},
			"local did not answer in time (HTTP 408)"},
		{Error{Provider: "local", Kind: Unavailable, URL: "http://127.0.0.1:1/v1", Message: "connection refused"},
			"local is unreachable at http://127.0.0.1:1/v1: connection refused"},
		{Error{Provider: "openrouter", Kind: Unavailable, Status: 503, URL: "https://openrouter.ai/api/v1", Message: "overloaded"},
			"openrouter failed (HTTP 503): overloaded"},
		{Error{Provider: "local", Kind: Unavailable, Midway: true, URL: "http://x/v1", Message: "the connection was reset"},
			"local failed after it began to answer: the connection was reset"},
		{Error{Provider: "b", Kind: Unavailable, Message: `provider "b" is routed but not defined`},
			`b is unavailable: provider "b" is routed but not defined`},
		{Error{Provider: "local", Kind: BadRequest, Status: 400, Message: "messages: must not be empty"},
			"local rejected the request (HTTP 400): messages: must not be empty"},
		{Error{Provider: "local", Kind: BadRequest, Status: 404, URL: "http://127.0.0.1:8080"},
			"local has no such endpoint (HTTP 404): check the base URL http://127.0.0.1:8080"},
		{Error{Provider: "local", Kind: ContextLength, Status: 400, Model: "small"},
			`the prompt is longer than model "small"'s context window on local (HTTP 400): shorten it or pick a model with a larger window`},
		{Error{Provider: "local", Kind: ContextLength},
			"the prompt is longer than the model's context window on local: shorten it or pick a model with a larger window"},
		{Error{Provider: "local", Kind: Canceled, Err: context.Canceled},
			"the request to local was canceled"},
		{Error{Provider: "local", Kind: Canceled, Err: context.DeadlineExceeded},
			"the request to local ran past its deadline"},
		{Error{Provider: "local", Kind: BadResponse, Message: "the answer has no choices"},
			"local sent a response that is not a valid answer: the answer has no choices"},
		{Error{Kind: BadResponse},
			"the model provider sent a response that is not a valid answer: no details given"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Fatalf("Error() = %q\n          want %q", got, tc.want)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  Error
		want bool
	}{
		{Error{Kind: RateLimit}, true},
		{Error{Kind: Timeout}, true},
		{Error{Kind: Unavailable}, true},
		{Error{Kind: BadResponse, Status: 500}, true}, // any 5xx
		{Error{Kind: Auth, Status: 401}, false},
		{Error{Kind: UnknownModel, Status: 404}, false},
		{Error{Kind: BadRequest, Status: 400}, false},
		{Error{Kind: ContextLength, Status: 400}, false},
		{Error{Kind: Quota, Status: 429}, false},
		{Error{Kind: Canceled}, false},
		{Error{Kind: BadResponse}, false},
	}
	for _, tc := range tests {
		if got := tc.err.Retryable(); got != tc.want {
			t.Errorf("%v (HTTP %d): Retryable = %v, want %v", tc.err.Kind, tc.err.Status, got, tc.want)
		}
	}
}

func TestAsError(t *testing.T) {
	inner := &Error{Provider: "p", Kind: RateLimit, Wait: 2 * time.Second, Err: context.DeadlineExceeded}
	wrapped := fmt.Errorf("all providers failed: %w", inner)
	got, ok := AsError(wrapped)
	if !ok || got != inner {
		t.Fatalf("AsError(wrapped) = %v, %v", got, ok)
	}
	if !errors.Is(wrapped, context.DeadlineExceeded) {
		t.Error("the underlying error should be reachable with errors.Is")
	}
	if got.RetryAfter() != 2*time.Second {
		t.Errorf("RetryAfter = %v", got.RetryAfter())
	}
	if _, ok := AsError(errors.New("plain")); ok {
		t.Error("a plain error is not a provider error")
	}
	if _, ok := AsError(nil); ok {
		t.Error("nil is not a provider error")
	}
}

func TestErrorKindString(t *testing.T) {
	for k := Unavailable; k <= BadResponse; k++ {
		if s := k.String(); s == "" || strings.HasPrefix(s, "ErrorKind(") {
			t.Errorf("kind %d has no name", int(k))
		}
	}
	if s := ErrorKind(99).String(); s != "ErrorKind(99)" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseErrorBody(t *testing.T) {
	tests := []struct {
		name, body    string
		message, code string
	}{
		{"OpenAI", `{"error":{"message":"Incorrect API key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, "Incorrect API key", "invalid_api_key"},
		{"OpenRouter numeric code", `{"error":{"message":"No auth credentials found","code":401}}`, "No auth credentials found", "401"},
		{"OpenRouter upstream", `{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"upstream says slow down","provider_name":"X"}}}`, "upstream says slow down", "429"},
		{"error as a string", `{"error":"model 'x' not found"}`, "model 'x' not found", ""},
		{"vLLM top level", `{"object":"error","message":"The model x does not exist.","type":"NotFoundError","code":404}`, "The model x does not exist.", "404"},
		{"FastAPI detail", `{"detail":"Not Found"}`, "Not Found", ""},
		{"FastAPI detail list", `{"detail":[{"loc":["body"],"msg":"field required"}]}`, `[{"loc":["body"],"msg":"field required"}]`, ""},
		{"plain text", "upstream connect error\nor disconnect", "upstream connect error or disconnect", ""},
		{"empty", "", "", ""},
		{"null error", `{"error":null,"message":"m"}`, "m", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseErrorBody([]byte(tc.body))
			if got.message != tc.message || got.code != tc.code {
				t.Fatalf("got %+v, want message %q code %q", got, tc.message, tc.code)
			}
		})
	}
}

func TestKindFor(t *testing.T) {
	tests := []struct {
		status int
		msg    string
		code   string
		want   ErrorKind
	}{
		{401, "", "", Auth},
		{403, "", "", Auth},
		{402, "", "", Quota},
		{429, "", "insufficient_quota", Quota},
		{429, "Rate limit reached for requests", "", RateLimit},
		{429, "too many tokens per minute", "", RateLimit}, // a rate limit, not the window
		{404, "The model `x` does not exist", "", UnknownModel},
		{404, "", "model_not_found", UnknownModel},
		{404, "Invalid URL (POST /v1/chat)", "", BadRequest},
		{400, "x is not a valid model ID", "", UnknownModel},
		{400, "Invalid model name", "", UnknownModel},
		{400, "This model's maximum context length is 4096 tokens", "", ContextLength},
		{400, "the request exceeds the available context size", "", ContextLength},
		{400, "", "context_length_exceeded", ContextLength},
		{413, "", "", ContextLength},
		{500, "prompt is too long: 250000 tokens", "", ContextLength},
		{400, "temperature must be at most 2", "", BadRequest},
		{422, "unprocessable", "", BadRequest},
		{408, "", "", Timeout},
		{500, "", "", Unavailable},
		{503, "", "", Unavailable},
		{0, "upstream died", "", Unavailable},
	}
	for _, tc := range tests {
		if got := kindFor(tc.status, errorBody{message: tc.msg, code: tc.code}); got != tc.want {
			t.Errorf("kindFor(%d, %q, %q) = %v, want %v", tc.status, tc.msg, tc.code, got, tc.want)
		}
	}
}

func TestHTTPErrorReadsRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		header map[string]string
		want   time.Duration
	}{
		{map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond},
		{map[string]string{"Retry-After-Ms": "250", "Retry-After": "9"}, 250 * time.Millisecond},
		{map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}, 7 * time.Second},
		{map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{map[string]string{"Retry-After": "Inf"}, 24 * time.Hour},
		{map[string]string{"Retry-After": "soon"}, 0},
		{nil, 0},
	}
	for _, tc := range tests {
		h := http.Header{}
		for k, v := range tc.header {
			h.Set(k, v)
		}
		if got := retryAfterHeader(h, now); got != tc.want {
			t.Errorf("retryAfterHeader(%v) = %v, want %v", tc.header, got, tc.want)
		}
	}
	e := httpError("p", 429, http.Header{"Retry-After": {"2"}}, []byte(`{"error":{"message":"slow"}}`))
	if e.Kind != RateLimit || e.Wait != 2*time.Second || e.RetryAfter() != 2*time.Second || e.Message != "slow" {
		t.Fatalf("httpError = %+v", e)
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("  a\n\tb   c \r\n"); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
	long := strings.Repeat("ż", 300) // two bytes each: a cut must not split one
	got := oneLine(long)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || len(got) > 210 {
		t.Errorf("oneLine(long) = %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}
