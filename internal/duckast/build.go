package duckast

// Building and printing parts of a query: the split (package skew) makes
// new nodes from parsed ones and prints expressions and table references
// on their own. Every builder returns a new node; none changes its
// arguments.

import (
	"encoding/json"
	"fmt"
	"strings"
)

// noLocation is the query_location of a node that was not parsed.
var noLocation = json.Number(NoLocation)

// ColumnRef is a column reference: ColumnRef("c", "id") is c.id.
func ColumnRef(names ...string) Node {
	parts := make([]any, len(names))
	for i, n := range names {
		parts[i] = n
	}
	return Node{"class": "COLUMN_REF", "type": "COLUMN_REF", "alias": "", "column_names": parts, "query_location": noLocation}
}

// ColumnNames returns the names of a COLUMN_REF ([table, column] for
// t.c), or nil for any other node.
func ColumnNames(n Node) []string {
	if Str(n, "class") != "COLUMN_REF" {
		return nil
	}
	var out []string
	for _, x := range List(n, "column_names") {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// Equal is l = r.
func Equal(l, r Node) Node {
	return Node{"class": "COMPARISON", "type": "COMPARE_EQUAL", "alias": "", "left": l, "right": r, "query_location": noLocation}
}

// And is the conjunction of conds (nil for none, the one for one).
func And(conds ...Node) Node {
	switch len(conds) {
	case 0:
		return nil
	case 1:
		return conds[0]
	}
	children := make([]any, len(conds))
	for i, c := range conds {
		children[i] = c
	}
	return Node{"class": "CONJUNCTION", "type": "CONJUNCTION_AND", "alias": "", "children": children, "query_location": noLocation}
}

// Conjuncts flattens the ANDs of an expression: a AND (b AND c) gives
// a, b, c. A nil expression has none.
func Conjuncts(e Node) []Node {
	if e == nil {
		return nil
	}
	if Str(e, "type") != "CONJUNCTION_AND" {
		return []Node{e}
	}
	var out []Node
	for _, c := range List(e, "children") {
		if n, ok := c.(Node); ok {
			out = append(out, Conjuncts(n)...)
		}
	}
	return out
}

// Join is "left <joinType> JOIN right ON cond" (joinType INNER, LEFT or
// RIGHT).
func Join(left, right Node, joinType string, cond Node) Node {
	return Node{"type": "JOIN", "alias": "", "left": left, "right": right, "condition": cond,
		"join_type": joinType, "ref_type": "REGULAR", "using_columns": []any{},
		"delim_flipped": false, "duplicate_eliminated_columns": []any{}, "sample": nil, "query_location": noLocation}
}

// BaseTable is a reference to table name (unqualified) as alias.
func BaseTable(name, alias string) Node {
	return Node{"type": "BASE_TABLE", "alias": alias, "catalog_name": "", "schema_name": "", "table_name": name,
		"column_name_alias": []any{}, "sample": nil, "at_clause": nil, "query_location": noLocation}
}

// ParseExpr parses one expression.
func ParseExpr(expr string) (Node, error) {
	st, err := Parse("SELECT " + expr)
	if err != nil {
		return nil, err
	}
	list := List(st[0].Node(), "select_list")
	if len(st) != 1 || len(list) != 1 {
		return nil, fmt.Errorf("not one expression: %s", expr)
	}
	n, _ := list[0].(Node)
	return n, nil
}

// PrintExpr prints an expression (without its alias).
func PrintExpr(e Node) (string, error) {
	e = Clone(e).(Node)
	e["alias"] = ""
	out, err := Print(selectOf(Node{"select_list": []any{e}, "from_table": Node{"type": "EMPTY"}}))
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(out, "SELECT "), nil
}

// PrintTableRef prints a table reference of a FROM clause.
func PrintTableRef(ref Node) (string, error) {
	star := Node{"class": "STAR", "type": "STAR", "alias": "", "relation_name": "", "exclude_list": []any{},
		"replace_list": []any{}, "rename_list": []any{}, "qualified_exclude_list": []any{}, "columns": false, "expr": nil, "query_location": noLocation}
	out, err := Print(selectOf(Node{"select_list": []any{star}, "from_table": ref}))
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(out, "SELECT * FROM "), nil
}

// selectOf is a statement of a SELECT node with the given fields.
func selectOf(fields Node) Statement {
	sel := Node{"type": "SELECT_NODE", "modifiers": []any{}, "cte_map": Node{"map": []any{}},
		"where_clause": nil, "group_expressions": []any{}, "group_sets": []any{}, "aggregate_handling": "STANDARD_HANDLING",
		"having": nil, "sample": nil, "qualify": nil}
	for k, v := range fields {
		sel[k] = v
	}
	return Statement{JSON: Node{"node": sel, "named_param_map": []any{}}}
}

// Keys returns a node's field names in the order Walk visits them, so
// that a walk of one's own visits nodes in the same stable order.
func Keys(n Node) []string { return sortedKeys(n) }
