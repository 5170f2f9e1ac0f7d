package policy

import (
	"testing"

	"github.com/macroa/macroa/core/actions"
)

// BenchmarkDecidePipeline is the gate's decision on a three-command
// pipeline (target: under 50 µs).
func BenchmarkDecidePipeline(b *testing.B) {
	a := actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "df -h | grep -v tmpfs | sort -k5"}}
	p := Policy{ProtectedUnits: []string{"postgresql"}, DeniedCommands: []string{"iptables -F"}, AllowedCommands: []string{"df -h", "grep -v", "sort -k5"}}
	b.ReportAllocs()
	for b.Loop() {
		// Every command judged, the allow list matched: it may run.
		if d := Decide(a, "", AutoSafe, p); d.Verdict != Run {
			b.Fatalf("verdict %s: %s", d.Verdict, d.Reason)
		}
	}
}

// BenchmarkDecideHostile is a denied three-command list.
func BenchmarkDecideHostile(b *testing.B) {
	a := actions.Action{Kind: actions.CommandRun, Params: actions.Command{Shell: "df -h && sudo /bin/systemctl stop sshd.socket; uptime"}}
	for b.Loop() {
		if d := Decide(a, "", AutoFull, Policy{}); d.Verdict != Deny {
			b.Fatalf("verdict %s: %s", d.Verdict, d.Reason)
		}
	}
}
