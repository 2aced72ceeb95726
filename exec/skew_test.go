package exec

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
)

// hubGraph is a graph with hub vertices (1 and 2 have over a thousand
// neighbours), chains that form separate components and a few random
// edges, listed in both directions.
var hubGraph = []string{
	`CREATE TABLE edges AS
	 WITH e AS (
	   SELECT 1 AS src, i AS dst FROM range(10, 1500) t(i)
	   UNION ALL SELECT 2, i FROM range(1500, 2600) t(i)
	   UNION ALL SELECT i, i + 1 FROM range(3000, 3600) t(i) WHERE i % 10 <> 0
	   UNION ALL SELECT 3000 + hash(i) % 600, 3000 + hash(i * 7) % 600 FROM range(0, 30) t(i)
	   UNION ALL SELECT 5, 2
	 )
	 SELECT CAST(src AS BIGINT) AS src, CAST(dst AS BIGINT) AS dst FROM e
	 UNION SELECT dst, src FROM e`,
	`CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges`,
}

// seedTables is the field note's example: users (a) and their groups (b),
// where users 1, 2 and 3 have 2,000 groups each.
var seedTables = []string{
	`CREATE TABLE a AS SELECT i AS user_id, 'user ' || i AS name, 'city' || (hash(i) % 40) AS city,
	   'st' || (hash(i) % 5) AS state FROM range(1, 4001) t(i)`,
	`CREATE TABLE b AS SELECT CASE WHEN i < 6000 THEN 1 + i % 3 ELSE 1 + hash(i) % 4000 END AS user_id,
	   i AS group_id FROM range(0, 16000) t(i)`,
	`CREATE TABLE groups AS SELECT user_id, group_id FROM b`,
}

func exec1(t *testing.T, s *Session, q string) (*Result, error) {
	t.Helper()
	return s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
}

// forceSplit turns the split on with a low threshold, so it really
// happens on small test data.
func forceSplit(t *testing.T, s *Session) {
	for _, q := range []string{"SET skew_join = on", "SET skew_threshold = '100'", "SET partitions = 4", "SET skew_workers = 3"} {
		mustExec(t, s, q)
	}
}

const seedQuery = `SELECT a.city, count(*) AS group_count FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5`

// TestSkewDifferential runs each query with the split off and forced on:
// the results must be identical, and the split must really happen.
func TestSkewDifferential(t *testing.T) {
	queries := []struct{ name, q string }{
		{"pushed: cc plain", ccPlain},
		{"pushed: cc key", ccKey},
		{"pushed: seed", seedQuery},
		{"pushed: the field note's table named groups", `SELECT a.city, count(*) AS group_count FROM a JOIN groups ON a.user_id = groups.user_id
			GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5`},
		{"pushed: left join", `SELECT n.id, count(e.dst) AS deg, min(e.dst) FROM nodes n LEFT JOIN edges e ON e.src = n.id AND e.dst > 2000 GROUP BY n.id ORDER BY n.id`},
		{"pushed: left join, kept side broadcast", `SELECT e.src, count(*), count(n.id) FROM edges e LEFT JOIN nodes n ON n.id = e.dst AND n.id % 3 = 0 GROUP BY e.src ORDER BY 1`},
		{"pushed global aggregates", `SELECT count(*), sum(b.group_id), min(a.city), max(b.group_id), count(a.name) FROM a JOIN b ON a.user_id = b.user_id WHERE b.group_id % 3 = 0`},
		{"pushed outer aggregates", `SELECT a.state, count(b.group_id) AS n, sum(b.group_id), count(*) FROM a LEFT JOIN b ON b.user_id = a.user_id AND b.group_id > 100 GROUP BY a.state HAVING count(*) > 10 ORDER BY a.state`},
		{"kept side broadcast, grouped by an expression", `SELECT n.id % 5 AS g, count(n.id), min(e.src) FROM edges e RIGHT JOIN nodes n ON n.id = e.dst AND e.src % 2 = 0 GROUP BY n.id % 5 ORDER BY 1`},
		{"pushed: comma join", `SELECT a.city, count(*) FROM a, b WHERE b.user_id = a.user_id AND b.group_id % 2 = 0 GROUP BY a.city ORDER BY 2 DESC, 1`},
		{"right join", `SELECT b.user_id, count(*), count(a.city) FROM a RIGHT JOIN b ON a.user_id = b.user_id AND a.state <> 'st1' GROUP BY 1 ORDER BY 1`},
		{"pushed: using", `SELECT user_id, count(*) FROM a JOIN b USING (user_id) GROUP BY user_id ORDER BY 2 DESC, 1 LIMIT 7`},
		{"star of a side", `SELECT a.*, b.group_id FROM a JOIN b ON b.user_id = a.user_id WHERE b.group_id % 997 = 0 ORDER BY b.group_id`},
		{"pushed, a join above multiplies rows", `SELECT a.city, count(*), sum(b.group_id), count(c.group_id), max(c.group_id) FROM a JOIN b ON a.user_id = b.user_id JOIN b c ON c.user_id = a.user_id AND c.group_id % 50 = 0 GROUP BY a.city ORDER BY 1`},
		{"pushed, a LEFT join above, WHERE reads it", `SELECT n.id, count(*), count(x.id), min(x.id), sum(e.dst) FROM nodes n JOIN edges e ON e.src = n.id LEFT JOIN nodes x ON x.id = e.dst AND x.id % 4 = 0 WHERE x.id IS NULL OR e.dst % 3 <> 1 GROUP BY n.id ORDER BY n.id`},
		{"pushed: chain realigned on the GROUP BY key", realigned},
		{"pushed: a subquery above with a join of its own", upperSubquery},
		{"pushed: NULL keys on the kept side", `SELECT x.k, count(*), count(n.id) FROM (SELECT CASE WHEN src % 7 = 0 THEN NULL ELSE src END AS k FROM edges) x
			LEFT JOIN nodes n ON n.id = x.k GROUP BY x.k ORDER BY x.k`},
		{"pushed: text keys", `SELECT a.city, count(*), min(c.user_id) FROM a JOIN (SELECT city, user_id FROM a WHERE user_id % 3 = 0) c ON c.city = a.city GROUP BY a.city ORDER BY a.city`},
		{"pushed: INTEGER against BIGINT keys", `SELECT count(*), sum(b.group_id) FROM (SELECT CAST(user_id AS INTEGER) AS uid FROM a) i JOIN b ON b.user_id = i.uid`},
		{"pushed: realigned, with OR and constant conditions", `SELECT x.id, count(*), min(n.id) FROM main.nodes n JOIN edges e ON (e.src = n.id OR e.dst = n.id) AND 1 = 1
			JOIN nodes x ON x.id = e.dst AND e.src < 3100 GROUP BY x.id ORDER BY x.id`},
		{"pushed: two splits of one input", `SELECT x.c, y.c FROM (SELECT count(*) AS c FROM nodes n JOIN edges e ON e.src = n.id) x,
			(SELECT count(*) AS c, max(e.src) AS m FROM nodes n JOIN edges e ON e.src = n.id WHERE e.dst > 5) y`},
		{"not pushed, grouped by a table above", `SELECT e.src, x.id, count(*) FROM edges e JOIN nodes n ON n.id = e.src JOIN nodes x ON x.id = e.dst GROUP BY e.src, x.id ORDER BY 1, 2 LIMIT 50`},
		{"pushed: iterate over a join", `WITH ITERATE deg(id, d) AS (
			SELECT id, 0 FROM nodes
		  ITERATE
			SELECT n.id, count(e.dst) + max(s.d) FROM nodes n JOIN edges e ON e.src = n.id JOIN deg s ON s.id = n.id GROUP BY n.id
		  UNTIL 2 ITERATIONS)
		SELECT sum(d), count(*) FROM deg`},
	}
	s := open(t)
	for _, q := range append(append([]string{"DROP TABLE edges", "DROP TABLE nodes"}, hubGraph...), seedTables...) {
		mustExec(t, s, q)
	}
	for _, tc := range queries {
		mustExec(t, s, "SET skew_join = off")
		want := mustExec(t, s, tc.q)
		forceSplit(t, s)
		got := mustExec(t, s, tc.q)
		if rowsText(got) != rowsText(want) || strings.Join(got.Columns, ",") != strings.Join(want.Columns, ",") {
			t.Errorf("%s: split result differs\nwant %v\n%s\ngot %v\n%s", tc.name, want.Columns, rowsText(want), got.Columns, rowsText(got))
		}
		if len(want.Rows) == 0 {
			t.Errorf("%s: no rows", tc.name)
		}
		// Aggregation is pushed into the tasks where the name says so.
		if ex := mustExec(t, s, "EXPLAIN "+tc.q); strings.HasPrefix(tc.name, "pushed") != strings.Contains(ex.Text+rowsText(ex), `AS "__agg1"`) {
			t.Errorf("%s: pushed aggregation is %v in EXPLAIN:\n%s", tc.name, !strings.HasPrefix(tc.name, "pushed"), ex.Text)
		}
		// The split really ran: EXPLAIN ANALYZE / the iteration notes say so.
		if strings.HasPrefix(tc.q, "WITH ITERATE") {
			res := mustExec(t, s, "EXPLAIN ANALYZE "+tc.q)
			if !strings.Contains(rowsText(res), "skew ") {
				t.Errorf("%s: no split in EXPLAIN ANALYZE:\n%s", tc.name, rowsText(res))
			}
		} else {
			res := mustExec(t, s, "EXPLAIN ANALYZE "+tc.q)
			if !strings.Contains(res.Text, "analyze: skew") {
				t.Errorf("%s: no split in EXPLAIN ANALYZE:\n%s", tc.name, res.Text)
			}
		}
	}
	// The chain is split on the pair of its GROUP BY key, x.id = e.dst.
	if ex := mustExec(t, s, "EXPLAIN "+realigned); !strings.Contains(ex.Text, `split 1: "edges" AS "e" JOIN "nodes" AS "x" ON (x.id = e.dst)`) {
		t.Errorf("the chain is not split on its GROUP BY key:\n%s", ex.Text)
	}
	// The subquery above the pair runs whole in each task: its own join is
	// not split a second time.
	if ex := mustExec(t, s, "EXPLAIN "+upperSubquery); strings.Contains(ex.Text, "split 2") || !strings.Contains(ex.Text, "split 1") {
		t.Errorf("want one split:\n%s", ex.Text)
	}
	res := mustExec(t, s, `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__itersql%'`)
	if fmt.Sprint(res.Rows[0][0]) != "0" {
		t.Errorf("tables left: %v", res.Rows)
	}
}

// upperSubquery joins a subquery with a join of its own above the pair.
const upperSubquery = `SELECT n.id, count(*), max(x.c) FROM nodes n JOIN edges e ON e.src = n.id
JOIN (SELECT a.src AS id, count(*) AS c FROM edges a JOIN edges b ON a.dst = b.src GROUP BY a.src) x ON x.id = n.id
GROUP BY n.id ORDER BY n.id`

// realigned joins three tables grouped by the key of the second join,
// with a condition that reads all three.
const realigned = `SELECT x.id, count(*), sum(e.src), min(n.id) FROM nodes n JOIN edges e ON e.src = n.id
JOIN nodes x ON x.id = e.dst AND x.id + n.id > 3010 GROUP BY x.id ORDER BY x.id`

// TestSkewDetectionCache checks that detection cached from one statement
// to the next is dropped by a statement that writes: new heavy keys show.
func TestSkewDetectionCache(t *testing.T) {
	s := open(t)
	for _, q := range seedTables {
		mustExec(t, s, q)
	}
	mustExec(t, s, "SET skew_join = on")
	mustExec(t, s, "SET target_task_rows = 2000")
	if res := mustExec(t, s, "EXPLAIN "+seedQuery); !strings.Contains(res.Text, "heavy keys (3)") {
		t.Fatalf("EXPLAIN lacks the 3 heavy keys:\n%s", res.Text)
	}
	// A write behind the session's back is not seen: the cache is used.
	if _, err := s.exec(context.Background(), "INSERT INTO b SELECT 8, i FROM range(0, 2500) t(i)"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, "SELECT count(*) FROM b") // reads only: the cache stays
	if res := mustExec(t, s, "EXPLAIN "+seedQuery); !strings.Contains(res.Text, "heavy keys (3)") {
		t.Errorf("the second EXPLAIN measured b again:\n%s", res.Text)
	}
	mustExec(t, s, "INSERT INTO b SELECT 7, i FROM range(0, 3000) t(i)")
	res := mustExec(t, s, "EXPLAIN "+seedQuery)
	if !strings.Contains(res.Text, "heavy keys (5): 7 (3000 rows in b); 8 (25") {
		t.Errorf("after an INSERT, EXPLAIN does not see the new heavy key:\n%s", res.Text)
	}
	for _, tc := range []struct {
		q  string
		ro bool
	}{
		{"SELECT 1", true}, {"EXPLAIN SELECT 1", true}, {"EXPLAIN ANALYZE SELECT 1", true}, {"(SELECT 1)", true},
		{"SET skew_join = on", true}, {"SET threads = 2", false}, {"INSERT INTO b VALUES (1, 2)", false},
		{"EXPLAIN ANALYZE DELETE FROM b", false}, {"USE memory", false}, {"WITH x AS (SELECT 1) SELECT * FROM x", false},
	} {
		st, err := parser.Parse(tc.q, sqlscan.Pos{Line: 1, Col: 1})
		if err != nil {
			t.Fatal(err)
		}
		if readOnly(st) != tc.ro {
			t.Errorf("readOnly(%q) = %v, want %v", tc.q, !tc.ro, tc.ro)
		}
	}
}

// TestSkewExplain checks that EXPLAIN names the heavy keys and shows both
// paths, for a plain SELECT and for WITH ITERATE.
func TestSkewExplain(t *testing.T) {
	s := open(t)
	for _, q := range append([]string{"DROP TABLE edges", "DROP TABLE nodes"}, hubGraph...) {
		mustExec(t, s, q)
	}
	for _, q := range seedTables {
		mustExec(t, s, q)
	}
	mustExec(t, s, "SET skew_join = on")
	// Small tasks, so that under auto the hubs of these small tables would
	// make a task straggle (with 1M-row tasks nothing here is heavy).
	mustExec(t, s, "SET target_task_rows = 2000")
	res := mustExec(t, s, "EXPLAIN "+seedQuery)
	for _, want := range []string{"heavy keys (3): 2 (2003 rows in b); 3 (2001 rows in b); 1 (2000 rows in b)", "broadcast path", "shuffle path", "threshold 1000", `__j1.a__city`} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("EXPLAIN lacks %q:\n%s", want, res.Text)
		}
	}
	res = mustExec(t, s, "EXPLAIN "+ccKey)
	for _, want := range []string{"skew split of the step", "key unique (the state's KEY)", "shuffle path"} {
		if !strings.Contains(res.Text, want) {
			t.Errorf("EXPLAIN lacks %q:\n%s", want, res.Text)
		}
	}
	// Under auto, a join without heavy keys in its base inputs is not shown.
	mustExec(t, s, "SET skew_join = auto")
	if res = mustExec(t, s, "EXPLAIN "+ccKey); !strings.Contains(res.Text, "heavy keys (2): 1 (1490 rows in e); 2 (1101 rows in e)") {
		t.Errorf("auto EXPLAIN does not show the hubs:\n%s", res.Text)
	}
	small := open(t)
	if res = mustExec(t, small, "EXPLAIN "+ccKey); strings.Contains(res.Text, "skew split") {
		t.Errorf("auto EXPLAIN shows a split without heavy keys:\n%s", res.Text)
	}
}

// TestSkewDeclines: joins the rewrite cannot follow run unsplit, with the
// reason in EXPLAIN.
func TestSkewDeclines(t *testing.T) {
	s := open(t)
	mustExec(t, s, "SET skew_join = on")
	mustExec(t, s, "CREATE TEMP TABLE private AS SELECT 1 AS id")
	for q, reason := range map[string]string{
		"SELECT * FROM edges a JOIN edges b ON a.dst = b.src":         "SELECT *",
		"SELECT a.src FROM edges a JOIN private p ON p.id = a.src":    "cannot read input p",
		"SELECT a.src FROM edges a, edges b WHERE a.dst < b.src":      "no ON or USING",
		"SELECT a.src FROM edges a JOIN edges b ON a.dst = b.src + 1": "no equality",
	} {
		res := mustExec(t, s, "EXPLAIN "+q)
		if !strings.Contains(res.Text, reason) && !strings.Contains(rowsText(res), reason) {
			t.Errorf("%s: EXPLAIN does not say %q:\n%s%s", q, reason, res.Text, rowsText(res))
		}
		// ... and the query still runs, unsplit.
		if _, err := exec1(t, s, q); err != nil && !strings.Contains(err.Error(), "ambiguous") {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// TestSkewPartitionsFollowTheState checks partitions = auto: the shuffle
// tasks follow the rows of the state each iteration, more as it grows
// (diverging data) and fewer as it shrinks (converging data).
func TestSkewPartitionsFollowTheState(t *testing.T) {
	s := open(t)
	for _, q := range []string{
		"CREATE TABLE two AS SELECT 0 AS k, b FROM range(0, 2) t(b)",
		"CREATE TABLE one AS SELECT 0 AS k",
		"CREATE TABLE r AS SELECT range AS i FROM range(0, 1024)",
		"SET skew_join = on", "SET skew_threshold = 1000000", "SET target_task_rows = 64", "SET partitions = auto",
	} {
		mustExec(t, s, q)
	}
	tasks := func(q string) []int {
		var out []int
		for _, m := range regexp.MustCompile(`tasks (\d+) \(0 broadcast\)`).FindAllStringSubmatch(rowsText(mustExec(t, s, "EXPLAIN ANALYZE "+q)), -1) {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
		return out
	}
	// The state doubles each iteration: 1, 2, 4, ... 512 rows.
	grow := tasks(`WITH ITERATE g(id, z) AS (SELECT 0, 0 ITERATE
		SELECT g.id * 2 + t.b, t.k FROM g JOIN two t ON t.k = g.z UNTIL 9 ITERATIONS) SELECT count(*) FROM g`)
	// The state halves each iteration: 1024, 512, ... 2 rows.
	shrink := tasks(`WITH ITERATE h(id, z) AS (SELECT i, 0 FROM r ITERATE
		SELECT DISTINCT h.id // 2, o.k FROM h JOIN one o ON o.k = h.z UNTIL 9 ITERATIONS) SELECT count(*) FROM h`)
	sorted := func(v []int, less func(a, b int) bool) bool {
		for i := 1; i < len(v); i++ {
			if less(v[i], v[i-1]) {
				return false
			}
		}
		return len(v) == 9 && less(v[0], v[len(v)-1])
	}
	t.Logf("tasks growing %v, shrinking %v", grow, shrink)
	if !sorted(grow, func(a, b int) bool { return a < b }) {
		t.Errorf("tasks of a growing state: %v, want 9 executions rising", grow)
	}
	if !sorted(shrink, func(a, b int) bool { return a > b }) {
		t.Errorf("tasks of a shrinking state: %v, want 9 executions falling", shrink)
	}
}

// TestSkewCancelAndErrorsLeaveNothing cancels a run whose step is split,
// and fails a task (a cast error inside one shuffle task's rows): each
// statement ends with its error, leaves no table in either catalog, and
// the session still works.
func TestSkewCancelAndErrorsLeaveNothing(t *testing.T) {
	s := open(t)
	for _, q := range append([]string{"DROP TABLE edges", "DROP TABLE nodes"}, hubGraph...) {
		mustExec(t, s, q)
	}
	forceSplit(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Progress = func(_ string, st IterStat, _ time.Duration) {
		if st.Iteration == 3 {
			cancel()
		}
	}
	_, err := s.Exec(ctx, `WITH ITERATE t(id, v) AS (SELECT id, 0 FROM nodes ITERATE
		SELECT n.id, count(e.dst) + max(t.v) FROM nodes n JOIN edges e ON e.src = n.id JOIN t ON t.id = n.id GROUP BY n.id
		UNTIL 1000000 ITERATIONS) SELECT count(*) FROM t`, sqlscan.Pos{Line: 1, Col: 1})
	s.Progress = nil
	if err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Fatalf("want a cancel error, got %v", err)
	}
	if n := itersqlTables(t, s); n != 0 {
		t.Errorf("%d tables left after a cancel", n)
	}
	for _, q := range []string{
		// Only the rows of one non-heavy key fail: one shuffle task.
		`SELECT n.id, sum(CASE WHEN e.dst = 3105 THEN CAST('boom' AS INTEGER) ELSE 1 END) FROM nodes n JOIN edges e ON e.src = n.id GROUP BY n.id`,
		`WITH ITERATE t(id, v) AS (SELECT id, 0 FROM nodes ITERATE
			SELECT n.id, max(CASE WHEN e.dst = 3105 AND t.v > 0 THEN CAST('boom' AS INTEGER) ELSE 1 END) + max(t.v)
			FROM nodes n JOIN edges e ON e.src = n.id JOIN t ON t.id = n.id GROUP BY n.id UNTIL 5 ITERATIONS) SELECT count(*) FROM t`,
	} {
		_, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
		if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "skew shuffle task") {
			t.Errorf("want the task's cast error, got %v", err)
		}
		if n := itersqlTables(t, s); n != 0 {
			t.Errorf("%d tables left after %v", n, err)
		}
	}
	if got := rowsText(mustExec(t, s, "SELECT 1")); got != "1\n" {
		t.Errorf("session unusable: %q", got)
	}
}

// TestSkewCollation: a key compared under a collation that is not binary
// (a column's COLLATE NOCASE or NFC, or SET default_collation) would hash
// equal keys to different tasks, which then miss each other's rows. Such
// a join is not split: EXPLAIN says why, and the split session finds every
// match the unsplit one does.
func TestSkewCollation(t *testing.T) {
	cases := []struct{ name, setup, q string }{
		{"column COLLATE NOCASE", `CREATE TABLE l (k VARCHAR COLLATE NOCASE, v BIGINT);
			INSERT INTO l SELECT 'user' || i, i FROM range(0, 250) t(i);
			CREATE TABLE r AS SELECT upper('user' || i) AS k, i AS w FROM range(0, 250) t(i)`,
			`SELECT count(r.w), sum(r.w) FROM l JOIN r ON l.k = r.k`},
		{"column COLLATE NFC", `CREATE TABLE l (k VARCHAR COLLATE NFC, v BIGINT);
			INSERT INTO l SELECT 'caf' || chr(233) || i, i FROM range(0, 250) t(i);
			CREATE TABLE r AS SELECT 'cafe' || chr(769) || i AS k, i AS w FROM range(0, 250) t(i)`,
			`SELECT count(r.w), sum(r.w) FROM r JOIN l ON l.k = r.k`},
		{"SET default_collation", `SET default_collation = 'nocase';
			CREATE TABLE l AS SELECT 'user' || i AS k, i AS v FROM range(0, 250) t(i);
			CREATE TABLE r AS SELECT upper('user' || i) AS k, i AS w FROM range(0, 250) t(i)`,
			`SELECT count(r.w), sum(r.w) FROM l LEFT JOIN r ON l.k = r.k`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := open(t)
			for _, q := range strings.Split(c.setup, ";") {
				mustExec(t, s, q)
			}
			mustExec(t, s, "SET skew_join = off")
			want := mustExec(t, s, c.q)
			forceSplit(t, s)
			got := mustExec(t, s, c.q)
			if rowsText(got) != rowsText(want) {
				t.Errorf("split result differs\nwant\n%s\ngot\n%s", rowsText(want), rowsText(got))
			}
			if !strings.HasPrefix(rowsText(want), "250 ") {
				t.Errorf("the unsplit query does not find the 250 matches:\n%s", rowsText(want))
			}
			if ex := mustExec(t, s, "EXPLAIN "+c.q); !strings.Contains(ex.Text, "not split") || !strings.Contains(ex.Text, "collation that is not binary") {
				t.Errorf("EXPLAIN does not say the collation stops the split:\n%s", ex.Text)
			}
		})
	}
	// A plain binary text key still splits.
	s := open(t)
	mustExec(t, s, "CREATE TABLE l AS SELECT 'user' || i AS k FROM range(0, 250) t(i)")
	forceSplit(t, s)
	if ex := mustExec(t, s, "EXPLAIN SELECT count(*) FROM l a JOIN l b ON a.k = b.k"); !strings.Contains(ex.Text, "split 1") {
		t.Errorf("a binary text key is not split:\n%s", ex.Text)
	}
}
