package fleet

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/macroa/macroa/config"
	"github.com/macroa/macroa/hosts/probe"
)

var testNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func thresholds() config.Alerts {
	return config.Alerts{DiskPercent: 90, InodesPercent: 90, MemoryPercent: 90, SwapPercent: 50, LoadPerCore: 2,
		ClockSkew: config.Duration(5 * time.Second), GPUTemp: 85, Consecutive: 2, Margin: 5}
}

func ok[T any](v T) probe.Field[T] { return probe.Field[T]{Value: v, OK: true} }

// healthy is a host with nothing near a threshold: 4 cores, / at 50%,
// memory at 50%, no swap in use, its clock right.
func healthy() probe.Snapshot {
	return probe.Snapshot{
		Clock:          ok(testNow),
		Load:           ok(probe.Load{One: 1, Five: 1, Fifteen: 1}),
		Cores:          ok(4),
		Memory:         ok(probe.Memory{Total: 1000, Available: 500, SwapTotal: 1000, SwapFree: 1000}),
		Disks:          ok([]probe.Disk{{Mount: "/", Used: 50, Avail: 50, Inodes: 100, InodesUsed: 10, InodesKnown: true}}),
		FailedUnits:    ok([]string{}),
		RebootRequired: ok(false),
		GPUs:           ok([]probe.GPU{}),
	}
}

type edit func(*probe.Snapshot)

func disk(pct uint64) edit {
	return func(s *probe.Snapshot) { s.Disks.Value[0].Used, s.Disks.Value[0].Avail = pct, 100-pct }
}
func inodes(pct uint64) edit { return func(s *probe.Snapshot) { s.Disks.Value[0].InodesUsed = pct } }
func mem(pct, swap uint64) edit {
	return func(s *probe.Snapshot) {
		s.Memory.Value.Available = 1000 - pct*10
		s.Memory.Value.SwapFree = 1000 - swap*10
	}
}
func load5(v float64) edit    { return func(s *probe.Snapshot) { s.Load.Value.Five = v } }
func failed(u ...string) edit { return func(s *probe.Snapshot) { s.FailedUnits.Value = u } }
func clockOff(d time.Duration) edit {
	return func(s *probe.Snapshot) { s.Clock.Value = testNow.Add(d) }
}
func reboot(on bool) edit { return func(s *probe.Snapshot) { s.RebootRequired.Value = on } }
func gpuTemp(c float64) edit {
	return func(s *probe.Snapshot) {
		s.GPUs.Value = []probe.GPU{{Name: "RTX 4090", Temp: ok(c)}}
	}
}
func noDisks(s *probe.Snapshot) { s.Disks = probe.Field[[]probe.Disk]{Why: "df does not read"} }

// answered is a probe that answered, its round trip rtt around testNow.
func answered(rtt time.Duration, edits ...edit) Observation {
	s := healthy()
	s.Disks.Value = append([]probe.Disk(nil), s.Disks.Value...)
	for _, e := range edits {
		e(&s)
	}
	return Observation{Snapshot: s, Answered: true, Sent: testNow.Add(-rtt / 2), Received: testNow.Add(rtt / 2)}
}

func at(edits ...edit) Observation { return answered(0, edits...) }

var (
	down       = Observation{Failure: "connection refused"}
	keyChanged = Observation{KeyChanged: true, Failure: "host key changed"}
)

// changes names what a probe fired (+) and cleared (-).
func changes(o Outcome) []string {
	var out []string
	for _, f := range o.Fire {
		out = append(out, "+"+describe(f.Key))
	}
	for _, f := range o.Clear {
		out = append(out, "-"+describe(f.Key))
	}
	return out
}

func TestEvaluate(t *testing.T) {
	type step struct {
		obs  Observation
		want []string
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"disk fires after two over, clears after two under the margin", []step{
			{at(disk(95)), nil}, {at(disk(95)), []string{"+disk /"}}, {at(disk(88)), nil},
			{at(disk(84)), nil}, {at(disk(84)), []string{"-disk /"}},
		}},
		{"a value oscillating around the threshold fires once", []step{
			{at(disk(91)), nil}, {at(disk(92)), []string{"+disk /"}}, {at(disk(89)), nil}, {at(disk(91)), nil},
			{at(disk(88)), nil}, {at(disk(91)), nil}, {at(disk(89)), nil}, {at(disk(92)), nil}, {at(disk(86)), nil},
		}},
		{"over and under alternating never fires", []step{
			{at(disk(95)), nil}, {at(disk(80)), nil}, {at(disk(95)), nil}, {at(disk(80)), nil},
		}},
		{"a field not measured neither fires nor clears", []step{
			{at(disk(95)), nil}, {at(disk(95)), []string{"+disk /"}}, {at(noDisks), nil}, {at(disk(80)), nil},
			{at(noDisks), nil}, {at(disk(80)), []string{"-disk /"}},
		}},
		{"an unreachable probe keeps what fires", []step{
			{at(disk(95)), nil}, {at(disk(95)), []string{"+disk /"}}, {down, nil}, {down, []string{"+unreachable"}},
			{at(disk(95)), []string{"-unreachable"}},
		}},
		{"inodes per mount", []step{{at(inodes(95)), nil}, {at(inodes(95)), []string{"+inodes /"}}}},
		{"memory in use", []step{
			{at(mem(92, 0)), nil}, {at(mem(92, 0)), []string{"+memory"}}, {at(mem(86, 0)), nil},
			{at(mem(80, 0)), nil}, {at(mem(80, 0)), []string{"-memory"}},
		}},
		{"swap counts while memory is near its threshold", []step{
			{at(mem(87, 60)), nil}, {at(mem(87, 60)), []string{"+memory"}}, {at(mem(80, 60)), nil},
			{at(mem(80, 60)), nil}, {at(mem(70, 60)), nil}, {at(mem(70, 60)), []string{"-memory"}},
		}},
		{"swap alone, memory low, does not fire", []step{{at(mem(50, 90)), nil}, {at(mem(50, 90)), nil}}},
		{"load over load_per_core × cores, cleared under the margin's share", []step{
			{at(load5(9)), nil}, {at(load5(9)), []string{"+load"}}, {at(load5(7.8)), nil}, {at(load5(7.8)), nil},
			{at(load5(7.5)), nil}, {at(load5(7.5)), []string{"-load"}},
		}},
		{"each failed unit, cleared when it recovers", []step{
			{at(failed("nginx.service")), nil},
			{at(failed("nginx.service", "backup.timer")), []string{"+failed-unit nginx.service"}},
			{at(failed("backup.timer")), []string{"+failed-unit backup.timer"}},
			{at(failed()), []string{"-failed-unit nginx.service"}},
			{at(failed()), []string{"-failed-unit backup.timer"}},
		}},
		{"unreachable after two failed probes, cleared by an answer", []step{
			{down, nil}, {down, []string{"+unreachable"}}, {down, nil}, {at(), []string{"-unreachable"}},
		}},
		{"clock skew", []step{
			{at(clockOff(10 * time.Second)), nil}, {at(clockOff(-10 * time.Second)), []string{"+clock-skew"}},
			{at(), nil}, {at(), []string{"-clock-skew"}},
		}},
		{"clock skew forgives half the round trip", []step{
			{answered(4*time.Second, clockOff(6*time.Second)), nil}, {answered(4*time.Second, clockOff(6*time.Second)), nil},
		}},
		{"reboot required", []step{{at(reboot(true)), nil}, {at(reboot(true)), []string{"+reboot"}}}},
		{"GPU temperature", []step{{at(gpuTemp(90)), nil}, {at(gpuTemp(91)), []string{"+gpu-temp gpu0 RTX 4090"}}}},
		{"a changed host key fires at once and clears with an answer", []step{
			{keyChanged, []string{"+host-key"}}, {keyChanged, nil}, {at(), []string{"-host-key"}},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var st RuleState
			fires := 0
			for i, s := range c.steps {
				o := Evaluate(st, s.obs, thresholds())
				if got := changes(o); !reflect.DeepEqual(got, s.want) {
					t.Fatalf("probe %d: changes %v, want %v", i+1, got, s.want)
				}
				fires += len(o.Fire)
				st = o.State
			}
			if strings.Contains(c.name, "fires once") && fires != 1 {
				t.Errorf("fired %d times", fires)
			}
		})
	}
}

// Near, Firing and Missing say what the host's state is made of.
func TestEvaluateNearFiringMissing(t *testing.T) {
	th := thresholds()
	o := Evaluate(RuleState{}, at(disk(87)), th)
	if len(o.Near) != 1 || o.Near[0].Key.Rule != RuleDisk || len(o.Firing) != 0 {
		t.Errorf("87%% is near 90%%: near %+v firing %+v", o.Near, o.Firing)
	}
	o = Evaluate(NewRuleState([]AlertKey{{Rule: RuleDisk, Subject: "/"}}), at(disk(95)), th)
	if len(o.Firing) != 1 || o.Firing[0].Value != 95 || len(o.Fire) != 0 {
		t.Errorf("an alert read back from the store fires on: firing %+v fire %+v", o.Firing, o.Fire)
	}
	o = Evaluate(RuleState{}, at(noDisks), th)
	if len(o.Missing) != 1 || !strings.Contains(o.Missing[0], "df does not read") {
		t.Errorf("missing %v", o.Missing)
	}
	if o := Evaluate(RuleState{}, down, th); len(o.Missing) != 0 {
		t.Errorf("an unreachable probe reports fields missing: %v", o.Missing)
	}
	// Evaluate leaves the state it was given as it was.
	st := Evaluate(RuleState{}, at(disk(95)), th).State
	before := len(st.tracks)
	Evaluate(st, at(disk(95)), th)
	if len(st.tracks) != before || st.tracks[AlertKey{RuleDisk, "/"}].over != 1 {
		t.Errorf("Evaluate changed its input: %+v", st.tracks)
	}
}

func TestClockSkew(t *testing.T) {
	for _, c := range []struct {
		host time.Duration // off the middle of the round trip
		rtt  time.Duration
		want float64
	}{
		{0, 0, 0}, {3 * time.Second, 0, 3}, {-3 * time.Second, 0, 3}, {3 * time.Second, 2 * time.Second, 2}, {time.Second, 4 * time.Second, 0},
	} {
		sent := testNow.Add(-c.rtt / 2)
		if got := clockSkew(testNow.Add(c.host), sent, testNow.Add(c.rtt/2)); got != c.want {
			t.Errorf("host off %v, rtt %v: skew %v, want %v", c.host, c.rtt, got, c.want)
		}
	}
}

// An alert still firing while its value is under the threshold but not
// under its clearing line says where it clears; over the threshold, or
// not firing, it does not.
func TestFiringBetweenTheLinesSaysWhereItClears(t *testing.T) {
	th := thresholds()
	loadKey, diskKey := AlertKey{Rule: RuleLoad}, AlertKey{Rule: RuleDisk, Subject: "/"}
	for _, c := range []struct {
		name   string
		firing []AlertKey
		obs    Observation
		key    AlertKey
		want   string
	}{
		{"load between", []AlertKey{loadKey}, at(load5(7.8)), loadKey, "5-minute load 7.80 on 4 cores (threshold 8.00; clears under 7.60)"},
		{"load over", []AlertKey{loadKey}, at(load5(8.5)), loadKey, "5-minute load 8.50 on 4 cores (threshold 8.00)"},
		{"disk between", []AlertKey{diskKey}, at(disk(87)), diskKey, "disk / at 87% (threshold 90%; clears under 85%)"},
		{"disk near, not firing", nil, at(disk(87)), diskKey, "disk / at 87% (threshold 90%)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := Evaluate(NewRuleState(c.firing), c.obs, th)
			var got []string
			for _, f := range append(o.Firing, o.Near...) {
				if f.Key == c.key {
					got = append(got, f.Message)
				}
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("messages %q, want %q", got, c.want)
			}
		})
	}
}
