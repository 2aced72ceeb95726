package exec

import (
	"errors"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// FuzzParse feeds statements to the WITH ITERATE parser and the planner:
// any input may be an error, none may panic. Its seeds are in
// testdata/fuzz/FuzzParse, so plain go test runs them:
//
//	go test ./exec -run '^$' -fuzz FuzzParse -fuzztime 5m
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		st, err := parser.Parse(src, sqlscan.Pos{Line: 1, Col: 1})
		if err != nil {
			return
		}
		switch st := st.(type) {
		case *parser.Iterate:
			planner.Build(st)
		case *parser.Explain:
			planner.Build(st.Stmt)
		}
	})
}

// TestPanicKeepsSession: a statement that panics inside itersql fails as
// an internal error and the session and its data live on. The panic of
// issue 13 (an 80-digit decimal in a WITH ITERATE part, or in a plain
// SELECT under skew_join = on, reached TiDB's decimal code) is gone with
// that parser: those statements now run as DuckDB runs them.
func TestPanicKeepsSession(t *testing.T) {
	s := open(t)
	digits := strings.Repeat("9", 80) + ".5"
	q := "WITH ITERATE t(x) AS (SELECT " + digits + " ITERATE SELECT x + " + digits + " FROM t UNTIL 2 ITERATIONS) SELECT * FROM t"
	for _, q := range []string{q, "SET skew_join = on", "SELECT " + digits + " AS x FROM nodes a JOIN nodes b ON a.id = b.id"} {
		if _, err := s.Exec(t.Context(), q, sqlscan.Pos{Line: 1, Col: 1}); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	t.Setenv(PanicEnv, "SELECT 'boom'")
	_, err := s.Exec(t.Context(), "SELECT 'boom'", sqlscan.Pos{Line: 3, Col: 5})
	var ie *InternalError
	if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "3:5: internal error: forced by ") || len(ie.Stack) == 0 {
		t.Errorf("got %v", err)
	}
	if got := rowsText(mustExec(t, s, "SELECT count(*) FROM nodes")); got != "6\n" {
		t.Errorf("the session lost its data: %q", got)
	}
}
