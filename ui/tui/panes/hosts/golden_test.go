package hosts

import (
	"fmt"
	"testing"

	"github.com/macroa/macroa/ui/tui/tuitest"
)

// TestGoldens draws every view of the pane at the cockpit's two sizes:
// the list problems first and by name, the details of a busy host and of
// a host with a GPU, the trust question, the changed key's warning and
// the shell prompt.
func TestGoldens(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		for _, tc := range []struct {
			name string
			do   func(p *Pane, d *tuitest.Driver)
		}{
			{"list", func(p *Pane, d *tuitest.Driver) {}},
			{"by_name", func(p *Pane, d *tuitest.Driver) { d.Press("o") }},
			{"detail", func(p *Pane, d *tuitest.Driver) { selectHost(t, p, d, "db1"); d.Press("enter") }},
			{"detail_gpu", func(p *Pane, d *tuitest.Driver) { selectHost(t, p, d, "gpu1"); d.Press("enter") }},
			{"trust", func(p *Pane, d *tuitest.Driver) { selectHost(t, p, d, "newbox"); d.Press("t") }},
			{"changed_key", func(p *Pane, d *tuitest.Driver) { selectHost(t, p, d, "bastion"); d.Press("t") }},
			{"shell", func(p *Pane, d *tuitest.Driver) { selectHost(t, p, d, "web1"); d.Press("s"); d.Type("uptime") }},
		} {
			name := fmt.Sprintf("%s_%dx%d", tc.name, w, h)
			t.Run(name, func(t *testing.T) {
				p, _, d, _ := newTestPane(t)
				tc.do(p, d)
				tuitest.RequireGolden(t, name, tuitest.Screen(t, p, w, h))
			})
		}
	}
}
