package prom

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/macroa/macroa/config"
)

// maxRedirects bounds a chain of redirects within the server, as
// net/http's default policy does.
const maxRedirects = 10

// RedirectError is a redirect the server answered that leaves the
// configured scheme, host and port: it is not followed, so the query
// (and any credentials) never reach another server.
type RedirectError struct {
	From, To string // masked URLs
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("Prometheus at %s redirected the query to %s, another server; redirects are followed only within the configured scheme, host and port: set url to the server that answers",
		e.From, e.To)
}

// client is the HTTP client a query uses: s.HTTP (else
// http.DefaultClient) with a redirect policy that stays on the
// configured scheme, host and port.
func (s Source) client() *http.Client {
	base := s.HTTP
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	next := base.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := s.sameOrigin(req.URL); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("Prometheus at %s redirected the query more than %d times", s.masked(), maxRedirects)
		}
		return nil
	}
	return &c
}

// sameOrigin refuses a URL whose scheme, host or port is not the
// configured URL's.
func (s Source) sameOrigin(to *url.URL) error {
	from, err := url.Parse(s.URL)
	if err == nil && strings.EqualFold(from.Scheme, to.Scheme) && strings.EqualFold(from.Hostname(), to.Hostname()) &&
		portOf(from) == portOf(to) {
		return nil
	}
	return &RedirectError{From: s.masked(), To: clean(config.MaskURL(to.String()))}
}

// portOf is u's port, its scheme's default when none is written.
func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// redirectError finds a refused redirect in err.
func redirectError(err error) (*RedirectError, bool) {
	var re *RedirectError
	return re, errors.As(err, &re)
}
