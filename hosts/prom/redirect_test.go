package prom

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestRedirects: a redirect within the configured scheme, host and port
// is followed; one to another port, host or scheme is refused with a
// sentence, and the query never reaches the other server.
func TestRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(vector()))
	}))
	t.Cleanup(other.Close)
	var to string // where the server redirects /api/v1/query
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/api/v1/query" {
			w.Header().Set("Location", to)
			w.WriteHeader(http.StatusTemporaryRedirect) // a 307 re-sends the POST and its query
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(vector()))
	}))
	t.Cleanup(srv.Close)
	port := srv.URL[strings.LastIndexByte(srv.URL, ':')+1:]
	cases := []struct {
		name, to string
		hits     int32  // requests the configured server sees
		want     string // "": answered
	}{
		{"same server", srv.URL + "/prefix/api/v1/query", 2, ""},
		{"same server, relative", "/prefix/api/v1/query", 2, ""},
		{"another port", other.URL + "/api/v1/query", 1, "redirected the query to " + other.URL + "/api/v1/query, another server"},
		{"another host", "http://localhost:" + port + "/api/v1/query", 1, "another server"},
		{"another host by address", "http://127.0.0.2:" + port + "/api/v1/query", 1, "another server"},
		{"another scheme", "https://127.0.0.1:" + port + "/api/v1/query", 1, "another server"},
		{"credentials masked", "http://user:hunter2@127.0.0.2:" + port + "/", 1, "another server"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to = c.to
			hits.Store(0)
			elsewhere.Store(0)
			_, err := Source{URL: srv.URL, Timeout: 10 * time.Second}.query(context.Background(), "up")
			if c.want == "" {
				if err != nil {
					t.Fatalf("a redirect within the server: %v", err)
				}
			} else {
				var re *RedirectError
				if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("want a refused redirect saying %q: %v", c.want, err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("credentials shown: %v", err)
				}
			}
			if n := hits.Load(); n != c.hits {
				t.Errorf("the configured server saw %d requests, want %d", n, c.hits)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the query reached another server %d times", n)
			}
		})
	}
}
