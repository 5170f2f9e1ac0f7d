package probe

import (
	"os"
	"testing"
)

// BenchmarkParse: one host's probe output read into a Snapshot.
func BenchmarkParse(b *testing.B) {
	out, err := os.ReadFile("testdata/debian.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := Parse(out); err != nil {
			b.Fatal(err)
		}
	}
}
