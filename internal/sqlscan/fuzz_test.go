package sqlscan

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/itersql/itersql/internal/duckast"
)

// duckConn is a DuckDB connection of the C API, for its statement
// extractor: the parser alone, which database/sql does not expose (its
// driver runs every statement but the last while preparing).
var duckConn = sync.OnceValue(func() mapping.Connection {
	var db mapping.Database
	if mapping.Open("", &db) == mapping.StateError {
		panic("open DuckDB")
	}
	var conn mapping.Connection
	if mapping.Connect(db, &conn) == mapping.StateError {
		panic("connect to DuckDB")
	}
	return conn
})

var duckMu sync.Mutex

// duckStatements is how many statements DuckDB's parser reads in src, or
// ok=false if it rejects src.
func duckStatements(src string) (n int, ok bool) {
	duckMu.Lock()
	defer duckMu.Unlock()
	var stmts mapping.ExtractedStatements
	count := mapping.ExtractStatements(duckConn(), src, &stmts)
	defer mapping.DestroyExtracted(&stmts)
	if count == 0 && mapping.ExtractStatementsError(stmts) != "" {
		return 0, false
	}
	return int(count), true
}

// duckASTs is DuckDB's AST of each statement of src without positions,
// or ok=false unless DuckDB reads src as queries only (json_serialize_sql
// serializes nothing else).
func duckASTs(src string) (asts []string, ok bool) {
	stmts, err := duckast.Parse(src)
	if err != nil {
		return nil, false
	}
	for _, st := range stmts {
		node := duckast.Clone(st.JSON)
		duckast.Walk(node, func(n duckast.Node) bool {
			delete(n, "query_location")
			return true
		})
		b, err := json.Marshal(node)
		if err != nil {
			return nil, false
		}
		asts = append(asts, string(b))
	}
	return asts, true
}

// maxDifferential bounds the inputs FuzzSplit also gives DuckDB: its
// parser takes seconds on a few thousand operator characters ("+++..."),
// which stalls the fuzzer without telling anything about statement ends.
const maxDifferential = 256

// pieces is what a script runs: Split's statements and, as the script
// reader does, the text after the last ';' if it holds a token.
func pieces(src string) []string {
	stmts, rest, _ := Split(src, Pos{1, 1})
	var out []string
	for _, st := range stmts {
		out = append(out, st.Text)
	}
	if strings.TrimSpace(rest) != "" {
		out = append(out, rest)
	}
	return out
}

// FuzzSplit checks Split against DuckDB's parser: whenever DuckDB reads a
// script, Split cuts it into pieces DuckDB reads as one statement each (or
// as none, for text DuckDB drops), as many as DuckDB sees in the script,
// and each the same statement (for queries, whose AST DuckDB can print). Its seeds are in
// testdata/fuzz/FuzzSplit, so plain go test runs them:
//
//	go test ./internal/sqlscan -run '^$' -fuzz FuzzSplit -fuzztime 5m
func FuzzSplit(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) || strings.ContainsRune(src, 0) {
			return // the driver passes C strings; the REPL reads UTF-8
		}
		got := pieces(src)
		Complete(src)
		Tokens(src, Pos{1, 1})
		if len(src) > maxDifferential {
			return
		}
		want, ok := duckStatements(src)
		if !ok {
			return
		}
		// DuckDB drops some text without an error and runs nothing for it
		// (a lone "ü", blanks, comments): such a piece is no statement.
		var run []string
		for _, p := range got {
			n, ok := duckStatements(p)
			if ok && n == 0 {
				continue
			}
			if !ok || n != 1 {
				t.Fatalf("piece %q: DuckDB reads %d statements (ok %v) in it", p, n, ok)
			}
			run = append(run, p)
		}
		if len(run) != want {
			t.Fatalf("Split reads %d statements %q, DuckDB %d", len(run), run, want)
		}
		whole, ok := duckASTs(src)
		if !ok {
			return
		}
		for i, p := range run {
			one, ok := duckASTs(p)
			if !ok || len(one) != 1 || one[0] != whole[i] {
				t.Fatalf("piece %d %q is not DuckDB's statement %d", i, p, i)
			}
		}
	})
}

// TestNestedCommentRunsNothing is issue 13's script: a commented-out
// block with a nested comment in it holds no statement.
func TestNestedCommentRunsNothing(t *testing.T) {
	src := "/* old setup:\nCREATE TABLE t (x INTEGER);\n/* note */ DROP TABLE important;\n*/\nSELECT 1;"
	got := pieces(src)
	if len(got) != 1 || got[0] != "SELECT 1" {
		t.Errorf("pieces %q", got)
	}
	if n, _ := duckStatements(src); n != 1 {
		t.Errorf("DuckDB reads %d statements", n)
	}
}
