package exec

import (
	"context"
	"fmt"
	"strings"
	"testing"

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

const ccPlain = `WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT id, comp FROM cc ORDER BY id`

const ccKey = `WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT id, comp FROM cc ORDER BY id`

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
