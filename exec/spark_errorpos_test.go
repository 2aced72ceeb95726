package exec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// TestSparkErrorPositions: Spark's errors point into the Spark SQL it
// ran, which itersql printed; they must reach the user at the same
// line:col as DuckDB's errors of the same statement (the bad token), not
// at the start of the statement or the part.
func TestSparkErrorPositions(t *testing.T) {
	sp := sparkSession(t)
	duck, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	table := "CREATE OR REPLACE TABLE itersql_pos_t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)"
	for _, s := range []*exec.Session{sp, duck} {
		if _, err := run(t, s, table); err != nil {
			t.Fatal(err)
		}
	}
	posOf := func(s *exec.Session, q string) (sqlscan.Pos, string) {
		t.Helper()
		_, err := run(t, s, q)
		var pe *sqlscan.Error
		if !errors.As(err, &pe) {
			t.Fatalf("%s\n-> %v, want a positioned error", q, err)
		}
		return pe.Pos, pe.Msg
	}
	for _, q := range []string{
		// Statements that are not WITH ITERATE, translated and not.
		"SELECT id,\n  upper(nosuch) AS u FROM itersql_pos_t",
		"SELECT id FROM itersql_pos_t\nWHERE name = 'a' AND id > nope",
		"CREATE TABLE itersql_pos_u AS\n  SELECT id, missing FROM itersql_pos_t",
		// Each part of a WITH ITERATE, before iteration 1.
		"WITH ITERATE t(i) AS (\n  SELECT id FROM itersql_pos_t\nITERATE\n  SELECT i + 1 FROM t WHERE j < 3\nUNTIL FIXPOINT)\nSELECT * FROM t",
		"WITH ITERATE t(i) AS (\n  SELECT idd FROM itersql_pos_t\nITERATE\n  SELECT i + 1 FROM t\nUNTIL 2 ITERATIONS)\nSELECT * FROM t",
		"WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t UNTIL (SELECT max(k) > 3 FROM t))\nSELECT * FROM t",
		"WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS)\nSELECT i, nope FROM t",
		"CREATE TABLE itersql_pos_v AS WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS)\nSELECT i FROM t JOIN nosuch_table ON true",
		"WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT d.i + 1 FROM delta.t AS d JOIN itersql_pos_t AS p ON p.idd = d.i UNTIL 2 ITERATIONS)\nSELECT * FROM t",
	} {
		want, dmsg := posOf(duck, q)
		got, smsg := posOf(sp, q)
		if got != want {
			t.Errorf("%s\n-> on Spark at %v (%s), on DuckDB at %v (%s)", q, got, smsg, want, dmsg)
		}
	}
	// A runtime error, at iteration 2: DuckDB gives no place for it;
	// Spark's is the CAST.
	q := "WITH ITERATE t(i, s) AS (SELECT 1, '1' ITERATE\n  SELECT i + 1, CAST(CASE WHEN i = 2 THEN 'x' ELSE s END AS INT)::VARCHAR FROM t\nUNTIL 3 ITERATIONS) SELECT * FROM t"
	got, msg := posOf(sp, q)
	if want := (sqlscan.Pos{Line: 2, Col: 17}); got != want || !strings.Contains(msg, "iteration 2") {
		t.Errorf("runtime error at %v (%s), want %v at iteration 2", got, msg, want)
	}
	for _, s := range []*exec.Session{sp, duck} {
		if _, err := run(t, s, "DROP TABLE IF EXISTS itersql_pos_t"); err != nil {
			t.Error(err)
		}
	}
}
