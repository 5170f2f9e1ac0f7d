package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/kernel"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/themes"
)

// The golden files of these tests are rewritten with -update. Another test
// file of the package may define that flag already; it is shared then.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite testdata/*.golden")
	}
}

// saGolden compares a view, ANSI stripped, with testdata/<name>.golden.

// saWorld is a real in-process backend: configuration from a temporary
// MACROA_HOME, a SQLite file, and a kernel serving requests.
type saWorld struct {
	dir    string
	dbPath string
	db     *store.DB
	k      *kernel.Kernel
	b      Local
}

func saNewWorld(t testing.TB) *saWorld {
	t.Helper()
	cfg, db, dir := kerneltest.OpenData(t, "")
	path := filepath.Join(dir, "macroa.db")
	k := kernel.New(kernel.Options{
		Config:   cfg,
		DB:       db,
		Environ:  []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir},
		WorkDir:  dir,
		UserHome: dir,
	})
	return &saWorld{dir: dir, dbPath: path, db: db, k: k, b: Local{Kernel: k, DB: db}}
}

// run serves one request through the kernel, as any front end would.
func (w *saWorld) run(t testing.TB, input, session string) kernel.Result {
	t.Helper()
	res := w.k.Run(context.Background(), kernel.Request{Input: input, Session: session, Source: kernel.SourceCLI})
	if res.AuditErr != nil {
		t.Fatal(res.AuditErr)
	}
	return res
}

// other opens a second handle on the same database file, like another
// process (`macroa run` in another terminal) would.
func (w *saWorld) other(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func saStyles(t testing.TB) Styles {
	t.Helper()
	th, err := themes.Load("dark", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return NewStyles(th)
}

// saKey builds the key press a terminal would send for s.
func saKey(s string) tea.KeyPressMsg {
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

// saPane is what the drivers below need of a pane.
type saPane interface {
	Update(tea.Msg) tea.Cmd
	HandleKey(tea.KeyPressMsg) (tea.Cmd, bool)
}

// saDrive runs cmd as the program would: every command of a batch, each
// result of the pane's own queries fed back into its Update (and the
// commands that returns run too). Everything else (ticks, toasts, switch
// and focus requests, copies) is returned, in arrival order, unfed: a
// tick would start the next poll, which the test drives itself.
func saDrive(t testing.TB, p saPane, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	runCmds(t, "saDrive", cmd, 10*time.Second, func(msg tea.Msg) tea.Cmd {
		switch m := msg.(type) {
		case sessionsLoadedMsg, sessionsDoneMsg, auditLoadedMsg:
			return p.Update(m)
		default:
			out = append(out, m)
			return nil
		}
	})
	return out
}

// saPress sends keys to a pane and drives what they return.
func saPress(t testing.TB, p saPane, keys ...string) []tea.Msg {
	t.Helper()
	var out []tea.Msg
	for _, k := range keys {
		cmd, _ := p.HandleKey(saKey(k))
		out = append(out, saDrive(t, p, cmd)...)
	}
	return out
}

// saType types text into a pane, one key press per character.
func saType(t testing.TB, p saPane, text string) {
	t.Helper()
	for _, r := range text {
		cmd, handled := p.HandleKey(tea.KeyPressMsg{Code: r, Text: string(r)})
		if !handled {
			t.Fatalf("typing %q: key %q not handled", text, r)
		}
		saDrive(t, p, cmd)
	}
}

// saFind returns the first message of type M.
func saFind[M any](msgs []tea.Msg) (M, bool) {
	for _, m := range msgs {
		if v, ok := m.(M); ok {
			return v, true
		}
	}
	var zero M
	return zero, false
}

// saCheckBlock fails unless view is exactly width × height cells.
func saCheckBlock(t *testing.T, view string, width, height int) {
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

func TestListCursorWindowKeepsSelectionVisible(t *testing.T) {
	tests := []struct {
		name             string
		n, height        int
		top, sel         int
		wantStart, wantE int
	}{
		{"all fit", 3, 10, 0, 2, 0, 3},
		{"selection below", 100, 10, 0, 50, 41, 51},
		{"selection above", 100, 10, 60, 5, 5, 15},
		{"selection inside", 100, 10, 20, 25, 20, 30},
		{"list shrank", 12, 10, 50, 11, 2, 12},
		{"empty", 0, 10, 5, 5, 0, 0},
		{"no room", 10, 0, 0, 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := listCursor{sel: tt.sel, top: tt.top}
			s, e := c.window(tt.n, tt.height)
			if s != tt.wantStart || e != tt.wantE {
				t.Fatalf("window = [%d,%d), want [%d,%d)", s, e, tt.wantStart, tt.wantE)
			}
			if tt.n > 0 && tt.height > 0 && (c.sel < s || c.sel >= e) {
				t.Fatalf("selection %d outside [%d,%d)", c.sel, s, e)
			}
		})
	}
}

func TestListFitAndPrintable(t *testing.T) {
	tests := []struct {
		name, in string
		width    int
		want     string
	}{
		{"pads", "ab", 5, "ab   "},
		{"clips with an ellipsis", "abcdefgh", 5, "abcd…"},
		{"wide runes", "日本語テキスト", 6, "日本… "},
		{"zero width", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listFit(tt.in, tt.width); got != tt.want {
				t.Fatalf("listFit(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
	if got := listOneLine("rm -rf\n  /tmp/x\t\x1b[31mred\x07"); got != "rm -rf /tmp/x ␛[31mred␇" {
		t.Fatalf("listOneLine = %q", got)
	}
	if got := listPrintable("a\nb\x1bc\u0085", true); got != "a\nb␛c\uFFFD" {
		t.Fatalf("listPrintable = %q", got)
	}
}

func TestListPainterMatchesLipgloss(t *testing.T) {
	st := saStyles(t)
	for name, s := range map[string]lipgloss.Style{
		"text": st.Text, "muted": st.Muted, "error": st.Error, "accent": st.Accent,
		"selected": st.Selected, "opus": st.Tier["opus"], "plain": lipgloss.NewStyle(),
	} {
		for _, text := range []string{"ok", "  11-21 15:29:58 ", "日本 ␛[31m"} {
			if got, want := listPainter(s).paint(text), s.Render(text); got != want {
				t.Fatalf("%s: paint(%q) = %q, lipgloss renders %q", name, text, got, want)
			}
		}
	}
}
