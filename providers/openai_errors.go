package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"syscall"

	"github.com/openai/openai-go/v3/packages/ssestream"
)

// inBandError reads {"error":...} sent with a 200 status, as OpenRouter
// does when an upstream fails after the status line went out.
func (p *OpenAI) inBandError(raw []byte, model string) *Error {
	var v struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(raw, &v) != nil || len(v.Error) == 0 || string(v.Error) == "null" {
		return nil
	}
	return p.eventError(raw, model, false)
}

// eventError is an error the provider reported after its status line: an
// error event in a stream or an error body sent with a 200. A numeric code
// that looks like an HTTP status (OpenRouter's) is taken as one. midway
// says whether text of the answer had arrived before it.
func (p *OpenAI) eventError(data []byte, model string, midway bool) *Error {
	b := parseErrorBody(data)
	status := 0
	if n, err := strconv.Atoi(b.code); err == nil && n >= 400 && n < 600 {
		status = n
	}
	e := p.newError(kindFor(status, b), model, b.message)
	e.Status, e.Midway, e.Answered = status, midway, true
	return e
}

// newError starts an Error from this provider.
func (p *OpenAI) newError(kind ErrorKind, model, msg string) *Error {
	e := &Error{Provider: p.name, Kind: kind, Model: model, URL: p.url, Message: msg}
	if kind == Auth {
		e.Hint = p.keyHint
	}
	return e
}

// fail turns what the SDK returned into an Error. midway says whether text
// of a streamed answer had arrived: only then does the sentence say the
// provider failed after it began to answer.
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
		e.After, e.Midway, e.Answered = p.timeout, midway, c.status != 0
	case c.status >= 400:
		h := httpError(p.name, c.status, c.header, c.body)
		e = p.newError(h.Kind, model, h.Message)
		e.Status, e.Wait = h.Status, h.Wait
	case errors.As(err, &se):
		e = p.eventError(se.Event.Data, model, midway)
	case c.readErr != nil:
		e = p.newError(Unavailable, model, netReason(c.readErr))
		e.Midway, e.Answered = midway, true
	case c.buffer && c.status != 0:
		// The whole body arrived (capture read it), so whatever the SDK
		// says now, even "unexpected EOF", is about its content.
		e = p.newError(BadResponse, model, oneLine(err.Error()))
	case isNetErr(err):
		e = p.newError(Unavailable, model, netReason(err))
		// The status line may have come before the connection failed.
		e.Midway, e.Answered = midway && c.status != 0, c.status != 0
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
