package prom_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/probe"
	"github.com/macroa/macroa/hosts/prom"
	"github.com/macroa/macroa/hosts/prom/promtest"
)

// TestRealPrometheus reads a real node_exporter through a real Prometheus.
func TestRealPrometheus(t *testing.T) {
	srv := promtest.Start(t, promtest.Options{Textfile: "node_reboot_required 1\n"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := prom.Source{URL: srv.URL, Timeout: 5 * time.Second}

	targets, err := src.Targets(ctx)
	if err != nil {
		t.Fatalf("Targets: %v", err)
	}
	want := prom.Target{Instance: srv.Instance, Job: promtest.Job, Up: true}
	if !slices.Contains(targets, want) {
		t.Fatalf("Targets = %+v, want %+v among them", targets, want)
	}

	first, err := prom.Host{Source: src, Instance: srv.Instance}.Probe(ctx)
	if err != nil {
		t.Fatalf("Probe: %v", err)
	}
	checkMeasured(t, first)
	if !first.RebootRequired.OK || !first.RebootRequired.Value {
		t.Errorf("RebootRequired = %+v, want measured true from the textfile", first.RebootRequired)
	}
	if first.TopProcesses.OK || first.TopProcesses.Why != "not in node_exporter" {
		t.Errorf("TopProcesses = %+v, want missing: not in node_exporter", first.TopProcesses)
	}
	if !srv.Systemd && (first.FailedUnits.OK || first.FailedUnits.Why == "") {
		t.Errorf("FailedUnits = %+v, want missing with a reason without systemd", first.FailedUnits)
	}
	if first.GPUs.OK {
		t.Errorf("GPUs = %+v, want missing: no GPU exporter here", first.GPUs)
	}
	if skew := time.Since(first.Clock.Value); skew > 2*time.Second || skew < -2*time.Second {
		t.Errorf("Clock is %s off this machine's, the same machine", skew)
	}

	srv.WaitScrapes(t, 1) // new CPU counters
	all, err := src.Snapshots(ctx, []string{srv.Instance, "127.0.0.1:1"})
	if err != nil {
		t.Fatalf("Snapshots: %v", err)
	}
	if _, ok := all["127.0.0.1:1"]; ok || len(all) != 1 {
		t.Errorf("Snapshots has %d instances, want only the scraped one", len(all))
	}
	second := all[srv.Instance]
	pct, ok := probe.CPUPercent(first.CPU.Value, second.CPU.Value)
	if !ok || pct < 0 || pct > 100 {
		t.Errorf("CPUPercent(%+v, %+v) = %v, %v; want a percentage", first.CPU.Value, second.CPU.Value, pct, ok)
	}
	t.Logf("kernel %q, load %+v, cores %d, memory %.0f%%, %d disks, cpu %.1f%%",
		second.Kernel.Value, second.Load.Value, second.Cores.Value, second.Memory.Value.UsedPercent(), len(second.Disks.Value), pct)
}

// checkMeasured fails for each field a working node_exporter must give.
func checkMeasured(t *testing.T, s probe.Snapshot) {
	t.Helper()
	checks := []struct {
		name string
		f    bool
		why  string
	}{
		{"Clock", s.Clock.OK, s.Clock.Why},
		{"Kernel", s.Kernel.OK && s.Kernel.Value != "", s.Kernel.Why},
		{"Uptime", s.Uptime.OK && s.Uptime.Value > 0, s.Uptime.Why},
		{"Load", s.Load.OK, s.Load.Why},
		{"CPU", s.CPU.OK && s.CPU.Value.Total > s.CPU.Value.Busy, s.CPU.Why},
		{"Cores", s.Cores.OK && s.Cores.Value >= 1, s.Cores.Why},
		{"Memory", s.Memory.OK && s.Memory.Value.Total > 0 && s.Memory.Value.Available <= s.Memory.Value.Total, s.Memory.Why},
		{"Disks", s.Disks.OK && len(s.Disks.Value) > 0 && s.Disks.Value[0].Size > 0, s.Disks.Why},
		{"Addresses", s.Addresses.OK && len(s.Addresses.Value) > 0, s.Addresses.Why},
	}
	for _, c := range checks {
		if !c.f {
			t.Errorf("%s not measured (%s)", c.name, c.why)
		}
	}
}
