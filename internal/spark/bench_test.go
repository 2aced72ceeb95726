package spark_test

// Per-statement latency over Spark Connect, reported (docs/spark.md), not
// asserted: `go test ./internal/spark -run '^$' -bench . -benchtime 50x`
// with a server from scripts/spark-server.sh.

import (
	"context"
	"fmt"
	"testing"

	"github.com/itersql/itersql/internal/spark/sparktest"
)

// BenchmarkTrivialSelect is one round trip of the smallest query: the
// floor under every statement an iteration sends.
func BenchmarkTrivialSelect(b *testing.B) {
	s := sparktest.Session(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := s.Query(ctx, "SELECT 1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateTableAsSelect is what an iteration of the Spark backend
// will do to cut lineage: write the new state as a parquet table. The
// DROP of each table is outside the timing.
func BenchmarkCreateTableAsSelect(b *testing.B) {
	for _, rows := range []int{1, 100000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			s := sparktest.Session(b)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				name := fmt.Sprintf("itersql_bench_ctas_%d", i)
				i++
				if err := s.Exec(ctx, fmt.Sprintf("CREATE TABLE %s USING parquet AS SELECT id, id %% 7 AS v FROM range(%d)", name, rows)); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := s.Exec(ctx, "DROP TABLE "+name); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
