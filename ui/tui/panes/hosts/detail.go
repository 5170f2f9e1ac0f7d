package hosts

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/macroa/macroa/core/fleet"
	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/ui/tui/kit"
)

// labelW is the width of the labels in the detail view, and maxTrend
// the widest its sparklines get.
const (
	labelW   = 11
	maxTrend = 90
)

// viewDetail draws the shown host under a fixed header line; the body
// scrolls.
func (p *Pane) viewDetail(width, height int) string {
	footer := p.detailFooter(width)
	if height <= len(footer) {
		return kit.Block(footer[len(footer)-height:], width, height)
	}
	now := p.now()
	h := p.shownHost()
	var title string
	var body []string
	if h == nil {
		title = p.st.Warning.Render(kit.Fit(kit.SafeLine(p.shown)+" is no longer configured", width))
	} else {
		word := string(h.State)
		if p.probing[h.Name] {
			word += " (probing…)"
		}
		title = kit.Fit(p.st.Accent.Render(kit.SafeLine(h.Name))+" "+p.paint.state.Of(h.State).Apply(word)+
			p.st.Muted.Render(" · "+seen(h, now)), width)
		body = p.detailBody(h, width, now)
	}
	rows := max(0, height-1-len(footer))
	p.list.ClampDetail(len(body), rows)
	lines := []string{title}
	end := min(len(body), p.list.DetailTop+rows)
	for _, l := range body[p.list.DetailTop:end] {
		lines = append(lines, kit.Fit(l, width))
	}
	for len(lines) < height-len(footer) {
		lines = append(lines, "")
	}
	return kit.Block(append(lines, footer...), width, height)
}

// detailFooter is the question or prompt when one is open, else the keys.
func (p *Pane) detailFooter(width int) []string {
	if p.prompt != browse {
		return p.footer(width)
	}
	if p.scanning != "" {
		return []string{p.fetchingLine(width)}
	}
	var hints []kit.Hint
	if k := p.KeyLabel("probe"); k != "?" {
		hints = append(hints, kit.Hint{Text: k + " probe", Drop: 1})
	}
	if k := p.KeyLabel("trust"); k != "?" {
		hints = append(hints, kit.Hint{Text: k + " trust key", Drop: 2})
	}
	if k := p.KeyLabel("shell"); k != "?" {
		hints = append(hints, kit.Hint{Text: k + " shell", Drop: 3})
	}
	hints = append(hints, kit.Hint{Text: "↑↓ scroll", Drop: 4}, kit.Hint{Text: "esc back"})
	return []string{p.st.Muted.Render(kit.FitHints(width, "", hints, ""))}
}

// detailBody is every field of the host: what it is, its last probe
// field by field (or why a field was not measured), the last shell
// command's outcome and its alerts.
func (p *Pane) detailBody(h *fleet.HostStatus, width int, now time.Time) []string {
	var out []string
	label := func(l string) string { return p.st.Muted.Render(kit.Cell(l, labelW, false)) + " " }
	line := func(l, v string) { out = append(out, label(l)+kit.SafeLine(v)) }
	missing := func(l, why string) {
		if why == "" {
			why = "no answer"
		}
		out = append(out, label(l)+p.st.Subtle.Render("not measured: "+kit.SafeLine(why)))
	}

	src := string(h.Source)
	if h.Address != "" {
		src += " · " + h.Address
	}
	line("host", src)
	if len(h.Tags) > 0 || len(h.Groups) > 0 {
		line("tags", strings.Join(append(append([]string{}, h.Groups...), h.Tags...), ", "))
	}
	if h.Why != "" {
		out = append(out, label("why")+p.paint.state.Of(h.State).Apply(kit.SafeLine(h.Why)))
	}
	if !h.Since.IsZero() {
		line("since", clock(now, h.Since)+" ("+duration(now.Sub(h.Since))+")")
	}
	if !h.ProbedAt.IsZero() {
		v := "probed " + ago(now, h.ProbedAt)
		if h.Latency > 0 {
			v += " in " + h.Latency.Round(time.Millisecond).String()
		}
		line("probe", v)
	}
	if h.Fingerprint != "" {
		line("key", h.KeyType+" "+h.Fingerprint)
	}
	out = append(out, p.trendLines(h, width, label)...)
	out = append(out, "")
	if !h.HasSnapshot {
		missing("snapshot", "no probe has answered yet")
	} else {
		if !answered(h.State) && !h.LastSeen.IsZero() {
			// The host does not answer: what follows is its last answer.
			out = append(out, label("values")+p.st.Warning.Render("as of "+clock(now, h.LastSeen)+", the last probe that answered"))
		}
		out = append(out, p.snapshotLines(h, label)...)
	}
	if s := p.shells[h.Name]; s != "" {
		out = append(out, "")
		line("shell", s)
	}
	out = append(out, "", p.st.Title.Render("alerts"))
	switch {
	case p.detErr != "":
		out = append(out, p.st.Error.Render("could not read the alerts: "+kit.SafeLine(p.detErr)))
	case !p.detailOK:
		out = append(out, p.st.Muted.Render("loading…"))
	case len(p.alerts) == 0:
		out = append(out, p.st.Muted.Render("none recorded"))
	}
	for _, a := range p.alerts {
		when := "fired " + clock(now, a.FiredAt)
		st := p.st.Error
		if !a.Firing() {
			when += ", cleared " + clock(now, a.ResolvedAt)
			st = p.st.Muted
		}
		out = append(out, st.Render(kit.Cell(when, 30, false))+" "+alertText(string(a.Rule), a.Subject, a.Message))
	}
	return out
}

// snapshotLines is the fields of the host's last probe, each with its
// value or why it was not measured.
func (p *Pane) snapshotLines(h *fleet.HostStatus, label func(string) string) []string {
	s := &h.Snapshot
	var lines []string
	put := func(l, v string) { lines = append(lines, label(l)+kit.SafeLine(v)) }
	gap := func(l, why string) {
		if why == "" {
			why = "no answer"
		}
		lines = append(lines, label(l)+p.st.Subtle.Render("not measured: "+kit.SafeLine(why)))
	}
	// raw is a line built of parts already made safe (columns padded
	// with spaces that SafeLine would squeeze).
	raw := func(l, v string) { lines = append(lines, label(l)+v) }
	cont := func(v string) { lines = append(lines, strings.Repeat(" ", labelW+1)+v) }

	if s.Kernel.OK {
		put("kernel", s.Kernel.Value)
	} else {
		gap("kernel", s.Kernel.Why)
	}
	if s.Uptime.OK {
		put("uptime", duration(s.Uptime.Value))
	} else {
		gap("uptime", s.Uptime.Why)
	}
	if s.Load.OK {
		l := s.Load.Value
		put("load", loadText(l.One)+" "+loadText(l.Five)+" "+loadText(l.Fifteen)+" (1, 5, 15 min; the list and the alert read the 5)")
	} else {
		gap("load", s.Load.Why)
	}
	if s.CPU.OK && !math.IsNaN(h.CPUPercent) {
		put("cpu", percent(h.CPUPercent)+" busy")
	} else if s.CPU.OK {
		gap("cpu", "needs two probes")
	} else {
		gap("cpu", s.CPU.Why)
	}
	if s.Cores.OK {
		put("cores", strconv.Itoa(s.Cores.Value))
	} else {
		gap("cores", s.Cores.Why)
	}
	if s.Memory.OK {
		m := s.Memory.Value
		put("memory", percent(m.UsedPercent())+" of "+bytes(m.Total)+" used, "+bytes(m.Available)+" available")
		if m.SwapTotal == 0 {
			put("swap", "none")
		} else {
			put("swap", bytes(m.SwapTotal-min(m.SwapFree, m.SwapTotal))+" of "+bytes(m.SwapTotal)+" used")
		}
	} else {
		gap("memory", s.Memory.Why)
		gap("swap", s.Memory.Why)
	}
	p.diskLines(s, raw, gap, cont)
	if s.FailedUnits.OK {
		if len(s.FailedUnits.Value) == 0 {
			put("failed", "no failed units")
		}
		for i, u := range s.FailedUnits.Value {
			if i == 0 {
				lines = append(lines, label("failed")+p.st.Error.Render(kit.SafeLine(u)))
				continue
			}
			cont(p.st.Error.Render(kit.SafeLine(u)))
		}
	} else {
		gap("failed", s.FailedUnits.Why)
	}
	if s.TopProcesses.OK {
		raw("processes", kit.Cell("PID", 7, true)+" "+kit.Cell("CPU", 6, true)+" "+kit.Cell("MEM", 6, true)+" "+kit.Cell("RSS", 9, true)+"  COMMAND")
		for _, pr := range s.TopProcesses.Value {
			cont(kit.Cell(strconv.Itoa(pr.PID), 7, true) + " " + kit.Cell(strconv.FormatFloat(pr.CPU, 'f', 1, 64)+"%", 6, true) + " " +
				kit.Cell(strconv.FormatFloat(pr.Mem, 'f', 1, 64)+"%", 6, true) + " " + kit.Cell(bytes(pr.RSS), 9, true) + "  " + kit.SafeLine(pr.Command))
		}
	} else {
		gap("processes", s.TopProcesses.Why)
	}
	if s.Addresses.OK {
		if len(s.Addresses.Value) == 0 {
			put("addresses", "none")
		}
		for i, a := range s.Addresses.Value {
			v := kit.SafeLine(a.Interface)
			if a.Family != "" {
				v += " " + kit.SafeLine(a.Family) + " " + kit.SafeLine(a.CIDR)
			}
			if i == 0 {
				raw("addresses", v)
				continue
			}
			cont(v)
		}
	} else {
		gap("addresses", s.Addresses.Why)
	}
	if s.Clock.OK && !h.ProbedAt.IsZero() {
		// The host read its clock about half way through the round trip.
		off := s.Clock.Value.Sub(h.ProbedAt.Add(h.Latency / 2))
		put("clock", "offset "+offset(off))
	} else {
		gap("clock", s.Clock.Why)
	}
	switch {
	case !s.RebootRequired.OK:
		gap("reboot", s.RebootRequired.Why)
	case s.RebootRequired.Value:
		lines = append(lines, label("reboot")+p.st.Warning.Render("required"))
	default:
		put("reboot", "not required")
	}
	p.gpuLines(s, raw, gap, cont)
	return lines
}

// diskLines adds, through put and cont, each file system with its use and its inodes.
func (p *Pane) diskLines(s *probe.Snapshot, put func(l, v string), gap func(l, why string), cont func(string)) {
	if !s.Disks.OK {
		gap("disks", s.Disks.Why)
		return
	}
	if len(s.Disks.Value) == 0 {
		put("disks", "none")
	}
	for i, d := range s.Disks.Value {
		// The share is df's (used of used + available); the size is the
		// file system's, reserved blocks included, as df prints it.
		size := d.Size
		if size == 0 {
			size = d.Used + d.Avail
		}
		v := kit.Cell(kit.SafeLine(d.Mount), 16, false) + " " + kit.Cell(percent(d.UsedPercent()), 4, true) + " of " + bytes(size)
		if d.InodesKnown {
			v += " · inodes " + percent(d.InodesPercent())
		} else {
			v += " · inodes not counted by this file system"
		}
		if d.Device != "" {
			v += " · " + kit.SafeLine(d.Device)
		}
		if i == 0 {
			put("disks", v)
			continue
		}
		cont(v)
	}
}

// gpuLines adds, through put and cont, each GPU with its temperature, use, memory and power.
func (p *Pane) gpuLines(s *probe.Snapshot, put func(l, v string), gap func(l, why string), cont func(string)) {
	if !s.GPUs.OK {
		gap("gpus", s.GPUs.Why)
		return
	}
	if len(s.GPUs.Value) == 0 {
		put("gpus", "none")
	}
	for i, g := range s.GPUs.Value {
		parts := []string{kit.SafeLine(g.Name)}
		parts = append(parts, gpuField("temp", g.Temp, func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) + " °C" }))
		parts = append(parts, gpuField("use", g.Use, func(v float64) string { return percent(v) }))
		if g.MemUsed.OK && g.MemTotal.OK {
			parts = append(parts, "mem "+bytes(g.MemUsed.Value)+" of "+bytes(g.MemTotal.Value))
		} else {
			why := g.MemUsed.Why
			if why == "" {
				why = g.MemTotal.Why
			}
			parts = append(parts, "mem not measured: "+kit.SafeLine(why))
		}
		parts = append(parts, gpuField("power", g.Power, func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) + " W" }))
		v := strings.Join(parts, " · ")
		if i == 0 {
			put("gpus", v)
			continue
		}
		cont(v)
	}
}

// gpuField is one measurement of a GPU, or why it is missing.
func gpuField(name string, f probe.Field[float64], show func(float64) string) string {
	if !f.OK {
		why := f.Why
		if why == "" {
			why = "no answer"
		}
		return name + " not measured: " + kit.SafeLine(why)
	}
	return name + " " + show(f.Value)
}

// trendLines is the host's history as wide sparklines, one per number,
// each ending at its value now.
func (p *Pane) trendLines(h *fleet.HostStatus, width int, label func(string) string) []string {
	hist := p.history[h.Name]
	w := min(maxTrend, width-labelW-1-6-1-loadW)
	if len(hist) == 0 || w < minSpark {
		return nil
	}
	var out []string
	for i, m := range []struct {
		name  string
		pick  metric
		top   float64
		value string
	}{
		{"load1", loadOf, 0, loadText(h.Load1)},
		{"cpu", cpuOf, 100, percent(h.CPUPercent)},
		{"mem", memOf, 100, percent(h.MemPercent)},
		{"disk", diskOf, 100, percent(h.DiskPercent)},
	} {
		lead := strings.Repeat(" ", labelW+1)
		if i == 0 {
			lead = label("trend")
		}
		sp, val := p.paint.spark, p.paint.text
		if !answered(h.State) {
			sp, val = p.paint.muted, p.paint.muted
		}
		out = append(out, lead+kit.Cell(m.name, 6, false)+sp.Apply(spark(hist, w, m.pick, m.top))+" "+val.Apply(kit.Cell(m.value, loadW, true)))
	}
	return out
}
