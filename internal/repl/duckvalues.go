package repl

import (
	"context"
	"strings"

	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/sqlscan"
)

// DuckDB, not Go, writes the text of query results, so that every type
// (UUID, TIMESTAMPTZ in the session's TimeZone, 'infinity' dates, DOUBLE
// 1.0, structs in field order, lists with quoted strings, types added
// later) reads exactly as in DuckDB's CLI. The driver's Go values cannot
// do that: a UUID arrives as 16 bytes, a struct as a Go map that has lost
// its field order, an infinite date as year 5881580.
//
// How: a statement that DuckDB can DESCRIBE is a query. DESCRIBE only
// binds it, and gives the column names as the user wrote them (a
// subquery would rename a second "a" to "a_1") and the DuckDB type of
// each column, for the types row and for right-aligning numbers. The
// query then runs once, through exec as any statement does, wrapped in a
// projection that casts every column to VARCHAR (json mode: DuckDB's
// to_json), so the cast happens inside DuckDB's own pipeline and costs no
// second run. Anything else (DDL, SET, PRAGMA, EXPLAIN, WITH ITERATE,
// whose final rows exec builds from temp tables) runs unchanged and is
// shown from its Go values by render.Value.

// textQuery is a query rewritten to return DuckDB's text of its values.
type textQuery struct {
	stmt    sqlscan.Statement // the wrapped statement to run
	columns []string          // the query's own column names
	types   []string          // their DuckDB types
	json    bool              // cells are JSON text (json mode)
}

// queryStarts are the first words of statements that may be queries. The
// rest (INSERT, CREATE, PRAGMA, ...) are not worth a DESCRIBE.
var queryStarts = []string{"SELECT", "FROM", "WITH", "VALUES", "TABLE", "PIVOT", "UNPIVOT"}

// asText returns st rewritten to produce DuckDB's text, or ok false when
// st is not a plain DuckDB query and must run as it is.
func (h *Handler) asText(ctx context.Context, st sqlscan.Statement) (q textQuery, ok bool) {
	// The skew split (SET skew_join = on) reads a plain SELECT's joins
	// from its text; a wrapping projection would hide them from it.
	if h.Sess.Settings.SkewJoin == "on" {
		return q, false
	}
	// On Spark a statement runs through the session's translation to
	// Spark SQL, and values come back as Spark gives them.
	if h.Sess.Engine() != "duckdb" {
		return q, false
	}
	toks, err := sqlscan.Tokens(st.Text, st.Pos)
	if err != nil || len(toks) == 0 {
		return q, false
	}
	first := toks[0]
	if len(toks) > 1 && first.Is("WITH") && toks[1].Is("ITERATE") {
		return q, false
	}
	if first.Text != "(" && !isAny(first, queryStarts) {
		return q, false
	}
	// A trailing line comment would swallow what follows it on its line.
	rows, err := h.Sess.Conn().QueryContext(ctx, "DESCRIBE "+st.Text+"\n")
	if err != nil {
		// Not a query DuckDB can bind. Running it unchanged reports the
		// error against the user's own text.
		return q, false
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var rest [4]any
		if err := rows.Scan(&name, &typ, &rest[0], &rest[1], &rest[2], &rest[3]); err != nil {
			return q, false
		}
		q.columns = append(q.columns, name)
		q.types = append(q.types, typ)
	}
	if rows.Err() != nil || len(q.columns) == 0 {
		return q, false
	}
	cast := "CAST(COLUMNS(*) AS VARCHAR)"
	if h.Mode == render.ModeJSON {
		cast, q.json = "CAST(to_json(COLUMNS(*)) AS VARCHAR)", true
	}
	// The wrapper has lines of its own, and the query keeps its line and
	// column (padded to its column), so an error DuckDB reports inside
	// the query still points into the user's text.
	q.stmt = sqlscan.Statement{
		Text: "SELECT " + cast + " FROM (\n" + strings.Repeat(" ", st.Pos.Col-1) + st.Text + "\n)",
		Pos:  sqlscan.Pos{Line: st.Pos.Line - 1, Col: 1},
	}
	return q, true
}

// cells turns the wrapped query's VARCHAR values into what render prints:
// the text as is, NULL as nil, and JSON text marked so json mode writes it
// unquoted.
func (q textQuery) cells(rows [][]any) [][]any {
	if !q.json {
		return rows
	}
	for _, row := range rows {
		for i, v := range row {
			if s, ok := v.(string); ok {
				row[i] = render.JSON(s)
			}
		}
	}
	return rows
}

func isAny(t sqlscan.Token, words []string) bool {
	for _, w := range words {
		if t.Is(w) {
			return true
		}
	}
	return false
}
