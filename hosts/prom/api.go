package prom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/config"
)

// MaxResponse bounds one answer of the API; a larger one is refused, not
// read.
const MaxResponse = 8 << 20

// sample is one element of an instant vector.
type sample struct {
	Labels map[string]string
	At     float64 // evaluation time, Unix seconds
	Value  float64 // may be NaN or ±Inf: every use checks
}

// apiAnswer is an API answer: the envelope and, on success, a vector,
// read in one pass.
type apiAnswer struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string `json:"resultType"`
		Result     []struct {
			Metric map[string]string `json:"metric"`
			Value  pair              `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// pair is a sample's [1435781451.781, "1"]; "NaN" and "±Inf" read as
// such. It is read by hand: a fleet's answer holds thousands.
type pair struct {
	At, Value float64
	OK        bool
}

func (p *pair) UnmarshalJSON(b []byte) error {
	inner, ok := bytes.CutPrefix(bytes.TrimSpace(b), []byte("["))
	if inner, ok = bytes.CutSuffix(inner, []byte("]")); !ok {
		return nil // not a pair: OK stays false
	}
	at, text, ok := bytes.Cut(inner, []byte(","))
	text = bytes.TrimSpace(text)
	if !ok || len(text) < 2 || text[0] != '"' || text[len(text)-1] != '"' {
		return nil
	}
	var err1, err2 error
	p.At, err1 = strconv.ParseFloat(string(bytes.TrimSpace(at)), 64)
	p.Value, err2 = strconv.ParseFloat(string(text[1:len(text)-1]), 64)
	p.OK = err1 == nil && err2 == nil
	return nil
}

// query runs one instant query and returns its vector.
func (s Source) query(ctx context.Context, promql string) ([]sample, error) {
	endpoint, err := s.endpoint()
	if err != nil {
		return nil, err
	}
	timeout := s.timeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	form := url.Values{
		"query":   {promql},
		"timeout": {strconv.FormatFloat(timeout.Seconds(), 'f', -1, 64)},
	}
	// POST: a batch's instance list would make a GET's URL too long.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("Prometheus at %s: %w", s.masked(), err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client().Do(req)
	if err != nil {
		return nil, s.transportError(ctx, timeout, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return nil, s.transportError(ctx, timeout, err)
	}
	if len(body) > MaxResponse {
		return nil, fmt.Errorf("Prometheus at %s answered more than %d MB; narrow the selector or the batch", s.masked(), MaxResponse>>20)
	}
	return s.decode(resp, body)
}

// decode reads the API's envelope and its vector.
func (s Source) decode(resp *http.Response, body []byte) ([]sample, error) {
	var a apiAnswer
	err := json.Unmarshal(body, &a)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) || a.Status == "" {
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		return nil, fmt.Errorf("Prometheus at %s answered HTTP %d with something that is not its API's JSON (%s); is the URL a Prometheus server?",
			s.masked(), resp.StatusCode, clean(orWord(ct, "no content type")))
	}
	if a.Status != "success" {
		return nil, fmt.Errorf("Prometheus at %s refused the query (HTTP %d, %s): %s",
			s.masked(), resp.StatusCode, clean(orWord(a.ErrorType, "no error type")), clean(orWord(a.Error, "no reason given")))
	}
	if err != nil {
		return nil, fmt.Errorf("Prometheus at %s answered a result that does not read: %s", s.masked(), clean(err.Error()))
	}
	d := a.Data
	if d.ResultType != "vector" {
		return nil, fmt.Errorf("Prometheus at %s answered a %q where an instant vector was asked for", s.masked(), clean(d.ResultType))
	}
	out := make([]sample, 0, len(d.Result))
	for _, r := range d.Result {
		if !r.Value.OK {
			return nil, fmt.Errorf("Prometheus at %s answered a sample that does not read (want [time, \"value\"])", s.masked())
		}
		out = append(out, sample{Labels: r.Metric, At: r.Value.At, Value: r.Value.Value})
	}
	return out, nil
}

// transportError says why no answer came, in one sentence.
func (s Source) transportError(ctx context.Context, timeout time.Duration, err error) error {
	if re, ok := redirectError(err); ok {
		return re
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("Prometheus at %s did not answer within %s", s.masked(), timeout)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("query Prometheus at %s: %w", s.masked(), ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text repeats the URL, credentials and all
	}
	return fmt.Errorf("Prometheus at %s did not answer: %w", s.masked(), err)
}

// endpoint is the query API's URL under the configured one (which may
// carry a path prefix, /prometheus).
func (s Source) endpoint() (string, error) {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("Prometheus URL %q is not an http:// or https:// URL", s.masked())
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v1/query"
	u.RawPath = ""
	return u.String(), nil
}

func (s Source) masked() string { return clean(config.MaskURL(s.URL)) }

func (s Source) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return config.DefaultMonitorTimeout
}

func orWord(s, word string) string {
	if strings.TrimSpace(s) == "" {
		return word
	}
	return s
}
