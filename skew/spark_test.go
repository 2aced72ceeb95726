package skew

import (
	"strings"
	"testing"
)

// TestSparkQuery: a split part prints as one Spark query that reads both
// paths in place of the result table, each with its hint, and an outer
// join whose kept side is broadcast adds its unmatched rows; a heavy key
// whose literal Spark cannot say makes the part unprintable, so that it
// runs unsplit (Execute's fallback), never with another meaning.
func TestSparkQuery(t *testing.T) {
	cols := map[string][]Column{
		`"users"`:  {{"user_id", "BIGINT"}, {"city", "VARCHAR"}},
		`"groups"`: {{"user_id", "BIGINT"}, {"group_id", "BIGINT"}},
	}
	describe := func(source string) ([]Column, error) { return cols[source], nil }
	for _, tc := range []struct {
		name, query string
		unmatched   bool
	}{
		{"inner", `SELECT a.city, count(*) AS n FROM users a JOIN groups b ON a.user_id = b.user_id GROUP BY a.city`, false},
		{"left, kept side broadcast", `SELECT a.city, b.group_id FROM users a LEFT JOIN groups b ON a.user_id = b.user_id`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := Prepare(tc.query, describe, Options{PushAggregates: true})
			if err != nil || len(sp.Joins) != 1 {
				t.Fatalf("Prepare: %v %+v", err, sp)
			}
			text, err := printSpark(sp.SQL)
			if err != nil {
				t.Fatal(err)
			}
			l, err := newLayout(sp.Joins[0], [2]*Freq{{Rows: 10}, {Rows: 100, Heavy: []heavyKey{{Lit: "7", Text: "7", Rows: [2]int64{0, 90}}}}}, 4, DefaultTargetTaskRows)
			if err != nil {
				t.Fatal(err)
			}
			l.oneQuery = true
			q, paths, err := sparkQuery(text, []*layout{l})
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"SELECT /*+ BROADCAST(`a`) */ ", "SELECT /*+ REPARTITION(4, `user_id`) */ ", " UNION ALL ", "IN (7)", "NOT coalesce((`b`.`user_id` IN (7))"} {
				if !strings.Contains(q, want) {
					t.Errorf("the query lacks %q:\n%s", want, q)
				}
			}
			if strings.Count(q, "REPARTITION(") != 2 || strings.Contains(q, "__itersql_skew") || strings.Contains(q, "__itersql_heavy") || strings.Contains(q, "__itersql_side") || strings.Contains(q, "__itersql_task") {
				t.Errorf("placeholders or task columns left, or not both sides repartitioned:\n%s", q)
			}
			if (paths[0].unmatched != "") != tc.unmatched {
				t.Errorf("unmatched rows %q, want them: %v", paths[0].unmatched, tc.unmatched)
			}
			l.Heavy[0].Lit = "CAST('1 day' AS INTERVAL)"
			if _, _, err := sparkQuery(text, []*layout{l}); err == nil {
				t.Error("a heavy key Spark cannot say printed")
			}
		})
	}
}

func TestDuckType(t *testing.T) {
	for spark, want := range map[string]string{"int": "INTEGER", "bigint": "BIGINT", "string": "VARCHAR", "decimal(10,2)": "DECIMAL(10,2)", "timestamp_ntz": "TIMESTAMP", "string collate UTF8_LCASE": "STRING COLLATE UTF8_LCASE"} {
		if got := duckType(spark); got != want {
			t.Errorf("duckType(%s) = %s, want %s", spark, got, want)
		}
	}
}
