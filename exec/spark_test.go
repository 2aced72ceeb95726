package exec_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/spark/sparktest"
	"github.com/itersql/itersql/internal/sqlscan"
)

// sparkSession opens an itersql session on the test's Spark server.
func sparkSession(t *testing.T) *exec.Session {
	t.Helper()
	remote := sparktest.Remote(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := exec.OpenSpark(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	// A database of the test's own: Spark's catalog is shared by every
	// session of the server, and SHOW TABLES must see this test's tables
	// only.
	_, drop, err := s.UseOwnDatabase(ctx, "itersql_exec_test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func run(t *testing.T, s *exec.Session, sql string) (*exec.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	return s.Exec(ctx, sql, sqlscan.Pos{Line: 1, Col: 1})
}

// rowsText is a result's rows as text, one row a line, values as Go
// prints them after the engine-neutral normalisation of numbers.
func rowsText(res *exec.Result) string {
	var b strings.Builder
	for _, row := range res.Rows {
		for i, v := range row {
			if i > 0 {
				b.WriteString("|")
			}
			fmt.Fprint(&b, v)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestSparkIterate(t *testing.T) {
	sp := sparkSession(t)
	graph := "CREATE OR REPLACE TABLE itersql_test_edges AS SELECT * FROM (VALUES (1, 2), (2, 3), (4, 5), (6, 6), (3, 1)) AS e(src, dst)"
	for _, tc := range []struct{ name, setup, q string }{
		{"counter", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 5 ITERATIONS) SELECT * FROM t`},
		{"plain fixpoint", "", `WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT least(i + 1, 3) FROM t UNTIL FIXPOINT) SELECT * FROM t`},
		{"keyed components", graph, `WITH ITERATE cc(v, c) KEY (v) AS (
			SELECT src, src FROM itersql_test_edges UNION SELECT dst, dst FROM itersql_test_edges
			ITERATE SELECT e.dst, min(cc.c) FROM delta.cc JOIN itersql_test_edges e ON cc.v = e.src JOIN cc AS cur ON cur.v = e.dst
				WHERE cc.c < cur.c GROUP BY e.dst
			UNTIL FIXPOINT) SELECT c, count(*) AS n FROM cc GROUP BY c ORDER BY c`},
		{"until condition on delta", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 UNION ALL SELECT 2, 0
			ITERATE SELECT k, v + 1 FROM t WHERE v < 5 UNTIL (SELECT count(*) FROM delta.t) < 2) SELECT * FROM t ORDER BY k`},
		{"until condition on previous", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 UNION ALL SELECT 2, 10
			ITERATE SELECT k, v + 1 FROM t UNTIL (SELECT sum(v) FROM previous.t) >= 14) SELECT * FROM t ORDER BY k`},
		{"keyed duplicate key", "", `WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0
			ITERATE SELECT 1, v + 1 FROM t UNION ALL SELECT 1, v FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`},
		{"types", "", `WITH ITERATE t(i, d, s) AS (SELECT 0, CAST(1.5 AS DECIMAL(10,2)), 'a'
			ITERATE SELECT i + 1, d * 2, s || 'b' FROM t UNTIL 3 ITERATIONS) SELECT * FROM t`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			duck, err := exec.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer duck.Close()
			// DuckDB's own text of each value: Spark's DECIMAL comes as
			// its exact text too.
			duck.ValueText = exec.ValuesVarchar
			if tc.setup != "" {
				if _, err := run(t, duck, tc.setup); err != nil {
					t.Fatal(err)
				}
			}
			want, wantErr := run(t, duck, tc.q)
			if tc.setup != "" {
				if _, err := run(t, sp, tc.setup); err != nil {
					t.Fatal(err)
				}
			}
			got, err := run(t, sp, tc.q)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("spark error %v, duckdb error %v", err, wantErr)
			}
			if err != nil {
				if err.Error() != wantErr.Error() {
					t.Errorf("errors differ:\nspark:  %v\nduckdb: %v", err, wantErr)
				}
				assertNoSparkTables(t, sp)
				return
			}
			if g, w := rowsText(got), rowsText(want); g != w {
				t.Errorf("spark:\n%s\nduckdb:\n%s", g, w)
			}
			if g, w := len(got.Stats), len(want.Stats); g != w {
				t.Errorf("spark ran %d iterations, duckdb %d", g, w)
			}
			for i := range got.Stats {
				if i < len(want.Stats) && (got.Stats[i].Rows != want.Stats[i].Rows || got.Stats[i].Changed != want.Stats[i].Changed) {
					t.Errorf("iteration %d: spark %+v, duckdb %+v", i, got.Stats[i], want.Stats[i])
				}
			}
			assertNoSparkTables(t, sp)
		})
	}
}

// assertNoSparkTables fails if a run left a table of itersql's on the
// server.
func assertNoSparkTables(t *testing.T, sp *exec.Session) {
	t.Helper()
	res, err := run(t, sp, "SHOW TABLES LIKE '__itersql_*'")
	if err != nil {
		t.Fatal(err)
	}
	// Temporary views (of files read with read_csv) live as long as the
	// session, by design; tables would outlive it.
	for _, row := range res.Rows {
		if row[2] != true {
			t.Errorf("table left on Spark: %v", row)
		}
	}
}

// TestSparkRefusesBeforeRunning: what Spark cannot run with DuckDB's
// meaning, or what is not built on Spark, is an error at its position
// before anything runs.
func TestSparkRefusesBeforeRunning(t *testing.T) {
	sp := sparkSession(t)
	for _, tc := range []struct{ name, setup, q, want string }{
		{"construct with no Spark equivalent", "", "WITH ITERATE t(i) AS (SELECT 0\nITERATE SELECT list_sort([i]) [1] FROM t UNTIL 2 ITERATIONS) SELECT * FROM t",
			"2:16: step of WITH ITERATE on Spark: function list_sort has no Spark SQL equivalent"},
		{"inside DELETE", "", "DELETE FROM nowhere WHERE i IN (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS) SELECT * FROM t)",
			"inside DELETE it is not supported yet"},
		{"an option of COPY that Spark cannot honour", "", "COPY (WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS) SELECT * FROM t)\nTO 'itersql_never_written.parquet' (FORMAT parquet,\n  PARTITION_BY (i))",
			"3:3: final query of WITH ITERATE on Spark: COPY TO does not take option PARTITION_BY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != "" {
				if _, err := run(t, sp, tc.setup); err != nil {
					t.Fatal(err)
				}
				name := strings.Fields(tc.setup)[1]
				defer run(t, sp, "SET "+name+" = "+map[string]string{"checkpoint_every": "0", "skew_join": "auto"}[name])
			}
			began := sp.Counters()
			_, err := run(t, sp, tc.q)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if c := sp.Counters(); c.TablesCreated != began.TablesCreated {
				t.Errorf("%d tables were made before the error", c.TablesCreated-began.TablesCreated)
			}
			assertNoSparkTables(t, sp)
		})
	}
}

// TestSparkCancel: a cancelled run stops on the server and leaves no table.
func TestSparkCancel(t *testing.T) {
	sp := sparkSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	sp.Progress = func(_ string, st exec.IterStat, _ time.Duration) {
		if st.Iteration == 2 {
			cancel()
		}
	}
	_, err := sp.Exec(ctx, "WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 1000 ITERATIONS) SELECT * FROM t", sqlscan.Pos{Line: 1, Col: 1})
	if err == nil || !strings.Contains(err.Error(), "canceled at iteration") {
		t.Fatalf("got %v, want a cancel", err)
	}
	sp.Progress = nil
	assertNoSparkTables(t, sp)
	// The session goes on.
	res, err := run(t, sp, "SELECT 1 + 1 AS two")
	if err != nil || rowsText(res) != "2\n" {
		t.Fatalf("after the cancel: %v %v", res, err)
	}
}

// TestSparkCounters: the statements a Spark iteration sends are counted,
// the count(*) after each CREATE TABLE AS included.
func TestSparkCounters(t *testing.T) {
	sp := sparkSession(t)
	perIteration := func(n int) int64 {
		before := sp.Counters().Statements
		if _, err := run(t, sp, fmt.Sprintf("WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL %d ITERATIONS) SELECT i FROM t", n)); err != nil {
			t.Fatal(err)
		}
		return sp.Counters().Statements - before
	}
	// CREATE TABLE AS, count(*), DROP of the state before.
	if got := perIteration(4) - perIteration(2); got != 2*3 {
		t.Errorf("two more iterations sent %d statements, want %d", got, 2*3)
	}
}

// TestSparkIterateInStatements: WITH ITERATE inside CREATE TABLE AS,
// INSERT INTO and a subquery on Spark writes and reads what DuckDB does.
func TestSparkIterateInStatements(t *testing.T) {
	sp := sparkSession(t)
	name := fmt.Sprintf("itersql_test_kept_%d", time.Now().UnixNano())
	defer run(t, sp, "DROP TABLE IF EXISTS "+name)
	for _, q := range []string{
		"CREATE TABLE " + name + " AS WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 3 ITERATIONS) SELECT i FROM c",
		"INSERT INTO " + name + " WITH ITERATE c(i) AS (SELECT 10 ITERATE SELECT i + 1 FROM c UNTIL 3 ITERATIONS) SELECT i FROM c",
		// A final query that starts with a parenthesis: the check before
		// iteration 1 describes it from where it starts in the INSERT.
		"INSERT INTO " + name + " WITH ITERATE c(i) AS (SELECT 20 ITERATE SELECT i + 1 FROM c UNTIL 1 ITERATIONS) (SELECT i FROM c) UNION ALL (SELECT i + 10 FROM c)",
	} {
		if _, err := run(t, sp, q); err != nil {
			t.Fatal(err)
		}
	}
	res, err := run(t, sp, "SELECT x.i * 2 AS twice FROM (WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 5 ITERATIONS) SELECT i FROM c) AS x UNION ALL SELECT i FROM "+name+" ORDER BY twice")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rowsText(res), "3\n10\n13\n21\n31\n"; got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	assertNoSparkTables(t, sp)
}

// TestSparkCreateOrReplace: CREATE OR REPLACE TABLE ... AS on Spark, as a
// statement and with WITH ITERATE as its query, replaces the table (with
// another schema too, and reading the table it replaces) as DuckDB's
// does; when its query fails, at run time or before, the old table stays
// as it was; and it leaves no table of itersql's behind.
func TestSparkCreateOrReplace(t *testing.T) {
	sp := sparkSession(t)
	// The loop starts from the largest value of the table's column col.
	iterate := func(col, final string) string {
		return "CREATE OR REPLACE TABLE itersql_test_replaced AS WITH ITERATE c(i) AS (SELECT max(" + col + ") FROM itersql_test_replaced ITERATE SELECT i + 1 FROM c UNTIL 2 ITERATIONS) " + final
	}
	// A runtime error under ANSI mode (Spark's default, as DuckDB's
	// casts): the query binds, and fails while it writes.
	badCast := "CAST(CASE WHEN %s > 5 THEN 'x' ELSE '1' END AS INT) AS bad"
	for _, tc := range []struct {
		name, q string
		wantErr string // a part of the error, "" for none
		want    string // the table after: its columns, then its rows
	}{
		{"new table", "CREATE OR REPLACE TABLE itersql_test_replaced AS SELECT 1 AS a, 'one' AS b", "", "a|b\n1|one\n"},
		{"replaced, reading itself", "CREATE OR REPLACE TABLE itersql_test_replaced AS SELECT a + 1 AS n FROM itersql_test_replaced UNION ALL SELECT 10", "", "n\n2\n10\n"},
		{"runtime error", "CREATE OR REPLACE TABLE itersql_test_replaced AS SELECT " + fmt.Sprintf(badCast, "n") + " FROM itersql_test_replaced", "CAST_INVALID_INPUT", "n\n2\n10\n"},
		{"bad column", "CREATE OR REPLACE TABLE itersql_test_replaced AS SELECT nope FROM itersql_test_replaced", "nope", "n\n2\n10\n"},
		{"WITH ITERATE", iterate("n", "SELECT i, i * 2 AS twice FROM c"), "", "i|twice\n12|24\n"},
		{"WITH ITERATE, runtime error in the final query", iterate("i", "SELECT "+fmt.Sprintf(badCast, "i")+" FROM c"), "CAST_INVALID_INPUT", "i|twice\n12|24\n"},
		{"WITH ITERATE, bad column in the final query", iterate("i", "SELECT nope FROM c"), "nope", "i|twice\n12|24\n"},
		{"WITH ITERATE, runtime error in the step", "CREATE OR REPLACE TABLE itersql_test_replaced AS WITH ITERATE c(i) AS (SELECT max(i) FROM itersql_test_replaced ITERATE SELECT " + fmt.Sprintf(badCast, "i") + " FROM c UNTIL 2 ITERATIONS) SELECT i FROM c", "CAST_INVALID_INPUT", "i|twice\n12|24\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, sp, tc.q)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
			}
			res, err := run(t, sp, "SELECT * FROM itersql_test_replaced ORDER BY 1")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(res.Columns, "|") + "\n" + rowsText(res); got != tc.want {
				t.Errorf("the table holds\n%swant\n%s", got, tc.want)
			}
			assertNoSparkTables(t, sp)
		})
	}
	// A step after the new table is written fails (a view is not
	// dropped by DROP TABLE; DuckDB refuses to replace a view too): the
	// new table is dropped, the view stays.
	t.Run("a view", func(t *testing.T) {
		if _, err := run(t, sp, "CREATE VIEW itersql_test_view AS SELECT 1 AS v"); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			"CREATE OR REPLACE TABLE itersql_test_view AS SELECT 2 AS w",
			"CREATE OR REPLACE TABLE itersql_test_view AS WITH ITERATE c(i) AS (SELECT 2 ITERATE SELECT i + 1 FROM c UNTIL 2 ITERATIONS) SELECT i AS w FROM c",
		} {
			if _, err := run(t, sp, q); err == nil {
				t.Fatalf("replaced a view: %s", q)
			}
			res, err := run(t, sp, "SELECT * FROM itersql_test_view")
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(res.Columns, "|") + "\n" + rowsText(res); got != "v\n1\n" {
				t.Errorf("after %s the view gives\n%s", q, got)
			}
			assertNoSparkTables(t, sp)
		}
	})
}

// TestSparkCopy: COPY (query) TO 'path' on Spark, plain and with WITH
// ITERATE as its query, writes a folder of part files at the path whose
// rows, read back by DuckDB (path/*.parquet, path/*.csv, path/*.json),
// are what DuckDB's own COPY of the same statement writes, and Spark
// reads back (read_parquet of the folder) the rows of the query. It
// prints nothing, as on DuckDB, and leaves no table of itersql's behind.
func TestSparkCopy(t *testing.T) {
	sp := sparkSession(t)
	duck, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	dir := t.TempDir()
	// A comma, a quote, an empty string and NULLs, which CSV must keep
	// apart.
	rows := `SELECT * FROM (VALUES (1, 'a,b', 1.5), (2, 'say "hi" | ok', NULL), (3, '', 2.25), (4, NULL, 0.5)) AS v(i, s, d)`
	// Values whose text differs between the engines.
	types := "SELECT i, CAST(i AS DOUBLE) * 1e10 AS x, TIMESTAMP '2024-01-02 03:04:05' AS ts, DATE '2024-01-02' AS d, i > 1 AS b FROM (VALUES (1), (2), (3)) AS v(i)"
	iterate := "WITH ITERATE c(i, s) AS (SELECT 0, 'x' ITERATE SELECT i + 1, s || 'y' FROM c UNTIL 3 ITERATIONS) SELECT i, s FROM c"
	for _, tc := range []struct {
		name, query, options string
		ext                  string // what the path ends in
		read                 string // DuckDB's reader of the output, %s its path
	}{
		{"parquet", rows, "", ".parquet", "read_parquet(%s)"},
		{"parquet by FORMAT", rows, "(FORMAT parquet, COMPRESSION zstd)", ".out", "read_parquet(%s)"},
		{"csv, header by default", rows, "", ".csv", "read_csv(%s)"},
		{"csv with header and delimiter", rows, "(FORMAT csv, HEADER, DELIMITER '|')", ".csv", "read_csv(%s, delim = '|', header = true)"},
		{"csv without header", rows, "WITH (HEADER false, SEP ';')", ".csv", "read_csv(%s, delim = ';', header = false)"},
		{"json", rows, "", ".json", "read_json(%s)"},
		{"parquet of other types", types, "", ".parquet", "read_parquet(%s)"},
		{"csv of other types", types, "", ".csv", "read_csv(%s)"},
		{"json of other types", types, "", ".json", "read_json(%s)"},
		{"gzipped csv", rows, "", ".csv.gz", "read_csv(%s)"},
		{"WITH ITERATE", iterate, "(FORMAT parquet)", ".parquet", "read_parquet(%s)"},
		// A quote in the path, or as the delimiter, which the check
		// before iteration 1 must read past in Spark's statement.
		{"WITH ITERATE to it's csv", iterate, "(DELIMITER '|')", ".csv", "read_csv(%s, delim = '|', header = true)"},
		{"WITH ITERATE to csv with a quote as delimiter", iterate, "(DELIMITER '''')", ".csv", "read_csv(%s, delim = '''', header = true)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.NewReplacer(" ", "_", ",", "").Replace(tc.name)
			duckPath := filepath.Join(dir, "duck_"+name+tc.ext)
			sparkPath := filepath.Join(dir, "spark_"+name+tc.ext)
			copyTo := func(path string) string {
				return "COPY (" + tc.query + ") TO " + sqlQuote(path) + " " + tc.options
			}
			want, err := run(t, duck, copyTo(duckPath))
			if err != nil {
				t.Fatal(err)
			}
			got, err := run(t, sp, copyTo(sparkPath))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Columns) != len(want.Columns) || len(got.Rows) != len(want.Rows) {
				t.Errorf("spark gives %v %v, duckdb %v %v", got.Columns, got.Rows, want.Columns, want.Rows)
			}
			if info, err := os.Stat(sparkPath); err != nil || !info.IsDir() {
				t.Fatalf("spark wrote no folder at %s: %v", sparkPath, err)
			}
			parts := sparkPath + "/*" + tc.ext
			if tc.ext == ".out" {
				parts = sparkPath + "/*.parquet"
			}
			read := func(path string) string {
				res, err := run(t, duck, "SELECT * FROM "+fmt.Sprintf(tc.read, sqlQuote(path))+" ORDER BY ALL")
				if err != nil {
					t.Fatal(err)
				}
				return strings.Join(res.Columns, "|") + "\n" + strings.Join(res.Types, "|") + "\n" + rowsText(res)
			}
			if g, w := read(parts), read(duckPath); g != w {
				t.Errorf("DuckDB reads from Spark's COPY\n%s\nfrom its own\n%s", g, w)
			}
			if strings.Contains(tc.read, "parquet") {
				back, err := run(t, sp, "SELECT * FROM read_parquet("+sqlQuote(sparkPath)+") ORDER BY i")
				if err != nil {
					t.Fatal(err)
				}
				query, err := run(t, sp, "SELECT * FROM ("+tc.query+") AS q ORDER BY i")
				if err != nil {
					t.Fatal(err)
				}
				if g, w := rowsText(back), rowsText(query); g != w {
					t.Errorf("Spark reads back\n%s\nthe query gives\n%s", g, w)
				}
			}
			assertNoSparkTables(t, sp)
		})
	}
	// COPY t TO, a table's rows.
	t.Run("a table", func(t *testing.T) {
		setup := "CREATE OR REPLACE TABLE itersql_test_copied AS " + rows
		for _, s := range []*exec.Session{duck, sp} {
			if _, err := run(t, s, setup); err != nil {
				t.Fatal(err)
			}
		}
		defer run(t, sp, "DROP TABLE IF EXISTS itersql_test_copied")
		duckPath, sparkPath := filepath.Join(dir, "duck_table.csv"), filepath.Join(dir, "spark_table.csv")
		if _, err := run(t, duck, "COPY itersql_test_copied TO "+sqlQuote(duckPath)); err != nil {
			t.Fatal(err)
		}
		if _, err := run(t, sp, "COPY itersql_test_copied TO "+sqlQuote(sparkPath)); err != nil {
			t.Fatal(err)
		}
		read := func(path string) string {
			res, err := run(t, duck, "SELECT * FROM read_csv("+sqlQuote(path)+") ORDER BY ALL")
			if err != nil {
				t.Fatal(err)
			}
			return rowsText(res)
		}
		if g, w := read(sparkPath+"/*.csv"), read(duckPath); g != w {
			t.Errorf("DuckDB reads from Spark's COPY\n%s\nfrom its own\n%s", g, w)
		}
	})
}

// TestSparkCopyRelative: a relative path of COPY TO is the client's, as
// on DuckDB.
func TestSparkCopyRelative(t *testing.T) {
	sp := sparkSession(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if _, err := run(t, sp, "COPY (SELECT 1 AS a) TO 'relative.parquet'"); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, "relative.parquet")); err != nil || !info.IsDir() {
		t.Fatalf("no folder relative.parquet in the client's folder: %v", err)
	}
	duck, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	res, err := run(t, duck, "SELECT * FROM read_parquet('relative.parquet/*.parquet')")
	if err != nil {
		t.Fatal(err)
	}
	if got := rowsText(res); got != "1\n" {
		t.Errorf("read back %q", got)
	}
}

// sqlQuote is s as a string literal of DuckDB's.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// TestSparkCopyRefused: what COPY TO on Spark cannot do as DuckDB does is
// an error at its line:col before anything runs, and nothing is written;
// an error of Spark's is placed in the user's query.
func TestSparkCopyRefused(t *testing.T) {
	sp := sparkSession(t)
	dir := t.TempDir()
	kept := filepath.Join(dir, "kept")
	if err := os.MkdirAll(kept, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(kept, "notes.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := sqlQuote(filepath.Join(dir, "out"))
	for _, tc := range []struct {
		name, q string
		at      string // the error is at the first occurrence of at in q
		want    string
	}{
		{"a compression Spark does not write", "COPY (SELECT 1 AS a)\nTO " + out + " (HEADER,\n  COMPRESSION zstd)", "COMPRESSION", "on Spark: COPY TO does not write csv with COMPRESSION zstd"},
		{"partitions", "COPY (SELECT 1 AS a) TO " + out + " (FORMAT parquet, PARTITION_BY (a))", "PARTITION_BY", "on Spark: COPY TO does not take option PARTITION_BY"},
		{"HEADER of parquet", "COPY (SELECT 1 AS a) TO " + out + " (FORMAT parquet, HEADER)", "HEADER", "on Spark: COPY TO takes HEADER for csv only (this writes parquet)"},
		{"a delimiter of two characters", "COPY (SELECT 1 AS a) TO " + out + " (DELIMITER '||')", "DELIMITER", "on Spark: COPY TO takes DELIMITER of one character"},
		{"a format Spark does not write", "COPY (SELECT 1 AS a) TO " + out + " (FORMAT xlsx)", "FORMAT", "on Spark: COPY TO writes FORMAT csv, parquet or json"},
		{"the older form", "COPY (SELECT 1 AS a) TO " + out + " HEADER\nQUOTE '\"'", "QUOTE", "on Spark: COPY TO does not take option QUOTE"},
		{"a folder of the user's", "COPY (SELECT 1 AS a) TO " + sqlQuote(kept), sqlQuote(kept), "on Spark: COPY TO replaces the folder " + kept + " with a folder of part files, and it holds notes.txt"},
		{"a construct with no Spark equivalent", "COPY (SELECT 1 AS a,\n  list_sort([1]) AS l) TO " + out, "list_sort", "on Spark: function list_sort has no Spark SQL equivalent"},
		{"a table Spark does not find", "COPY\n  itersql_no_such_table TO " + out, "itersql_no_such_table", "itersql_no_such_table"},
		{"a column Spark does not find", "COPY (SELECT a,\n  nope FROM (SELECT 1 AS a) AS x) TO " + out + " (FORMAT parquet)", "nope", "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := strings.Index(tc.q, tc.at)
			pos := sqlscan.Pos{Line: 1, Col: 1}.Advance(tc.q[:off])
			began := sp.Counters()
			_, err := run(t, sp, tc.q)
			if err == nil || !strings.HasPrefix(err.Error(), pos.String()+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one at %s containing %q", err, pos, tc.want)
			}
			if c := sp.Counters(); c.TablesCreated != began.TablesCreated {
				t.Errorf("%d tables were made before the error", c.TablesCreated-began.TablesCreated)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Errorf("the refused COPY wrote %s", filepath.Join(dir, "out"))
			}
			assertNoSparkTables(t, sp)
		})
	}
	if b, err := os.ReadFile(filepath.Join(kept, "notes.txt")); err != nil || string(b) != "mine\n" {
		t.Errorf("the user's folder changed: %q %v", b, err)
	}
}
