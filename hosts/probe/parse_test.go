package probe

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseDebianHost(t *testing.T) {
	out, err := os.ReadFile("testdata/debian.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"clock", s.Clock.OK && s.Clock.Value.Equal(time.Unix(1796217901, 143738015))},
		{"kernel", s.Kernel.Value == "Linux 6.1.0-26-amd64"},
		{"uptime", s.Uptime.Value == 350000250*time.Millisecond},
		{"load", s.Load.Value == Load{0.52, 0.61, 0.70}},
		{"cpu", s.CPU.Value == CPUTimes{Busy: 1370, Total: 9470}},
		{"cores", s.Cores.Value == 4},
		{"memory", s.Memory.Value == Memory{Total: 8000000 << 10, Available: 2000000 << 10, SwapTotal: 1000000 << 10, SwapFree: 900000 << 10}},
		{"memory used", s.Memory.Value.UsedPercent() == 75},
		{"disks (pseudo file systems left out, a mount with a space kept)", len(s.Disks.Value) == 2 && s.Disks.Value[1].Mount == "/srv/my data"},
		{"root disk", s.Disks.Value[0].Mount == "/" && s.Disks.Value[0].UsedPercent() > 94.7 && s.Disks.Value[0].InodesPercent() > 96.8},
		{"failed units", strings.Join(s.FailedUnits.Value, ",") == "nginx.service,backup.timer"},
		{"processes", len(s.TopProcesses.Value) == 2 && s.TopProcesses.Value[0].Command == "postgres: writer" && s.TopProcesses.Value[0].RSS == 163840<<10},
		{"addresses", len(s.Addresses.Value) == 3 && s.Addresses.Value[1] == Address{Interface: "eth0", Family: "inet", CIDR: "10.0.0.5/24"}},
		{"reboot", s.RebootRequired.OK && s.RebootRequired.Value},
		{"gpu", len(s.GPUs.Value) == 1 && s.GPUs.Value[0].Temp.Value == 71 && s.GPUs.Value[0].MemTotal.Value == 24564<<20 && s.GPUs.Value[0].Power.Value == 350.12},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, s)
		}
	}
}

// A host without a tool loses that field only, saying why.
func TestParseDegrades(t *testing.T) {
	base, _ := os.ReadFile("testdata/debian.txt")
	cases := []struct {
		name    string
		edit    func(string) string
		field   func(Snapshot) (bool, string)
		wantWhy string
	}{
		{"no systemctl", func(s string) string {
			return replacePart(s, "failed", "@@macroa:failed:missing no systemctl\n")
		}, func(s Snapshot) (bool, string) { return s.FailedUnits.OK, s.FailedUnits.Why }, "no systemctl"},
		{"no /proc/loadavg", func(s string) string {
			return replacePart(s, "load", "@@macroa:load:missing no /proc/loadavg\n")
		}, func(s Snapshot) (bool, string) { return s.Load.OK, s.Load.Why }, "no /proc/loadavg"},
		{"garbage meminfo", func(s string) string {
			return replacePart(s, "memory", "@@macroa:memory\nMemTotal: lots\n")
		}, func(s Snapshot) (bool, string) { return s.Memory.OK, s.Memory.Why }, "/proc/meminfo does not read"},
		{"a part never printed", func(s string) string { return replacePart(s, "cores", "") },
			func(s Snapshot) (bool, string) { return s.Cores.OK, s.Cores.Why }, "did not answer"},
		{"nvidia-smi says N/A", func(s string) string {
			return replacePart(s, "nvidia", "@@macroa:nvidia\n0, Tesla T4, [N/A], 0, 1, 15360, [N/A]\n")
		}, func(s Snapshot) (bool, string) { return s.GPUs.Value[0].Temp.OK, s.GPUs.Value[0].Temp.Why }, "not reported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse([]byte(c.edit(string(base))))
			if err != nil {
				t.Fatal(err)
			}
			ok, why := c.field(s)
			if ok || !strings.Contains(why, c.wantWhy) {
				t.Fatalf("field ok=%v why=%q, want missing with %q", ok, why, c.wantWhy)
			}
			if !s.Kernel.OK || !s.Disks.OK {
				t.Fatal("one missing part took others with it")
			}
		})
	}
}

// replacePart swaps a part of the fixture, marker and lines, for with.
func replacePart(s, name, with string) string {
	start := strings.Index(s, marker+name+"\n")
	end := strings.Index(s[start+1:], marker) + start + 1
	return s[:start] + with + s[end:]
}

// What a hostile or broken host prints: cut short, too big, controls and
// escape sequences in names.
func TestParseHostile(t *testing.T) {
	base, _ := os.ReadFile("testdata/debian.txt")
	if _, err := Parse(base[:len(base)/2]); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("output cut short: %v", err)
	}
	if _, err := Parse(append(base, make([]byte, MaxOutput)...)); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("output too big: %v", err)
	}
	evil := replacePart(string(base), "failed", "@@macroa:failed\nevil\x1b]52;c;cm0gLXJmIH4K\x07.service loaded failed failed x\n")
	evil = replacePart(evil, "procs", "@@macroa:procs\n 1 99.0 1.0 100 \x1b[2Jminer\u202e\n")
	s, err := Parse([]byte(evil))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{s.FailedUnits.Value[0], s.TopProcesses.Value[0].Command} {
		if strings.ContainsAny(v, "\x1b\x07\u202e") {
			t.Errorf("%q kept a control or escape", v)
		}
	}
}

func TestCPUPercent(t *testing.T) {
	cases := []struct {
		prev, cur CPUTimes
		want      float64
		ok        bool
	}{
		{CPUTimes{100, 1000}, CPUTimes{150, 1100}, 50, true},
		{CPUTimes{100, 1000}, CPUTimes{100, 1000}, 0, false},
		{CPUTimes{100, 1000}, CPUTimes{10, 50}, 0, false}, // a reboot
	}
	for _, c := range cases {
		got, ok := CPUPercent(c.prev, c.cur)
		if got != c.want || ok != c.ok {
			t.Errorf("CPUPercent(%v, %v) = %v, %v", c.prev, c.cur, got, ok)
		}
	}
}

// The script itself, run by this machine's sh: every part a Linux host
// with procfs has is measured, and the answer is far under the cap.
func TestScriptOnThisMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the probe reads procfs: Linux only")
	}
	for _, shell := range []string{"sh", "dash", "busybox"} {
		path, err := exec.LookPath(shell)
		if err != nil {
			continue
		}
		args := []string{"-c", Script}
		if shell == "busybox" {
			args = append([]string{"sh"}, args...)
		}
		t.Run(shell, func(t *testing.T) {
			out, err := exec.Command(path, args...).Output()
			if err != nil {
				t.Fatalf("%s: %v", shell, err)
			}
			if len(out) > MaxOutput/4 {
				t.Errorf("the probe printed %d bytes", len(out))
			}
			s, err := Parse(out)
			if err != nil {
				t.Fatal(err)
			}
			for name, f := range map[string]struct {
				ok  bool
				why string
			}{
				"clock": {s.Clock.OK, s.Clock.Why}, "kernel": {s.Kernel.OK, s.Kernel.Why}, "uptime": {s.Uptime.OK, s.Uptime.Why},
				"load": {s.Load.OK, s.Load.Why}, "cpu": {s.CPU.OK, s.CPU.Why}, "cores": {s.Cores.OK, s.Cores.Why},
				"memory": {s.Memory.OK, s.Memory.Why}, "disks": {s.Disks.OK, s.Disks.Why}, "reboot": {s.RebootRequired.OK, s.RebootRequired.Why},
				"gpus": {s.GPUs.OK, s.GPUs.Why},
			} {
				if !f.ok {
					t.Errorf("%s not measured: %s", name, f.why)
				}
			}
			if d := time.Since(s.Clock.Value); d < -time.Minute || d > time.Minute {
				t.Errorf("the host's clock reads %v, %v from this one", s.Clock.Value, d)
			}
		})
	}
}
