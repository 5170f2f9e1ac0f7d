package providers

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/openai/openai-go/v3/option"
)

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
