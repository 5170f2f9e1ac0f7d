package router

import "testing"

// BenchmarkDecide measures one routing decision for deterministic inputs.
// Target: under 20 µs each.
func BenchmarkDecide(b *testing.B) {
	inputs := []string{
		"!echo hi",
		"what is my server IP?",
		"remember my server IP is 10.0.0.1",
		"read file ~/notes.txt",
		"list my memories",
		"remind me in 10 minutes to call John",
		"remind me to check in at the office every monday at 9",
		"remind me in English how to say hello",
	}
	for _, in := range inputs {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				_ = Decide(in)
			}
		})
	}
}
