package prom

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// fake is a Prometheus query API answering from recorded files, by the
// kind of query asked; answers overrides a kind's file with a body.
type fake struct {
	*httptest.Server
	answers map[string]string
	// answer, when set, answers instead: by the kind and the query.
	answer  func(kind, query string) string
	queries atomic.Int64
}

// kind names which of queries (or Targets') a query is.
func kind(q string) string {
	switch {
	case strings.HasPrefix(q, "up{"):
		return "up.json"
	case strings.Contains(q, "DCGM_"):
		return "gpus.json"
	case strings.Contains(q, "label_replace"):
		return "derived.json"
	case strings.Contains(q, "node_systemd_unit_state"):
		return "units.json"
	}
	return "series.json"
}

func newFake(t testing.TB, answers map[string]string) *fake {
	t.Helper()
	f := &fake{answers: map[string]string{}}
	for _, name := range append([]string{"up.json"}, queryFiles...) {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f.answers[name] = string(b)
	}
	for k, v := range answers {
		f.answers[k] = v
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.queries.Add(1)
		if r.URL.Path != "/api/v1/query" || r.Method != http.MethodPost {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		q := r.FormValue("query")
		if f.answer != nil {
			_, _ = w.Write([]byte(f.answer(kind(q), q)))
			return
		}
		_, _ = w.Write([]byte(f.answers[kind(q)]))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) source() Source { return Source{URL: f.URL} }

// vector is an answer holding these results (JSON objects).
func vector(results ...string) string {
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(results, ",") + `]}}`
}
