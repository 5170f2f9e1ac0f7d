package store

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The 100k-fact database is seeded once per test binary and shared by the
// benchmarks that read it; TestMain removes it.
var (
	benchOnce sync.Once
	benchDB   *DB
	benchErr  error
	benchDirs []string
)

func seeded100k(b *testing.B) *DB {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "macroa-store-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchDirs = append(benchDirs, dir)
		ctx := context.Background()
		benchDB, benchErr = Open(ctx, filepath.Join(dir, "macroa.db"))
		if benchErr != nil {
			return
		}
		start := time.Now()
		benchErr = SeedFacts(ctx, benchDB, 100_000)
		b.Logf("seeded 100,000 facts in %v", time.Since(start).Round(time.Millisecond))
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB
}

func cleanupBenchFixtures() {
	if benchDB != nil {
		benchDB.Close()
	}
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
}

func BenchmarkSearchFacts100k(b *testing.B) {
	db := seeded100k(b)
	ctx := context.Background()
	got, err := db.SearchFacts(ctx, "what is my server IP", 8)
	if err != nil || len(got) == 0 || got[0].Key != "server_ip" {
		b.Fatalf("search = %v, %v; want server_ip first", keys(got), err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.SearchFacts(ctx, "server IP", 8); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetFact100k(b *testing.B) {
	db := seeded100k(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := db.GetFact(ctx, "", "server_ip"); !ok || err != nil {
			b.Fatal("server_ip not found", err)
		}
	}
}

func BenchmarkAppendAudit(b *testing.B) {
	db := openTest(b)
	ctx := context.Background()
	e := sampleAudit(1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.AppendAudit(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenExisting is what a cold CLI process pays for the store:
// open a migrated database, run one query, close.
func BenchmarkOpenExisting(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "macroa.db")
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.SetFact(ctx, FactInput{Key: "server_ip", Value: "10.0.0.1"}); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok, err := db.GetFact(ctx, "", "server_ip"); !ok || err != nil {
			b.Fatal("server_ip not found", err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
