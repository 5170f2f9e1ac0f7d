// Package promtest starts a real Prometheus scraping a real node_exporter
// on loopback, for tests: Debian's prometheus and
// prometheus-node-exporter binaries, a throwaway configuration and
// database in temporary directories, a scrape every second.
//
// A test that needs them calls Start; when either binary is missing the
// test is skipped. Both processes are stopped when the test ends.
package promtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// StartTimeout bounds how long Start waits for the first good scrape.
const StartTimeout = 30 * time.Second

// Job is the job name the node_exporter target is scraped under; it
// matches config.DefaultPrometheusSelector.
const Job = "node"

// Server is a running Prometheus and the node_exporter it scrapes.
type Server struct {
	URL         string // http://127.0.0.1:port, the Prometheus server
	Instance    string // the node_exporter target's instance label, 127.0.0.1:port
	TextfileDir string // node_exporter's textfile collector reads *.prom here
	Systemd     bool   // the systemd collector is on (systemd runs here)

	prom, node *proc
}

// Options shape one pair of servers.
type Options struct {
	// Textfile is what node_exporter's textfile collector reads from the
	// start ("node_reboot_required 1\n"); more can be written to
	// Server.TextfileDir later.
	Textfile string
}

// Start starts node_exporter and Prometheus on free loopback ports and
// waits until Prometheus has scraped the exporter (up is 1). That takes
// about six seconds: Prometheus applies its first targets five seconds
// after it starts.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	promBin, nodeBin := find("prometheus"), find("prometheus-node-exporter", "node_exporter")
	if promBin == "" || nodeBin == "" {
		t.Skip("prometheus not installed: apt-get install prometheus prometheus-node-exporter")
	}
	dir := t.TempDir()
	s := &Server{TextfileDir: filepath.Join(dir, "textfile")}
	if err := os.Mkdir(s.TextfileDir, 0o755); err != nil {
		t.Fatalf("promtest: %v", err)
	}
	if opts.Textfile != "" {
		if err := os.WriteFile(filepath.Join(s.TextfileDir, "promtest.prom"), []byte(opts.Textfile), 0o644); err != nil {
			t.Fatalf("promtest: %v", err)
		}
	}
	// Only the collectors a snapshot reads, each of which works without
	// privileges in a container; systemd's only where systemd runs (its
	// collector fails without a system bus).
	_, err := os.Stat("/run/systemd/system")
	s.Systemd = err == nil
	nodePort, promPort := freePort(t), freePort(t)
	s.Instance = "127.0.0.1:" + strconv.Itoa(nodePort)
	s.URL = "http://127.0.0.1:" + strconv.Itoa(promPort)
	args := []string{"--web.listen-address=" + s.Instance, "--collector.disable-defaults",
		"--collector.textfile.directory=" + s.TextfileDir}
	for _, c := range []string{"cpu", "loadavg", "meminfo", "filesystem", "uname", "stat", "time", "netclass", "textfile"} {
		args = append(args, "--collector."+c)
	}
	if s.Systemd {
		args = append(args, "--collector.systemd")
	}
	s.node = start(t, "node_exporter", nodeBin, args...)

	cfg := filepath.Join(dir, "prometheus.yml")
	text := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"+
		"scrape_configs:\n  - job_name: %s\n    static_configs:\n      - targets: [%q]\n", Job, s.Instance)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatalf("promtest: %v", err)
	}
	s.prom = start(t, "prometheus", promBin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+strings.TrimPrefix(s.URL, "http://"), "--log.level=warn")
	s.waitUp(t)
	return s
}

// waitUp polls the query API until the target's up is 1.
func (s *Server) waitUp(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(StartTimeout)
	q := s.URL + "/api/v1/query?query=" + url.QueryEscape(fmt.Sprintf("up{instance=%q}", s.Instance))
	for {
		if v, _ := queryOne(q); v == "1" {
			return
		}
		if err := s.exited(); err != nil {
			t.Fatalf("promtest: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("promtest: no good scrape of %s within %s\nprometheus:\n%s\nnode_exporter:\n%s",
				s.Instance, StartTimeout, s.prom.log.String(), s.node.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitScrapes waits until Prometheus has scraped the exporter n more
// times, so a second read sees new counters.
func (s *Server) WaitScrapes(t testing.TB, n int) {
	t.Helper()
	q := s.URL + "/api/v1/query?query=" + url.QueryEscape(fmt.Sprintf("timestamp(up{instance=%q})", s.Instance))
	first, _ := queryOne(q)
	seen, last := 0, first
	deadline := time.Now().Add(StartTimeout)
	for seen < n {
		if time.Now().After(deadline) {
			t.Fatalf("promtest: fewer than %d scrapes of %s within %s", n, s.Instance, StartTimeout)
		}
		time.Sleep(50 * time.Millisecond)
		if v, _ := queryOne(q); v != "" && v != last {
			seen, last = seen+1, v
		}
	}
}

// Query runs an instant query and returns the API's raw answer, for
// recording test data.
func (s *Server) Query(t testing.TB, promql string) []byte {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/api/v1/query", url.Values{"query": {promql}})
	if err != nil {
		t.Fatalf("promtest: query: %v", err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		t.Fatalf("promtest: query: %v", err)
	}
	return buf.Bytes()
}

func (s *Server) exited() error {
	for _, p := range []*proc{s.node, s.prom} {
		select {
		case <-p.done:
			return fmt.Errorf("%s exited early: %v\n%s", p.name, p.err, p.log.String())
		default:
		}
	}
	return nil
}

// queryOne returns the value of a one-element vector, "" for none.
func queryOne(u string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var a struct {
		Data struct {
			Result []struct {
				Value [2]any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || len(a.Data.Result) != 1 {
		return "", err
	}
	v, _ := a.Data.Result[0].Value[1].(string)
	return v, nil
}

func find(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("promtest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proc is one started daemon.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	err  error
}

// start starts a daemon and stops it (SIGTERM, then SIGKILL) when the
// test ends.
func start(t testing.TB, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.SysProcAttr = procAttr()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("promtest: start %s: %v", name, err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(os.Interrupt)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // a daemon that logs without end is cut, not kept
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
