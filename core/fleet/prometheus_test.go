package fleet

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/prom"
)

// fakeProm answers the query API from hosts/prom's recordings of a real
// Prometheus, for each of targets that a query names; down makes it
// answer 503.
type fakeProm struct {
	*httptest.Server
	targets []string
	queries atomic.Int64
	down    atomic.Bool
}

const recorded = "127.0.0.1:9100"

func newFakeProm(t testing.TB, targets ...string) *fakeProm {
	t.Helper()
	files := map[string]string{}
	for _, name := range []string{"up", "series", "derived", "units", "gpus"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "hosts", "prom", "testdata", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	f := &fakeProm{targets: targets}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.queries.Add(1)
		if f.down.Load() {
			http.Error(w, `{"status":"error","errorType":"unavailable","error":"shutting down"}`, http.StatusServiceUnavailable)
			return
		}
		q := r.FormValue("query")
		kind := "series"
		switch {
		case strings.HasPrefix(q, "up{"):
			kind = "up"
		case strings.Contains(q, "DCGM_"):
			kind = "gpus"
		case strings.Contains(q, "label_replace"):
			kind = "derived"
		case strings.Contains(q, "node_systemd_unit_state"):
			kind = "units"
		}
		body := files[kind]
		i, j := strings.Index(body, `"result": [`)+len(`"result": [`), strings.LastIndex(body, "]")
		var rows []string
		for _, inst := range f.targets {
			if kind == "up" || strings.Contains(q, strings.Trim(strconv.Quote(regexp.QuoteMeta(inst)), `"`)) {
				if part := strings.TrimSpace(body[i:j]); part != "" {
					rows = append(rows, strings.ReplaceAll(part, recorded, inst))
				}
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body[:i] + strings.Join(rows, ",") + body[j:]))
	}))
	t.Cleanup(f.Close)
	return f
}

// A [[prometheus]] source's targets join the fleet as hosts named by
// their host part, in its group, read with one batch per interval (not a
// query per host), judged by the same rules; when Prometheus stops
// answering they go unreachable with its words.
func TestPrometheusSourceHosts(t *testing.T) {
	f := newFakeProm(t, "10.0.0.7:9100", "db1.example:9100", "10.0.0.7:9200")
	db := openStore(t, "")
	o := testOptions(db, newScripted(fixture(t)), nil)
	quietLocal(&o, newScripted(fixture(t)))
	o.Thresholds.DiskPercent, o.Thresholds.Consecutive = 1, 1
	o.Thresholds.LoadPerCore = 1000 // the recording was made on a busy machine
	o.Prometheus = []PromSource{{Name: "lab", Source: prom.Source{URL: f.URL}, Interval: time.Hour}}
	s := startService(t, o)
	ctx := context.Background()

	byName := func() map[string]HostStatus {
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]HostStatus{}
		for _, h := range list {
			out[h.Name] = h
		}
		return out
	}
	names := []string{"10.0.0.7", "db1.example", "10.0.0.7-9200"}
	waitFor(t, "the targets read", func() bool {
		hs := byName()
		for _, n := range names {
			if !hs[n].HasSnapshot {
				return false
			}
		}
		return true
	})
	hs := byName()
	if len(hs) != 5 { // local, web1 and the three targets
		t.Errorf("hosts %v, want local, web1 and the three targets", hs)
	}
	for _, n := range names {
		h := hs[n]
		if h.Source != SourcePrometheus || len(h.Groups) != 1 || h.Groups[0] != "lab" {
			t.Errorf("%s: source %s groups %v, want prometheus in lab", n, h.Source, h.Groups)
		}
		if h.State != StateAlert || !strings.Contains(h.Why, "disk /") || h.Alerts != 1 {
			t.Errorf("%s: %s (%s), %d alerts; want the disk rule firing at 1%%", n, h.State, h.Why, h.Alerts)
		}
		if h.Load1 != 9.82 || h.MemPercent < 4.4 || h.MemPercent > 4.5 {
			t.Errorf("%s: load %v memory %v%%, want the recorded 9.82 and 4.48%%", n, h.Load1, h.MemPercent)
		}
	}
	// The first listing, then one Targets and four batched queries for
	// all three hosts; a probe per host would ask 3×4.
	if n := f.queries.Load(); n > 1+1+4 {
		t.Errorf("%d queries to read 3 hosts once, want at most 6", n)
	}

	f.down.Store(true)
	if _, err := s.ProbeNow(ctx, "db1.example"); err != nil {
		t.Fatal(err)
	}
	h := byName()["db1.example"]
	if h.State != StateUnreachable || !strings.Contains(h.Why, "Prometheus at "+f.URL) {
		t.Errorf("db1.example with Prometheus down: %s (%s), want unreachable naming it", h.State, h.Why)
	}
}

// A source whose targets were never listed stands in for them as one
// unreachable host named after it.
func TestPrometheusSourceNeverListed(t *testing.T) {
	f := newFakeProm(t)
	f.down.Store(true)
	db := openStore(t, "")
	o := testOptions(db, newScripted(fixture(t)), nil)
	quietLocal(&o, newScripted(fixture(t)))
	o.Prometheus = []PromSource{{Name: "lab", Source: prom.Source{URL: f.URL}, Interval: time.Hour}}
	s := startService(t, o)
	var lab HostStatus
	waitFor(t, "the source unreachable", func() bool {
		list, err := s.List(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range list {
			if h.Name == "lab" {
				lab = h
			}
		}
		return lab.State == StateUnreachable
	})
	if !strings.Contains(lab.Why, "refused the query (HTTP 503, unavailable)") || lab.Groups[0] != "lab" {
		t.Errorf("lab: %s (%s) in %v", lab.State, lab.Why, lab.Groups)
	}
}

func TestUniqueNames(t *testing.T) {
	taken := map[string]bool{"web1": true}
	cases := []struct{ host, instance, want string }{
		{"web1", "web1:9100", "web1-9100"},
		{"Node_1.Example", "Node_1.Example:9100", "node_1.example"},
		{"node_1.example", "node_1.example:9100", "node_1.example-9100"},
		{"node_1.example", "node_1.example:9100", "node_1.example-9100-2"},
		{"::1", "[::1]:9100", "1"},
		{"\x1b[2J", "\x1b[2J", "2j"},
		{"", "", "target"},
	}
	for _, c := range cases {
		if got := unique(c.host, c.instance, taken); got != c.want {
			t.Errorf("unique(%q, %q) = %q, want %q", c.host, c.instance, got, c.want)
		}
	}
}
