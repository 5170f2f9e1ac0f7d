package prom

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/hosts/probe"
)

// TestSnapshotRecorded reads the answers recorded from a real Prometheus
// scraping a real node_exporter (no systemd, no GPU exporter).
func TestSnapshotRecorded(t *testing.T) {
	f := newFake(t, nil)
	before := time.Now()
	s, err := f.source().Snapshot(context.Background(), recordedInstance)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.queries.Load(), int64(len(queryFiles)); got != want {
		t.Errorf("%d queries, want %d", got, want)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"kernel", s.Kernel, measured("Linux 6.18.44-fc-v1045")},
		{"load", s.Load, measured(probe.Load{One: 9.82, Five: 7.99, Fifteen: 5.82})},
		{"cpu", s.CPU, measured(probe.CPUTimes{Busy: 1180269, Total: 1949816})},
		{"cores", s.Cores, measured(2)},
		{"memory", s.Memory, measured(probe.Memory{Total: 25275953152, Available: 24142901248})},
		{"disks", s.Disks, measured([]probe.Disk{{Mount: "/", Device: "/dev/vda", Size: 270553174016, Used: 19693752320,
			Avail: 78099542016, Inodes: 16777216, InodesUsed: 460140, InodesKnown: true}})},
		{"addresses", len(s.Addresses.Value), 4},
		{"reboot", s.RebootRequired, measured(false)},
		{"failed units", s.FailedUnits, missing[[]string]("node_exporter's systemd collector is off")},
		{"top processes", s.TopProcesses, missing[[]probe.Process]("not in node_exporter")},
		{"gpus", s.GPUs.OK, false},
	}
	for _, c := range checks {
		if !equal(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
	// node_time_seconds was 0.0156 s after the scrape began, on the server's clock.
	if off := s.Clock.Value.Sub(before); !s.Clock.OK || off < 10*time.Millisecond || off > time.Second {
		t.Errorf("clock = %+v, %s after the read began; want about 16ms", s.Clock, off)
	}
	if up := s.Uptime.Value; !s.Uptime.OK || math.Abs(up.Seconds()-9805.6786) > 0.001 {
		t.Errorf("uptime = %+v, want 9805.6786s", s.Uptime)
	}
}

// TestSnapshotVariants changes one answer each: what a field reads from
// other exporters' setups, and what it makes of hostile values.
func TestSnapshotVariants(t *testing.T) {
	const inst = `"instance":"127.0.0.1:9100","job":"node"`
	series := func(name, labels, value string) string {
		if labels != "" {
			labels = "," + labels
		}
		return `{"metric":{"__name__":"` + name + `",` + inst + labels + `},"value":[1796219795.072,"` + value + `"]}`
	}
	cases := []struct {
		name    string
		answers map[string]string
		check   func(probe.Snapshot) string // "" when right
		err     string
	}{
		{
			name: "systemd on, failed units with escape sequences in their names",
			answers: map[string]string{"units.json": vector(
				series("node_scrape_collector_success", `"collector":"systemd"`, "1"),
				series("node_systemd_unit_state", `"name":"\u001b[31mevil\u001b[0m.service","state":"failed","type":"simple"`, "1"),
				series("node_systemd_unit_state", `"name":"cron.service","state":"failed","type":"simple"`, "1"))},
			check: func(s probe.Snapshot) string {
				if !equal(s.FailedUnits, measured([]string{"cron.service", "evil.service"})) {
					return "failed units " + show(s.FailedUnits)
				}
				return ""
			},
		},
		{
			name: "systemd collector failing",
			answers: map[string]string{"units.json": vector(
				series("node_scrape_collector_success", `"collector":"systemd"`, "0"))},
			check: func(s probe.Snapshot) string {
				if s.FailedUnits.OK || !strings.Contains(s.FailedUnits.Why, "systemd collector failed") {
					return "failed units " + show(s.FailedUnits)
				}
				if s.RebootRequired.OK { // still in series.json
					return ""
				}
				return "reboot " + show(s.RebootRequired)
			},
		},
		{
			name: "GPUs from the DCGM exporter on another port of the same host",
			answers: map[string]string{"gpus.json": vector(
				`{"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","instance":"127.0.0.1:9400","gpu":"0","UUID":"GPU-1","modelName":"NVIDIA A100"},"value":[1,"61"]}`,
				`{"metric":{"__name__":"DCGM_FI_DEV_GPU_UTIL","instance":"127.0.0.1:9400","gpu":"0","UUID":"GPU-1"},"value":[1,"87"]}`,
				`{"metric":{"__name__":"DCGM_FI_DEV_FB_USED","instance":"127.0.0.1:9400","gpu":"0","UUID":"GPU-1"},"value":[1,"1024"]}`,
				`{"metric":{"__name__":"DCGM_FI_DEV_FB_FREE","instance":"127.0.0.1:9400","gpu":"0","UUID":"GPU-1"},"value":[1,"3072"]}`,
				`{"metric":{"__name__":"DCGM_FI_DEV_GPU_TEMP","instance":"127.0.0.2:9400","gpu":"0","UUID":"GPU-2"},"value":[1,"99"]}`)},
			check: func(s probe.Snapshot) string {
				if !s.GPUs.OK || len(s.GPUs.Value) != 1 {
					return "gpus " + show(s.GPUs)
				}
				g := s.GPUs.Value[0]
				if g.Name != "NVIDIA A100" || g.Temp.Value != 61 || g.Use.Value != 87 || g.MemUsed.Value != 1<<30 ||
					g.MemTotal.Value != 4<<30 || g.Power.OK || g.Power.Why == "" {
					return "gpu " + show(g)
				}
				return ""
			},
		},
		{
			name: "NaN and infinite values are not measurements",
			answers: map[string]string{"series.json": vector(
				series("up", "", "1"),
				series("node_load1", "", "NaN"), series("node_load5", "", "1"), series("node_load15", "", "1"),
				series("node_memory_MemTotal_bytes", "", "+Inf"), series("node_memory_MemAvailable_bytes", "", "1"),
				series("node_time_seconds", "", "-Inf"),
				series("node_filesystem_size_bytes", `"mountpoint":"/","device":"/dev/sda1","fstype":"ext4"`, "NaN"),
			)},
			check: func(s probe.Snapshot) string {
				for name, f := range map[string]bool{"load": s.Load.OK, "memory": s.Memory.OK, "clock": s.Clock.OK, "uptime": s.Uptime.OK} {
					if f {
						return name + " measured from a NaN or infinity"
					}
				}
				if !s.Disks.OK || len(s.Disks.Value) != 0 {
					return "disks " + show(s.Disks)
				}
				if !s.CPU.OK { // derived.json still answers
					return "cpu " + show(s.CPU)
				}
				return ""
			},
		},
		{
			name: "pseudo file systems, erroring devices and hostile mount names",
			answers: map[string]string{"series.json": vector(
				series("up", "", "1"),
				series("node_filesystem_size_bytes", `"mountpoint":"/tmp","device":"tmpfs","fstype":"tmpfs"`, "100"),
				series("node_filesystem_avail_bytes", `"mountpoint":"/tmp","device":"tmpfs","fstype":"tmpfs"`, "50"),
				series("node_filesystem_free_bytes", `"mountpoint":"/tmp","device":"tmpfs","fstype":"tmpfs"`, "50"),
				series("node_filesystem_size_bytes", `"mountpoint":"/nfs","device":"srv:/x","fstype":"nfs4"`, "100"),
				series("node_filesystem_device_error", `"mountpoint":"/nfs","device":"srv:/x","fstype":"nfs4"`, "1"),
				series("node_filesystem_size_bytes", `"mountpoint":"/da\u001b]0;pwned\u0007ta","device":"/dev/sdb","fstype":"xfs"`, "1000"),
				series("node_filesystem_avail_bytes", `"mountpoint":"/da\u001b]0;pwned\u0007ta","device":"/dev/sdb","fstype":"xfs"`, "100"),
				series("node_filesystem_free_bytes", `"mountpoint":"/da\u001b]0;pwned\u0007ta","device":"/dev/sdb","fstype":"xfs"`, "150"),
			)},
			check: func(s probe.Snapshot) string {
				want := []probe.Disk{{Mount: "/data", Device: "/dev/sdb", Size: 1000, Used: 850, Avail: 100}}
				if !equal(s.Disks, measured(want)) {
					return "disks " + show(s.Disks)
				}
				if s.Kernel.OK || !strings.Contains(s.Kernel.Why, "uname collector") {
					return "kernel " + show(s.Kernel)
				}
				return ""
			},
		},
		{
			name: "an instance two jobs scrape is read from one",
			answers: map[string]string{"series.json": vector(
				`{"metric":{"__name__":"up","instance":"127.0.0.1:9100","job":"node2"},"value":[1,"1"]}`,
				`{"metric":{"__name__":"node_load1","instance":"127.0.0.1:9100","job":"node2"},"value":[1,"9"]}`,
				`{"metric":{"__name__":"node_load5","instance":"127.0.0.1:9100","job":"node2"},"value":[1,"9"]}`,
				`{"metric":{"__name__":"node_load15","instance":"127.0.0.1:9100","job":"node2"},"value":[1,"9"]}`,
				series("up", "", "1"), series("node_load1", "", "1"), series("node_load5", "", "2"), series("node_load15", "", "3"),
				`{"metric":{"__name__":"up","instance":"127.0.0.1:9100","job":"a-down"},"value":[1,"0"]}`,
				`{"metric":{"__name__":"node_load1","instance":"127.0.0.1:9100","job":"a-down"},"value":[1,"7"]}`,
			)},
			check: func(s probe.Snapshot) string {
				if !equal(s.Load, measured(probe.Load{One: 1, Five: 2, Fifteen: 3})) {
					return "load " + show(s.Load)
				}
				return ""
			},
		},
		{
			name: "memory on a kernel without MemAvailable",
			answers: map[string]string{"series.json": vector(
				series("up", "", "1"),
				series("node_memory_MemTotal_bytes", "", "1000"), series("node_memory_MemFree_bytes", "", "100"),
				series("node_memory_Buffers_bytes", "", "20"), series("node_memory_Cached_bytes", "", "300"),
			)},
			check: func(s probe.Snapshot) string {
				if !equal(s.Memory, measured(probe.Memory{Total: 1000, Available: 420})) {
					return "memory " + show(s.Memory)
				}
				return ""
			},
		},
		{
			name:    "a target that is down",
			answers: map[string]string{"series.json": vector(series("up", "", "0")), "derived.json": vector()},
			err:     `instance "127.0.0.1:9100" is down`,
		},
		{
			name:    "a target that is down with older series still held",
			answers: map[string]string{"series.json": vector(series("up", "", "0"), series("node_load1", "", "1"))},
			err:     `instance "127.0.0.1:9100" is down`,
		},
		{
			name:    "a target that is no node_exporter",
			answers: map[string]string{"series.json": vector(series("up", "", "1")), "derived.json": vector()},
			err:     `instance "127.0.0.1:9100" has no node_exporter series`,
		},
		{
			name:    "an instance Prometheus does not know",
			answers: map[string]string{"series.json": vector(), "derived.json": vector()},
			err:     `no recent series for instance "127.0.0.1:9100"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.answers)
			s, err := f.source().Snapshot(context.Background(), recordedInstance)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), f.URL) {
					t.Fatalf("err = %v, want one naming %s saying %q", err, f.URL, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if msg := c.check(s); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// TestSnapshotsBatches asks for more instances than a batch holds: a
// fixed number of queries per batch, not one per instance.
func TestSnapshotsBatches(t *testing.T) {
	f := newFake(t, nil)
	instances := []string{recordedInstance}
	for i := range 2*BatchSize + 9 {
		instances = append(instances, "10.0.0.1:"+itoa(10000+i))
	}
	got, err := f.source().Snapshots(context.Background(), instances)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[recordedInstance].Kernel.OK {
		t.Errorf("Snapshots gave %d instances, want the one recorded", len(got))
	}
	if n, want := f.queries.Load(), int64(3*len(queryFiles)); n != want {
		t.Errorf("%d queries for %d instances, want %d", n, len(instances), want)
	}
}

func TestTargets(t *testing.T) {
	f := newFake(t, map[string]string{"up.json": vector(
		`{"metric":{"__name__":"up","instance":"b:9100","job":"node"},"value":[1,"0"]}`,
		`{"metric":{"__name__":"up","instance":"a:9100","job":"node"},"value":[1,"1"]}`,
		`{"metric":{"__name__":"up","job":"node"},"value":[1,"1"]}`,
		`{"metric":{"__name__":"up","instance":"\u001b[2Jc:9100","job":"node"},"value":[1,"1"]}`)})
	got, err := f.source().Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{{Instance: "a:9100", Job: "node", Up: true}, {Instance: "b:9100", Job: "node"}}
	if !equal(got, want) {
		t.Errorf("Targets = %+v, want %+v", got, want)
	}
}
