package skew

import (
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// alignPair returns sel with a chain of three or more inner joins
// reordered so that the pair joined first (the one that is split) is the
// pair whose key is a GROUP BY column: "d JOIN e ON e.src = d.id JOIN c ON
// c.id = e.dst GROUP BY e.dst" becomes "e JOIN c ON c.id = e.dst JOIN d ON
// e.src = d.id". Split on that key, every group is made by one task, and
// with the aggregation pushed each task returns one row per group of its
// own instead of one per group it touched. Only when every GROUP BY column
// belongs to that pair, and every ON condition reads qualified columns and
// no subquery; inner joins may be reordered freely, each condition going
// to the first join that has all the tables it reads. Otherwise (and in
// any case when nothing moves) it returns sel itself.
func alignPair(sel node) node {
	group := duckast.List(sel, "group_expressions")
	if len(group) == 0 {
		return sel
	}
	out := duckast.Clone(sel).(node)
	type member struct {
		ref   node
		alias string // lower case
	}
	var members []member
	var conds []node
	var flatten func(n node) bool
	flatten = func(n node) bool {
		if duckast.Str(n, "type") == "JOIN" {
			if duckast.Str(n, "ref_type") != "REGULAR" || duckast.Str(n, "join_type") != "INNER" ||
				duckast.Obj(n, "condition") == nil || len(duckast.List(n, "using_columns")) > 0 || !flatten(duckast.Obj(n, "left")) {
				return false
			}
			conds = append(conds, duckast.Conjuncts(duckast.Obj(n, "condition"))...)
			n = duckast.Obj(n, "right")
		}
		if !isTable(n) {
			return false
		}
		alias := duckast.Str(n, "alias")
		if alias == "" {
			alias = duckast.Str(n, "table_name")
		}
		if alias == "" {
			return false
		}
		members = append(members, member{n, strings.ToLower(alias)})
		return true
	}
	if !flatten(duckast.Obj(out, "from_table")) || len(members) < 3 {
		return sel
	}
	// The tables each condition reads; unqualified columns or subqueries
	// leave the FROM alone.
	refs := make([]map[string]bool, len(conds))
	for i, c := range conds {
		refs[i] = map[string]bool{}
		ok := true
		duckast.Walk(c, func(n node) bool {
			switch {
			case duckast.Str(n, "class") == "SUBQUERY":
				ok = false
			case duckast.Str(n, "class") == "COLUMN_REF":
				names := duckast.ColumnNames(n)
				if len(names) != 2 {
					ok = false
				} else {
					refs[i][strings.ToLower(names[0])] = true
				}
			}
			return ok
		})
		if !ok {
			return sel
		}
	}
	var groupCols [][]string // lower-case [table, column]
	for _, g := range group {
		names := duckast.ColumnNames(g.(node))
		if len(names) != 2 {
			return sel
		}
		groupCols = append(groupCols, []string{strings.ToLower(names[0]), strings.ToLower(names[1])})
	}
	// The first GROUP BY column with an equality to another table's column.
	var pair [2]string
	for _, g := range groupCols {
		for _, c := range conds {
			if duckast.Str(c, "type") != "COMPARE_EQUAL" {
				continue
			}
			l, r := duckast.ColumnNames(duckast.Obj(c, "left")), duckast.ColumnNames(duckast.Obj(c, "right"))
			if len(l) != 2 || len(r) != 2 || strings.EqualFold(l[0], r[0]) {
				continue
			}
			if strings.EqualFold(l[0], g[0]) && strings.EqualFold(l[1], g[1]) {
				pair = [2]string{g[0], strings.ToLower(r[0])}
			} else if strings.EqualFold(r[0], g[0]) && strings.EqualFold(r[1], g[1]) {
				pair = [2]string{g[0], strings.ToLower(l[0])}
			} else {
				continue
			}
			break
		}
		if pair[0] != "" {
			break
		}
	}
	if pair[0] == "" {
		return sel
	}
	in := func(a string) bool { return a == pair[0] || a == pair[1] }
	for _, g := range groupCols {
		if !in(g[0]) {
			return sel
		}
	}
	if in(members[0].alias) && in(members[1].alias) {
		return sel // already the pair joined first
	}
	// Rebuild: the pair (in its written order), then the other tables in
	// theirs, each with the conditions that have become readable.
	var first, others []member
	for _, m := range members {
		if in(m.alias) {
			first = append(first, m)
		} else {
			others = append(others, m)
		}
	}
	if len(first) != 2 {
		return sel // an alias used twice
	}
	joined := map[string]bool{pair[0]: true, pair[1]: true}
	placed := make([]bool, len(conds))
	take := func() node {
		var ready []node
		for i, c := range conds {
			all := !placed[i]
			for a := range refs[i] {
				all = all && joined[a]
			}
			if all {
				placed[i] = true
				ready = append(ready, c)
			}
		}
		return duckast.And(ready...)
	}
	on := take()
	if on == nil {
		return sel
	}
	tree := duckast.Join(first[0].ref, first[1].ref, "INNER", on)
	for _, m := range others {
		joined[m.alias] = true
		if on = take(); on == nil {
			return sel // it would be a cross join: leave the FROM as written
		}
		tree = duckast.Join(tree, m.ref, "INNER", on)
	}
	for _, p := range placed {
		if !p {
			return sel // a condition reads a table outside this FROM
		}
	}
	out["from_table"] = tree
	return out
}
