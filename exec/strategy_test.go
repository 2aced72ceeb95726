package exec_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// outcome is everything a statement shows of how it ran: its rows, the
// statistics of every iteration, or its error; and the run's tables left
// behind (there must be none).
func outcome(t *testing.T, strategy, setup, q string) string {
	t.Helper()
	s, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.KeyedStrategy = strategy
	ctx := context.Background()
	run := func(q string) (*exec.Result, error) {
		return s.Exec(ctx, q, sqlscan.Pos{Line: 1, Col: 1})
	}
	for _, st := range strings.Split(setup, ";") {
		if strings.TrimSpace(st) == "" {
			continue
		}
		if _, err := run(st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	var b strings.Builder
	res, err := run(q)
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	} else {
		fmt.Fprintf(&b, "columns %v %v\n", res.Columns, res.Types)
		for _, row := range res.Rows {
			fmt.Fprintln(&b, row...)
		}
		for _, st := range res.Stats {
			fmt.Fprintf(&b, "iteration %d: %d rows, %d changed\n", st.Iteration, st.Rows, st.Changed)
		}
	}
	left, err := run("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__itersql%'")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "tables left: %v\n", left.Rows[0][0])
	return b.String()
}

// TestKeyedStrategiesAgree runs keyed statements under both strategies
// (exec/merge.go) and wants the same rows, statistics and errors from
// each: NULL keys, keys not unique in the step (in the state, and among
// new keys), a growing state over max_state_rows, a state of keys only,
// UNTIL conditions on delta and on previous (which the MERGE path leaves
// to the table path), a cast that fails, and a joining step.
func TestKeyedStrategiesAgree(t *testing.T) {
	const graph = `CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,3),(3,4),(5,6),(2,1),(3,2),(4,3),(6,5)) t(src, dst);
		CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges`
	for _, tc := range []struct{ name, setup, q string }{
		{"null key", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (NULL, 0), (1, 0)) x(k, v)
			ITERATE SELECT k, v + 1 FROM t WHERE v < 3 UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`},
		{"null key, keyed by two columns", "", `WITH ITERATE t(a, b, v) KEY (a, b) AS (SELECT * FROM (VALUES (NULL, NULL, 0), (1, NULL, 0), (NULL, 1, 0)) x(a, b, v)
			ITERATE SELECT a, b, v + 1 FROM delta.t WHERE v < 2 UNION ALL SELECT 7, NULL, 0 FROM delta.t WHERE a IS NULL AND b IS NULL AND v = 0
			UNTIL FIXPOINT) SELECT * FROM t ORDER BY a, b`},
		{"duplicate key in the state", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 0)) x(k, v)
			ITERATE SELECT 1, v + 1 FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`},
		{"duplicate new key", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 0)) x(k, v)
			ITERATE SELECT 9, v FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`},
		{"duplicate key, unchanged row", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 1)) x(k, v)
			ITERATE SELECT 1, v FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`},
		{"max_state_rows", "SET max_state_rows = 5", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k + 1, v FROM delta.t UNTIL 20 ITERATIONS) SELECT count(*) FROM t`},
		{"growing state", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k + 1, v FROM delta.t WHERE k < 6 UNION ALL SELECT k, v + 1 FROM delta.t WHERE k % 2 = 0 UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`},
		{"keys only", "", `WITH ITERATE t(k) KEY (k) AS (SELECT 1
			ITERATE SELECT k + 1 FROM delta.t WHERE k < 5 UNION ALL SELECT k FROM delta.t UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`},
		{"until on delta", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(5)
			ITERATE SELECT k, v + 1 FROM t WHERE k >= v UNTIL (SELECT count(*) FROM delta.t) < 2) SELECT * FROM t ORDER BY k`},
		{"until on previous", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(3)
			ITERATE SELECT k, v + 1 FROM t UNTIL (SELECT sum(v) FROM previous.t) >= 6) SELECT * FROM t ORDER BY k`},
		{"cast fails", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, CASE WHEN v < 2 THEN CAST(v + 1 AS VARCHAR) ELSE 'x' END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`},
		{"step error", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, CASE WHEN v < 2 THEN v + 1 ELSE error('step fails at v = ' || v) END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`},
		{"runaway", "SET max_iterations = 4", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, v + 1 FROM t UNTIL FIXPOINT) SELECT * FROM t`},
		{"joining step", graph, ccKey},
		{"explain analyze", graph + "; SET explain_timing = off", "EXPLAIN ANALYZE " + ccKey},
		// A string that looks like the engine's placeholder stays a string.
		{"placeholder text in a string", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, '' ITERATE SELECT k, '"__itersql_delta__"' FROM delta.t UNTIL FIXPOINT) SELECT * FROM t`},
		{"stop at iteration 0", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT k, v + 1 FROM t UNTIL 0 ITERATIONS) SELECT * FROM t`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tables := outcome(t, exec.KeyedTables, tc.setup, tc.q)
			if !strings.HasSuffix(tables, "tables left: 0\n") {
				t.Errorf("a run left tables:\n%s", tables)
			}
			for _, other := range []string{exec.KeyedMerge, exec.KeyedReplace} {
				if got := outcome(t, other, tc.setup, tc.q); got != tables {
					t.Errorf("%s:\n%s\ntables:\n%s", other, got, tables)
				}
			}
			t.Log("\n" + tables)
		})
	}
}

// TestResumeAcrossStrategies: a keyed run's checkpoints, written on one
// strategy's path, resume on the other's, with the rows and the changed
// counts of a run that never stopped.
func TestResumeAcrossStrategies(t *testing.T) {
	ref := newEnv(t, "")
	want := ref.must(ccKey)
	changed := func(res *exec.Result, from int) string {
		var b strings.Builder
		for _, st := range res.Stats {
			if st.Iteration > from {
				fmt.Fprintf(&b, "%d:%d/%d ", st.Iteration, st.Rows, st.Changed)
			}
		}
		return b.String()
	}
	for _, tc := range []struct{ wrote, resumed string }{
		{exec.KeyedTables, exec.KeyedMerge},
		{exec.KeyedMerge, exec.KeyedTables},
		{exec.KeyedMerge, exec.KeyedReplace},
		{exec.KeyedReplace, exec.KeyedMerge},
	} {
		t.Run(tc.wrote+" to "+tc.resumed, func(t *testing.T) {
			e := newEnv(t, "")
			e.s.KeyedStrategy = tc.wrote
			e.crash(ccKey)
			e.s.KeyedStrategy = tc.resumed
			e.must("SET resume = on")
			res := e.must(ccKey)
			if got := text(res); got != text(want) {
				t.Errorf("resumed result differs:\n%s\nwant\n%s", got, text(want))
			}
			if res.Stats[0].Iteration != 10 {
				t.Errorf("first stat %+v, want iteration 10 resumed", res.Stats[0])
			}
			if got, want := changed(res, 10), changed(want, 10); got != want {
				t.Errorf("iterations after the resume (iteration:rows/changed):\n%s\nwant\n%s", got, want)
			}
		})
	}
}
