package planner

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// stepKeyUnique reports whether a keyed step yields at most one row per key
// by its very form: a single SELECT whose GROUP BY items are all among the
// expressions it returns in KEY columns. Each output row is then one group,
// and rows that differ in every grouped value differ in the key. The
// executor skips its duplicate-key check for such steps, and the step's
// output needs no table of its own before the delta is computed.
func stepKeyUnique(sel duckast.Node, columns, key []string) bool {
	groups := duckast.List(sel, "group_expressions")
	fields := duckast.List(sel, "select_list")
	if duckast.Str(sel, "type") != "SELECT_NODE" || duckast.Str(sel, "aggregate_handling") != "STANDARD_HANDLING" ||
		len(groups) == 0 || len(duckast.List(sel, "group_sets")) != 1 ||
		len(columns) == 0 || len(fields) != len(columns) {
		return false
	}
	keyField := map[int]bool{}
	for i, c := range columns {
		for _, k := range key {
			if strings.EqualFold(c, k) {
				keyField[i] = true
			}
		}
	}
	for _, f := range fields {
		if duckast.Str(f.(duckast.Node), "class") == "STAR" {
			return false
		}
	}
	for _, g := range groups {
		i := groupedField(fields, g.(duckast.Node))
		if i < 0 || !keyField[i] {
			return false
		}
	}
	return true
}

// groupedField returns the index of the returned field a GROUP BY item
// names (by position, by alias, or by the same expression), or -1.
func groupedField(fields []any, g duckast.Node) int {
	if duckast.Str(g, "class") == "CONSTANT" {
		v := duckast.Obj(g, "value")
		n, err := strconv.Atoi(string(jsonNumber(v["value"])))
		if err == nil && n >= 1 && n <= len(fields) {
			return n - 1
		}
		return -1
	}
	if names := duckast.List(g, "column_names"); duckast.Str(g, "class") == "COLUMN_REF" && len(names) == 1 {
		for i, f := range fields {
			if a := duckast.Str(f.(duckast.Node), "alias"); a != "" && strings.EqualFold(a, names[0].(string)) {
				return i
			}
		}
	}
	want := exprKey(g)
	for i, f := range fields {
		if exprKey(f.(duckast.Node)) == want {
			return i
		}
	}
	return -1
}

func jsonNumber(v any) json.Number { n, _ := v.(json.Number); return n }

// exprKey is an expression's AST without where it stands or its alias:
// equal keys are the same expression.
func exprKey(e duckast.Node) string {
	c := duckast.Clone(e)
	duckast.Walk(c, func(n duckast.Node) bool {
		delete(n, "query_location")
		return true
	})
	delete(c.(duckast.Node), "alias")
	b, _ := json.Marshal(c)
	return string(b)
}
