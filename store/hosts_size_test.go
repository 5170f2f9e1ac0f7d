package store

import (
	"context"
	"testing"
	"time"
)

// hostDayBytes measures what one host's day of history at a 30 s interval
// costs in the file: page count × page size before and after 2,880
// samples, each written as the poller does (one transaction each).
func hostDayBytes(tb testing.TB, db *DB, host string) (total, perSample float64) {
	tb.Helper()
	ctx := context.Background()
	size := func() int64 {
		var pages, pageSize int64
		if err := db.sql.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
			tb.Fatal(err)
		}
		if err := db.sql.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
			tb.Fatal(err)
		}
		return pages * pageSize
	}
	// The WAL holds pages until a checkpoint: fold it in to count them.
	checkpoint := func() {
		if _, err := db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			tb.Fatal(err)
		}
	}
	checkpoint()
	before := size()
	const day = 2880
	t0 := time.UnixMilli(1_800_000_000_000)
	for i := range day {
		s := HostSample{Host: host, At: t0.Add(time.Duration(i) * 30 * time.Second), OK: true,
			Load1: 0.5 + float64(i%100)/37, CPU: float64(i%97) * 1.013, Mem: 41.27 + float64(i%13)/7, Disk: 63.123}
		if _, err := db.RecordHostProbe(ctx, HostProbe{Status: HostStatus{Host: host}, Sample: &s}); err != nil {
			tb.Fatal(err)
		}
	}
	checkpoint()
	grown := float64(size() - before)
	return grown, grown / day
}

// A day of one host's history at the default interval stays well under
// 1 MB (the figure is in the benchmark below).
func TestHostHistoryDayUnderOneMB(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2,880 samples")
	}
	db := openTest(t)
	total, per := hostDayBytes(t, db, "web-01.example.org")
	t.Logf("one host-day: %.0f bytes, %.1f bytes a sample", total, per)
	if total >= 1<<20 {
		t.Fatalf("one host-day of history takes %.0f bytes, over 1 MB", total)
	}
}

// BenchmarkHostHistoryBytes reports the file's growth per sample.
func BenchmarkHostHistoryBytes(b *testing.B) {
	for range b.N {
		db := openTest(b)
		total, per := hostDayBytes(b, db, "web-01.example.org")
		b.ReportMetric(per, "bytes/sample")
		b.ReportMetric(total, "bytes/host-day")
	}
}
