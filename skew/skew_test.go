package skew

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

func TestAutoThreshold(t *testing.T) {
	for med, want := range map[int64]int64{0: 1000, 1: 1000, 100: 1000, 101: 1010, 5000: 50000} {
		if got := autoThreshold(med, 0); got != want {
			t.Errorf("AutoThreshold(%d) = %d, want %d", med, got, want)
		}
	}
	if got := autoThreshold(5, 1000000); got != 250000 {
		t.Errorf("AutoThreshold with 1M-row tasks = %d, want 250000", got)
	}
}

func TestHashCast(t *testing.T) {
	for _, c := range []struct{ l, r, want string }{
		{"BIGINT", "BIGINT", ""}, {"VARCHAR", "varchar", ""}, {"INTEGER", "BIGINT", "BIGINT"},
		{"UBIGINT", "BIGINT", "HUGEINT"}, {"UHUGEINT", "INTEGER", "!"}, {"VARCHAR", "INTEGER", "!"},
	} {
		got, err := hashCast(c.l, c.r)
		if err != nil {
			got = "!"
		}
		if got != c.want {
			t.Errorf("HashCast(%s, %s) = %q, want %q", c.l, c.r, got, c.want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, c := range [][3]string{
		{"42", "BIGINT", "42"}, {"it's", "VARCHAR", "'it''s'"}, {"2024-01-02", "DATE", "CAST('2024-01-02' AS DATE)"},
	} {
		if got := literal(c[0], c[1]); got != c[2] {
			t.Errorf("Literal(%q, %s) = %s, want %s", c[0], c[1], got, c[2])
		}
	}
}

func TestNewSplitLayout(t *testing.T) {
	j := &Join{Sides: [2]Side{{KeyType: "BIGINT"}, {KeyType: "BIGINT"}}}
	f := [2]*Freq{
		{Rows: 1000},
		{Rows: 9000, Heavy: []heavyKey{{Text: "1", Lit: "1", Rows: [2]int64{0, 5000}}}},
	}
	s, err := newLayout(j, f, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// 5000 other rows at 1000 a task: 5 shuffle tasks; the hub's 5000 rows
	// in chunks of that size: 5 broadcast tasks, cut from the right side.
	if s.Parts != 5 || s.Chunks != 5 || s.Big != 1 || len(s.Heavy) != 1 {
		t.Errorf("parts %d chunks %d big %d heavy %d", s.Parts, s.Chunks, s.Big, len(s.Heavy))
	}
	if s, _ = newLayout(j, f, 3, 1000); s.Parts != 3 {
		t.Errorf("fixed partitions: %d", s.Parts)
	}
}

func openDB(t *testing.T) (*sql.DB, *sql.Conn) {
	t.Helper()
	c, err := duckdb.NewConnector("", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return db, conn
}

func rowsOf(t *testing.T, conn *sql.Conn, q string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		v := make([]any, len(cols))
		p := make([]any, len(cols))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rows.Scan(p...); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, v...)
	}
	return b.String()
}

// TestSkewTasksMatchJoin runs the tasks of splits of every join type, with
// either side chunked, with and without partition tables, on inputs with
// hubs on both sides, NULL keys and a residual ON condition, and compares
// the result table with DuckDB's own join.
func TestSkewTasksMatchJoin(t *testing.T) {
	db, conn := openDB(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE l AS SELECT CASE WHEN i % 50 = 0 THEN NULL WHEN i < 300 THEN 1 ELSE i % 97 END AS k, i AS v FROM range(0, 2000) t(i)`,
		`CREATE TABLE r AS SELECT CAST(CASE WHEN i % 41 = 0 THEN NULL WHEN i < 500 THEN 2 WHEN i < 600 THEN 1 ELSE i % 113 END AS INTEGER) AS k, i AS w FROM range(0, 3000) t(i)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	on := `"l"."k" = "r"."k" AND "r"."w" % 3 <> 0`
	seq := 0
	for _, tp := range []JoinType{Inner, Left, Right} {
		for _, big := range []int{0, 1} {
			for _, parts := range []int{1, 4} {
				for _, prepart := range []bool{false, true} {
					j := &Join{Type: tp, On: on,
						Sides: [2]Side{
							{Alias: "l", Source: `"l"`, Key: "k", KeyType: "BIGINT", Cols: []string{"k", "v"}},
							{Alias: "r", Source: `"r"`, Key: "k", KeyType: "INTEGER", Cols: []string{"k", "w"}},
						},
						Out: []Out{{0, "k", "l__k"}, {0, "v", "l__v"}, {1, "k", "r__k"}, {1, "w", "r__w"}},
					}
					// Key 1 is heavy in both inputs, key 2 in r only.
					f := [2]*Freq{
						{Rows: 2000, Heavy: []heavyKey{{Lit: "1", Text: "1", Rows: [2]int64{300, 0}}}},
						{Rows: 3000, Heavy: []heavyKey{{Lit: "2", Text: "2", Rows: [2]int64{0, 500}}, {Lit: "1", Text: "1", Rows: [2]int64{0, 100}}}},
					}
					if big == 0 {
						f[0].Heavy[0].Rows[0] = 5000
					}
					s, err := newLayout(j, f, parts, 400)
					if err != nil {
						t.Fatal(err)
					}
					if s.Big != big {
						t.Fatalf("big = %d, want %d", s.Big, big)
					}
					name := fmt.Sprintf("%s big=%d parts=%d prepart=%v", tp, big, parts, prepart)
					seq++
					s.Result = fmt.Sprintf("res%d", seq)
					var setup []string
					setup = append(setup, "CREATE TABLE "+s.Result+" AS "+s.ResultSelect())
					for i := range 2 {
						s.HeavyTables[i] = fmt.Sprintf("heavy%d_%d", seq, i)
						setup = append(setup, "CREATE TABLE "+s.HeavyTables[i]+" AS "+s.HeavySQL(i))
						if prepart && parts > 1 {
							s.PartTables[i] = fmt.Sprintf("part%d_%d", seq, i)
							setup = append(setup, "CREATE TABLE "+s.PartTables[i]+" AS "+s.PartSQL(i))
						}
					}
					for _, q := range setup {
						if _, err := conn.ExecContext(ctx, q); err != nil {
							t.Fatalf("%s: %s: %v", name, q, err)
						}
					}
					stats, err := runTasks(ctx, db, 3, s.Tasks())
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					want := rowsOf(t, conn, fmt.Sprintf(`SELECT "l"."k", "l"."v", "r"."k", "r"."w" FROM "l" %s "r" ON %s ORDER BY ALL`, tp, on))
					got := rowsOf(t, conn, "SELECT * FROM "+s.Result+" ORDER BY ALL")
					if got != want {
						t.Errorf("%s: split differs from the join (%d vs %d bytes)", name, len(got), len(want))
					}
					if sum := summarize(stats); sum.Tasks != len(stats) || sum.Broadcast == 0 {
						t.Errorf("%s: summary %+v", name, sum)
					}
				}
			}
		}
	}
}
