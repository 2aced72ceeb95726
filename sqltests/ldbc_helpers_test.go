package sqltests

// Helpers for the LDBC Graphalytics correctness tests (ldbc_test.go): reading
// the validation graphs and reference outputs in testdata/ldbc, loading a
// graph into a session, running a query file with its parameters, and
// comparing a result with a reference by LDBC's rules.

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

const ldbcDir = "testdata/ldbc"

// ldbcEdge is one directed edge of the edges table.
type ldbcEdge struct {
	Src, Dst int64
	Weight   float64
}

// ldbcGraph is a graph as loaded into the vertices and edges tables.
// Undirected graphs hold every edge in both directions.
type ldbcGraph struct {
	Vertices []int64
	Edges    []ldbcEdge
}

// ldbcFields returns the whitespace-separated fields of every non-blank line.
func ldbcFields(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) > 0 {
			out = append(out, fs)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

func ldbcInt(t testing.TB, path, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

// ldbcFloat parses a reference value; LDBC writes "Infinity" for +Inf.
func ldbcFloat(t testing.TB, path, s string) float64 {
	t.Helper()
	if s == "Infinity" {
		return math.Inf(1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

// setEdges stores es in g: for an undirected graph also the reverse of each
// edge, and each (src, dst) pair once (undirected adjacency lists already
// name every edge at both ends). Conflicting weights are an error.
func (g *ldbcGraph) setEdges(t testing.TB, es []ldbcEdge, directed bool) {
	t.Helper()
	seen := map[[2]int64]float64{}
	add := func(e ldbcEdge) {
		k := [2]int64{e.Src, e.Dst}
		if w, ok := seen[k]; ok {
			if w != e.Weight {
				t.Fatalf("edge %d->%d given with weights %v and %v", e.Src, e.Dst, w, e.Weight)
			}
			return
		}
		seen[k] = e.Weight
		g.Edges = append(g.Edges, e)
	}
	for _, e := range es {
		add(e)
		if !directed {
			add(ldbcEdge{e.Dst, e.Src, e.Weight})
		}
	}
}

// ldbcReadAdjacency reads an adjacency list ("v n1 n2 ..."); edges get
// weight 1. A vertex named only as a neighbour (bfs/dir-input's 10) is a
// vertex too.
func ldbcReadAdjacency(t testing.TB, path string, directed bool) ldbcGraph {
	t.Helper()
	var g ldbcGraph
	var es []ldbcEdge
	seen := map[int64]bool{}
	addVertex := func(v int64) {
		if !seen[v] {
			seen[v] = true
			g.Vertices = append(g.Vertices, v)
		}
	}
	lines := ldbcFields(t, path)
	for _, l := range lines {
		addVertex(ldbcInt(t, path, l[0]))
	}
	for _, l := range lines {
		v := ldbcInt(t, path, l[0])
		for _, n := range l[1:] {
			d := ldbcInt(t, path, n)
			addVertex(d)
			es = append(es, ldbcEdge{v, d, 1})
		}
	}
	g.setEdges(t, es, directed)
	return g
}

// ldbcReadVE reads a vertex file (one id a line) and an edge file
// ("src dst weight").
func ldbcReadVE(t testing.TB, vpath, epath string, directed bool) ldbcGraph {
	t.Helper()
	var g ldbcGraph
	seen := map[int64]bool{}
	for _, l := range ldbcFields(t, vpath) {
		v := ldbcInt(t, vpath, l[0])
		if seen[v] {
			t.Fatalf("%s: vertex %d twice", vpath, v)
		}
		seen[v] = true
		g.Vertices = append(g.Vertices, v)
	}
	var es []ldbcEdge
	for _, l := range ldbcFields(t, epath) {
		if len(l) != 3 {
			t.Fatalf("%s: want 'src dst weight', got %q", epath, strings.Join(l, " "))
		}
		e := ldbcEdge{ldbcInt(t, epath, l[0]), ldbcInt(t, epath, l[1]), ldbcFloat(t, epath, l[2])}
		if !seen[e.Src] || !seen[e.Dst] {
			t.Fatalf("%s: edge %d->%d names an unknown vertex", epath, e.Src, e.Dst)
		}
		es = append(es, e)
	}
	g.setEdges(t, es, directed)
	return g
}

// mustExec runs one statement and fails the test on error.
func mustExec(ctx context.Context, t testing.TB, sess *exec.Session, sql string) *exec.Result {
	t.Helper()
	res, err := sess.Exec(ctx, sql, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		t.Fatalf("%v\nstatement:\n%s", err, sql)
	}
	return res
}

// ldbcSession opens a fresh in-memory session holding g as
// vertices(id BIGINT) and edges(src BIGINT, dst BIGINT, weight DOUBLE),
// loaded with pass-through DuckDB statements.
func ldbcSession(ctx context.Context, t testing.TB, g ldbcGraph) *exec.Session {
	t.Helper()
	sess, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	mustExec(ctx, t, sess, "CREATE TABLE vertices (id BIGINT PRIMARY KEY)")
	mustExec(ctx, t, sess, "CREATE TABLE edges (src BIGINT, dst BIGINT, weight DOUBLE)")
	var b strings.Builder
	b.WriteString("INSERT INTO vertices VALUES ")
	for i, v := range g.Vertices {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d)", v)
	}
	mustExec(ctx, t, sess, b.String())
	if len(g.Edges) > 0 {
		b.Reset()
		b.WriteString("INSERT INTO edges VALUES ")
		for i, e := range g.Edges {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d, %d, %s)", e.Src, e.Dst, strconv.FormatFloat(e.Weight, 'g', -1, 64))
		}
		mustExec(ctx, t, sess, b.String())
	}
	// The load must be exact: the queries depend on it.
	res := mustExec(ctx, t, sess, "SELECT (SELECT COUNT(*) FROM vertices), (SELECT COUNT(*) FROM edges)")
	if len(res.Rows) != 1 || ldbcAsInt(t, res.Rows[0][0]) != int64(len(g.Vertices)) || ldbcAsInt(t, res.Rows[0][1]) != int64(len(g.Edges)) {
		t.Fatalf("loaded %v, want %d vertices and %d edges", res.Rows, len(g.Vertices), len(g.Edges))
	}
	return sess
}

var ldbcPlaceholder = regexp.MustCompile(`\{\{\w+\}\}`)

// ldbcQuery reads _queries/<name>.sql (templates, so "itersql test" skips the folder) and substitutes its {{param}}
// placeholders. The file holds one statement; its final ';' is dropped.
func ldbcQuery(t testing.TB, name string, params map[string]string) string {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(ldbcDir, "_queries", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	sql := string(text)
	for k, v := range params {
		sql = strings.ReplaceAll(sql, "{{"+k+"}}", v)
	}
	if m := ldbcPlaceholder.FindString(sql); m != "" {
		t.Fatalf("%s.sql: no value for %s", name, m)
	}
	sql = strings.TrimRight(sql, " \t\r\n")
	sql = strings.TrimSuffix(sql, ";")
	return sql
}

// ldbcRow is one (id, value) output row.
type ldbcRow struct {
	ID    int64
	Value any
}

// ldbcRun runs a query on sess and returns its (id, value) rows, checking
// that there are two columns and that ids are strictly increasing.
func ldbcRun(ctx context.Context, t testing.TB, sess *exec.Session, name string, params map[string]string) []ldbcRow {
	t.Helper()
	res := mustExec(ctx, t, sess, ldbcQuery(t, name, params))
	if len(res.Columns) != 2 {
		t.Fatalf("%s: columns %v, want (id, value)", name, res.Columns)
	}
	rows := make([]ldbcRow, len(res.Rows))
	for i, r := range res.Rows {
		if len(r) != 2 {
			t.Fatalf("%s: row %d has %d values", name, i, len(r))
		}
		rows[i] = ldbcRow{ldbcAsInt(t, r[0]), r[1]}
		if i > 0 && rows[i].ID <= rows[i-1].ID {
			t.Fatalf("%s: rows not ordered by id: %d after %d", name, rows[i].ID, rows[i-1].ID)
		}
	}
	return rows
}

// ldbcAsInt converts an integer value from duckdb-go.
func ldbcAsInt(t testing.TB, v any) int64 {
	t.Helper()
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint32:
		return int64(x)
	case uint16:
		return int64(x)
	case uint8:
		return int64(x)
	case uint64:
		if x > math.MaxInt64 {
			t.Fatalf("value %d out of int64 range", x)
		}
		return int64(x)
	case *big.Int:
		if !x.IsInt64() {
			t.Fatalf("value %s out of int64 range", x)
		}
		return x.Int64()
	}
	t.Fatalf("want an integer, got %T %v", v, v)
	return 0
}

// ldbcIsInt reports whether v is an integer value from duckdb-go.
func ldbcIsInt(v any) bool {
	switch v.(type) {
	case int64, int32, int16, int8, uint64, uint32, uint16, uint8, *big.Int:
		return true
	}
	return false
}

// ldbcAsFloat converts a numeric value from duckdb-go.
func ldbcAsFloat(t testing.TB, v any) float64 {
	t.Helper()
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case interface{ Float64() float64 }: // duckdb.Decimal
		return x.Float64()
	case nil:
		t.Fatalf("want a number, got NULL")
	}
	return float64(ldbcAsInt(t, v))
}

// ldbcReference reads a reference output ("vertex value" per line).
func ldbcReference(t testing.TB, path string) map[int64]string {
	t.Helper()
	ref := map[int64]string{}
	for _, l := range ldbcFields(t, path) {
		if len(l) != 2 {
			t.Fatalf("%s: want 'vertex value', got %q", path, strings.Join(l, " "))
		}
		id := ldbcInt(t, path, l[0])
		if _, dup := ref[id]; dup {
			t.Fatalf("%s: vertex %d twice", path, id)
		}
		ref[id] = l[1]
	}
	return ref
}

// ldbcSameIDs checks that rows cover exactly the reference's vertices.
func ldbcSameIDs(t testing.TB, rows []ldbcRow, ref map[int64]string) bool {
	t.Helper()
	ok := true
	got := map[int64]bool{}
	for _, r := range rows {
		got[r.ID] = true
		if _, in := ref[r.ID]; !in {
			t.Errorf("vertex %d is not in the reference", r.ID)
			ok = false
		}
	}
	var missing []int64
	for id := range ref {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		sort.Slice(missing, func(i, j int) bool { return missing[i] < missing[j] })
		t.Errorf("vertices missing from the result: %v", missing)
		ok = false
	}
	return ok
}

// ldbcCompareExact: integer values equal (BFS depths, CDLP labels).
func ldbcCompareExact(t testing.TB, path string, rows []ldbcRow, ref map[int64]string) {
	t.Helper()
	if !ldbcSameIDs(t, rows, ref) {
		return
	}
	bad := 0
	for _, r := range rows {
		if r.Value == nil {
			t.Errorf("vertex %d: NULL, want %s", r.ID, ref[r.ID])
			bad++
			continue
		}
		if got, want := ldbcAsInt(t, r.Value), ldbcInt(t, path, ref[r.ID]); got != want {
			t.Errorf("vertex %d: got %d, want %d", r.ID, got, want)
			bad++
		}
		if bad >= 10 {
			t.Fatal("too many differences")
		}
	}
}

// ldbcCompareRelative: values within relative error tol of the reference
// (PageRank, SSSP); +Inf must match +Inf exactly, and a zero reference
// must be matched within tol absolutely.
func ldbcCompareRelative(t testing.TB, path string, rows []ldbcRow, ref map[int64]string, tol float64) {
	t.Helper()
	if !ldbcSameIDs(t, rows, ref) {
		return
	}
	bad := 0
	for _, r := range rows {
		if r.Value == nil {
			t.Errorf("vertex %d: NULL, want %s", r.ID, ref[r.ID])
			bad++
			continue
		}
		got, want := ldbcAsFloat(t, r.Value), ldbcFloat(t, path, ref[r.ID])
		var ok bool
		switch {
		case math.IsInf(want, 0) || math.IsInf(got, 0):
			ok = got == want
		case want == 0:
			ok = math.Abs(got) <= tol
		default:
			ok = math.Abs(got-want) <= tol*math.Abs(want)
		}
		if !ok {
			t.Errorf("vertex %d: got %.17g, want %s (relative error > %g)", r.ID, got, ref[r.ID], tol)
			bad++
		}
		if bad >= 10 {
			t.Fatal("too many differences")
		}
	}
}

// ldbcCompareRelabel: equal up to renaming the values (WCC component ids):
// the map from result value to reference value must be a bijection.
func ldbcCompareRelabel(t testing.TB, path string, rows []ldbcRow, ref map[int64]string) {
	t.Helper()
	if !ldbcSameIDs(t, rows, ref) {
		return
	}
	fwd, bwd := map[int64]int64{}, map[int64]int64{}
	for _, r := range rows {
		if r.Value == nil {
			t.Fatalf("vertex %d: NULL component", r.ID)
		}
		got, want := ldbcAsInt(t, r.Value), ldbcInt(t, path, ref[r.ID])
		if w, ok := fwd[got]; ok && w != want {
			t.Fatalf("vertex %d: component %d holds vertices of reference components %d and %d", r.ID, got, w, want)
		}
		if g, ok := bwd[want]; ok && g != got {
			t.Fatalf("vertex %d: reference component %d is split into components %d and %d", r.ID, want, g, got)
		}
		fwd[got], bwd[want] = want, got
	}
}

// ldbcSameRows checks that two formulations gave identical results (same
// ids, values equal as numbers; +Inf equal to +Inf).
func ldbcSameRows(t testing.TB, aName string, a []ldbcRow, bName string, b []ldbcRow) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s has %d rows, %s has %d", aName, len(a), bName, len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Fatalf("row %d: %s has vertex %d, %s has %d", i, aName, a[i].ID, bName, b[i].ID)
		}
		if (a[i].Value == nil) != (b[i].Value == nil) {
			t.Fatalf("vertex %d: %s gives %v, %s gives %v", a[i].ID, aName, a[i].Value, bName, b[i].Value)
		}
		if a[i].Value == nil {
			continue
		}
		if ldbcIsInt(a[i].Value) && ldbcIsInt(b[i].Value) {
			if x, y := ldbcAsInt(t, a[i].Value), ldbcAsInt(t, b[i].Value); x != y {
				t.Errorf("vertex %d: %s gives %d, %s gives %d", a[i].ID, aName, x, bName, y)
			}
		} else if x, y := ldbcAsFloat(t, a[i].Value), ldbcAsFloat(t, b[i].Value); x != y {
			t.Errorf("vertex %d: %s gives %.17g, %s gives %.17g", a[i].ID, aName, x, bName, y)
		}
	}
}
