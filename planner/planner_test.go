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

// TestUserText checks that a part reaches DuckDB as the user wrote it,
// with only the iterated table's references replaced: no construct is
// re-spelled.
func TestUserText(t *testing.T) {
	for step, want := range map[string]string{
		`SELECT i FROM t LIMIT 2 OFFSET 1`:                             `SELECT i FROM "__itersql_state__" AS "t" LIMIT 2 OFFSET 1`,
		`SELECT CAST(i AS INTEGER) FROM t`:                             `SELECT CAST(i AS INTEGER) FROM "__itersql_state__" AS "t"`,
		`SELECT i::TINYINT, i // 2 FROM t`:                             `SELECT i::TINYINT, i // 2 FROM "__itersql_state__" AS "t"`,
		`SELECT a.i FROM t a, t AS b`:                                  `SELECT a.i FROM "__itersql_state__" a, "__itersql_state__" AS b`,
		`SELECT i FROM "T" ANTI JOIN u USING (i)`:                      `SELECT i FROM "__itersql_state__" AS "T" ANTI JOIN u USING (i)`,
		`WITH t AS (SELECT 1 AS i) SELECT i FROM t`:                    `WITH t AS (SELECT 1 AS i) SELECT i FROM t`,
		`WITH u AS (SELECT i FROM t) SELECT i FROM u JOIN t USING (i)`: `WITH u AS (SELECT i FROM "__itersql_state__" AS "t") SELECT i FROM u JOIN "__itersql_state__" AS "t" USING (i)`,
		`FROM t SELECT i QUALIFY row_number() OVER () = 1`:             `FROM "__itersql_state__" AS "t" SELECT i QUALIFY row_number() OVER () = 1`,
		`SELECT (SELECT max(i) FROM main.t), i FROM t`:                 `SELECT (SELECT max(i) FROM main.t), i FROM "__itersql_state__" AS "t"`,
	} {
		p, err := build(t, "WITH ITERATE t(i) AS (SELECT 0 ITERATE "+step+" UNTIL 1 ITERATIONS) SELECT i FROM t")
		if err != nil {
			t.Errorf("%s: %v", step, err)
			continue
		}
		if p.Step.SQL != want {
			t.Errorf("%s\n got %s\nwant %s", step, p.Step.SQL, want)
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
	for _, want := range []string{DeltaRef + ` d`, StateRef + ` c`, `edges e`} {
		if !strings.Contains(p.Step.SQL, want) {
			t.Errorf("step lacks %s: %s", want, p.Step.SQL)
		}
	}
	if !p.UsesPrevious || !strings.Contains(p.Stops[1].Cond.SQL, PreviousRef+` AS "cc"`) {
		t.Errorf("previous: %v %s", p.UsesPrevious, p.Stops[1].Cond.SQL)
	}
	if got := p.Final.Bind(`"s1"`, "", ""); got != `SELECT * FROM "s1" AS "cc"` {
		t.Errorf("bound final: %s", got)
	}
	if got := strings.Join(p.Inputs(), ","); got != `"edges","nodes"` {
		t.Errorf("inputs: %s", got)
	}
}

// TestOuter checks the final query inside the statement that holds it,
// and that positions in the bound SQL map back to the user's text.
func TestOuter(t *testing.T) {
	src := "COPY (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS)\nSELECT i FROM t WHERE nope) TO 'x.csv'"
	p, err := build(t, src)
	if err != nil {
		t.Fatal(err)
	}
	bound := p.Final.Bind(`"state_table_1"`, "", "")
	if want := `COPY (SELECT i FROM "state_table_1" AS "t" WHERE nope) TO 'x.csv'`; bound != want || p.Command != "COPY" {
		t.Fatalf("final %s (%s)", bound, p.Command)
	}
	for word, pos := range map[string]string{"nope": "2:23", "TO": "2:29", "COPY": "1:1", "state_table_1": "2:15"} {
		if got := p.Final.Origin(strings.Index(bound, word), `"state_table_1"`, "", "").String(); got != pos {
			t.Errorf("%s at %s, want %s", word, got, pos)
		}
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
		// One row per state (or delta) row, the key kept.
		`SELECT k, v + 1 FROM t`:                                true,
		`SELECT d.k, v + 1 FROM delta.t d WHERE v < 3`:          true,
		`SELECT t.k AS k, max(v) OVER () FROM t`:                true,
		`SELECT k + 1, v FROM t`:                                false,
		`SELECT v, k FROM t`:                                    false,
		`SELECT k, unnest([v, v + 1]) FROM t`:                   false,
		`SELECT k, v FROM t x(v, k)`:                            false,
		`SELECT k, v FROM t, range(2)`:                          false,
		`SELECT k, v FROM t WHERE v < (SELECT max(v) FROM t)`:   false,
		`WITH t AS (SELECT 1 AS k, 2 AS v) SELECT k, v FROM t`:  false,
		`SELECT k, v FROM edges`:                                false,
		`SELECT e.k, v FROM t JOIN edges e ON e.k = t.k`:        false,
		`SELECT k, v FROM t UNION ALL SELECT k, v FROM delta.t`: false,
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

// TestBindKeepsStrings: binding replaces the references only, never text
// in the user's strings that looks like a placeholder.
func TestBindKeepsStrings(t *testing.T) {
	p, err := build(t, `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t WHERE '"__itersql_state__"' <> '' UNTIL 1 ITERATIONS) SELECT i FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Step.Bind(`"s1"`, "", ""), `SELECT i + 1 FROM "s1" AS "t" WHERE '"__itersql_state__"' <> ''`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
