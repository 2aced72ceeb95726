package exec

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark/sparktest"
)

// skewSparkTables are the split's test data on both engines, in SQL that
// means the same on each: the field note's users (a) and their groups (b),
// where users 1, 2 and 3 have 2,000 groups each, and a graph whose
// vertices 1 and 2 are hubs (1,500 and 1,200 neighbours; cc_hubs.sql with
// shorter chains, so that components take few iterations). Spark's
// catalog is shared by the server's sessions: the names are the test's.
var skewSparkTables = []string{
	`CREATE OR REPLACE TABLE itersql_skewtest_a AS SELECT i AS user_id, 'user ' || i AS name, 'city' || (i * 7 % 40) AS city
	   FROM range(1, 4001) t(i)`,
	`CREATE OR REPLACE TABLE itersql_skewtest_b AS SELECT CASE WHEN i < 6000 THEN 1 + i % 3 ELSE 1 + (i * 7919) % 4000 END AS user_id,
	   i AS group_id FROM range(0, 16000) t(i)`,
	`CREATE OR REPLACE TABLE itersql_skewtest_e0 AS SELECT 1 AS src, i AS dst FROM range(10, 1510) t(i)
	   UNION ALL SELECT 2, i FROM range(1510, 2710) t(i)
	   UNION ALL SELECT i, i + 1 FROM range(3000, 3100) t(i) WHERE i % 4 <> 0
	   UNION ALL SELECT 3, 1`,
	`CREATE OR REPLACE TABLE itersql_skewtest_edges AS SELECT CAST(src AS BIGINT) AS src, CAST(dst AS BIGINT) AS dst FROM itersql_skewtest_e0
	   UNION SELECT dst, src FROM itersql_skewtest_e0`,
	`CREATE OR REPLACE TABLE itersql_skewtest_nodes AS SELECT DISTINCT src AS id FROM itersql_skewtest_edges`,
}

const (
	// The field note's "top 5 cities by groups" as the step, and as the
	// final query.
	seedStep = `WITH ITERATE top(city, group_count) AS (SELECT 'none', 0
	  ITERATE SELECT a.city, count(*) AS group_count FROM itersql_skewtest_a a JOIN itersql_skewtest_b b ON a.user_id = b.user_id
	    GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5
	  UNTIL 2 ITERATIONS) SELECT * FROM top ORDER BY group_count DESC, city`
	seedFinal = `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 1 ITERATIONS)
	  SELECT a.city, count(*) AS group_count FROM itersql_skewtest_a a JOIN itersql_skewtest_b b ON a.user_id = b.user_id
	  GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5`
	ccPlainSpark = `WITH ITERATE cc(id, comp) AS (SELECT id, id FROM itersql_skewtest_nodes
	  ITERATE SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
	    FROM cc c LEFT JOIN itersql_skewtest_edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
	    GROUP BY c.id, c.comp
	  UNTIL FIXPOINT) SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp`
	ccKeyedSpark = `WITH ITERATE cc(id, comp) KEY (id) AS (SELECT id, id FROM itersql_skewtest_nodes
	  ITERATE SELECT e.dst, MIN(d.comp)
	    FROM delta.cc d JOIN itersql_skewtest_edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
	    GROUP BY e.dst HAVING MIN(d.comp) < MIN(c.comp)
	  UNTIL FIXPOINT) SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp`
)

// skewSparkSession opens a Spark session that drops the test tables when
// the test ends.
func skewSparkSession(t *testing.T) *Session {
	t.Helper()
	remote := sparktest.Remote(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sp, err := OpenSpark(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, name := range []string{"a", "b", "e0", "edges", "nodes", "coll"} {
			if _, err := exec1(t, sp, "DROP TABLE IF EXISTS itersql_skewtest_"+name); err != nil {
				t.Error(err)
			}
		}
		if err := sp.Close(); err != nil {
			t.Error(err)
		}
	})
	return sp
}

// skewSparkSessions opens a Spark session and a DuckDB one with the test
// tables.
func skewSparkSessions(t *testing.T) (sp, duck *Session) {
	t.Helper()
	sp = skewSparkSession(t)
	duck, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	duck.ValueText = ValuesVarchar
	t.Cleanup(func() { duck.Close() })
	for _, q := range skewSparkTables {
		mustExec(t, sp, q)
		mustExec(t, duck, q)
	}
	return sp, duck
}

// sparkPlans records, for every split query a Spark run sends, Spark's own
// physical plan of it (EXPLAIN, while the run's tables exist).
func sparkPlans(t *testing.T, sp *Session) *[]string {
	var plans []string
	sparkSplitRan = func(q string) {
		res, err := sp.query(context.Background(), "EXPLAIN "+q)
		if err != nil {
			t.Errorf("EXPLAIN of the split query: %v\n%s", err, q)
			return
		}
		plans = append(plans, fmt.Sprint(res.Rows))
	}
	t.Cleanup(func() { sparkSplitRan = nil })
	return &plans
}

// skewLines are EXPLAIN's lines on a split's key, inputs and heavy keys:
// the same on both engines when detection follows the same rules.
var skewLines = regexp.MustCompile(`(?m)^ +(split \d+:|key:|input |heavy keys).*$`)

// TestSkewSpark: with skew_join = on (or auto and heavy keys), the field
// note's query and connected components on a graph with hubs give the same
// rows on Spark as on DuckDB; each split part runs as one Spark query
// whose plan has both paths (a broadcast join and the repartition by the
// key); EXPLAIN names the heavy keys DuckDB names; no table is left.
func TestSkewSpark(t *testing.T) {
	sp, duck := skewSparkSessions(t)
	plans := sparkPlans(t, sp)
	for _, tc := range []struct {
		name, q string
		set     []string
		// final: the final query is split, not the step.
		final bool
	}{
		{"seed step", seedStep, []string{"SET skew_join = on", "SET skew_threshold = 100", "SET partitions = 3"}, false},
		{"seed final query", seedFinal, []string{"SET skew_join = on", "SET skew_threshold = 100", "SET partitions = 3"}, true},
		// auto: with tasks of 2,000 rows the hubs are heavy (over 1,000
		// rows), and a base table is measured.
		{"components auto", ccPlainSpark, []string{"SET skew_join = auto", "SET skew_threshold = auto", "SET partitions = auto", "SET target_task_rows = 2000"}, false},
		{"components keyed on", ccKeyedSpark, []string{"SET skew_join = on", "SET skew_threshold = 100", "SET partitions = 2", "SET target_task_rows = 1000000"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, q := range tc.set {
				mustExec(t, sp, q)
				mustExec(t, duck, q)
			}
			*plans = nil
			got := mustExec(t, sp, tc.q)
			want := mustExec(t, duck, tc.q)
			if g, w := skewRowsText(got), skewRowsText(want); g != w {
				t.Errorf("spark:\n%s\nduckdb:\n%s", g, w)
			}
			if len(got.Stats) != len(want.Stats) {
				t.Errorf("spark ran %d iterations, duckdb %d", len(got.Stats), len(want.Stats))
			}
			for i := range min(len(got.Stats), len(want.Stats)) {
				if got.Stats[i].Rows != want.Stats[i].Rows || got.Stats[i].Changed != want.Stats[i].Changed {
					t.Errorf("iteration %d: spark %+v, duckdb %+v", i, got.Stats[i], want.Stats[i])
				}
			}
			// Every iteration's step (iteration 0 is the initial query),
			// or the final query.
			splits := len(got.Stats) - 1
			if tc.final {
				splits = 1
			}
			if len(*plans) != splits {
				t.Errorf("%d split queries ran, want %d", len(*plans), splits)
			}
			for _, plan := range *plans {
				// REPARTITION(n, key) is an exchange by the key into n
				// partitions; BROADCAST a broadcast hash join.
				if !strings.Contains(plan, "REPARTITION_BY_NUM") || !strings.Contains(plan, "BroadcastHashJoin") {
					t.Errorf("Spark's plan of a split query lacks a path:\n%s", plan)
				}
			}
			notes := 0
			for _, st := range got.Stats {
				if strings.Contains(st.Note, "heavy ") && strings.Contains(st.Note, "split BROADCAST(") && strings.Contains(st.Note, "UNION ALL REPARTITION(") {
					notes++
				}
			}
			if notes != len(*plans) {
				t.Errorf("%d notes say split, %d split queries ran: %+v", notes, len(*plans), got.Stats)
			}
			gotPlan := mustExec(t, sp, "EXPLAIN "+tc.q).Text
			wantPlan := mustExec(t, duck, "EXPLAIN "+tc.q).Text
			g, w := skewLines.FindAllString(gotPlan, -1), skewLines.FindAllString(wantPlan, -1)
			if len(g) == 0 || strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("EXPLAIN's splits differ:\nspark:\n%s\nduckdb:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			for _, want := range []string{"heavy keys (", "/*+ BROADCAST(", "/*+ REPARTITION(", "as run when split"} {
				if !strings.Contains(gotPlan, want) {
					t.Errorf("EXPLAIN on Spark lacks %q:\n%s", want, gotPlan)
				}
			}
			assertNoSkewSparkTables(t, sp)
		})
	}
	// Under auto, with no key heavy (a threshold above the hubs' rows),
	// nothing is split and EXPLAIN shows no split.
	t.Run("auto without heavy keys", func(t *testing.T) {
		for _, q := range []string{"SET skew_join = auto", "SET skew_threshold = 2000"} {
			mustExec(t, sp, q)
		}
		*plans = nil
		autoWithoutHeavyKeys(t, sp, duck, plans)
	})
}

// autoWithoutHeavyKeys checks that keyed components run unsplit on Spark,
// with DuckDB's rows, no split query (plans), no note and no split in
// EXPLAIN.
func autoWithoutHeavyKeys(t *testing.T, sp, duck *Session, plans *[]string) {
	got := mustExec(t, sp, ccKeyedSpark)
	want := mustExec(t, duck, ccKeyedSpark)
	if g, w := skewRowsText(got), skewRowsText(want); g != w {
		t.Errorf("spark:\n%s\nduckdb:\n%s", g, w)
	}
	if len(*plans) != 0 {
		t.Errorf("%d split queries ran under auto without heavy keys", len(*plans))
	}
	for _, st := range got.Stats {
		if st.Note != "" {
			t.Errorf("iteration %d has a note: %s", st.Iteration, st.Note)
		}
	}
	if text := mustExec(t, sp, "EXPLAIN "+ccKeyedSpark).Text; strings.Contains(text, "skew split") {
		t.Errorf("EXPLAIN shows a split:\n%s", text)
	}
	assertNoSkewSparkTables(t, sp)
}

func skewRowsText(res *Result) string {
	var b strings.Builder
	for _, row := range res.Rows {
		fmt.Fprintln(&b, row...)
	}
	return b.String()
}

// assertNoSkewSparkTables fails if a run of sp left a table on Spark.
// Only sp's own are looked at (their names carry its tag): other sessions
// may be running on the shared server.
func assertNoSkewSparkTables(t *testing.T, sp *Session) {
	t.Helper()
	res := mustExec(t, sp, "SHOW TABLES LIKE '__itersql_"+sp.eng.(*sparkEngine).tag+"*'")
	if len(res.Rows) > 0 {
		t.Errorf("tables left on Spark: %v", res.Rows)
	}
}

// TestSkewSparkDeclines: a join the split cannot take on Spark (its key
// compares under a collation, which DuckDB has no name for) runs unsplit
// under skew_join = on, with the unsplit answer, and EXPLAIN says why.
func TestSkewSparkDeclines(t *testing.T) {
	sp := skewSparkSession(t)
	plans := sparkPlans(t, sp)
	mustExec(t, sp, "DROP TABLE IF EXISTS itersql_skewtest_coll")
	mustExec(t, sp, "CREATE TABLE itersql_skewtest_coll (k STRING COLLATE UTF8_LCASE, v INT) USING parquet")
	mustExec(t, sp, "INSERT INTO itersql_skewtest_coll VALUES ('a', 1), ('A', 2), ('b', 3), ('a', 4)")
	q := `WITH ITERATE s(k, n) AS (SELECT k, v FROM itersql_skewtest_coll
	  ITERATE SELECT s.k, count(*) FROM s JOIN itersql_skewtest_coll t ON s.k = t.k GROUP BY s.k
	  UNTIL 1 ITERATIONS) SELECT lower(k), n FROM s ORDER BY 1, 2`
	want := skewRowsText(mustExec(t, sp, q))
	for _, set := range []string{"SET skew_join = on", "SET skew_threshold = 1"} {
		mustExec(t, sp, set)
	}
	if got := skewRowsText(mustExec(t, sp, q)); got != want || want == "" {
		t.Errorf("split on:\n%s\noff:\n%s", got, want)
	}
	if len(*plans) != 0 {
		t.Errorf("%d split queries ran", len(*plans))
	}
	if text := mustExec(t, sp, "EXPLAIN "+q).Text; !strings.Contains(text, "not split: ") || !strings.Contains(text, "compares under a collation") {
		t.Errorf("EXPLAIN does not say why the join is not split:\n%s", text)
	}
	assertNoSkewSparkTables(t, sp)
}
