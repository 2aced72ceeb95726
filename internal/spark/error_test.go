package spark

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorOffset: where Spark points in a statement, read from its
// messages (as a Spark 4.0 server words them), is the byte offset of the
// failing token.
func TestErrorOffset(t *testing.T) {
	for _, c := range []struct{ sql, raw, at string }{
		{
			"DESCRIBE QUERY SELECT `a`, `nope` FROM (SELECT 1 AS `a`) AS `t`",
			"execution error: failed to execute sql: DESCRIBE QUERY SELECT `a`, `nope` FROM (SELECT 1 AS `a`) AS `t`: execution error: [UNRESOLVED_COLUMN.WITH_SUGGESTION] [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `nope` cannot be resolved. Did you mean one of the following? [`a`]. SQLSTATE: 42703; line 1 pos 27;\n'Project [a#312, 'nope]\n+- SubqueryAlias t\n. SQLSTATE: 42703",
			"`nope`",
		},
		{
			"SELECT 'é' AS a,\n  nosuchfn(2) AS b",
			"execution error: failed to execute sql: SELECT 'é' AS a,\n  nosuchfn(2) AS b: execution error: [UNRESOLVED_ROUTINE] [UNRESOLVED_ROUTINE] Cannot resolve routine `nosuchfn` on search path [`system`.`builtin`]. SQLSTATE: 42883; line 2 pos 2. SQLSTATE: 42883",
			"nosuchfn",
		},
		{
			"SELECT 'é', CAST('x' AS INT) + 1",
			"execution error: [CAST_INVALID_INPUT] [CAST_INVALID_INPUT] The value 'x' of the type \"STRING\" cannot be cast to \"INT\" because it is malformed. SQLSTATE: 22018\n== SQL (line 1, position 13) ==\nSELECT 'é', CAST('x' AS INT) + 1\n            ^^^^^^^^^^^^^^^^\n. SQLSTATE: 22018",
			"CAST",
		},
		{"SELECT 1", "execution error: [INTERNAL_ERROR] something. SQLSTATE: XX000", ""},
	} {
		var e *Error
		if !errors.As(serverError(c.sql, errors.New(c.raw)), &e) {
			t.Fatal("not an *Error")
		}
		want := -1
		if c.at != "" {
			want = strings.Index(c.sql, c.at)
		}
		if got := e.Offset(); got != want {
			t.Errorf("%s: offset %d (line %d col %d), want %d", c.sql, got, e.Line, e.Col, want)
		}
		if strings.Contains(e.Msg, "line ") || strings.Contains(e.Msg, "SQLSTATE") {
			t.Errorf("message keeps the position: %q", e.Msg)
		}
	}
}
