package schedule_test

import (
	"testing"
	"time"

	"github.com/macroa/macroa/core/schedule"
)

func BenchmarkNext(b *testing.B) {
	berlin := zone(b, "Europe/Berlin")
	from := time.Date(2026, 12, 2, 10, 0, 0, 0, berlin)
	for _, spec := range []string{"every:5", "daily:07:30", "cron:0 9 * * 1-5", "cron:*/15 * * * *", "cron:0 0 29 2 *"} {
		s, err := schedule.Parse(spec, from, berlin)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(spec, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := s.Next(from); !ok {
					b.Fatal("no next")
				}
			}
		})
	}
}
