package sqltests

// The differential test of the four parts of WITH ITERATE (issue 9). The
// brief promises that each part means exactly what DuckDB makes of it.
// Every query Q of testdata/differential/_corpus.sql runs directly on
// DuckDB (on the session's connection, bypassing itersql), and then in
// each place of a WITH ITERATE where a query can stand:
//
//	initial      WITH ITERATE it AS (Q ITERATE SELECT * FROM it UNTIL 1 ITERATIONS) SELECT * FROM it
//	step         WITH ITERATE it AS (SELECT * FROM <Q's empty table> ITERATE Q UNTIL 1 ITERATIONS) SELECT * FROM it
//	final        WITH ITERATE it AS (SELECT 1 AS x ITERATE SELECT x FROM it UNTIL 0 ITERATIONS) Q
//	final+split  the same, in a session with the skew split forced on
//	select+split Q itself, in that session (a plain SELECT is split too)
//	until        for a scalar Q (SELECT expr): UNTIL (expr), or for a
//	             non-boolean expr UNTIL ((expr) IS NOT DISTINCT FROM <its
//	             direct value>); the number of iterations run shows what
//	             the condition evaluated to.
//
// Each must agree with the direct run: the same rows (as a multiset, or
// in order when Q ends with ORDER BY and the place keeps order), the same
// column types (ColumnTypes().DatabaseTypeName()), the same column names
// where the place keeps them; or both fail, with the same class of DuckDB
// error (a Conversion Error must stay one, not become a syntax error).
//
// With ITERSQL_DIFF_REPORT=1 the test does not fail: it logs, per place,
// how many queries agree and the texts of those that do not.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// diffPlaces are the places a corpus query is tried in, in report order.
var diffPlaces = []string{"initial", "step", "final", "final+split", "select+split", "until"}

// diffFixtures are the statements of testdata/differential/_fixtures.sql:
// the tables the corpus reads. They are base tables, not TEMP ones, so
// that the split's tasks on other connections can read them.
func diffFixtures(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stmts, _, _ := sqlscan.Split(string(src), sqlscan.Pos{Line: 1, Col: 1})
	out := make([]string, len(stmts))
	for i, st := range stmts {
		out[i] = st.Text
	}
	return out
}

// diffCSV is people.csv, next to events.parquet in the test's folder.
const diffCSV = "id,name,amount\n1,Ann,1.5\n2,,2.25\n3,Cid,\n3,Cid,\n"

// diffEntry is one corpus query.
type diffEntry struct {
	Line     int
	Category string // the word before ':' in its comment
	Comment  string
	SQL      string
}

// diffOutcome is what one run of a query gave.
type diffOutcome struct {
	cols, types []string
	rows        []string // rendered rows, in the order returned
	err         error
}

func TestDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every corpus query in six places")
	}
	corpusPath, err := filepath.Abs("testdata/differential/_corpus.sql")
	if err != nil {
		t.Fatal(err)
	}
	entries := readCorpus(t, corpusPath)
	if len(entries) < 70 {
		t.Fatalf("the corpus has %d queries, want at least 70", len(entries))
	}

	fixtures := diffFixtures(t, "testdata/differential/_fixtures.sql")
	// The corpus reads people.csv and events.parquet by relative path.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "people.csv"), []byte(diffCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	ctx := context.Background()
	plain, split := open(t), open(t)
	for _, s := range []*exec.Session{plain, split} {
		for _, q := range fixtures {
			mustExec(ctx, t, s, q)
		}
	}
	for _, q := range forced {
		mustExec(ctx, t, split, q)
	}

	report := os.Getenv("ITERSQL_DIFF_REPORT") == "1"
	agree := map[string]int{}
	tried := map[string]int{}
	failures := map[string][]string{}
	directOK, scalars, splitRuns := 0, 0, 0
	var directFails []string // the corpus's errors, as DuckDB gives them
	var splitLines []int     // the queries the split really split as final queries
	for _, e := range entries {
		name := fmt.Sprintf("%d_%s", e.Line, e.Category)
		t.Run(name, func(t *testing.T) {
			d := &differ{ctx: ctx, plain: plain, split: split, e: e}
			direct := d.direct(e.SQL)
			if direct.err == nil {
				directOK++
			} else {
				directFails = append(directFails, fmt.Sprintf("line %d (%s): %s", e.Line, e.Comment, firstLine(direct.err)))
			}
			if d.untilApplies(direct) {
				scalars++
			}
			var disagree []string
			for _, place := range diffPlaces {
				msg, ok := d.check(place, direct)
				if !ok {
					continue // the place does not apply to this query
				}
				tried[place]++
				if msg == "" {
					agree[place]++
					continue
				}
				failures[place] = append(failures[place], fmt.Sprintf("line %d (%s): %s\n    %s", e.Line, e.Comment, oneLine(e.SQL), msg))
				disagree = append(disagree, place+": "+msg)
			}
			if len(disagree) > 0 && !report {
				t.Errorf("corpus line %d (%s):\n%s\n%s", e.Line, e.Comment, e.SQL, strings.Join(disagree, "\n"))
			}
			if d.finalSplit {
				splitRuns++
				splitLines = append(splitLines, e.Line)
			}
		})
	}

	var b strings.Builder
	fmt.Fprintf(&b, "corpus: %d queries, %d run directly without error, %d scalar (UNTIL), %d final queries split\n", len(entries), directOK, scalars, splitRuns)
	for _, place := range diffPlaces {
		fmt.Fprintf(&b, "%-13s %3d of %3d agree\n", place, agree[place], tried[place])
	}
	if report {
		fmt.Fprintf(&b, "\nfail directly (both runs must fail alike):\n  %s\n", strings.Join(directFails, "\n  "))
		fmt.Fprintf(&b, "split as final queries: corpus lines %v\n", splitLines)
		for _, place := range diffPlaces {
			if len(failures[place]) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n%s: %d disagree\n", place, len(failures[place]))
			for _, f := range failures[place] {
				fmt.Fprintf(&b, "  %s\n", f)
			}
		}
	}
	t.Log(b.String())

	// The checks mean something only if the corpus has queries that fail
	// directly, scalar queries for UNTIL, and joins the split really splits.
	if directOK == len(entries) || directOK < len(entries)/2 {
		t.Errorf("%d of %d corpus queries run directly: want most, but not all", directOK, len(entries))
	}
	if scalars < 20 {
		t.Errorf("only %d scalar queries for UNTIL conditions", scalars)
	}
	if splitRuns < 5 && !report {
		t.Errorf("only %d final queries were split under skew_join = on", splitRuns)
	}
}

// readCorpus reads the corpus: ';'-terminated queries, each preceded by a
// comment line "-- category: what it tests".
func readCorpus(t *testing.T, path string) []diffEntry {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	stmts, rest, _ := sqlscan.Split(string(src), sqlscan.Pos{Line: 1, Col: 1})
	if strings.TrimSpace(rest) != "" {
		t.Fatalf("%s: text after the last ';': %q", path, rest)
	}
	var out []diffEntry
	for _, st := range stmts {
		// Its comment is the comment line just above it.
		l := st.Pos.Line - 2
		if l < 0 || !strings.HasPrefix(strings.TrimSpace(lines[l]), "--") {
			t.Fatalf("%s:%d: a query without a '-- category: ...' comment above it", path, st.Pos.Line)
		}
		comment := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[l]), "--"))
		cat, _, ok := strings.Cut(comment, ":")
		if !ok || strings.ContainsAny(cat, " \t") {
			t.Fatalf("%s:%d: comment %q does not start with a category and ':'", path, l+1, comment)
		}
		out = append(out, diffEntry{Line: st.Pos.Line, Category: cat, Comment: comment, SQL: st.Text})
	}
	return out
}

// differ runs one corpus query in every place.
type differ struct {
	ctx          context.Context
	plain, split *exec.Session
	e            diffEntry
	finalSplit   bool // the final+split run agreed and EXPLAIN ANALYZE shows a split
}

// direct runs q on DuckDB itself, on the session's own connection.
func (d *differ) direct(q string) diffOutcome {
	ctx, cancel := context.WithTimeout(d.ctx, time.Minute)
	defer cancel()
	rows, err := d.plain.Conn().QueryContext(ctx, q)
	if err != nil {
		return diffOutcome{err: err}
	}
	res, err := exec.ReadRows(rows)
	if err != nil {
		return diffOutcome{err: err}
	}
	return outcomeOf(res)
}

// run runs src through itersql in session s. A panic (the old TiDB
// parser panics on some literals) is an error of the run, so that one
// query cannot stop the whole corpus.
func (d *differ) run(s *exec.Session, src string) (out diffOutcome) {
	ctx, cancel := context.WithTimeout(d.ctx, time.Minute)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			out = diffOutcome{err: fmt.Errorf("itersql panicked: %v", p)}
		}
	}()
	res, err := s.Exec(ctx, src, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return diffOutcome{err: err}
	}
	return outcomeOf(res)
}

func outcomeOf(res *exec.Result) diffOutcome {
	o := diffOutcome{cols: res.Columns, types: res.Types}
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = cellText(v)
		}
		o.rows = append(o.rows, strings.Join(cells, " | "))
	}
	return o
}

// check runs the query in place and compares with the direct run. ok is
// false when the place does not apply; msg is "" when the two agree.
func (d *differ) check(place string, direct diffOutcome) (msg string, ok bool) {
	q := d.e.SQL
	ordered := topLevel(q, "ORDER", "BY")
	switch place {
	case "initial":
		// A state's columns need distinct names: a query whose columns
		// repeat a name gets them from a column list, and only its rows
		// and types are compared.
		list, names := "", true
		if direct.err == nil && duplicateNames(direct.cols) {
			list, names = columnList(len(direct.cols)), false
		}
		got := d.run(d.plain, "WITH ITERATE it"+list+" AS (\n"+q+"\nITERATE SELECT * FROM it UNTIL 1 ITERATIONS) SELECT * FROM it")
		return compare(direct, got, names, false), true
	case "step":
		// The initial query is a table of Q's columns and types made by
		// DuckDB itself, so only the step is read by itersql. Names are
		// the state's (c1, c2, ...): compare rows and types.
		// When Q fails directly, the table is still made if only Q's rows
		// fail (the step must then fail the same way); otherwise any
		// initial query does.
		initial := "SELECT 1 AS c1"
		_, err := d.plain.Conn().ExecContext(d.ctx, "CREATE OR REPLACE TEMP TABLE diff_empty AS SELECT * FROM (\n"+q+"\n) AS q"+columnList(len(direct.cols))+" LIMIT 0")
		switch {
		case err == nil:
			initial = "SELECT * FROM diff_empty"
		case direct.err == nil:
			return fmt.Sprintf("setup: cannot make the initial table: %v", err), true
		}
		got := d.run(d.plain, "WITH ITERATE it AS ("+initial+"\nITERATE\n"+q+"\nUNTIL 1 ITERATIONS) SELECT * FROM it")
		return compare(direct, got, false, false), true
	case "final":
		got := d.run(d.plain, finalWrap(q))
		return compare(direct, got, true, ordered), true
	case "final+split":
		got := d.run(d.split, finalWrap(q))
		msg := compare(direct, got, true, ordered)
		if msg == "" && got.err == nil {
			res, err := d.split.Exec(d.ctx, "EXPLAIN ANALYZE "+finalWrap(q), sqlscan.Pos{Line: 1, Col: 1})
			d.finalSplit = err == nil && strings.Contains(res.Text+rowsOf(res), "skew ")
		}
		return msg, true
	case "select+split":
		got := d.run(d.split, q)
		return compare(direct, got, true, ordered), true
	case "until":
		if !d.untilApplies(direct) {
			return "", false
		}
		return d.until(direct), true
	}
	panic("unknown place " + place)
}

func finalWrap(q string) string {
	return "WITH ITERATE it AS (SELECT 1 AS x ITERATE SELECT x FROM it UNTIL 0 ITERATIONS)\n" + q
}

// untilApplies reports whether the query's expression can be an UNTIL
// condition: the query is SELECT of one expression, with no alias and no
// clause, and DuckDB gives one value for it (or an error).
func (d *differ) untilApplies(direct diffOutcome) bool {
	if direct.err == nil && (len(direct.cols) != 1 || len(direct.rows) != 1) {
		return false
	}
	toks, err := sqlscan.Tokens(d.e.SQL, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil || len(toks) < 2 || !toks[0].Is("SELECT") {
		return false
	}
	depth := 0
	for i, tok := range toks[1:] {
		switch tok.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if depth > 0 {
			continue
		}
		if tok.Text == "," {
			return false
		}
		for _, w := range []string{"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "EXCEPT", "INTERSECT", "AS", "QUALIFY", "WINDOW", "DISTINCT", "ALL"} {
			// x IS [NOT] DISTINCT FROM y is an operator, not a clause.
			if tok.Is(w) && !(w == "FROM" && toks[i].Is("DISTINCT")) && !(w == "DISTINCT" && (toks[i].Is("IS") || toks[i].Is("NOT"))) {
				return false
			}
		}
		if tok.Text == "*" && i == 0 {
			return false
		}
	}
	return true
}

// until runs the scalar query's expression as an UNTIL condition of a
// loop that otherwise stops after 3 iterations: it stops after 1 when the
// condition holds. A boolean, or an expression DuckDB fails on, is the
// condition itself; any other value is
// compared with its direct value, stored by DuckDB in a table.
func (d *differ) until(direct diffOutcome) string {
	expr := strings.TrimSpace(d.e.SQL)[len("SELECT"):]
	cond, want := "("+expr+")", "3"
	switch {
	case direct.err != nil:
		// The expression itself: evaluating it must fail as it does
		// directly. (Wrapped, DuckDB may fold it away: (x + 1) IS NULL is
		// false without computing x + 1.)
	case len(direct.types) == 1 && direct.types[0] == "BOOLEAN":
		if len(direct.rows) == 1 && direct.rows[0] == "true" {
			want = "1"
		}
	default:
		if _, err := d.plain.Conn().ExecContext(d.ctx, "CREATE OR REPLACE TEMP TABLE diff_expect AS SELECT ("+expr+") AS v"); err != nil {
			return fmt.Sprintf("setup: cannot store the direct value: %v", err)
		}
		cond, want = "(("+expr+") IS NOT DISTINCT FROM (SELECT v FROM diff_expect))", "1"
	}
	got := d.run(d.plain, "WITH ITERATE it AS (SELECT 0 AS i ITERATE SELECT i + 1 FROM it UNTIL "+cond+" OR 3 ITERATIONS) SELECT i FROM it")
	switch {
	case direct.err != nil && got.err != nil:
		return sameErrorClass(direct.err, got.err)
	case direct.err != nil:
		return fmt.Sprintf("DuckDB fails (%v), but UNTIL %s ran %v iterations", firstLine(direct.err), cond, got.rows)
	case got.err != nil:
		return fmt.Sprintf("UNTIL %s fails: %v", cond, firstLine(got.err))
	case len(got.rows) != 1 || got.rows[0] != want:
		return fmt.Sprintf("UNTIL %s ran %v iterations, want %s (DuckDB's value: %v)", cond, got.rows, want, direct.rows)
	}
	return ""
}

// compare says how got differs from want ("" when it does not).
func compare(want, got diffOutcome, names, ordered bool) string {
	switch {
	case want.err != nil && got.err != nil:
		return sameErrorClass(want.err, got.err)
	case want.err != nil:
		return fmt.Sprintf("DuckDB fails (%v), itersql returns %d rows", firstLine(want.err), len(got.rows))
	case got.err != nil:
		return fmt.Sprintf("itersql fails: %v", firstLine(got.err))
	}
	var diffs []string
	if names && !slices.Equal(want.cols, got.cols) {
		diffs = append(diffs, fmt.Sprintf("columns %q, DuckDB's %q", got.cols, want.cols))
	}
	if !slices.Equal(want.types, got.types) {
		diffs = append(diffs, fmt.Sprintf("types %v, DuckDB's %v", got.types, want.types))
	}
	w, g := want.rows, got.rows
	if !ordered {
		w, g = sorted(w), sorted(g)
	}
	if !slices.Equal(w, g) {
		diffs = append(diffs, fmt.Sprintf("rows differ; itersql's:\n      %s\n    DuckDB's:\n      %s", strings.Join(g, "\n      "), strings.Join(w, "\n      ")))
	}
	return strings.Join(diffs, "; ")
}

// errorClass is the kind DuckDB's messages start with ("Out of Range Error: ...").
var errorClass = regexp.MustCompile(`^[A-Z][A-Za-z ]* Error`)

// sameErrorClass checks that itersql's error is of the kind DuckDB gave
// ("Conversion Error", "Binder Error", ...): a query DuckDB rejects for
// overflow must not fail in itersql for a reason of its own.
func sameErrorClass(want, got error) string {
	class := errorClass.FindString(want.Error())
	if class == "" || strings.Contains(got.Error(), class+":") {
		return ""
	}
	return fmt.Sprintf("both fail, but DuckDB with a %s (%v) and itersql with: %v", class, firstLine(want), firstLine(got))
}

// topLevel reports whether the words occur in a row outside parentheses.
func topLevel(q string, words ...string) bool {
	toks, err := sqlscan.Tokens(q, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return false
	}
	depth := 0
	for i, tok := range toks {
		switch tok.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if depth != 0 || i+len(words) > len(toks) {
			continue
		}
		match := true
		for j, w := range words {
			match = match && toks[i+j].Is(w)
		}
		if match {
			return true
		}
	}
	return false
}

func duplicateNames(cols []string) bool {
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[strings.ToLower(c)] {
			return true
		}
		seen[strings.ToLower(c)] = true
	}
	return false
}

// columnList is "(c1, ..., cn)".
func columnList(n int) string {
	if n == 0 {
		return ""
	}
	cs := make([]string, n)
	for i := range cs {
		cs[i] = fmt.Sprintf("c%d", i+1)
	}
	return "(" + strings.Join(cs, ", ") + ")"
}

func sorted(rows []string) []string {
	out := slices.Clone(rows)
	sort.Strings(out)
	return out
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func oneLine(q string) string {
	return strings.Join(strings.Fields(q), " ")
}
