package checkpoint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// BenchmarkCheckpointOverhead runs whole statements on a real graph with
// checkpoints off, every 5 iterations and every iteration; the ratio of
// their times is the checkpoints' overhead. The graph is
// ITERSQL_BENCH_GRAPH (a src,dst edge list DuckDB's read_csv reads), by
// default the shared email-enron one; the benchmark skips without it.
//
//	go test ./checkpoint/ -run '^$' -bench CheckpointOverhead -benchtime 3x
func BenchmarkCheckpointOverhead(b *testing.B) {
	graph := os.Getenv("ITERSQL_BENCH_GRAPH")
	if graph == "" {
		graph = "/work/shared/data/graphs/email-enron.csv.gz"
	}
	if _, err := os.Stat(graph); err != nil {
		b.Skipf("no graph: %v", err)
	}
	s, err := exec.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	do := func(q string) *exec.Result {
		res, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
		if err != nil {
			b.Fatalf("%s\n-> %v", q, err)
		}
		return res
	}
	do(fmt.Sprintf("CREATE TABLE edges AS SELECT src, dst FROM read_csv('%s')", graph))
	do("CREATE TABLE nodes AS SELECT src AS id FROM edges UNION SELECT dst FROM edges")
	do("SET checkpoint_dir = '" + filepath.Join(b.TempDir(), "ckpt") + "'")
	statements := []struct{ name, sql string }{
		{"cc-plain", strings.TrimSuffix(strings.TrimSpace(ccPlain), ";")},
		{"cc-keyed", strings.TrimSuffix(strings.TrimSpace(ccKey), ";")},
		{"pagerank", pageRank},
	}
	for _, st := range statements {
		for _, every := range []string{"0", "5", "1"} {
			b.Run(st.name+"/every="+every, func(b *testing.B) {
				do("SET checkpoint_every = " + every)
				iters, written, ckptMS := 0, 0, 0.0
				cpu0 := cpuMS()
				for i := 0; i < b.N; i++ {
					res := do(st.sql)
					iters = len(res.Stats) - 1
					for _, it := range res.Stats {
						for _, note := range strings.Split(it.Note, "; ") {
							var ms float64
							if _, err := fmt.Sscanf(note, "checkpoint %f ms", &ms); err == nil {
								written++
								ckptMS += ms
							}
						}
					}
				}
				// Process CPU time is steadier than wall time on a shared
				// machine; checkpoint-ms is the checkpoints' own time.
				b.ReportMetric((cpuMS()-cpu0)/float64(b.N), "cpu-ms/op")
				b.ReportMetric(ckptMS/float64(b.N), "checkpoint-ms/op")
				b.ReportMetric(float64(written)/float64(b.N), "checkpoints/op")
				b.ReportMetric(float64(iters), "iterations")
			})
		}
	}
}

// cpuMS is the process's CPU time (user and system) in milliseconds.
func cpuMS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

const pageRank = `WITH ITERATE pr(id, rank) AS (
    SELECT id, 1.0 / (SELECT COUNT(*) FROM nodes) FROM nodes
  ITERATE
    SELECT n.id,
           0.15 / (SELECT COUNT(*) FROM nodes)
         + 0.85 * (COALESCE(SUM(p.rank / o.deg), 0)
                   + (SELECT COALESCE(SUM(q.rank), 0) FROM pr q
                      WHERE q.id NOT IN (SELECT src FROM edges)) / (SELECT COUNT(*) FROM nodes))
    FROM nodes n
    LEFT JOIN edges e ON e.dst = n.id
    LEFT JOIN pr p ON p.id = e.src
    LEFT JOIN (SELECT src, COUNT(*) AS deg FROM edges GROUP BY src) o ON o.src = e.src
    GROUP BY n.id
  UNTIL 20 ITERATIONS
)
SELECT count(*) FROM pr`
