package exec

import "testing"

// TestSparkCheckType: a column type read from a manifest reaches Spark's
// SQL (a CAST) only if it is one type in the grammar of Spark's type names.
func TestSparkCheckType(t *testing.T) {
	e := &sparkEngine{}
	for _, typ := range []string{
		"bigint", "int", "string", "timestamp_ntz", "decimal(10,2)", "DECIMAL(38,0)", "varchar(3)",
		"array<int>", "map<string,array<bigint>>", "struct<a:int,b_2:struct<c:decimal(5,1)>>",
	} {
		if err := e.checkType(typ); err != nil {
			t.Errorf("%q refused: %v", typ, err)
		}
	}
	for _, typ := range []string{
		"", "int) AS x, (SELECT 1", "int --", "int; DROP TABLE t", "int/**/", "`int`", "'int'",
		"decimal(a)", "decimal()", "decimal(10,2", "array<int", "array<int>>", "struct<y z:int>", "struct<:int>",
		"interval day to second", "1int", "int,bigint",
	} {
		if err := e.checkType(typ); err == nil {
			t.Errorf("%q accepted", typ)
		}
	}
}
