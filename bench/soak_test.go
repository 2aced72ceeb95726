package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// BenchmarkSoak runs one keyed WITH ITERATE over 1,000 rows for
// ITERSQL_SOAK_ITERATIONS iterations (default 100,000), every step
// updating every row, and samples the process's RSS and DuckDB's memory
// (duckdb_memory()) every 1% of the run. It reports both over the first
// and the last 10% of the samples and fails if the last exceed the first
// by more than 5%: memory must not grow with the iterations.
//
//	go test ./bench -run '^$' -bench Soak -benchtime 1x
func BenchmarkSoak(b *testing.B) {
	iters := 100000
	if v := os.Getenv("ITERSQL_SOAK_ITERATIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 {
			b.Fatalf("ITERSQL_SOAK_ITERATIONS=%q: want a number >= 100", v)
		}
		iters = n
	}
	for i := 0; i < b.N; i++ {
		soak(b, iters)
	}
}

// soakSample is one reading, after iteration it.
type soakSample struct {
	it                int
	rss, duck, goHeap int64
	sinceStart        time.Duration
}

func soak(b *testing.B, iters int) {
	s, err := exec.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	do := func(q string) {
		if _, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1}); err != nil {
			b.Fatalf("%s\n-> %v", q, err)
		}
	}
	do(fmt.Sprintf("SET max_iterations = %d", iters+1))
	do("CREATE TABLE seed AS SELECT i FROM range(1000) r(i)")
	every := iters / 100
	var samples []soakSample
	readDuck := duckMemory(s.DB())
	start := time.Now()
	s.Progress = func(_ string, st exec.IterStat, _ time.Duration) {
		if st.Iteration == 0 || st.Iteration%every != 0 {
			return
		}
		duck, _ := readDuck()
		// The Go heap in use after a collection: what the Go side holds,
		// as opposed to garbage not yet collected.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		samples = append(samples, soakSample{st.Iteration, rss(), duck, int64(ms.HeapAlloc), time.Since(start)})
	}
	do(fmt.Sprintf(`WITH ITERATE t(k, v) KEY (k) AS (
    SELECT i, 0 FROM seed
  ITERATE
    SELECT k, v + 1 FROM t
  UNTIL %d ITERATIONS
) SELECT count(*) FROM t`, iters))
	tenth := len(samples) / 10
	first, last := samples[:tenth], samples[len(samples)-tenth:]
	mean := func(ss []soakSample, f func(soakSample) int64) float64 {
		var sum float64
		for _, x := range ss {
			sum += float64(f(x))
		}
		return sum / float64(len(ss))
	}
	const mb = 1 << 20
	rssFirst, rssLast := mean(first, func(x soakSample) int64 { return x.rss })/mb, mean(last, func(x soakSample) int64 { return x.rss })/mb
	duckFirst, duckLast := mean(first, func(x soakSample) int64 { return x.duck })/mb, mean(last, func(x soakSample) int64 { return x.duck })/mb
	b.ReportMetric(rssFirst, "rss-first10%-MB")
	b.ReportMetric(rssLast, "rss-last10%-MB")
	b.ReportMetric(duckFirst, "duckdb-first10%-MB")
	b.ReportMetric(duckLast, "duckdb-last10%-MB")
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(iters)/1000, "ms/iteration")
	var table strings.Builder
	for _, x := range samples {
		fmt.Fprintf(&table, "%d %.1f %.1f %.1f %.1fs\n", x.it, float64(x.rss)/mb, float64(x.duck)/mb, float64(x.goHeap)/mb, x.sinceStart.Seconds())
	}
	b.Logf("iteration, RSS MB, DuckDB MB, Go heap MB, elapsed:\n%s", table.String())
	if rssLast > rssFirst*1.05 {
		b.Errorf("RSS grew: %.1f MB over the first 10%% of the run, %.1f MB over the last (+%.1f%%)", rssFirst, rssLast, 100*(rssLast/rssFirst-1))
	}
	if duckLast > duckFirst*1.05 {
		b.Errorf("DuckDB's memory grew: %.1f MB over the first 10%% of the run, %.1f MB over the last (+%.1f%%)", duckFirst, duckLast, 100*(duckLast/duckFirst-1))
	}
}

// rss is the process's resident set size in bytes (Linux), or 0.
func rss() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
