package main

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark/sparktest"
)

// TestRemote runs -remote's plumbing against the Spark server
// (ITERSQL_SPARK_REMOTE): a one-row loop cell on Spark, whose answer
// timeMicro checks, and components of a tiny graph loaded on Spark from
// its file, on Spark and on DuckDB, each answer checked against the
// floor as in every cell. Times are reported by the bench, never
// asserted here.
func TestRemote(t *testing.T) {
	remote := sparktest.Remote(t)
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "tiny.csv.gz"), "src,dst\n1,2\n2,3\n3,4\n10,11\n")
	cfg := &config{data: dir, remote: remote, runs: 1, timeout: time.Minute, cap: time.Minute, memLimit: "1GB",
		microIters: 3, remoteMicro: 2, only: regexp.MustCompile(`^(micro/spark-plain|cc/tiny/(spark|duckdb|floor))$`)}
	ctx := context.Background()

	micro := runRemoteMicro(ctx, cfg)
	if len(micro) != 1 || micro[0].id != "spark-plain" {
		t.Fatalf("micro cells %+v, want spark-plain alone", micro)
	}
	if c := micro[0]; !c.ok() || c.iters != 2 || c.cost == nil || c.cost.StatementsPerIteration <= 0 {
		t.Errorf("micro/spark-plain: %s %s, %d iterations, cost %+v; want timed, 2 iterations, statements counted", c.status, c.detail, c.iters, c.cost)
	}

	w := &workload{name: "cc/tiny", title: "components of a tiny graph", algo: algoCC, file: "tiny.csv.gz", variants: remoteVariants(algoCC)}
	res := runWorkload(ctx, cfg, w, newGraphCache(cfg, []*workload{w}))
	if res == nil || res.skipped != "" {
		t.Fatalf("cc/tiny did not run: %+v", res)
	}
	got := map[string]cell{}
	for _, c := range res.cells {
		if !c.ok() {
			t.Errorf("cc/tiny/%s: %s %s", c.id, c.status, c.detail)
		}
		got[c.id] = c
	}
	if len(got) != 3 {
		t.Fatalf("cells %v, want spark, duckdb and floor", res.cells)
	}
	// 1-2-3-4 needs three label drops, then a step that changes nothing.
	if s, d := got["spark"].iters, got["duckdb"].iters; s != 4 || d != 4 {
		t.Errorf("iterations: spark %d, duckdb %d; want 4", s, d)
	}
	if res.rows != 6 {
		t.Errorf("state rows %d, want 6 vertices", res.rows)
	}
}

// writeGzip writes text gzipped to path.
func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
