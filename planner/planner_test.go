package planner

import (
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
)

func build(t *testing.T, src string) (*Plan, error) {
	t.Helper()
	st, err := parser.Parse(src, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	return Build(st.(*parser.Iterate))
}

// TestDuckDBSpelling checks the SQL printed for DuckDB where MySQL's
// spelling (what TiDB's printer writes) differs.
func TestDuckDBSpelling(t *testing.T) {
	for step, want := range map[string]string{
		`SELECT i FROM t LIMIT 2 OFFSET 1`:                  `LIMIT 2 OFFSET 1`,
		`SELECT CAST(i AS INTEGER) FROM t`:                  `CAST("i" AS BIGINT)`,
		`SELECT CAST(i AS VARCHAR) FROM t`:                  `CAST("i" AS VARCHAR)`,
		`SELECT CAST(i AS DECIMAL(10,2)) FROM t`:            `CAST("i" AS DECIMAL(10,2))`,
		`SELECT CAST(i AS DOUBLE) FROM t`:                   `CAST("i" AS DOUBLE)`,
		`SELECT i DIV 2 FROM t`:                             `"i" // 2`,
		`SELECT i FROM t WHERE i IS NOT DISTINCT FROM NULL`: `"i" IS NOT DISTINCT FROM NULL`,
		`SELECT 'it''s' || 'x' FROM t`:                      `'it''s'`,
		`SELECT 'a\b' FROM t`:                               `'a\b'`,
		`SELECT rank FROM t`:                                `"rank"`,
		`SELECT a.i FROM t a, t b`:                          `JOIN "__itersql_state__" AS "b" ON 1 = 1`,
		`SELECT t.i FROM t`:                                 `FROM "__itersql_state__" AS "t"`,
		`SELECT "Weird Name" FROM t`:                        `"Weird Name"`,
	} {
		p, err := build(t, "WITH ITERATE t(i) AS (SELECT 0 ITERATE "+step+" UNTIL 1 ITERATIONS) SELECT i FROM t")
		if err != nil {
			t.Errorf("%s: %v", step, err)
			continue
		}
		if !strings.Contains(p.Step.SQL, want) {
			t.Errorf("%s\n got %s\nwant ...%s...", step, p.Step.SQL, want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	p, err := build(t, `WITH ITERATE cc(id, comp) KEY (id) AS (SELECT id, id FROM nodes
ITERATE SELECT e.dst, MIN(d.comp) FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst GROUP BY e.dst
UNTIL FIXPOINT OR (SELECT COUNT(*) FROM previous.cc) > 0) SELECT * FROM cc`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{DeltaRef + ` AS "d"`, StateRef + ` AS "c"`, `"edges" AS "e"`} {
		if !strings.Contains(p.Step.SQL, want) {
			t.Errorf("step lacks %s: %s", want, p.Step.SQL)
		}
	}
	if !p.UsesPrevious || !strings.Contains(p.Stops[1].Cond.SQL, PreviousRef+` AS "cc"`) {
		t.Errorf("previous: %v %s", p.UsesPrevious, p.Stops[1].Cond.SQL)
	}
	if got := Bind(p.Final.SQL, `"s1"`, "", ""); got != `SELECT * FROM "s1" AS "cc"` {
		t.Errorf("bound final: %s", got)
	}
}

func TestScopeErrors(t *testing.T) {
	for src, want := range map[string]string{
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM previous.t UNTIL FIXPOINT) SELECT i FROM t`:         "1:54: previous.t exists only in UNTIL",
		`WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i FROM delta.t UNTIL FIXPOINT) SELECT i FROM t`:            "1:54: delta.t exists only for a keyed state",
		`WITH ITERATE t(i) KEY (i) AS (SELECT 0 ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM previous.t`: "1:94: previous.t exists only in UNTIL",
		`WITH ITERATE t(i) AS (SELECT i FROM t ITERATE SELECT i FROM t UNTIL FIXPOINT) SELECT i FROM t`:           "1:37: the initial query of t cannot read t",
	} {
		_, err := build(t, src)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s\n got %v\nwant %s...", src, err, want)
		}
	}
}

func TestStepKeyUnique(t *testing.T) {
	for step, want := range map[string]bool{
		`SELECT e.dst, MIN(d.v) FROM delta.t d JOIN edges e ON e.src = d.k GROUP BY e.dst`:  true,
		`SELECT e.dst AS k, MIN(d.v) FROM delta.t d JOIN edges e ON e.src = d.k GROUP BY k`: true,
		`SELECT e.dst, MIN(d.v) FROM delta.t d JOIN edges e ON e.src = d.k GROUP BY 1`:      true,
		`SELECT e.dst, d.v FROM delta.t d JOIN edges e ON e.src = d.k GROUP BY e.dst, d.v`:  false,
		`SELECT MIN(e.dst), d.v FROM delta.t d JOIN edges e ON e.src = d.k GROUP BY d.v`:    false,
		`SELECT e.dst, d.v FROM delta.t d JOIN edges e ON e.src = d.k`:                      false,
		`SELECT k, v FROM t GROUP BY k, v UNION ALL SELECT 1, 2`:                            false,
		`SELECT * FROM t GROUP BY k`: false,
	} {
		p, err := build(t, "WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 2 ITERATE "+step+" UNTIL FIXPOINT) SELECT * FROM t")
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if p.StepKeyUnique != want {
			t.Errorf("%s: StepKeyUnique = %v, want %v", step, p.StepKeyUnique, want)
		}
	}
}
