package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/sqlscan"
)

var start = sqlscan.Pos{Line: 1, Col: 1}

func TestParseIterate(t *testing.T) {
	src := `WITH ITERATE cc(id, comp) KEY (id) AS (
  SELECT id, id FROM nodes
ITERATE
  SELECT e.dst, MIN(d.comp) FROM delta.cc d JOIN edges e ON e.src = d.id GROUP BY e.dst
UNTIL FIXPOINT OR 10 ITERATIONS OR (SELECT COUNT(*) FROM delta.cc) < 5 OR NOT EXISTS (SELECT 1 FROM cc)
)
SELECT * FROM cc`
	st, err := Parse(src, start)
	if err != nil {
		t.Fatal(err)
	}
	it := st.(*Iterate)
	if it.Name != "cc" || strings.Join(it.Columns, ",") != "id,comp" || strings.Join(it.Key, ",") != "id" {
		t.Errorf("frame: %q %q %q", it.Name, it.Columns, it.Key)
	}
	if it.Initial.Text != "SELECT id, id FROM nodes" || it.Initial.Pos != (sqlscan.Pos{Line: 2, Col: 3}) {
		t.Errorf("initial %q at %v", it.Initial.Text, it.Initial.Pos)
	}
	if it.Step.Pos != (sqlscan.Pos{Line: 4, Col: 3}) || it.Final.Pos != (sqlscan.Pos{Line: 7, Col: 1}) {
		t.Errorf("step at %v, final at %v", it.Step.Pos, it.Final.Pos)
	}
	kinds := []StopKind{Fixpoint, Iterations, Condition, Condition}
	if len(it.Stops) != len(kinds) {
		t.Fatalf("%d stops, want %d", len(it.Stops), len(kinds))
	}
	for i, k := range kinds {
		if it.Stops[i].Kind != k {
			t.Errorf("stop %d: kind %v, want %v", i, it.Stops[i].Kind, k)
		}
	}
	if it.Stops[1].N != 10 || it.Stops[2].Cond.Pos != (sqlscan.Pos{Line: 5, Col: 36}) {
		t.Errorf("stops: %+v", it.Stops)
	}
}

func TestParseOther(t *testing.T) {
	for src, want := range map[string]string{
		"SELECT 1":               "*parser.Passthrough",
		"SET max_iterations = 5": "*parser.Set",
		"SET threads TO 2":       "*parser.Set",
		"EXPLAIN SELECT 1":       "*parser.Passthrough",
		"WITH iterate AS (SELECT 1) SELECT * FROM iterate":                                                             "*parser.Passthrough",
		"WITH iterate(x) AS (SELECT 1) SELECT * FROM iterate":                                                          "*parser.Passthrough",
		"CREATE TABLE t AS WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t":     "*parser.Iterate",
		"EXPLAIN INSERT INTO t WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t": "*parser.Explain",
		"with recursive t(n) as (select 1) select * from t":                                                            "*parser.Passthrough",
		"EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t":       "*parser.Explain",
	} {
		st, err := Parse(src, start)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := typeName(st); got != want {
			t.Errorf("%s: %s, want %s", src, got, want)
		}
	}
	st, _ := Parse("SET max_state_rows = '10'", start)
	if s := st.(*Set); s.Name != "max_state_rows" || s.Value != "10" {
		t.Errorf("set: %+v", s)
	}
}

func typeName(st Statement) string {
	switch st.(type) {
	case *Passthrough:
		return "*parser.Passthrough"
	case *Set:
		return "*parser.Set"
	case *Explain:
		return "*parser.Explain"
	case *Iterate:
		return "*parser.Iterate"
	}
	return "?"
}

// TestErrorPositions checks that errors point at the user's line:col:
// DuckDB's parser's offsets are mapped back into the statement.
func TestErrorPositions(t *testing.T) {
	for _, tc := range []struct{ src, pos, msg string }{
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM WHERE UNTIL FIXPOINT) SELECT 1", "1:51", "syntax error in the step: at or near \"WHERE\""},
		{"WITH ITERATE t AS (SELECT 0 ITERATE\n  SELECT rank, i + FROM t UNTIL FIXPOINT) SELECT 1", "2:20", "near \"FROM\""},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL 20 ITERATION) SELECT 1", "1:62", "expected ITERATIONS after 20"},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL (SELECT 1) x) SELECT 1", "1:70", "one boolean expression"},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL i FROM t) SELECT 1", "1:61", "one boolean expression"},
		{"CREATE VIEW v AS WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT 1", "1:8", "use CREATE TABLE"},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT)", "1:68", "expected a final query"},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL (SELECT i FROM t WHERE) OR FIXPOINT) SELECT 1", "1:81", "UNTIL condition: at or near \")\""},
		{"WITH ITERATE t AS (SELECT 'a", "1:27", "unterminated string"},
		{"WITH ITERATE t AS SELECT 1", "1:19", "expected ( after AS"},
		{"WITH ITERATE t(a,) AS (SELECT 1 ITERATE SELECT 1 UNTIL FIXPOINT) SELECT 1", "1:18", "expected column name"},
		{"WITH ITERATE t AS (SELECT 0 ITERATE SELECT i FROM t UNTIL 2.5 ITERATIONS) SELECT 1", "1:59", "whole number"},
	} {
		_, err := Parse(tc.src, start)
		if err == nil {
			t.Errorf("no error for %s", tc.src)
			continue
		}
		e, ok := err.(*sqlscan.Error)
		if !ok {
			t.Errorf("%s: not positioned: %v", tc.src, err)
			continue
		}
		if e.Pos.String() != tc.pos || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s:\n got %v: %s\nwant %s: ...%s...", tc.src, e.Pos, e.Msg, tc.pos, tc.msg)
		}
	}
}

// TestOuter checks the statement read around a WITH ITERATE: the final
// query ends at the first ')' it did not open.
// TestExplainPlotFile: EXPLAIN ANALYZE ... TO 'file.svg' names the chart's
// file, which is not part of the statement; a COPY keeps its own TO.
func TestExplainPlotFile(t *testing.T) {
	src := "EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS)\nSELECT i FROM t TO 'it''s.svg'"
	st, err := Parse(src, start)
	if err != nil {
		t.Fatal(err)
	}
	ex := st.(*Explain)
	if ex.Plot != "it's.svg" || ex.PlotPos != (sqlscan.Pos{Line: 2, Col: 20}) || ex.Stmt.Final.Text != "SELECT i FROM t" {
		t.Errorf("plot %q at %v, final %q", ex.Plot, ex.PlotPos, ex.Stmt.Final.Text)
	}
	st, err = Parse("EXPLAIN ANALYZE COPY (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t) TO 'x.csv'", start)
	if err != nil {
		t.Fatal(err)
	}
	if ex := st.(*Explain); ex.Plot != "" || ex.Stmt.Outer.After != ") TO 'x.csv'" {
		t.Errorf("COPY: plot %q, after %q", ex.Plot, ex.Stmt.Outer.After)
	}
	pdf := "EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t TO 'chart.pdf'"
	_, err = Parse(pdf, start)
	var pe *sqlscan.Error
	if !errors.As(err, &pe) || pe.Pos.Col != strings.Index(pdf, "'chart")+1 || !strings.Contains(pe.Msg, ".svg or .png") {
		t.Errorf("a .pdf: %v", err)
	}
}

func TestOuter(t *testing.T) {
	for src, want := range map[string][3]string{
		"COPY (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT (i) FROM t) TO 'x.csv'":   {"COPY (", "SELECT (i) FROM t", ") TO 'x.csv'"},
		"SELECT * FROM (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t) x":     {"SELECT * FROM (", "SELECT i FROM t", ") x"},
		"INSERT INTO u BY NAME WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t": {"INSERT INTO u BY NAME ", "SELECT i FROM t", ""},
		"WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t":                       {"", "SELECT i FROM t", ""},
	} {
		st, err := Parse(src, start)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		it := st.(*Iterate)
		if got := [3]string{it.Outer.Before, it.Final.Text, it.Outer.After}; got != want {
			t.Errorf("%s:\n got %q\nwant %q", src, got, want)
		}
	}
}
