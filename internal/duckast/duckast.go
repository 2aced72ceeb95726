// Package duckast reads SQL with DuckDB's own parser. json_serialize_sql
// gives a query's AST in DuckDB's exact grammar, with the byte offset of
// each table reference and expression (query_location); json_deserialize_sql
// prints an AST back as DuckDB SQL. Nothing here knows another grammar, so
// what DuckDB would make of a query is what every caller sees.
//
// Nodes are the decoded JSON (objects as map[string]any, numbers kept as
// json.Number so that printing gives back exactly what was parsed).
package duckast

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"

	_ "github.com/duckdb/duckdb-go/v2" // the parser is DuckDB's
)

// Node is one object of DuckDB's serialized AST.
type Node = map[string]any

// Statement is one parsed query: {"node": <query node>, "named_param_map": [...]}.
type Statement struct{ JSON Node }

// Node is the statement's query node (SELECT_NODE, SET_OPERATION_NODE, ...).
func (s Statement) Node() Node { n, _ := s.JSON["node"].(Node); return n }

// SyntaxError is DuckDB's parser error. Offset is the byte offset in the
// parsed text it points at, or -1 when DuckDB gave none.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return e.Msg }

// NoLocation is query_location of a node that has none (uint64 max).
const NoLocation = "18446744073709551615"

var (
	once   sync.Once
	parser *sql.DB
	errDB  error
)

// db is an in-memory DuckDB used only to parse and print: no catalog of
// the user's is needed for either.
func db() (*sql.DB, error) {
	once.Do(func() {
		parser, errDB = sql.Open("duckdb", "")
		if errDB == nil {
			parser.SetMaxOpenConns(4)
		}
	})
	return parser, errDB
}

// Parse returns the statements of text, which must all be queries
// (json_serialize_sql serializes nothing else).
func Parse(text string) ([]Statement, error) {
	d, err := db()
	if err != nil {
		return nil, err
	}
	var out string
	if err := d.QueryRow("SELECT CAST(json_serialize_sql(CAST(? AS VARCHAR)) AS VARCHAR)", text).Scan(&out); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(out)))
	dec.UseNumber()
	var res struct {
		Error      bool   `json:"error"`
		Type       string `json:"error_type"`
		Message    string `json:"error_message"`
		Position   string `json:"position"`
		Statements []Node `json:"statements"`
	}
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("read DuckDB's AST: %w", err)
	}
	if res.Error {
		off := -1
		if n, err := strconv.Atoi(res.Position); err == nil {
			off = n
		}
		msg := res.Message
		if res.Type == "not implemented" {
			msg = "not a query: " + msg
		}
		return nil, &SyntaxError{Msg: msg, Offset: off}
	}
	stmts := make([]Statement, len(res.Statements))
	for i, s := range res.Statements {
		stmts[i] = Statement{JSON: s}
	}
	return stmts, nil
}

// Print returns DuckDB's SQL for st (json_deserialize_sql).
func Print(st Statement) (string, error) {
	d, err := db()
	if err != nil {
		return "", err
	}
	doc, err := json.Marshal(map[string]any{"error": false, "statements": []Node{st.JSON}})
	if err != nil {
		return "", err
	}
	var out string
	if err := d.QueryRow("SELECT json_deserialize_sql(CAST(? AS JSON))", string(doc)).Scan(&out); err != nil {
		return "", fmt.Errorf("print DuckDB SQL: %w", err)
	}
	return out, nil
}

// Clone returns a deep copy of n, so a rewrite never changes what another
// holder of n sees.
func Clone(n any) any {
	switch v := n.(type) {
	case Node:
		c := make(Node, len(v))
		for k, x := range v {
			c[k] = Clone(x)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = Clone(x)
		}
		return c
	}
	return n
}

// Location returns a node's query_location, or -1 when it has none.
func Location(n Node) int {
	num, ok := n["query_location"].(json.Number)
	if !ok || string(num) == NoLocation {
		return -1
	}
	i, err := strconv.Atoi(string(num))
	if err != nil {
		return -1
	}
	return i
}

// Str returns the string field k of n ("" if absent or not a string).
func Str(n Node, k string) string { s, _ := n[k].(string); return s }

// Obj returns the object field k of n (nil if absent or not an object).
func Obj(n Node, k string) Node { o, _ := n[k].(Node); return o }

// List returns the array field k of n.
func List(n Node, k string) []any { l, _ := n[k].([]any); return l }

// Walk calls f on every object under n, depth first, parents before
// children. f returns false to skip an object's children.
func Walk(n any, f func(Node) bool) {
	switch v := n.(type) {
	case Node:
		if !f(v) {
			return
		}
		for _, k := range sortedKeys(v) {
			Walk(v[k], f)
		}
	case []any:
		for _, x := range v {
			Walk(x, f)
		}
	}
}

// sortedKeys makes walks visit fields in one order, so results that
// depend on the order (first error found) are stable.
func sortedKeys(n Node) []string {
	keys := make([]string, 0, len(n))
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
