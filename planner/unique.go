package planner

import (
	"encoding/json"
	"fmt"
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

// stepKeepsKey reports whether a keyed step yields at most one row per key
// because it returns at most one row for each row of the state (or of
// delta, a part of it), keeping its key: a single SELECT without GROUP BY
// or CTEs, from name or delta.name alone (not renaming its columns), that
// returns each KEY column as that column, unchanged. The caller checks
// that this FROM item is the step's only reference to the state, so that
// it is not a table of the user's that a CTE or a schema would shadow.
// The state has one row per key. A set-returning function (unnest) in the
// select list would return several rows for one: such a step does not
// qualify.
func stepKeepsKey(sel duckast.Node, name string, columns, key []string) bool {
	fields := duckast.List(sel, "select_list")
	from := duckast.Obj(sel, "from_table")
	if duckast.Str(sel, "type") != "SELECT_NODE" || duckast.Str(sel, "aggregate_handling") != "STANDARD_HANDLING" ||
		len(duckast.List(sel, "group_expressions")) > 0 || len(duckast.List(duckast.Obj(sel, "cte_map"), "map")) > 0 ||
		from == nil || duckast.Str(from, "type") != "BASE_TABLE" || !strings.EqualFold(duckast.Str(from, "table_name"), name) ||
		len(duckast.List(from, "column_name_alias")) > 0 ||
		len(columns) == 0 || len(fields) != len(columns) {
		return false
	}
	setReturning := false
	duckast.Walk(fields, func(n duckast.Node) bool {
		switch strings.ToLower(duckast.Str(n, "function_name")) {
		case "unnest", "unlist", "generate_subscripts":
			setReturning = true
		}
		return !setReturning
	})
	if setReturning {
		return false
	}
	qualifier := duckast.Str(from, "alias")
	if qualifier == "" {
		qualifier = name
	}
	for i, c := range columns {
		for _, k := range key {
			if !strings.EqualFold(c, k) {
				continue
			}
			f := fields[i].(duckast.Node)
			names := duckast.List(f, "column_names")
			if duckast.Str(f, "class") != "COLUMN_REF" || len(names) == 0 || len(names) > 2 ||
				!strings.EqualFold(fmt.Sprint(names[len(names)-1]), k) ||
				len(names) == 2 && !strings.EqualFold(fmt.Sprint(names[0]), qualifier) {
				return false
			}
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
