package providers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/lazy"
)

// ErrorKind says what sort of failure a provider call met, which decides
// whether the call is worth retrying and what a person should do about it.
type ErrorKind int

const (
	Unavailable   ErrorKind = iota // unreachable, 5xx, or the answer broke off: retry or fall back
	Auth                           // the API key was missing or rejected
	UnknownModel                   // the provider does not serve the model asked for
	RateLimit                      // HTTP 429: slow down
	Quota                          // out of credit or over quota (HTTP 402, or 429 insufficient_quota)
	Timeout                        // one attempt ran out of time (Config.Timeout, or HTTP 408)
	BadRequest                     // the provider refused the request as malformed
	ContextLength                  // the prompt does not fit the model's context window
	Canceled                       // the caller's context ended: stop, do not retry
	BadResponse                    // the provider answered with something that is not a valid answer
)

var kindNames = [...]string{
	Unavailable: "unavailable", Auth: "auth", UnknownModel: "unknown model", RateLimit: "rate limit",
	Quota: "quota", Timeout: "timeout", BadRequest: "bad request", ContextLength: "context length",
	Canceled: "canceled", BadResponse: "bad response",
}

func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", int(k))
}

// Error is a failed provider call. Its fields are for code (the gateway
// decides on Kind); Error() turns them into one sentence a person can act
// on, so the text is built when asked and follows fields a caller fills in
// later, such as Hint.
type Error struct {
	Provider string
	Kind     ErrorKind
	Status   int    // the HTTP status, 0 when none arrived
	Message  string // what went wrong, in the provider's or the network's words, on one line

	Model  string        // the model asked for
	URL    string        // the provider's base URL, without credentials
	Hint   string        // the setting to check, e.g. OPENROUTER_API_KEY or MACROA_MODEL_NANO
	After  time.Duration // Timeout: the limit that ran out
	Midway bool          // the failure came after text of the answer had arrived
	// Answered: the provider sent a status line (it is reachable) before
	// the failure, though no text of the answer arrived.
	Answered bool
	Wait     time.Duration // the wait the server asked for (Retry-After), 0 when none
	Err      error         // the underlying error, for errors.Is and errors.As
}

// Retryable reports whether sending the same request again may succeed.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case RateLimit, Timeout, Unavailable:
		return true
	case Auth:
		return false // the same key will be rejected again
	}
	return e.Status >= 500
}

// RetryAfter is the wait the server asked for; the gateway honours it.
func (e *Error) RetryAfter() time.Duration { return e.Wait }

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	p := e.Provider
	if p == "" {
		p = "the model provider"
	}
	status := ""
	if e.Status > 0 {
		status = fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	detail := e.Message
	if detail == "" {
		detail = "no details given"
	}
	switch e.Kind {
	case Auth:
		hint := e.Hint
		if hint == "" {
			hint = "the API key"
		}
		what := "rejected the API key"
		if e.Status == http.StatusForbidden {
			what = "refused access"
		}
		// The provider's reason ("key disabled", "no credentials") helps,
		// unless it only repeats the status.
		if e.Message == "" || strings.EqualFold(e.Message, http.StatusText(e.Status)) {
			return fmt.Sprintf("%s %s%s: check %s", p, what, status, hint)
		}
		return fmt.Sprintf("%s %s%s: %s; check %s", p, what, status, e.Message, hint)
	case UnknownModel:
		check := "the model name"
		if e.Hint != "" {
			check = e.Hint + " or the model name"
		}
		return fmt.Sprintf("model %q is unknown to %s%s: check %s", e.Model, p, status, check)
	case RateLimit:
		return fmt.Sprintf("%s is rate limiting%s: wait a moment or lower the request rate", p, status)
	case Quota:
		return fmt.Sprintf("%s says the account is out of credit or over its quota%s: %s", p, status, detail)
	case Timeout:
		switch {
		case e.After > 0 && e.Midway:
			return fmt.Sprintf("%s went silent for %s after it began to answer", p, e.After)
		case e.After > 0:
			return fmt.Sprintf("%s did not answer within %s", p, e.After)
		case e.Message != "":
			return e.Message
		}
		return fmt.Sprintf("%s did not answer in time%s", p, status)
	case BadRequest:
		if e.Status == 404 {
			return fmt.Sprintf("%s has no such endpoint%s: check the base URL %s", p, status, e.URL)
		}
		return fmt.Sprintf("%s rejected the request%s: %s", p, status, detail)
	case ContextLength:
		model := "the model's"
		if e.Model != "" {
			model = fmt.Sprintf("model %q's", e.Model)
		}
		return fmt.Sprintf("the prompt is longer than %s context window on %s%s: shorten it or pick a model with a larger window", model, p, status)
	case Canceled:
		if errors.Is(e.Err, context.DeadlineExceeded) {
			return fmt.Sprintf("the request to %s ran past its deadline", p)
		}
		return fmt.Sprintf("the request to %s was canceled", p)
	case BadResponse:
		return fmt.Sprintf("%s sent a response that is not a valid answer%s: %s", p, status, detail)
	}
	switch { // Unavailable
	case e.Status > 0:
		return fmt.Sprintf("%s failed%s: %s", p, status, detail)
	case e.Midway:
		return fmt.Sprintf("%s failed after it began to answer: %s", p, detail)
	case e.Answered:
		return fmt.Sprintf("%s failed: %s", p, detail)
	case e.URL != "":
		return fmt.Sprintf("%s is unreachable at %s: %s", p, e.URL, detail)
	}
	return fmt.Sprintf("%s is unavailable: %s", p, detail)
}

// AsError finds a provider *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// oneLine squeezes a message from a server or the network onto one short
// line: error texts become part of a sentence, never a wall of HTML.
func oneLine(s string) string {
	const limit = 200
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// errorBody is the gist of an error answer, whatever its shape.
type errorBody struct {
	message, code string
	typ           string // the error's "type" (OpenAI's, Anthropic's), "" when none
}

// parseErrorBody reads the error shapes OpenAI-compatible servers send:
// {"error":{"message","code"}} (OpenAI, OpenRouter with a numeric code and
// the upstream text in metadata.raw, Ollama), {"error":"text"} (older
// Ollama, llama.cpp), top-level {"message","code"} (vLLM), {"detail":...}
// (FastAPI servers), and anything else as plain text.
func parseErrorBody(body []byte) errorBody {
	var w struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Code    json.RawMessage `json:"code"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &w) != nil {
		return errorBody{message: oneLine(string(body))}
	}
	if len(w.Error) > 0 && string(w.Error) != "null" {
		var text string
		if json.Unmarshal(w.Error, &text) == nil {
			return errorBody{message: oneLine(text)}
		}
		var o struct {
			Message  string          `json:"message"`
			Type     string          `json:"type"`
			Code     json.RawMessage `json:"code"`
			Metadata struct {
				Raw json.RawMessage `json:"raw"`
			} `json:"metadata"`
		}
		if json.Unmarshal(w.Error, &o) == nil {
			msg := o.Message
			// OpenRouter wraps an upstream failure as "Provider returned
			// error" and puts what the upstream said in metadata.raw.
			if raw := jsonText(o.Metadata.Raw); raw != "" && (msg == "" || strings.EqualFold(msg, "Provider returned error")) {
				msg = raw
			}
			return errorBody{message: oneLine(msg), code: jsonText(o.Code), typ: o.Type}
		}
	}
	if w.Message != "" {
		return errorBody{message: oneLine(w.Message), code: jsonText(w.Code)}
	}
	if d := jsonText(w.Detail); d != "" {
		return errorBody{message: oneLine(d)}
	}
	return errorBody{message: oneLine(string(body))}
}

// jsonText is a JSON value as text: a string's contents, anything else
// (numbers, objects) as written; "" for null or nothing.
func jsonText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

var (
	reContext = lazy.NewRegexp(`context (length|window|size)|context_length|maximum context|too many tokens|prompt is too long|input is too long|reduce the length`)
	reModel   = lazy.NewRegexp(`model.*(not found|does not exist|not a valid|is not available|unknown|invalid)|(unknown|invalid|no such|not a valid) model`)
	// reKey matches what servers say about a rejected key when no status
	// says it (an error event inside a stream, an error sent with a 200).
	reKey = lazy.NewRegexp(`(invalid|incorrect|expired|revoked|disabled|missing) (x-)?api[ _-]?key|api[ _-]?key (is )?(invalid|incorrect|not valid|expired|revoked|disabled)|no auth credentials|authentication (failed|error|required)|unauthori[sz]ed`)
	// reFlagged matches a 403 about the prompt's content (OpenRouter's
	// moderation), which is no fault of the key.
	reFlagged = lazy.NewRegexp(`flagged|moderation`)
)

// authCodes are error codes and types that mean the key was rejected.
var authCodes = lazy.New(func() map[string]bool {
	return map[string]bool{
		"invalid_api_key": true, "authentication_error": true, "invalid_authentication": true,
		"unauthorized": true, "permission_denied": true, "account_deactivated": true,
	}
})

// keyRejected reports whether an error body says the key was rejected.
func keyRejected(b errorBody) bool {
	return authCodes.Get()[strings.ToLower(b.code)] || authCodes.Get()[strings.ToLower(b.typ)] ||
		reKey.Get().MatchString(strings.ToLower(b.message))
}

// kindFor decides the kind of an error answer from its HTTP status (0 for
// an error event in a stream) and what the body said. Messages are looked
// at where statuses are ambiguous: servers disagree on whether an unknown
// model is a 400 or a 404, and a too-long prompt comes back as 400, 413 or
// even 500 depending on the server.
func kindFor(status int, b errorBody) ErrorKind {
	msg := strings.ToLower(b.message)
	switch {
	case status != http.StatusTooManyRequests && (b.code == "context_length_exceeded" || status == http.StatusRequestEntityTooLarge || reContext.Get().MatchString(msg)):
		return ContextLength
	case b.code == "insufficient_quota" || status == http.StatusPaymentRequired:
		return Quota
	case status == http.StatusForbidden && reFlagged.Get().MatchString(msg):
		return BadRequest
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return Auth
	case (status == 0 || status == http.StatusOK) && keyRejected(b):
		// An error event in a stream, or an error body sent with a 200:
		// no status says the key was rejected, only the code or the text.
		return Auth
	case status == http.StatusNotFound:
		// A 404 that does not mention a model is a wrong path: the base URL.
		if b.code == "model_not_found" || strings.Contains(msg, "model") {
			return UnknownModel
		}
		return BadRequest
	case status == http.StatusRequestTimeout:
		return Timeout
	case status == http.StatusTooManyRequests:
		return RateLimit
	case status >= 500 || status == 0:
		return Unavailable
	case b.code == "model_not_found" || reModel.Get().MatchString(msg):
		return UnknownModel
	}
	return BadRequest
}

// httpError builds the Error for an answer with status >= 400.
func httpError(provider string, status int, header http.Header, body []byte) *Error {
	b := parseErrorBody(body)
	return &Error{
		Provider: provider, Kind: kindFor(status, b), Status: status, Message: b.message,
		Wait: retryAfterHeader(header, time.Now()),
	}
}

// retryAfterHeader reads the wait a server asked for: OpenAI's
// retry-after-ms, or Retry-After in seconds or as an HTTP date.
func retryAfterHeader(h http.Header, now time.Time) time.Duration {
	const most = 24 * time.Hour // also keeps "Inf" from overflowing
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return min(time.Duration(min(ms, float64(most/time.Millisecond))*float64(time.Millisecond)), most)
	}
	v := h.Get("Retry-After")
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
		return min(time.Duration(min(secs, float64(most/time.Second))*float64(time.Second)), most)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
