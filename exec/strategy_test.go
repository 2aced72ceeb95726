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
// behind (there must be none). sent is the statements it sent to DuckDB.
func outcome(t *testing.T, strategy, setup, q string) (_ string, sent int64) {
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
	before := s.Counters().Statements
	res, err := run(q)
	sent = s.Counters().Statements - before
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
	return b.String(), sent
}

// TestKeyedStrategiesAgree runs keyed statements under every strategy
// (exec/merge.go, exec/recursive.go) and wants the same rows, statistics
// and errors from each: NULL keys, keys not unique in the step (in the
// state, and among new keys), a growing state over max_state_rows, a
// state of keys only, UNTIL conditions on delta and on previous (which
// the MERGE path leaves to the table path), a cast that fails, and a
// joining step. The recursive strategy must give the same, but for the
// statistics it does not keep inside a chunk of iterations (sameChunked);
// recursive says what it must have done, which the statements it sent
// tell.
func TestKeyedStrategiesAgree(t *testing.T) {
	const graph = `CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,3),(3,4),(5,6),(2,1),(3,2),(4,3),(6,5)) t(src, dst);
		CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges`
	// What the recursive strategy did.
	const (
		merge    = "merge"    // left the statement to the MERGE path (keyedStrategy): the same statements
		chunks   = "chunks"   // ran chunks of iterations: fewer statements
		fallback = "fallback" // a chunk failed, the MERGE path redid it: more statements
	)
	for _, tc := range []struct {
		name, setup, q string
		recursive      string
	}{
		{"null key", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (NULL, 0), (1, 0)) x(k, v)
			ITERATE SELECT k, v + 1 FROM t WHERE v < 3 UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, chunks},
		{"null key, keyed by two columns", "", `WITH ITERATE t(a, b, v) KEY (a, b) AS (SELECT * FROM (VALUES (NULL, NULL, 0), (1, NULL, 0), (NULL, 1, 0)) x(a, b, v)
			ITERATE SELECT a, b, v + 1 FROM delta.t WHERE v < 2 UNION ALL SELECT 7, NULL, 0 FROM delta.t WHERE a IS NULL AND b IS NULL AND v = 0
			UNTIL FIXPOINT) SELECT * FROM t ORDER BY a, b`, merge},
		{"null key, grouped", "", `WITH ITERATE t(a, b, v) KEY (a, b) AS (SELECT * FROM (VALUES (NULL, NULL, 0), (1, NULL, 0), (NULL, 1, 0)) x(a, b, v)
			ITERATE SELECT a, b, max(v) + 1 FROM (SELECT a, b, v FROM delta.t WHERE v < 2 UNION ALL SELECT 7, NULL, 0 FROM delta.t WHERE a IS NULL AND b IS NULL AND v = 0) GROUP BY a, b
			UNTIL FIXPOINT) SELECT * FROM t ORDER BY a, b`, chunks},
		{"duplicate key in the state", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 0)) x(k, v)
			ITERATE SELECT 1, v + 1 FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`, merge},
		{"duplicate new key", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 0)) x(k, v)
			ITERATE SELECT 9, v FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`, merge},
		{"duplicate key, unchanged row", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT * FROM (VALUES (1, 0), (2, 1)) x(k, v)
			ITERATE SELECT 1, v FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`, merge},
		{"max_state_rows", "SET max_state_rows = 5", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k + 1, v FROM delta.t UNTIL 20 ITERATIONS) SELECT count(*) FROM t`, merge},
		{"max_state_rows, grouped", "SET max_state_rows = 5", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, max(v) FROM (SELECT k + 1 AS k, v FROM delta.t) GROUP BY k UNTIL 20 ITERATIONS) SELECT count(*) FROM t`, chunks},
		{"max_state_rows, not reached", "SET max_state_rows = 50", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, max(v) FROM (SELECT k + 1 AS k, v FROM delta.t) GROUP BY k UNTIL 20 ITERATIONS) SELECT count(*) FROM t`, chunks},
		{"growing state", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k + 1, v FROM delta.t WHERE k < 6 UNION ALL SELECT k, v + 1 FROM delta.t WHERE k % 2 = 0 UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, merge},
		{"keys only", "", `WITH ITERATE t(k) KEY (k) AS (SELECT 1
			ITERATE SELECT k + 1 FROM delta.t WHERE k < 5 UNION ALL SELECT k FROM delta.t UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, merge},
		{"keys only, grouped", "", `WITH ITERATE t(k) KEY (k) AS (SELECT 1
			ITERATE SELECT k FROM (SELECT k + 1 AS k FROM delta.t WHERE k < 5 UNION ALL SELECT k FROM delta.t) GROUP BY k UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, chunks},
		// Iterations 3 and 6 change nothing, and the run goes on: the
		// step reads an empty delta.
		{"no change, then on", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, max(CASE WHEN EXISTS (SELECT 1 FROM delta.t) THEN least(v + 1, 2) ELSE v + 10 END) FROM t GROUP BY k UNTIL 8 ITERATIONS) SELECT * FROM t`, chunks},
		// A recursive query runs no step from an empty state; this step
		// makes a row from nothing.
		{"empty initial state", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 WHERE false
			ITERATE SELECT k, max(v) + 1 FROM (SELECT k, v FROM t UNION ALL SELECT 1, 0) GROUP BY k UNTIL 6 ITERATIONS) SELECT * FROM t`, chunks},
		// A key more an iteration: the state outgrows recursiveMaxRows
		// (2,000 rows) in the first chunk, and the rest is the MERGE
		// path's.
		{"growing past chunks", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(1996)
			ITERATE SELECT k, max(v) FROM (SELECT k + 1 AS k, v FROM delta.t WHERE k < 2010) GROUP BY k UNTIL FIXPOINT) SELECT count(*), max(k) FROM t`, chunks},
		{"until on delta", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(5)
			ITERATE SELECT k, v + 1 FROM t WHERE k >= v UNTIL (SELECT count(*) FROM delta.t) < 2) SELECT * FROM t ORDER BY k`, merge},
		{"until on previous", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(3)
			ITERATE SELECT k, v + 1 FROM t UNTIL (SELECT sum(v) FROM previous.t) >= 6) SELECT * FROM t ORDER BY k`, merge},
		{"cast fails", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, CASE WHEN v < 2 THEN CAST(v + 1 AS VARCHAR) ELSE 'x' END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`, fallback},
		{"step error", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, CASE WHEN v < 2 THEN v + 1 ELSE error('step fails at v = ' || v) END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`, fallback},
		{"runaway", "SET max_iterations = 6", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT k, v + 1 FROM t UNTIL FIXPOINT) SELECT * FROM t`, chunks},
		{"joining step", graph, ccKey, merge},
		{"joining step, no skew split", graph + "; SET skew_join = off", ccKey, chunks},
		{"explain analyze", graph + "; SET explain_timing = off; SET skew_join = off", "EXPLAIN ANALYZE " + ccKey, merge},
		// A string that looks like the engine's placeholder stays a string.
		{"placeholder text in a string", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, '' ITERATE SELECT k, '"__itersql_delta__"' FROM delta.t UNTIL FIXPOINT) SELECT * FROM t`, chunks},
		{"stop at iteration 0", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT k, v + 1 FROM t UNTIL 0 ITERATIONS) SELECT * FROM t`, merge},
		{"checkpoints", "SET checkpoint_every = 3; SET checkpoint_dir = '" + t.TempDir() + "'", `WITH ITERATE t(k, v) KEY (k) AS (SELECT range, 0 FROM range(4)
			ITERATE SELECT k, v + 1 FROM t WHERE v < k + 5 UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, chunks},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tables, _ := outcome(t, exec.KeyedTables, tc.setup, tc.q)
			onMerge, mergeSent := outcome(t, exec.KeyedMerge, tc.setup, tc.q)
			if onMerge != tables {
				t.Errorf("merge:\n%s\ntables:\n%s", onMerge, tables)
			}
			if !strings.HasSuffix(onMerge, "tables left: 0\n") {
				t.Errorf("a run left tables:\n%s", onMerge)
			}
			if replaced, _ := outcome(t, exec.KeyedReplace, tc.setup, tc.q); replaced != tables {
				t.Errorf("replace:\n%s\ntables:\n%s", replaced, tables)
			}
			recursive, sent := outcome(t, exec.KeyedRecursive, tc.setup, tc.q)
			err := sameChunked(recursive, onMerge)
			switch {
			case err != nil:
			case tc.recursive == merge && sent != mergeSent,
				tc.recursive == chunks && sent >= mergeSent,
				tc.recursive == fallback && sent <= mergeSent:
				err = fmt.Errorf("sent %d statements, the MERGE path %d: want %s", sent, mergeSent, tc.recursive)
			}
			if err != nil {
				t.Errorf("recursive: %v\n%s\nmerge:\n%s", err, recursive, onMerge)
			}
			t.Log("\n" + recursive)
		})
	}
}

// sameChunked compares the outcome of a recursive run with another
// strategy's: the same, but that an iteration inside a chunk of a keyed
// state has no rows or changed count (-1, -1; exec/recursive.go).
func sameChunked(recursive, other string) error {
	rl, ol := strings.SplitAfter(recursive, "\n"), strings.SplitAfter(other, "\n")
	if len(rl) != len(ol) {
		return fmt.Errorf("%d lines, want %d", len(rl), len(ol))
	}
	for i := range rl {
		if rl[i] == ol[i] {
			continue
		}
		var j, rows, changed int64
		if _, err := fmt.Sscanf(rl[i], "iteration %d: %d rows, %d changed", &j, &rows, &changed); err != nil || rows != -1 || changed != -1 || !strings.HasPrefix(ol[i], fmt.Sprintf("iteration %d: ", j)) {
			return fmt.Errorf("line %q, want %q", strings.TrimSpace(rl[i]), strings.TrimSpace(ol[i]))
		}
	}
	return nil
}

// TestResumeAcrossStrategies: a run's checkpoints, written on one
// strategy's path, resume on another's, with the rows and the
// statistics of a run that never stopped (sameChunked). The skew split is
// off, or it would keep the recursive strategy from these joining steps.
// A resume on the recursive strategy must send fewer statements than one
// on the MERGE path (or a table per iteration): it ran chunks.
func TestResumeAcrossStrategies(t *testing.T) {
	stats := func(res *exec.Result, from int) string {
		var b strings.Builder
		for _, st := range res.Stats {
			if st.Iteration > from {
				fmt.Fprintf(&b, "iteration %d: %d rows, %d changed\n", st.Iteration, st.Rows, st.Changed)
			}
		}
		return b.String()
	}
	for _, q := range []struct {
		name, sql  string
		strategies []string
	}{
		{"keyed", ccKey, []string{exec.KeyedTables, exec.KeyedMerge, exec.KeyedRecursive, exec.KeyedReplace}},
		{"plain", ccPlain, []string{exec.KeyedMerge, exec.KeyedRecursive}}, // merge: a table per iteration
	} {
		want := newEnv(t, "").must(q.sql)
		resume := func(t *testing.T, wrote, resumed string) (*exec.Result, int64) {
			e := newEnv(t, "")
			e.must("SET skew_join = off")
			e.s.KeyedStrategy = wrote
			e.crash(q.sql)
			e.s.KeyedStrategy = resumed
			e.must("SET resume = on")
			before := e.s.Counters().Statements
			res := e.must(q.sql)
			return res, e.s.Counters().Statements - before
		}
		for _, wrote := range q.strategies {
			for _, resumed := range q.strategies {
				if wrote == resumed {
					continue
				}
				t.Run(q.name+" "+wrote+" to "+resumed, func(t *testing.T) {
					res, sent := resume(t, wrote, resumed)
					if got := text(res); got != text(want) {
						t.Errorf("resumed result differs:\n%s\nwant\n%s", got, text(want))
					}
					if res.Stats[0].Iteration != 10 {
						t.Errorf("first stat %+v, want iteration 10 resumed", res.Stats[0])
					}
					if err := sameChunked(stats(res, 10), stats(want, 10)); err != nil {
						t.Errorf("iterations after the resume: %v\n%s\nwant\n%s", err, stats(res, 10), stats(want, 10))
					}
					if resumed == exec.KeyedRecursive {
						if _, merged := resume(t, wrote, exec.KeyedMerge); sent >= merged {
							t.Errorf("the resumed run sent %d statements, on the MERGE path %d: it ran no chunks", sent, merged)
						}
					}
				})
			}
		}
	}
}

// TestPlainStrategiesAgree runs plain statements on a table per iteration
// (the session's strategy merge) and in recursive chunks, and wants the
// same rows, statistics and errors; recursive says what the recursive
// strategy must have done, which the statements it sent tell.
func TestPlainStrategiesAgree(t *testing.T) {
	const (
		single   = "single"   // left every iteration to the plain path: the same statements
		chunks   = "chunks"   // ran chunks of iterations: fewer statements
		fallback = "fallback" // a chunk failed, the plain path redid it: more statements
	)
	const graph = `CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,3),(3,4),(5,6),(2,1),(3,2),(4,3),(6,5)) t(src, dst);
		CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges; SET skew_join = off`
	for _, tc := range []struct{ name, setup, q, recursive string }{
		{"counter", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 30 ITERATIONS) SELECT i FROM t`, chunks},
		{"fixpoint", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT least(i + 1, 12) FROM t UNTIL FIXPOINT) SELECT i FROM t`, chunks},
		// The state stops changing at 12, the n ITERATIONS stop comes first.
		{"fixpoint or iterations", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT least(i + 1, 12) FROM t UNTIL 9 ITERATIONS OR FIXPOINT) SELECT i FROM t`, chunks},
		// Two rows that converge at different iterations; rows swap
		// places, which leaves the multiset as it is.
		{"fixpoint, two rows", "", `WITH ITERATE t(i, k) AS (SELECT * FROM (VALUES (0, 1), (0, 2)) x(i, k) ITERATE SELECT least(i + k, 10), k FROM t ORDER BY random() UNTIL FIXPOINT) SELECT * FROM t ORDER BY k`, chunks},
		{"rows grow", "", `WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i FROM t UNION ALL SELECT i + 1 FROM t WHERE i < 6 UNTIL 10 ITERATIONS) SELECT i, count(*) FROM t GROUP BY i ORDER BY i`, chunks},
		// A row more an iteration: the state outgrows plainMaxRows
		// (10,000 rows) in the second chunk, and the rest is a table per
		// iteration.
		{"growing past chunks", "", `WITH ITERATE t(i) AS (SELECT range FROM range(9990) ITERATE SELECT i FROM t UNION ALL SELECT max(i) + 1 FROM t UNTIL 30 ITERATIONS) SELECT count(*), max(i) FROM t`, chunks},
		// Iteration 4 yields no rows: a recursive query ends there.
		{"empty state", "", `WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t WHERE i < 4 UNTIL 10 ITERATIONS) SELECT count(*) FROM t`, chunks},
		{"empty state, fixpoint", "", `WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t WHERE i < 4 UNTIL FIXPOINT) SELECT count(*) FROM t`, chunks},
		// From an empty state a recursive query runs no step; this one
		// makes rows from nothing.
		{"from nothing", "", `WITH ITERATE t(i) AS (SELECT 1 WHERE false ITERATE SELECT coalesce(max(i), 0) + 1 FROM t UNTIL 12 ITERATIONS) SELECT i FROM t`, chunks},
		{"max_state_rows", "SET max_state_rows = 40", `WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i FROM t UNION ALL SELECT i + 1 FROM t UNTIL 20 ITERATIONS) SELECT count(*) FROM t`, chunks},
		{"max_state_rows, not reached", "SET max_state_rows = 40", `WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t UNTIL 20 ITERATIONS) SELECT i FROM t`, chunks},
		{"cast fails", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT CASE WHEN i < 2 THEN CAST(i + 1 AS VARCHAR) ELSE 'x' END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`, fallback},
		{"step error", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT CASE WHEN i < 2 THEN i + 1 ELSE error('step fails at i = ' || i) END FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`, fallback},
		{"runaway", "SET max_iterations = 6", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT * FROM t`, chunks},
		{"until condition", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL (SELECT i >= 5 FROM t)) SELECT * FROM t`, single},
		{"joining step", graph, ccPlain, chunks},
		{"explain analyze", graph + "; SET explain_timing = off", "EXPLAIN ANALYZE " + ccPlain, single},
		{"stop at iteration 0", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 0 ITERATIONS) SELECT * FROM t`, single},
		{"checkpoints", "SET checkpoint_every = 3; SET checkpoint_dir = '" + t.TempDir() + "'", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT least(i + 1, 10) FROM t UNTIL FIXPOINT) SELECT i FROM t`, chunks},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tables, tablesSent := outcome(t, exec.KeyedMerge, tc.setup, tc.q)
			if !strings.HasSuffix(tables, "tables left: 0\n") {
				t.Errorf("a run left tables:\n%s", tables)
			}
			recursive, sent := outcome(t, exec.KeyedRecursive, tc.setup, tc.q)
			err := sameChunked(recursive, tables)
			switch {
			case err != nil:
			case tc.recursive == single && sent != tablesSent,
				tc.recursive == chunks && sent >= tablesSent,
				tc.recursive == fallback && sent <= tablesSent:
				err = fmt.Errorf("sent %d statements, a table per iteration %d: want %s", sent, tablesSent, tc.recursive)
			}
			if err != nil {
				t.Errorf("recursive: %v\n%s\na table per iteration:\n%s", err, recursive, tables)
			}
			t.Log("\n" + recursive)
		})
	}
}
