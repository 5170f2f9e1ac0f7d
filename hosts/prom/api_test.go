package prom

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestQueryErrors: a server that is down, slow, or answers something
// else gives one sentence naming it (credentials masked), never a panic.
func TestQueryErrors(t *testing.T) {
	huge := func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"status":"success","data":{"resultType":"vector","result":[`))
		row := []byte(`{"metric":{"instance":"x"},"value":[1,"1"]},`)
		for range MaxResponse/len(row) + 1 {
			_, _ = w.Write(row)
		}
	}
	body := func(status int, ct, text string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(text))
		}
	}
	stop := make(chan struct{}) // closed before the servers close, so a slow handler ends
	slow := func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // the server notices a closed connection only after the body is read
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}
	cases := []struct {
		name    string
		handler http.HandlerFunc // nil: nothing listens
		want    string
	}{
		{"down", nil, "did not answer: dial tcp"},
		{"slow", slow, "did not answer within 200ms"},
		{"html", body(200, "text/html", "<html>login</html>"), "answered HTTP 200 with something that is not its API's JSON (text/html)"},
		{"not found", body(404, "text/plain", "404 page not found"), "answered HTTP 404"},
		{"error JSON", body(400, "application/json",
			`{"status":"error","errorType":"bad_data","error":"parse error \u001b[2J here"}`), "refused the query (HTTP 400, bad_data): parse error  here"},
		{"error JSON without words", body(503, "application/json", `{"status":"error"}`), "(HTTP 503, no error type): no reason given"},
		{"huge", huge, "answered more than 8 MB"},
		{"value of wrong types", body(200, "application/json", vector(`{"metric":{},"value":["1",1]}`)), "a sample that does not read"},
		{"value too short", body(200, "application/json", vector(`{"metric":{},"value":[1]}`)), "a sample that does not read"},
		{"result not a list", body(200, "application/json", `{"status":"success","data":{"resultType":"vector","result":{}}}`), "a result that does not read"},
		{"a matrix", body(200, "application/json", `{"status":"success","data":{"resultType":"matrix","result":[]}}`), `answered a "matrix"`},
		{"labels not strings", body(200, "application/json", vector(`{"metric":{"instance":7},"value":[1,"1"]}`)), "a result that does not read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var host string
			if c.handler == nil {
				l, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				host = l.Addr().String()
				l.Close()
			} else {
				srv := httptest.NewServer(c.handler)
				t.Cleanup(srv.Close)
				t.Cleanup(func() {
					select {
					case <-stop:
					default:
						close(stop)
					}
				})
				host = strings.TrimPrefix(srv.URL, "http://")
			}
			timeout := 10 * time.Second
			if c.name == "slow" {
				timeout = 200 * time.Millisecond
			}
			src := Source{URL: "http://admin:hunter2@" + host + "/?token=s3cret", Timeout: timeout}
			_, err := src.Snapshot(context.Background(), "a:9100")
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, "Prometheus at http://****@"+host) {
				t.Errorf("err = %q, want one naming the server saying %q", msg, c.want)
			}
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, "s3cret") || strings.ContainsAny(msg, "\x1b\n") {
				t.Errorf("err = %q shows a credential or a control character", msg)
			}
		})
	}
}

func TestSourceRefusesBadSettings(t *testing.T) {
	cases := []struct {
		src  Source
		want string
	}{
		{Source{URL: "ftp://x"}, "is not an http:// or https:// URL"},
		{Source{URL: "http://"}, "is not an http:// or https:// URL"},
		{Source{URL: "http://x", Selector: `job="node"`}, "is not label matchers in braces"},
		{Source{URL: "http://x", Selector: `{job="node"}}`}, "is not label matchers in braces"},
	}
	for _, c := range cases {
		_, err := c.src.Targets(context.Background())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want %q", c.src, err, c.want)
		}
	}
}

// TestQueryEscapes: instance names with regexp and quote characters are
// asked for exactly, and the query reaches the server as sent.
func TestQueryEscapes(t *testing.T) {
	var (
		mu  sync.Mutex
		got = map[string]string{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		q := r.FormValue("query")
		got[kind(q)] = q
		_, _ = w.Write([]byte(vector()))
	}))
	t.Cleanup(srv.Close)
	src := Source{URL: srv.URL + "/prefix/", Selector: `{job="node", env!="dev",}`}
	if _, err := src.Snapshots(context.Background(), []string{`a.b:9100`, `x"y|z:1`}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(queryFiles) {
		t.Fatalf("queries %q, want one of each kind", got)
	}
	for _, name := range []string{"series.json", "derived.json", "units.json"} {
		for _, want := range []string{`instance=~"a\\.b:9100|x\"y\\|z:1"`, `job="node", env!="dev",instance=~`} {
			if !strings.Contains(got[name], want) {
				t.Errorf("query %s lacks %s", got[name], want)
			}
		}
	}
	if gpu := got["gpus.json"]; !strings.Contains(gpu, `instance=~"(?:a\\.b|x\"y\\|z)(?::[0-9]+)?"`) {
		t.Errorf("GPU query %s does not match the hosts by name", gpu)
	}
}

// TestBasicAuthFromURL: credentials in the URL reach the server as basic
// auth, under a path prefix.
func TestBasicAuthFromURL(t *testing.T) {
	var user, pass, path string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		user, pass, _ = r.BasicAuth()
		path = r.URL.Path
		mu.Unlock()
		_, _ = w.Write([]byte(vector()))
	}))
	t.Cleanup(srv.Close)
	src := Source{URL: "http://admin:hunter2@" + strings.TrimPrefix(srv.URL, "http://") + "/prom"}
	if _, err := src.Targets(context.Background()); err != nil {
		t.Fatal(err)
	}
	if user != "admin" || pass != "hunter2" || path != "/prom/api/v1/query" {
		t.Errorf("server saw user %q password %q path %q", user, pass, path)
	}
}
