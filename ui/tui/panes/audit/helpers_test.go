package audit

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/events"
	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/themes"
	"github.com/macroa/macroa/ui/tui/kit"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// world is a real store with a kernel serving requests, as the cockpit
// has in-process.
type world struct {
	dbPath string
	db     *store.DB
	k      *kernel.Kernel
	b      dbFeed
}

// dbFeed serves the pane straight from the store.
type dbFeed struct{ db *store.DB }

func (f dbFeed) RecentAudit(ctx context.Context, n int) ([]store.AuditEntry, error) {
	return f.db.RecentAudit(ctx, n)
}
func (f dbFeed) AuditSince(ctx context.Context, after store.AuditID, limit int) ([]store.AuditEntry, error) {
	return f.db.AuditSince(ctx, after, limit)
}

func newWorld(t testing.TB) *world {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "")
	k := kernel.New(kernel.Options{
		Config:   cfg,
		DB:       db,
		Environ:  []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir},
		WorkDir:  dir,
		UserHome: dir,
	})
	return &world{dbPath: filepath.Join(dir, "macroa.db"), db: db, k: k, b: dbFeed{db}}
}

// run serves one request through the kernel, as any front end would.
func (w *world) run(t testing.TB, input, session string) {
	t.Helper()
	res := w.k.Run(context.Background(), kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI})
	if res.AuditErr != nil {
		t.Fatal(res.AuditErr)
	}
}

// other opens a second handle on the same file, as another process would.
func (w *world) other(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func styles(t testing.TB) kit.Styles {
	t.Helper()
	th, err := themes.Load("dark", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return kit.NewStyles(th)
}

// key builds the key press a terminal would send for s.
func key(s string) tea.KeyPressMsg {
	named := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"backspace": tea.KeyBackspace, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"home": tea.KeyHome, "end": tea.KeyEnd, "left": tea.KeyLeft, "right": tea.KeyRight,
	}
	if r, ok := named[s]; ok {
		return tea.KeyPressMsg{Code: r}
	}
	if strings.HasPrefix(s, "ctrl+") {
		return tea.KeyPressMsg{Code: []rune(s[5:])[0], Mod: tea.ModCtrl}
	}
	return tea.KeyPressMsg{Code: []rune(s)[0], Text: s}
}

// drive runs cmd as the program would: every command of a batch, the
// pane's own results fed back into Update; everything else (toasts,
// switch and focus requests) is returned in arrival order.
func drive(t testing.TB, p *Pane, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("commands never settle")
		}
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		switch m := next().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		case loadedMsg:
			queue = append(queue, p.Update(m))
		default:
			out = append(out, m)
		}
	}
	return out
}

// press sends keys to the pane and drives what they return.
func press(t testing.TB, p *Pane, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		cmd, _ := p.HandleKey(key(k))
		out = append(out, drive(t, p, cmd)...)
	}
	return out
}

// storeChanged is the core event the store watcher publishes.
func storeChanged(parts ...events.StorePart) kit.CoreEventMsg {
	return kit.CoreEventMsg{Event: events.StoreChanged{Parts: parts, At: time.Now()}}
}

// find returns the first message of type M.
func find[M any](msgs []tea.Msg) (M, bool) {
	for _, m := range msgs {
		if v, ok := m.(M); ok {
			return v, true
		}
	}
	var zero M
	return zero, false
}

// checkBlock fails unless view is exactly width × height cells.
func checkBlock(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Fatalf("%dx%d: view has %d lines", width, height, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != width {
			t.Fatalf("%dx%d: line %d is %d cells wide: %q", width, height, i, w, ansi.Strip(l))
		}
	}
}

// golden compares a view, ANSI stripped, with testdata/<name>.golden
// (go test -update rewrites it).
func golden(t *testing.T, name, view string) {
	t.Helper()
	got := ansi.Strip(view)
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no golden file %s (go test -update writes it): %v", path, err)
	}
	if got != string(want) {
		t.Fatalf("view differs from %s (-update accepts it):\n%s", path, got)
	}
}
