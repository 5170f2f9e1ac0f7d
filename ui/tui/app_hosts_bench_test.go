package tui

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/core/kernel/kerneltest"
	"github.com/macroa/macroa/store"
	"github.com/macroa/macroa/ui/tui/panes/hosts"
	"github.com/macroa/macroa/ui/tui/tuitest"
)

const (
	benchHosts   = 50  // hosts in the fleet
	benchSamples = 120 // samples of history each
)

// benchFleet is a fleet of benchHosts hosts in every state, each with
// benchSamples samples of history, answering from memory.
type benchFleet struct {
	hosts   []fleet.HostStatus
	history map[string][]fleet.Sample
}

func newBenchFleet() *benchFleet {
	states := []fleet.State{fleet.StateOK, fleet.StateOK, fleet.StateOK, fleet.StateWarn, fleet.StateAlert, fleet.StateUnreachable,
		fleet.StateStale, fleet.StateUntrusted}
	f := &benchFleet{history: map[string][]fleet.Sample{}}
	for i := range benchHosts {
		name := fmt.Sprintf("host-%02d.example.net", i)
		h := fleet.HostStatus{Name: name, Address: fmt.Sprintf("10.0.%d.%d", i/250, i%250+1), Source: fleet.SourceSSH,
			State: states[i%len(states)], LastSeen: realNow.Add(-time.Duration(i) * time.Second), ProbedAt: realNow,
			Load1: float64(i%9) / 2, CPUPercent: float64(i * 2 % 100), MemPercent: float64(i * 3 % 100), DiskPercent: float64(i * 7 % 100)}
		if h.State == fleet.StateAlert {
			h.Alerts = 1 + i%3
		}
		f.hosts = append(f.hosts, h)
		s := make([]fleet.Sample, benchSamples)
		for j := range s {
			x := float64(i+j) / 5
			s[j] = fleet.Sample{At: realNow.Add(-time.Duration(benchSamples-j) * time.Minute), OK: j%17 != 5,
				Load1: 1 + math.Sin(x), CPUPercent: 50 + 50*math.Sin(x), MemPercent: 50 + 40*math.Cos(x), DiskPercent: 60 + float64(j)/4}
		}
		f.history[name] = s
	}
	return f
}

func (f *benchFleet) List(context.Context) ([]fleet.HostStatus, error) { return f.hosts, nil }
func (f *benchFleet) History(_ context.Context, name string, _ time.Time) ([]fleet.Sample, error) {
	return f.history[name], nil
}
func (f *benchFleet) Alerts(context.Context, string, bool, int) ([]fleet.Alert, error) {
	return nil, nil
}
func (f *benchFleet) ProbeNow(_ context.Context, name string) (fleet.HostStatus, error) {
	return fleet.HostStatus{Name: name}, nil
}
func (f *benchFleet) ScanKey(context.Context, string) (fleet.KeyInfo, error) {
	return fleet.KeyInfo{}, nil
}
func (f *benchFleet) Trust(context.Context, string, string) error { return nil }
func (f *benchFleet) RunShell(context.Context, string, string) (store.Approval, error) {
	return store.Approval{}, nil
}
func (f *benchFleet) Polling(context.Context) (hosts.Polling, error) {
	return hosts.Polling{Self: true}, nil
}

// benchHostsKeys are the presses of one round in the hosts pane: moving
// through the rows, a page, sorting both ways, the details opened,
// scrolled and closed.
var benchHostsKeys = tuitest.Keys("j", "j", "k", "pgdown", "o", "G", "g", "o", "enter", "down", "esc", "j")

// BenchmarkHostsKeyToFrame: one key press in the hosts pane of the real
// cockpit at 200x60, zoomed (its widest sparklines), with 50 hosts of 120 samples
// each, then the whole screen drawn (Update + View), as the program does
// per key. It reports p50, p95 and the slowest frame and fails when p95
// is over a frame.
func BenchmarkHostsKeyToFrame(b *testing.B) {
	cfg, db, dir := kerneltest.OpenData(b, "")
	core := app.New(app.Options{Config: cfg, Store: db, Environ: []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}, WorkDir: dir, UserHome: dir})
	b.Cleanup(func() { _ = core.Shutdown(context.Background()) })
	pb := pinned{core}
	a := New(Options{Runner: pb, Sessions: pb, Audit: pb, Usage: pb, Approvals: pb, Hosts: newBenchFleet(), Styles: tuitest.Styles(b, "ansi"), Hint: realHint})
	var hp *hosts.Pane
	for _, p := range a.panes {
		if h, ok := p.(*hosts.Pane); ok {
			hp = h
		}
	}
	if hp == nil {
		b.Fatal("no hosts pane in the cockpit")
	}
	hp.SetClock(func() time.Time { return realNow })
	hp.SetTick(func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil })
	c := &realCockpit{a: a, b: pb, db: db, dir: dir}
	c.start(b, 200, 60)
	c.key(b, tuitest.Key("alt+6"))
	c.key(b, tuitest.Key("alt+z")) // the whole screen: the widest sparklines
	if hp.Len() != benchHosts || a.focused() != Pane(hp) {
		b.Fatalf("%d hosts loaded, focus on %s", hp.Len(), a.focused().ID())
	}
	if screen := ansi.Strip(a.View().Content); !strings.Contains(screen, "50 hosts") || !strings.ContainsAny(screen, "▁▂▃▄▅▆▇█") {
		b.Fatalf("the screen lacks the hosts and their sparklines:\n%s", screen)
	}
	frames := make(benchFrames, 0, 1<<16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := benchHostsKeys[i%len(benchHostsKeys)]
		i++
		start := time.Now()
		_, cmd := a.Update(k)
		_ = a.View()
		frames = append(frames, time.Since(start))
		if cmd != nil {
			c.drive(b, cmd) // a toast or a read of the details: outside the frame
		}
	}
	frames.report(b, "")
}
