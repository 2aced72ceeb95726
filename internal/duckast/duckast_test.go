package duckast

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePrint(t *testing.T) {
	st, err := Parse("SELECT a.x || 'y', stddev(b) FROM t a ANTI JOIN u b ON a.k = b.k QUALIFY row_number() OVER () = 1")
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || Str(st[0].Node(), "type") != "SELECT_NODE" {
		t.Fatalf("got %v", st)
	}
	out, err := Print(st[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ANTI JOIN", "||", "stddev", "QUALIFY"} {
		if !strings.Contains(out, want) {
			t.Errorf("printed %q lacks %q", out, want)
		}
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Parse("SELECT 1 FROM x WHERE")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 21 {
		t.Fatalf("got %v", err)
	}
	_, err = Parse("CREATE TABLE x AS SELECT 1")
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "not a query") {
		t.Fatalf("got %v", err)
	}
}

// TestTablesScope checks CTE scoping against what DuckDB binds: a CTE's
// body sees earlier CTEs only, the query sees all, a recursive CTE sees
// itself.
func TestTablesScope(t *testing.T) {
	cases := []struct {
		sql  string
		ctes string // for each reference of cc in order: c (CTE) or t (table)
	}{
		{"SELECT * FROM cc", "t"},
		{"WITH cc AS (SELECT * FROM cc) SELECT * FROM cc", "tc"},
		{"WITH d AS (SELECT * FROM cc), cc AS (SELECT 1) SELECT * FROM d", "t"},
		{"WITH cc AS (SELECT 1), d AS (SELECT * FROM cc) SELECT * FROM d", "c"},
		{"WITH RECURSIVE cc AS (SELECT 1 UNION ALL SELECT 2 FROM cc) SELECT * FROM cc", "cc"},
		{"SELECT (WITH cc AS (SELECT 1) SELECT * FROM cc), (SELECT 1 FROM cc)", "ct"},
		{"SELECT * FROM main.cc JOIN delta.cc USING (id)", "tt"},
	}
	for _, c := range cases {
		st, err := Parse(c.sql)
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		refs := Tables(st[0].JSON)
		// order by offset
		for i := range refs {
			for j := i + 1; j < len(refs); j++ {
				if refs[j].Offset < refs[i].Offset {
					refs[i], refs[j] = refs[j], refs[i]
				}
			}
		}
		for _, r := range refs {
			if !strings.EqualFold(r.Name, "cc") {
				continue
			}
			if !strings.HasPrefix(strings.ToLower(c.sql[r.Offset:]), strings.ToLower(r.Schema)) {
				t.Errorf("%s: offset %d does not point at the reference", c.sql, r.Offset)
			}
			if r.CTE {
				got.WriteByte('c')
			} else {
				got.WriteByte('t')
			}
		}
		if got.String() != c.ctes {
			t.Errorf("%s: got %s, want %s", c.sql, got.String(), c.ctes)
		}
	}
}
