package skew

import (
	"fmt"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// Sides of a column of a pushed expression besides the pair's 0 and 1.
const (
	noSide    = -1 // nothing the tasks have
	upperSide = 2  // a table joined above the pair
)

// pushable are the aggregates whose partial results per task merge into
// the whole one (see pushAggregation), with the merge of the partial
// results in column %s.
var pushable = map[string]string{
	"count":      "CAST(coalesce(sum(%s), 0) AS BIGINT)",
	"count_star": "CAST(coalesce(sum(%s), 0) AS BIGINT)",
	"sum":        "sum(%s)",
	"min":        "min(%s)",
	"max":        "max(%s)",
}

// upper is a table joined above the split pair.
type upper struct {
	join  node
	alias string
	src   string
	has   map[string]bool // lower-case column names
}

// pushAggregation moves the owner's WHERE, GROUP BY and aggregates into
// the tasks when that keeps the query's meaning: the owner groups only by
// columns of the pair, its aggregates are COUNT, SUM, MIN or MAX (not
// DISTINCT, no FILTER or ORDER BY), every other function is a scalar one
// of DuckDB's, and nothing reads the pair from a subquery. The split join
// is the owner's whole FROM, or the bottom of a chain of joins above it
// that are inner or keep the pair's rows (LEFT): those joins then run in
// every task too (Join.Upper), and the aggregates and WHERE may read
// their tables. Each aggregate is computed per task and merged by the
// query (a count by a sum of counts). Otherwise it changes nothing. The
// caller compiles the result against the unsplit query and prepares again
// without pushing if they differ.
func (s *splitter) pushAggregation(sj *Join) error {
	o := s.owner
	ups, ok := s.uppers()
	if !ok || o["qualify"] != nil || duckast.Str(o, "aggregate_handling") != "STANDARD_HANDLING" {
		return nil
	}
	group := duckast.List(o, "group_expressions")
	if sets := duckast.List(o, "group_sets"); len(group) > 0 {
		if len(sets) != 1 {
			return nil // GROUPING SETS, ROLLUP or CUBE
		}
		if set, _ := sets[0].([]any); len(set) != len(group) {
			return nil
		}
	}
	// Fields, HAVING and ORDER BY may hold aggregates, of columns of the
	// pair or of the tables above it; outside aggregates they may read
	// the pair (the GROUP BY columns) but not the tables above it.
	w := &aggWalk{col: func(names []string, inAgg bool) bool {
		switch i := s.pushCol(names, ups); {
		case i == upperSide:
			return inAgg
		case i >= 0:
			return true
		default:
			// An unknown name outside aggregates is a select alias
			// (ORDER BY total); one inside is nothing the tasks have.
			_, err := s.sideOf(names)
			return !inAgg && err == nil
		}
	}}
	for _, k := range []string{"select_list", "having", "modifiers"} {
		w.walk(o[k], false)
	}
	if w.bad || (len(w.aggs) == 0 && len(group) == 0) {
		return nil
	}
	for _, g := range group {
		names := duckast.ColumnNames(g.(node))
		if i, err := s.sideOf(names); names == nil || err != nil || i < 0 {
			return nil
		}
	}
	// WHERE and the ON conditions of the joins above read the pair and
	// those tables only.
	pure := func(e any) bool {
		ok := true
		duckast.Walk(e, func(n node) bool {
			switch duckast.Str(n, "class") {
			case "SUBQUERY", "WINDOW", "LAMBDA", "STAR":
				ok = false
			case "FUNCTION":
				ok = duckast.FunctionType(duckast.Str(n, "function_name")) == "scalar"
			case "COLUMN_REF":
				ok = s.pushCol(duckast.ColumnNames(n), ups) != noSide
			}
			return ok
		})
		return ok
	}
	if !pure(o["where_clause"]) {
		return nil
	}
	for _, u := range ups {
		if !pure(u.join["condition"]) {
			return nil
		}
	}
	// Pushable. The tasks' SQL reads the pair by its aliases: qualify
	// every column of the pair in the moved expressions and carry it.
	qualified := func(e node) (string, error) {
		e = duckast.Clone(e).(node)
		duckast.Walk(e, func(n node) bool {
			if names := duckast.ColumnNames(n); names != nil {
				if i := s.pushCol(names, ups); i == 0 || i == 1 {
					col := names[len(names)-1]
					n["column_names"] = []any{s.alias[i], col}
					s.carry(i, col)
				}
			}
			return true
		})
		return printExpr(e)
	}
	for _, u := range ups {
		on := "true"
		if c := duckast.Obj(u.join, "condition"); c != nil {
			var err error
			if on, err = qualified(c); err != nil {
				return err
			}
		}
		tp := "JOIN"
		if duckast.Str(u.join, "join_type") == "LEFT" {
			tp = "LEFT JOIN"
		}
		sj.Upper += fmt.Sprintf(" %s %s AS %s ON %s", tp, u.src, quote(u.alias), on)
	}
	if len(ups) > 0 {
		// The joins above now run in the tasks: the owner reads the
		// pair's result alone.
		o["from_table"] = s.join()
		s.path = nil
	}
	if where := duckast.Obj(o, "where_clause"); where != nil {
		var err error
		if sj.Where, err = qualified(where); err != nil {
			return err
		}
		o["where_clause"] = nil
	}
	for _, g := range group {
		q, err := qualified(g.(node))
		if err != nil {
			return err
		}
		sj.GroupBy = append(sj.GroupBy, q)
	}
	named := map[string]string{} // one partial aggregate per distinct SQL
	for _, a := range w.aggs {
		sql, err := qualified(a)
		if err != nil {
			return err
		}
		name, seen := named[sql]
		if !seen {
			name = fmt.Sprintf("__agg%d", len(sj.Aggs)+1)
			named[sql] = name
			sj.Aggs = append(sj.Aggs, Agg{Name: name, SQL: sql})
		}
		col := quote(s.resultAlias()) + "." + quote(name)
		m, err := duckast.ParseExpr(fmt.Sprintf(pushable[strings.ToLower(duckast.Str(a, "function_name"))], col))
		if err != nil {
			return err
		}
		// In place, in the owner (the splitter's own copy): the aggregate
		// becomes its merge, keeping its alias.
		alias := a["alias"]
		clear(a)
		for k, v := range m {
			a[k] = v
		}
		a["alias"] = alias
	}
	return nil
}

// uppers returns the joins of the owner's FROM above the pair, innermost
// first; ok is false unless the pair is at the bottom of a chain of joins
// each of which is an inner join, or a LEFT join with the pair on its
// left, of a table source the tasks can read.
func (s *splitter) uppers() ([]upper, bool) {
	var ups []upper
	n := duckast.Obj(s.owner, "from_table")
	for _, step := range s.path {
		if step != "left" {
			return nil, false
		}
		right := duckast.Obj(n, "right")
		ref, jt := duckast.Str(n, "ref_type"), duckast.Str(n, "join_type")
		if !isTable(right) || len(duckast.List(n, "using_columns")) > 0 || (ref != "REGULAR" && ref != "CROSS") || (jt != "INNER" && jt != "LEFT") {
			return nil, false
		}
		alias, src, cols, err := s.input(right)
		if err != nil || strings.EqualFold(alias, s.alias[0]) || strings.EqualFold(alias, s.alias[1]) {
			return nil, false
		}
		ups = append([]upper{{join: n, alias: alias, src: src, has: columnSet(cols)}}, ups...)
		n = duckast.Obj(n, "left")
	}
	return ups, true
}

// pushCol resolves a column of an expression to be pushed into the tasks:
// a side of the pair (0, 1), a table above it (upperSide), or noSide.
func (s *splitter) pushCol(names []string, ups []upper) int {
	i, err := s.sideOf(names)
	switch {
	case err != nil || len(names) > 2 || len(names) == 0:
		return noSide
	case i >= 0:
		return i
	case len(names) == 2:
		for _, u := range ups {
			if strings.EqualFold(u.alias, names[0]) && u.has[strings.ToLower(names[1])] {
				return upperSide
			}
		}
		return noSide
	}
	found := 0
	for _, u := range ups {
		if u.has[strings.ToLower(names[0])] {
			found++
		}
	}
	if found == 1 {
		return upperSide
	}
	return noSide
}

// aggWalk collects the aggregates of the expressions it walks and checks
// them (COUNT, SUM, MIN or MAX of at most one argument, not nested) and
// every column by col, told whether the column is inside an aggregate.
// Anything it cannot vouch for (a subquery, a window, a function that is
// not one of DuckDB's scalar functions) makes it bad.
type aggWalk struct {
	col  func(names []string, inAgg bool) bool
	aggs []node
	bad  bool
}

func (w *aggWalk) walk(n any, inAgg bool) {
	if w.bad {
		return
	}
	switch x := n.(type) {
	case []any:
		for _, e := range x {
			w.walk(e, inAgg)
		}
		return
	case node:
		switch duckast.Str(x, "class") {
		case "SUBQUERY", "WINDOW", "LAMBDA", "STAR":
			w.bad = true
			return
		case "COLUMN_REF":
			w.bad = !w.col(duckast.ColumnNames(x), inAgg)
			return
		case "FUNCTION":
			name := strings.ToLower(duckast.Str(x, "function_name"))
			if _, ok := pushable[name]; ok {
				if inAgg || x["distinct"] == true || x["filter"] != nil || len(duckast.List(duckast.Obj(x, "order_bys"), "orders")) > 0 ||
					len(duckast.List(x, "children")) > 1 {
					w.bad = true
					return
				}
				w.aggs = append(w.aggs, x)
				w.walk(x["children"], true)
				return
			}
			if duckast.FunctionType(name) != "scalar" {
				w.bad = true
				return
			}
		}
		for _, k := range duckast.Keys(x) {
			w.walk(x[k], inAgg)
		}
	}
}
