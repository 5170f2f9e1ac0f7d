package prom

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// fleetAnswers makes the recorded answers into a fleet's: the results of
// each kind of query for each of n instances (host-000:9100 …), as one
// Prometheus scraping n node_exporters would hold them.
func fleetAnswers(b *testing.B, n int) (map[string][]string, []string) {
	instances := make([]string, n)
	for i := range instances {
		instances[i] = fmt.Sprintf("host-%03d:9100", i)
	}
	out := map[string][]string{} // kind → results of instance i
	for _, name := range queryFiles {
		raw, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		var a struct {
			Data struct {
				Result []map[string]any `json:"result"`
			} `json:"data"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			b.Fatal(err)
		}
		for _, inst := range instances {
			var parts []string
			for _, r := range a.Data.Result {
				metric := map[string]any{}
				for k, v := range r["metric"].(map[string]any) {
					metric[k] = v
				}
				metric["instance"] = inst
				row, err := json.Marshal(map[string]any{"metric": metric, "value": r["value"]})
				if err != nil {
					b.Fatal(err)
				}
				parts = append(parts, string(row))
			}
			out[name] = append(out[name], strings.Join(parts, ","))
		}
	}
	return out, instances
}

// BenchmarkSnapshots300 reads 300 hosts from one Prometheus (an httptest
// server answering each batch's query with those instances' recorded
// series): the cost of one poll of a [[prometheus]] source.
func BenchmarkSnapshots300(b *testing.B) {
	results, instances := fleetAnswers(b, 300)
	f := newFake(b, nil)
	hostRE := regexp.MustCompile(`host-(\d{3})`)
	var served atomic.Int64
	f.answer = func(kind, query string) string {
		var rows []string
		seen := map[string]bool{}
		for _, m := range hostRE.FindAllStringSubmatch(query, -1) {
			i, _ := strconv.Atoi(m[1])
			if !seen[m[1]] && results[kind][i] != "" {
				seen[m[1]] = true
				rows = append(rows, results[kind][i])
			}
		}
		body := vector(rows...)
		served.Add(int64(len(body)))
		return body
	}
	src := f.source()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := src.Snapshots(ctx, instances)
		if err != nil || len(got) != len(instances) {
			b.Fatalf("%d snapshots, %v", len(got), err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(instances)), "µs/host")
	b.ReportMetric(float64(f.queries.Load())/float64(b.N), "queries/op")
	b.ReportMetric(float64(served.Load())/float64(b.N)/float64(len(instances)), "answer-bytes/host")
}
