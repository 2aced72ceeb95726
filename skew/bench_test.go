package skew_test

// Benchmarks of the split against plain hash partitioning and DuckDB's own
// single query, on a generated skewed workload (the field note's users and
// groups, with a few users in a huge number of groups) and on a real
// social graph. Each reports ms/op and, for the partitioned modes, the
// straggler ratio: the largest task's rows over the median task's.
//
//	go test ./skew/ -run '^$' -bench . -benchtime 3x
//
// SKEW_BENCH_TASKS=16,256 adds both partitioned modes with each of those
// fixed task counts. Besides ms/op (a query run again and again on the
// same tables, so detection is cached) each mode reports first-ms: its
// first run, detection included.

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/cc"
	"github.com/itersql/itersql/internal/sqlscan"
)

// The real graphs, when ../shared is beside the repository.
const (
	twitter  = "/work/shared/data/graphs/twitter-ego.csv.gz"
	slashdot = "/work/shared/data/graphs/slashdot.csv.gz"
)

func must(b *testing.B, s *exec.Session, q string) *exec.Result {
	b.Helper()
	res, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		b.Fatalf("%s\n-> %v", q, err)
	}
	return res
}

// modes are the three ways to run a join: DuckDB's single query, hash
// partitioning without the heavy-key path (a threshold nothing reaches),
// and the split.
// mode is one way to run a query: its name and the settings that make it.
type mode struct{ name, sets string }

var modes = []mode{
	{"single", "SET skew_join = off"},
	{"partitioned", "SET skew_join = on; SET partitions = auto; SET skew_threshold = 1000000000000"},
	{"split", "SET skew_join = on; SET partitions = auto; SET skew_threshold = auto"},
}

// fixedModes fix n shuffle tasks, as a cluster of n executors would, so
// the straggler ratio shows what one hub does to one of many tasks.
func fixedModes() []mode {
	var out []mode
	for _, n := range strings.Split(os.Getenv("SKEW_BENCH_TASKS"), ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		out = append(out,
			mode{"partitioned" + n, "SET skew_join = on; SET partitions = " + n + "; SET skew_threshold = 1000000000000"},
			mode{"split" + n, "SET skew_join = on; SET partitions = " + n + "; SET skew_threshold = auto"})
	}
	return out
}

var noteRE = regexp.MustCompile(`rows max (\d+) median (\d+)`)

// straggler reads the largest/median task rows from EXPLAIN ANALYZE text,
// of the execution with the largest task (a run's last iterations have
// tiny deltas whose ratios mean nothing).
func straggler(text string) float64 {
	ratio, biggest := 0.0, -1.0
	for _, m := range noteRE.FindAllStringSubmatch(text, -1) {
		hi, _ := strconv.ParseFloat(m[1], 64)
		med, _ := strconv.ParseFloat(m[2], 64)
		if hi > biggest && med > 0 {
			ratio, biggest = hi/med, hi
		}
	}
	return ratio
}

func exec1(b *testing.B, s *exec.Session, script string) {
	for _, q := range regexp.MustCompile(`;\s*`).Split(script, -1) {
		if q != "" {
			must(b, s, q)
		}
	}
}

func benchQuery(b *testing.B, setup []string, query string) {
	s, err := exec.Open("")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, q := range setup {
		must(b, s, q)
	}
	for _, m := range append(modes, fixedModes()...) {
		b.Run(m.name, func(b *testing.B) {
			exec1(b, s, "CREATE OR REPLACE TEMP TABLE bench_reset AS SELECT 1") // a write: detection is measured afresh
			exec1(b, s, m.sets)
			began := time.Now()
			must(b, s, query)
			first := time.Since(began)
			ratio := 0.0
			if m.name != "single" {
				res := must(b, s, "EXPLAIN ANALYZE "+query)
				ratio = straggler(res.Text + rowsText(res))
			}
			for b.Loop() {
				must(b, s, query)
			}
			// After the loop: ResetTimer (which b.Loop does) clears metrics.
			if ratio > 0 {
				b.ReportMetric(ratio, "straggler")
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
		})
	}
}

func rowsText(res *exec.Result) string {
	var out string
	for _, r := range res.Rows {
		for _, v := range r {
			if s, ok := v.(string); ok {
				out += s + "\n"
			}
		}
	}
	return out
}

// seedSetup: 1M users in 500 cities; 4M group memberships, of which 5
// users hold 150,000 each and the rest are spread evenly.
var seedSetup = []string{
	`CREATE TABLE a AS SELECT i AS user_id, 'user ' || i AS name, 'city' || (hash(i) % 500) AS city,
	   'st' || (hash(i) % 50) AS state FROM range(1, 1000001) t(i)`,
	`CREATE TABLE b AS SELECT CASE WHEN i < 750000 THEN 1 + i % 5 ELSE 1 + hash(i) % 1000000 END AS user_id,
	   i AS group_id FROM range(0, 4000000) t(i)`,
}

const seedQuery = `SELECT a.city, count(*) AS group_count FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5`

func BenchmarkSeed(b *testing.B) { benchQuery(b, seedSetup, seedQuery) }

// Zipf-like degrees: vertex v has about 200000/v edges.
func BenchmarkZipf(b *testing.B) {
	benchQuery(b, []string{
		`CREATE TABLE edges AS SELECT v AS src, hash(v, j) % 300000 AS dst
		   FROM range(1, 300001) t(v), LATERAL (SELECT range AS j FROM range(0, greatest(1, 200000 // v)))`,
		`CREATE TABLE nodes AS SELECT range AS id, hash(range) % 1000 AS label FROM range(0, 300001)`,
	}, `SELECT n.label, count(*) AS c FROM edges e JOIN nodes n ON n.id = e.src GROUP BY n.label ORDER BY c DESC, n.label LIMIT 5`)
}

func graphSetup(b *testing.B, file string) []string {
	if _, err := os.Stat(file); err != nil {
		b.Skip(file + " not present")
	}
	return []string{
		`CREATE TABLE e0 AS SELECT src, dst FROM read_csv('` + file + `')`,
		`CREATE TABLE edges AS SELECT src, dst FROM e0 UNION SELECT dst, src FROM e0`,
		`CREATE TABLE nodes AS SELECT id, id % 7 AS g FROM (SELECT DISTINCT src AS id FROM edges)`,
	}
}

// A vertex-state join on twitter-ego (both directions: 2.4M edge rows).
func BenchmarkTwitterJoin(b *testing.B) {
	benchQuery(b, graphSetup(b, twitter), vertexJoin)
}

// The same on slashdot (both directions: 1.09M edge rows).
func BenchmarkSlashdotJoin(b *testing.B) {
	benchQuery(b, graphSetup(b, slashdot), vertexJoin)
}

const vertexJoin = `SELECT n.g, count(*) AS c, sum(e.dst) AS s FROM nodes n JOIN edges e ON e.src = n.id GROUP BY n.g ORDER BY n.g`

// Connected components on twitter-ego, keyed and plain.
func BenchmarkTwitterCC(b *testing.B) {
	const final = "\nSELECT count(DISTINCT comp) FROM cc"
	for _, q := range []struct{ name, q string }{{"key", cc.Keyed + final}, {"plain", cc.Plain + final}} {
		b.Run(q.name, func(b *testing.B) { benchQuery(b, graphSetup(b, twitter), q.q) })
	}
}
