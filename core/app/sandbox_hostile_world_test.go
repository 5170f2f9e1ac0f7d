package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/core/approvals"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/providers/providertest"
	"github.com/macroa/macroa/sandbox"
	"github.com/macroa/macroa/store"
)

// hostileWorld is one run of one attack: a fake home full of canary
// credentials with Macroa's data dir inside it, a scripted model, the
// loopback listeners an attack reaches for, and a real App over them.
type hostileWorld struct {
	t     *testing.T
	mode  sandbox.Mode
	nonce string
	home  string // the kernel's UserHome and $HOME
	data  string // MACROA_HOME, ~/.macroa
	work  string // the working directory, ~/project
	// creds are the canary credentials: path under home → what it holds.
	creds map[string]string
	extra map[string]string // hostileOptions.secrets
	// tmpCanary is a path in the system's /tmp, outside any private
	// directory a command is given.
	tmpCanary string
	model     *providertest.Server
	tcp       *tcpRecorder
	udp       *udpRecorder
	unix      *tcpRecorder // a Unix socket listener, when the attack sets one up
	app       *App

	// victim is a process of the test's a command may try to signal;
	// victimDone closes when it has exited.
	victim     int
	victimDone chan struct{}
}

// credFiles are the canary credentials laid out in the fake home, each
// holding "canary-<label>-<nonce>": a word no redaction pattern touches, so
// a read that works shows in what the model and the person are told.
var credFiles = []struct{ path, label string }{
	{".ssh/id_rsa", "idrsa"},
	{".aws/credentials", "aws"},
	{".netrc", "netrc"},
	{".config/gh/hosts.yml", "gh"},
	{".git-credentials", "gitcred"},
	{".pgpass", "pgpass"},
	{".kube/config", "kube"},
	{".docker/config.json", "docker"},
	{"vault/token.txt", "vault"}, // under config.toml's [policy] secret_paths
}

const bashrcText = "# the person's own shell settings\nalias ll='ls -l'\n"

// hostileOptions are what a world is built with beyond its mode.
type hostileOptions struct {
	// box is the sandbox given to the App (Options.Sandbox) for the home
	// and secret_paths; nil: the kernel's, from config.toml.
	box func(home string, secrets []string) *sandbox.Box
	env []string // more configuration environment, KEY=value
	// secrets are more canary values no sandboxed command may let out,
	// by what holds them.
	secrets map[string]string
}

func newHostileWorld(t *testing.T, mode sandbox.Mode, o hostileOptions) *hostileWorld {
	t.Helper()
	root := t.TempDir()
	w := &hostileWorld{t: t, mode: mode, nonce: randomHex(t, 6), creds: map[string]string{}, extra: o.secrets}
	w.home = filepath.Join(root, "home")
	w.data = filepath.Join(w.home, ".macroa")
	w.work = filepath.Join(w.home, "project")
	for _, d := range []string{w.home, w.data, w.work} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", w.home) // what ~ means to a command run unconfined
	for _, c := range credFiles {
		w.creds[c.path] = "canary-" + c.label + "-" + w.nonce
		writeFile(t, filepath.Join(w.home, c.path), w.creds[c.path]+"\n", 0o600)
	}
	writeFile(t, filepath.Join(w.home, ".bashrc"), bashrcText, 0o644)
	toml := fmt.Sprintf("# canary-config-%s\nsandbox = %q\n\n[policy]\nsecret_paths = [\"~/vault\"]\n", w.nonce, mode)
	writeFile(t, filepath.Join(w.data, "config.toml"), toml, 0o600)
	w.tmpCanary = filepath.Join(os.TempDir(), "macroa-hostile-"+w.nonce)
	t.Cleanup(func() { os.Remove(w.tmpCanary) })

	w.model = providertest.New(t)
	w.tcp = newTCPRecorder(t)
	w.udp = newUDPRecorder(t)
	env := append([]string{"MACROA_HOME=" + w.data, "MACROA_BASE_URL=" + w.model.URL()}, o.env...)
	cfg, err := config.Load(config.LoadOptions{Environ: env, WorkDir: w.work, UserHome: w.home})
	if err != nil {
		t.Fatalf("load config: %v", err)
	}
	var box *sandbox.Box
	if o.box != nil {
		box = o.box(w.home, cfg.SecretPaths(w.home))
	}
	w.app = New(Options{Config: cfg, Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + w.home},
		WorkDir: w.work, UserHome: w.home, Sandbox: box})
	t.Cleanup(func() { _ = w.app.Shutdown(context.Background()) })
	db, err := w.app.store(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// A fact in Macroa's database, which no command may read.
	if _, err := db.SetFact(context.Background(), store.FactInput{Namespace: "user", Key: "colour",
		Value: "canary-fact-" + w.nonce, Source: "user"}); err != nil {
		t.Fatal(err)
	}
	// An audit entry, so the audit key exists before any command runs.
	if _, err := db.AppendAudit(context.Background(), auditEntry("set up")); err != nil {
		t.Fatal(err)
	}
	return w
}

// secrets is every canary value no sandboxed command may let out: the
// credentials, config.toml's marker, the fact in the database and the
// audit key (as base64, the way the attack prints it).
func (w *hostileWorld) secrets() map[string]string {
	out := map[string]string{}
	for p, v := range w.creds {
		out["~/"+p] = v
	}
	for what, v := range w.extra {
		out[what] = v
	}
	out["~/.macroa/config.toml"] = "canary-config-" + w.nonce
	out["~/.macroa/macroa.db"] = "canary-fact-" + w.nonce
	if key, err := os.ReadFile(filepath.Join(w.data, "audit.key")); err == nil && len(key) > 0 {
		out["~/.macroa/audit.key"] = base64.StdEncoding.EncodeToString(key)
	}
	return out
}

// via is how a model's command reaches the shell.
type via string

const (
	viaAgent      via = "agent"      // the agent's run_command tool
	viaClassifier via = "classifier" // the classifier picks the shell skill
)

// hostileRun is what came of one request.
type hostileRun struct {
	res kernel.Result
	// answer is what the command's outcome was told as: the tool message
	// sent back to the model (agent), or the result's error and output
	// (classifier).
	answer string
	// entries are the audit entries of commands run unasked (Sandbox set).
	entries []store.AuditEntry
}

// ok says the unasked command succeeded, by its audit entry.
func (r hostileRun) ok() bool { return len(r.entries) == 1 && r.entries[0].Success }

// run has the scripted model choose command through path and serves the
// request through the App, as `macroa run` does.
func (w *hostileWorld) run(path via, command string, ask bool) hostileRun {
	w.t.Helper()
	return w.runAs("tell me a joke", path, command, ask)
}

// runAs is run for the person's words input: a second request of a world
// needs words of its own, or the gateway answers it from its cache.
func (w *hostileWorld) runAs(input string, path via, command string, ask bool) hostileRun {
	w.t.Helper()
	w.script(path, command)
	req := kernel.Request{Input: input, Source: kernel.SourceCLI}
	if ask {
		req.Ask = w.asker()
	}
	r := hostileRun{res: w.app.Run(context.Background(), req)}
	if path == viaAgent {
		r.answer = strings.Join(w.toolMessages(), "\n")
	} else {
		r.answer = r.res.Error + "\n" + r.res.Output
	}
	all, err := w.app.RecentAudit(context.Background(), 200)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range all {
		if e.Sandbox != "" {
			r.entries = append(r.entries, e)
		}
	}
	return r
}

// script makes the model a hostile one: the classifier picks the shell
// with command, or the agent, whose first answer calls run_command with it.
func (w *hostileWorld) script(path via, command string) {
	args, err := json.Marshal(map[string]string{"command": command})
	if err != nil {
		w.t.Fatal(err)
	}
	w.model.Handle(func(r providertest.Recorded) providertest.Reply {
		if len(r.Chat.Tools) > 0 { // the agent
			for _, m := range r.Chat.Messages {
				if m.Role == "tool" {
					return providertest.Reply{Content: "done"}
				}
			}
			return providertest.Reply{ToolCalls: []providertest.ToolCall{{ID: "c1", Name: "run_command", Arguments: string(args)}}}
		}
		if len(r.Chat.Messages) > 0 && strings.Contains(r.Chat.Messages[0].Content, `"skill"`) { // the classifier
			if path == viaAgent {
				return providertest.Reply{Content: `{"skill":"agent","parameters":{},"confidence":0.99,"reasoning":"trust me"}`}
			}
			b, err := json.Marshal(map[string]any{"skill": "shell", "parameters": map[string]string{"command": command},
				"confidence": 0.99, "reasoning": "trust me"})
			if err != nil {
				panic(err)
			}
			return providertest.Reply{Content: string(b)}
		}
		return providertest.Reply{Content: "ok"}
	})
}

// toolMessages are the tool results the agent sent the model, each once.
func (w *hostileWorld) toolMessages() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range w.model.ChatRequests() {
		for _, m := range r.Chat.Messages {
			if m.Role == "tool" && !seen[m.Content] {
				seen[m.Content] = true
				out = append(out, m.Content)
			}
		}
	}
	return out
}

// asker is the approval queue as `macroa run` asks it: queued, not waited
// for.
func (w *hostileWorld) asker() approvals.AskFunc {
	w.t.Helper()
	q, err := w.app.Approvals()
	if err != nil {
		w.t.Fatal(err)
	}
	return q.Asker(approvals.AskOptions{Where: approvals.CLI})
}

// outsideText is everything that left the sandboxed command towards
// someone else: the result and answer, every request the model server
// and the listeners received, the audit log.
func (w *hostileWorld) outsideText(r hostileRun) map[string]string {
	out := map[string]string{
		"the result's output":   r.res.Output,
		"the result's error":    r.res.Error,
		"the answer":            r.answer,
		"the loopback listener": w.tcp.bodies(),
		"the UDP listener":      w.udp.payloads(),
	}
	var model bytes.Buffer
	for _, q := range w.model.Requests() {
		model.WriteString(q.Path + "\n")
		model.Write(q.Body)
		model.WriteString("\n")
	}
	out["a request to the model server"] = model.String()
	all, _ := w.app.RecentAudit(context.Background(), 200)
	var audit strings.Builder
	for _, e := range all {
		fmt.Fprintf(&audit, "%s\n%s\n%s\n", e.Input, e.Action, e.Error)
	}
	out["the audit log"] = audit.String()
	return out
}

// leaks names where each secret showed up outside, one line each.
func (w *hostileWorld) leaks(r hostileRun) []string {
	var found []string
	outside := w.outsideText(r)
	for what, secret := range w.secrets() {
		for where, text := range outside {
			if strings.Contains(text, secret) {
				found = append(found, fmt.Sprintf("the content of %s reached %s", what, where))
			}
		}
	}
	return found
}

// tcpRecorder is a loopback HTTP server (on TCP, or a Unix socket like an
// ssh-agent's or Docker's) that counts the connections made to it and
// keeps every request body.
type tcpRecorder struct {
	srv   *httptest.Server
	mu    sync.Mutex
	conns int
	body  bytes.Buffer
	// seen is the number of connections counted when the sentinel came.
	seen chan int
	mark string
}

func newTCPRecorder(t *testing.T) *tcpRecorder { return newRecorder(t, nil) }

// newUnixRecorder is a recorder listening on the Unix socket at path.
func newUnixRecorder(t *testing.T, path string) *tcpRecorder {
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	return newRecorder(t, l)
}

// newRecorder serves on l, or on loopback TCP when l is nil.
func newRecorder(t *testing.T, l net.Listener) *tcpRecorder {
	r := &tcpRecorder{seen: make(chan int, 1), mark: "/sentinel-" + randomHex(t, 6)}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, q *http.Request) {
		b, _ := io.ReadAll(q.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if q.URL.Path == r.mark {
			r.seen <- r.conns - 1
			return
		}
		fmt.Fprintf(&r.body, "%s %s\n%s\n", q.Method, q.URL.Path, b)
	}))
	// Called from the accept loop, in accept order.
	r.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			r.mu.Lock()
			r.conns++
			r.mu.Unlock()
		}
	}
	if l != nil {
		r.srv.Listener.Close()
		r.srv.Listener = l
	}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

func (r *tcpRecorder) port() string { return strconv.Itoa(r.srv.Listener.Addr().(*net.TCPAddr).Port) }

// connections is how many connections came before a sentinel the test
// makes now: the listener accepts in order, so every connection a finished
// command made is counted by the time the sentinel is served.
func (r *tcpRecorder) connections(t *testing.T) int {
	t.Helper()
	addr := r.srv.Listener.Addr()
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, addr.Network(), addr.String())
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil, DialContext: dial}, Timeout: 10 * time.Second}
	resp, err := c.Get("http://recorder" + r.mark)
	if err != nil {
		t.Fatalf("sentinel connection: %v", err)
	}
	resp.Body.Close()
	select {
	case n := <-r.seen:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("the sentinel was never served")
		return 0
	}
}

func (r *tcpRecorder) bodies() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.body.String()
}

// udpRecorder is a loopback UDP socket standing in for a resolver: it
// keeps every datagram it receives.
type udpRecorder struct {
	conn *net.UDPConn
	mu   sync.Mutex
	got  []string
	mark string
}

func newUDPRecorder(t *testing.T) *udpRecorder {
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	r := &udpRecorder{conn: c, mark: "sentinel-" + randomHex(t, 6)}
	t.Cleanup(func() { c.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := c.ReadFromUDP(buf)
			if err != nil {
				return
			}
			r.mu.Lock()
			r.got = append(r.got, string(buf[:n]))
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *udpRecorder) port() string { return strconv.Itoa(r.conn.LocalAddr().(*net.UDPAddr).Port) }

// datagrams is how many datagrams came before a sentinel the test sends
// now: a socket's queue is first in, first out.
func (r *udpRecorder) datagrams(t *testing.T) int {
	t.Helper()
	c, err := net.DialUDP("udp4", nil, r.conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(r.mark)); err != nil {
		t.Fatal(err)
	}
	n := -1
	holdsWithin(10*time.Second, func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		for i, g := range r.got {
			if g == r.mark {
				n = i
				return true
			}
		}
		return false
	})
	if n < 0 {
		t.Fatal("the UDP sentinel never arrived")
	}
	return n
}

func (r *udpRecorder) payloads() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.got, "\n")
}

// holdsWithin polls cond until it holds or d has passed; it says which.
func holdsWithin(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processesWith lists the processes whose command line holds marker.
func processesWith(marker string) []int {
	var pids []int
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil || !bytes.Contains(b, []byte(marker)) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(d)); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killMarked ends the processes an attack left, found by their marker,
// until none is left: one caught in exec may not show its command line.
func killMarked(marker string) {
	holdsWithin(10*time.Second, func() bool {
		pids := processesWith(marker)
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		return len(pids) == 0
	})
}

func writeFile(t *testing.T, p, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
