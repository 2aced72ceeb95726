package sparksql_test

// TestDifferential runs the differential corpus of sqltests
// (sqltests/testdata/differential/_corpus.sql) on DuckDB and, as printed
// by this package, on a real Spark Connect server, over the same fixture
// tables, and requires the same rows. Queries the printer refuses are
// counted, not run on Spark: refusing is the printer's answer for what
// Spark cannot mean the same way. The summary line says how many printed
// and how many agreed.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/duckast"
	"github.com/itersql/itersql/internal/spark"
	"github.com/itersql/itersql/internal/spark/sparktest"
	"github.com/itersql/itersql/internal/sparksql"
	"github.com/itersql/itersql/internal/sqlscan"
)

// The corpus is sqltests', plus this package's checks of the dialect
// differences it handles.
var corpusPaths = []string{"../../sqltests/testdata/differential/_corpus.sql", "testdata/differential.sql"}

// fixturesPath holds the tables the corpus reads, shared with sqltests.
// Spark gets them with two changes (sparkOnly): no files (the COPY to
// events.parquet; Spark's copies are tables), and nums.h as BIGINT, since
// Spark has no 128-bit integer. They are made in DuckDB, and Spark's copies
// are filled from DuckDB's rows.
const fixturesPath = "../../sqltests/testdata/differential/_fixtures.sql"

// fixtures reads the shared fixtures and adapts them for Spark.
func fixtures(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(fixturesPath)
	if err != nil {
		t.Fatal(err)
	}
	stmts, _, _ := sqlscan.Split(string(src), sqlscan.Pos{Line: 1, Col: 1})
	var out []string
	for _, st := range stmts {
		if !strings.HasPrefix(strings.ToUpper(st.Text), "COPY") {
			out = append(out, st.Text)
		}
	}
	return append(out, "ALTER TABLE nums ALTER h TYPE BIGINT USING least(h, 9223372036854775807)")
}

var fixtureTables = []string{"people", "depts", "edges", "nums", "groups", "key", "range", "rows", "prices", "trades"}

// sparkDatabase holds Spark's copies, so they never meet a user's tables.
const sparkDatabase = "itersql_sparksql_differential"

// sparkRefuses are corpus queries that print but that Spark's analyzer
// rejects, and why. Each must still fail on Spark (so this list shrinks
// when the printer learns them): no rows are ever wrong, but the error
// comes from Spark rather than from the printer, since telling these
// apart needs the tables' columns, which the printer does not see.
var sparkRefuses = map[string]string{
	// DuckDB lets WHERE read a select alias unless a column has its name.
	"SELECT id * 2 AS dbl FROM people WHERE dbl > 6": "UNRESOLVED_COLUMN",
	// A cast to an integer rounds as DuckDB does through round/bround,
	// which take no BOOLEAN; the printer cannot see that b is one.
	"SELECT CAST(b AS INTEGER) FROM nums ORDER BY i": "DATATYPE_MISMATCH",
}

type corpusEntry struct {
	file    string
	line    int
	comment string
	sql     string
}

func readCorpus(t *testing.T, path string) []corpusEntry {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	stmts, _, _ := sqlscan.Split(string(src), sqlscan.Pos{Line: 1, Col: 1})
	var out []corpusEntry
	for _, st := range stmts {
		comment := ""
		if l := st.Pos.Line - 2; l >= 0 {
			comment = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[l]), "--"))
		}
		out = append(out, corpusEntry{file: path, line: st.Pos.Line, comment: comment, sql: strings.TrimSuffix(strings.TrimSpace(st.Text), ";")})
	}
	return out
}

func TestDifferential(t *testing.T) {
	s := sparktest.Session(t)
	if testing.Short() {
		t.Skip("runs the corpus on Spark")
	}
	ctx := context.Background()
	duck, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	duck.SetMaxOpenConns(1)
	for _, q := range fixtures(t) {
		if _, err := duck.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	makeSparkFixtures(ctx, t, duck, s)
	defer func() {
		if err := s.Exec(ctx, "DROP DATABASE IF EXISTS "+sparkDatabase+" CASCADE"); err != nil {
			t.Error(err)
		}
	}()

	var entries []corpusEntry
	for _, path := range corpusPaths {
		entries = append(entries, readCorpus(t, path)...)
	}
	// Counts per corpus file, for the summary.
	type tally struct{ queries, duckFails, printed, agreed, knownRefusals int }
	tallies := map[string]*tally{}
	for _, path := range corpusPaths {
		tallies[path] = &tally{}
	}
	var printed int
	refused := map[string]int{}
	for _, e := range entries {
		tl := tallies[e.file]
		tl.queries++
		want, err := queryDuckDB(duck, e.sql)
		if err != nil {
			tl.duckFails++ // the corpus has queries meant to fail; nothing to compare
			continue
		}
		stmts, err := duckast.Parse(e.sql)
		if err != nil || len(stmts) != 1 {
			refused["not one query DuckDB's parser serializes"]++
			continue
		}
		sparkSQL, err := sparksql.Print(stmts[0])
		var u *sparksql.UnsupportedError
		if errors.As(err, &u) {
			refused[u.Construct]++
			continue
		}
		if err != nil {
			t.Errorf("%s:%d: %v", e.file, e.line, err)
			continue
		}
		printed++
		tl.printed++
		res, err := s.Query(ctx, sparkSQL)
		if code, ok := sparkRefuses[e.sql]; ok {
			if err == nil || !strings.Contains(err.Error(), code) {
				t.Errorf("%s:%d: want Spark's %s, got %v", e.file, e.line, code, err)
			}
			tl.knownRefusals++
			continue
		}
		if err != nil {
			t.Errorf("%s:%d (%s):\n  DuckDB: %s\n  Spark:  %s\n  Spark failed: %s", e.file, e.line, e.comment, e.sql, sparkSQL, firstLine(err.Error()))
			continue
		}
		got := normalizeSpark(res)
		ordered := hasTopLevelOrder(stmts[0])
		if msg := compareRows(want, got, ordered); msg != "" {
			t.Errorf("%s:%d (%s):\n  DuckDB: %s\n  Spark:  %s\n  %s", e.file, e.line, e.comment, e.sql, sparkSQL, msg)
			continue
		}
		tl.agreed++
	}
	var why []string
	for c, n := range refused {
		why = append(why, fmt.Sprintf("%d× %s", n, c))
	}
	sort.Strings(why)
	for _, path := range corpusPaths {
		tl := tallies[path]
		t.Logf("%s: %d queries, %d fail on DuckDB itself, %d refused by the printer, %d printed: %d agree on Spark, %d refused by Spark as expected",
			path, tl.queries, tl.duckFails, tl.queries-tl.duckFails-tl.printed, tl.printed, tl.agreed, tl.knownRefusals)
	}
	t.Logf("refused: %s", strings.Join(why, "; "))
	if printed == 0 {
		t.Fatal("no corpus query printed")
	}
}

// makeSparkFixtures copies DuckDB's fixture tables to Spark, as parquet
// tables in their own database, with the printer's type names.
func makeSparkFixtures(ctx context.Context, t *testing.T, duck *sql.DB, s *spark.Session) {
	t.Helper()
	for _, q := range []string{
		"DROP DATABASE IF EXISTS " + sparkDatabase + " CASCADE",
		"CREATE DATABASE " + sparkDatabase,
		"USE " + sparkDatabase,
	} {
		if err := s.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range fixtureTables {
		rows, err := duck.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		types, _ := rows.ColumnTypes()
		var cols []string
		for _, c := range types {
			cols = append(cols, "`"+c.Name()+"` "+sparkType(t, c.DatabaseTypeName()))
		}
		var values []string
		for rows.Next() {
			vals := make([]any, len(types))
			ptrs := make([]any, len(types))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var lits []string
			for i, v := range vals {
				lits = append(lits, sparkLiteral(t, v, sparkType(t, types[i].DatabaseTypeName())))
			}
			values = append(values, "("+strings.Join(lits, ", ")+")")
		}
		rows.Close()
		name := "`" + table + "`"
		if err := s.Exec(ctx, "CREATE TABLE "+name+" ("+strings.Join(cols, ", ")+") USING parquet"); err != nil {
			t.Fatal(err)
		}
		if err := s.Exec(ctx, "INSERT INTO "+name+" VALUES "+strings.Join(values, ", ")); err != nil {
			t.Fatalf("fill %s: %v", table, err)
		}
	}
}

func sparkType(t *testing.T, duckType string) string {
	switch {
	case duckType == "INTEGER":
		return "INT"
	case duckType == "VARCHAR":
		return "STRING"
	case duckType == "REAL" || duckType == "FLOAT":
		return "FLOAT"
	case duckType == "TIMESTAMP":
		return "TIMESTAMP_NTZ"
	case duckType == "VARCHAR[]":
		return "ARRAY<STRING>"
	case strings.HasPrefix(duckType, "DECIMAL"), duckType == "BIGINT", duckType == "TINYINT",
		duckType == "DOUBLE", duckType == "DATE", duckType == "BOOLEAN":
		return duckType
	}
	t.Fatalf("fixture type %s has no Spark type here", duckType)
	return ""
}

func sparkLiteral(t *testing.T, v any, typ string) string {
	switch v := v.(type) {
	case nil:
		return "CAST(NULL AS " + typ + ")"
	case string:
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
	case duckdb.Decimal:
		return "CAST('" + v.String() + "' AS " + typ + ")"
	case float32, float64:
		return fmt.Sprintf("CAST('%v' AS %s)", v, typ)
	case time.Time:
		if typ == "DATE" {
			return "DATE'" + v.Format("2006-01-02") + "'"
		}
		return "TIMESTAMP_NTZ'" + v.Format("2006-01-02 15:04:05.999999") + "'"
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, sparkLiteral(t, x, strings.TrimSuffix(strings.TrimPrefix(typ, "ARRAY<"), ">")))
		}
		return "CAST(array(" + strings.Join(parts, ", ") + ") AS " + typ + ")"
	default:
		return fmt.Sprintf("CAST(%v AS %s)", v, typ)
	}
}

// A cell is a value as compared: a number (any numeric type, so that
// DuckDB's DECIMAL(38,2) sum and Spark's DECIMAL(20,2) one are equal), or
// the value's text.
type cell struct {
	isNum bool
	num   float64
	text  string
}

func (c cell) key() string {
	if c.isNum {
		return "n" + strconv.FormatFloat(c.num, 'g', 8, 64)
	}
	return "s" + c.text
}

func numCell(f float64) cell { return cell{isNum: true, num: f} }

func toCell(v any, decimalText bool) cell {
	switch v := v.(type) {
	case nil:
		return cell{text: "NULL"}
	case int8:
		return numCell(float64(v))
	case int16:
		return numCell(float64(v))
	case int32:
		return numCell(float64(v))
	case int64:
		return numCell(float64(v))
	case uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
		return numCell(f)
	case float32:
		return numCell(float64(v))
	case float64:
		return numCell(v)
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return numCell(f)
	case duckdb.Decimal:
		return numCell(v.Float64())
	case string:
		if decimalText {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return numCell(f)
			}
		}
		return cell{text: "'" + v + "'"}
	case bool:
		return cell{text: strconv.FormatBool(v)}
	case time.Time:
		return cell{text: v.UTC().Format("2006-01-02 15:04:05.999999")}
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, toCell(x, false).key())
		}
		return cell{text: "[" + strings.Join(parts, ",") + "]"}
	}
	return cell{text: fmt.Sprintf("%T %v", v, v)}
}

func queryDuckDB(db *sql.DB, q string) ([][]cell, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	res, err := exec.ReadRows(rows)
	if err != nil {
		return nil, err
	}
	out := make([][]cell, len(res.Rows))
	for r, vals := range res.Rows {
		out[r] = make([]cell, len(vals))
		for i, v := range vals {
			out[r][i] = toCell(v, false)
		}
	}
	return out, nil
}

func normalizeSpark(res *spark.Result) [][]cell {
	out := make([][]cell, len(res.Rows))
	for r, vals := range res.Rows {
		out[r] = make([]cell, len(vals))
		for i, v := range vals {
			out[r][i] = toCell(v, strings.HasPrefix(res.Columns[i].Type, "decimal"))
		}
	}
	return out
}

// hasTopLevelOrder tells whether the statement's own result is ordered.
func hasTopLevelOrder(st duckast.Statement) bool {
	for _, m := range duckast.List(st.Node(), "modifiers") {
		if mod, _ := m.(duckast.Node); duckast.Str(mod, "type") == "ORDER_MODIFIER" {
			return true
		}
	}
	return false
}

// compareRows says how got differs from want ("" when it does not):
// in order when ordered, else as multisets; numbers within 1e-9 relative.
func compareRows(want, got [][]cell, ordered bool) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows on DuckDB, %d on Spark\n  DuckDB: %s\n  Spark:  %s", len(want), len(got), show(want), show(got))
	}
	if len(want) > 0 && len(want[0]) != len(got[0]) {
		return fmt.Sprintf("%d columns on DuckDB, %d on Spark", len(want[0]), len(got[0]))
	}
	if !ordered {
		sortRows(want)
		sortRows(got)
	}
	for i := range want {
		for j := range want[i] {
			if !sameCell(want[i][j], got[i][j]) {
				return fmt.Sprintf("row %d column %d: DuckDB %s, Spark %s\n  DuckDB: %s\n  Spark:  %s", i+1, j+1, want[i][j].key(), got[i][j].key(), show(want), show(got))
			}
		}
	}
	return ""
}

func sameCell(a, b cell) bool {
	if a.isNum != b.isNum {
		return false
	}
	if !a.isNum {
		return a.text == b.text
	}
	if math.IsNaN(a.num) || math.IsNaN(b.num) {
		return math.IsNaN(a.num) && math.IsNaN(b.num)
	}
	if a.num == b.num {
		return true
	}
	return math.Abs(a.num-b.num) <= 1e-9*math.Max(math.Abs(a.num), math.Abs(b.num))
}

func sortRows(rows [][]cell) {
	key := func(r []cell) string {
		var parts []string
		for _, c := range r {
			parts = append(parts, c.key())
		}
		return strings.Join(parts, "|")
	}
	sort.SliceStable(rows, func(i, j int) bool { return key(rows[i]) < key(rows[j]) })
}

func show(rows [][]cell) string {
	var out []string
	for i, r := range rows {
		if i == 8 {
			out = append(out, "...")
			break
		}
		var parts []string
		for _, c := range r {
			parts = append(parts, c.key()[1:])
		}
		out = append(out, "("+strings.Join(parts, ", ")+")")
	}
	return strings.Join(out, " ")
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
