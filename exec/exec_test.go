package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/cc"
	"github.com/itersql/itersql/internal/sqlscan"
)

// open returns a fresh in-memory session with a small graph:
// two components {1,2,3,4} and {5,6}, edges both ways.
func open(t *testing.T) *Session {
	t.Helper()
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, q := range []string{
		`CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,3),(3,4),(5,6)) t(src,dst) UNION ALL SELECT * FROM (VALUES (2,1),(3,2),(4,3),(6,5)) t(src,dst)`,
		`CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges`,
	} {
		mustExec(t, s, q)
	}
	return s
}

func mustExec(t *testing.T, s *Session, q string) *Result {
	t.Helper()
	res, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		t.Fatalf("%s\n-> %v", q, err)
	}
	return res
}

func rowsText(res *Result) string {
	var b strings.Builder
	for _, r := range res.Rows {
		fmt.Fprintln(&b, r...)
	}
	return b.String()
}

const ccPlain = cc.Plain + "\nSELECT id, comp FROM cc ORDER BY id"

const ccKey = cc.Keyed + "\nSELECT id, comp FROM cc ORDER BY id"

func TestConnectedComponents(t *testing.T) {
	s := open(t)
	want := "1 1\n2 1\n3 1\n4 1\n5 5\n6 5\n"
	for _, q := range []string{ccPlain, ccKey} {
		res := mustExec(t, s, q)
		if got := rowsText(res); got != want {
			t.Errorf("%s\ngot\n%s", q, got)
		}
		if n := len(res.Stats); n < 3 {
			t.Errorf("only %d iterations", n)
		}
	}
	res := mustExec(t, s, `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__itersql%'`)
	if fmt.Sprint(res.Rows[0][0]) != "0" {
		t.Errorf("temp tables left: %v", res.Rows)
	}
}

// itersqlTables counts the run tables in the session's catalogs.
func itersqlTables(t *testing.T, s *Session) int64 {
	t.Helper()
	var n int64
	err := s.conn.QueryRowContext(context.Background(),
		`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '__itersql%'`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTablesDuringRun checks the memory promise: a plain run holds at most
// the current and previous state, a keyed run the state and one delta.
func TestTablesDuringRun(t *testing.T) {
	s := open(t)
	for _, tc := range []struct {
		q   string
		max int64
	}{{ccPlain, 1}, {ccKey, 2}} {
		var most int64
		s.Progress = func(string, IterStat, time.Duration) {
			if n := itersqlTables(t, s); n > most {
				most = n
			}
		}
		mustExec(t, s, tc.q)
		s.Progress = nil
		// Between iterations a plain run keeps only its state; a keyed run
		// its state and the delta the next step reads.
		if most == 0 || most > tc.max {
			t.Errorf("%d run tables alive between iterations, want 1..%d\n%s", most, tc.max, tc.q)
		}
		if n := itersqlTables(t, s); n != 0 {
			t.Errorf("%d run tables left after the run", n)
		}
	}
}

// TestCancel cancels a runaway loop: the error says so, no table is left,
// and the session still works. (Progress may come once a chunk of
// iterations, exec/recursive.go.)
func TestCancel(t *testing.T) {
	s := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	s.Progress = func(_ string, st IterStat, _ time.Duration) {
		if st.Iteration >= 3 {
			cancel()
		}
	}
	_, err := s.Exec(ctx, `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT i FROM t`, sqlscan.Pos{Line: 1, Col: 1})
	s.Progress = nil
	if err == nil || !strings.Contains(err.Error(), "cancel") {
		t.Fatalf("want a cancel error, got %v", err)
	}
	if n := itersqlTables(t, s); n != 0 {
		t.Errorf("%d run tables left after cancel", n)
	}
	if got := rowsText(mustExec(t, s, "SELECT 1")); got != "1\n" {
		t.Errorf("session unusable after cancel: %q", got)
	}
}

// TestErrorsLeaveNothing runs failing statements of every kind and checks
// that each left no table behind.
func TestErrorsLeaveNothing(t *testing.T) {
	s := open(t)
	s.Settings.MaxIterations = 20
	for _, q := range []string{
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT 'x' FROM t UNTIL 3 ITERATIONS) SELECT i FROM t`,
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT i FROM t`,
		`WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT 1, v + 1 FROM t UNION ALL SELECT 1, 9 UNTIL FIXPOINT) SELECT * FROM t`,
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT nope FROM t`,
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL (SELECT nope FROM t)) SELECT i FROM t`,
	} {
		if _, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1}); err == nil {
			t.Errorf("no error for %s", q)
		}
		if n := itersqlTables(t, s); n != 0 {
			t.Errorf("%d run tables left after %s", n, q)
		}
	}
}

// TestPlainFixpointNotFooled: a state that keeps its row count and its set
// of values but moves them between keys never reaches a fixpoint; the
// fingerprint must see the change, and the run hits max_iterations.
func TestPlainFixpointNotFooled(t *testing.T) {
	s := open(t)
	s.Settings.MaxIterations = 30
	q := `WITH ITERATE t(k, v) AS (
	    SELECT 1, 10 UNION ALL SELECT 2, 20 UNION ALL SELECT 3, 30
	  ITERATE
	    SELECT k % 3 + 1, v FROM t
	  UNTIL FIXPOINT
	) SELECT * FROM t`
	_, err := s.Exec(context.Background(), q, sqlscan.Pos{Line: 1, Col: 1})
	if err == nil || !strings.Contains(err.Error(), "max_iterations = 30") {
		t.Fatalf("a rotating state stopped: %v", err)
	}
	// A state that settles stops at the first iteration that changes nothing.
	res := mustExec(t, s, `WITH ITERATE t(k, v) AS (
	    SELECT 1, 0 UNION ALL SELECT 2, 0
	  ITERATE
	    SELECT k, LEAST(v + 1, 3) FROM t
	  UNTIL FIXPOINT
	) SELECT * FROM t ORDER BY k`)
	if got, n := rowsText(res), res.Stats[len(res.Stats)-1].Iteration; got != "1 3\n2 3\n" || n != 4 {
		t.Errorf("got %q after %d iterations, want 1 3 / 2 3 after 4", got, n)
	}
	if last := res.Stats[len(res.Stats)-1]; last.Changed != 0 {
		t.Errorf("last iteration changed %d, want 0", last.Changed)
	}
}

// TestNullKey: NULL is one key value, as in GROUP BY and DuckDB's USING
// KEY. A state with one NULL-keyed row keeps one through four steps (with
// "=" it was inserted again at each step), its updates land, and a resume
// from a checkpoint holding it does the same.
func TestNullKey(t *testing.T) {
	const q = `WITH ITERATE t(k, j, v) KEY (k, j) AS (
    SELECT CAST(NULL AS INTEGER), 1, 0 UNION ALL SELECT 1, NULL, 0 UNION ALL SELECT 2, 2, 0
  ITERATE
    SELECT k, j, v + 1 FROM delta.t
  UNTIL 4 ITERATIONS
) SELECT k, j, v FROM t ORDER BY k NULLS FIRST`
	const want = "<nil> 1 4\n1 <nil> 4\n2 2 4\n"
	s := open(t)
	res := mustExec(t, s, q)
	if got := rowsText(res); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	for _, st := range res.Stats[1:] {
		if st.Rows == -1 && st.Changed == -1 && st.Iteration < 4 {
			continue // inside a chunk of iterations: not kept (exec/recursive.go)
		}
		if st.Rows != 3 || st.Changed != 3 {
			t.Errorf("iteration %d: %d rows, %d changed; want 3, 3", st.Iteration, st.Rows, st.Changed)
		}
	}
	// Stopped by max_iterations after a checkpoint at 2, then resumed.
	mustExec(t, s, "SET checkpoint_dir = '"+t.TempDir()+"'")
	mustExec(t, s, "SET checkpoint_every = 2")
	mustExec(t, s, "SET max_iterations = 3")
	if _, err := s.Exec(t.Context(), q, sqlscan.Pos{Line: 1, Col: 1}); err == nil {
		t.Fatal("want the max_iterations error")
	}
	mustExec(t, s, "SET max_iterations = 10000")
	mustExec(t, s, "SET resume = on")
	res = mustExec(t, s, q)
	if got := rowsText(res); got != want {
		t.Errorf("resumed: got\n%swant\n%s", got, want)
	}
	if res.Stats[0].Iteration != 2 {
		t.Errorf("resumed at %d, want 2", res.Stats[0].Iteration)
	}
}

// TestNullKeyDuplicate: two NULL keys in a step are a duplicate key, as
// two equal non-NULL keys are.
func TestNullKeyDuplicate(t *testing.T) {
	s := open(t)
	_, err := s.Exec(t.Context(), `WITH ITERATE t(k, v) KEY (k) AS (
    SELECT CAST(NULL AS INTEGER), 0
  ITERATE
    SELECT CAST(NULL AS INTEGER), v + 1 FROM t UNION ALL SELECT NULL, 7
  UNTIL 2 ITERATIONS
) SELECT * FROM t`, sqlscan.Pos{Line: 1, Col: 1})
	if err == nil || !strings.Contains(err.Error(), "two rows with KEY (k)") {
		t.Errorf("want the duplicate key error, got %v", err)
	}
}
