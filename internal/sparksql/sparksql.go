// Package sparksql prints a query parsed by DuckDB (a duckast.Statement) as
// Spark SQL that means what DuckDB means by it.
//
// DuckDB's AST is the one source: each WITH ITERATE part is parsed once, by
// DuckDB's own parser, and each engine gets its own printer. Where the two
// dialects differ, the printed Spark SQL keeps DuckDB's meaning:
//   - names are backquoted; DuckDB's types get Spark's names (VARCHAR is
//     STRING, TIMESTAMP is TIMESTAMP_NTZ since DuckDB's has no time zone);
//   - every ORDER BY key says its NULL order, DuckDB's NULLS LAST by
//     default, where Spark would put NULLs first when ascending;
//   - `//` is `div`, `||` is concat (both give NULL on a NULL input),
//     DuckDB's concat (which skips NULLs) is concat_ws(”, ...);
//   - SEMI and ANTI joins are LEFT SEMI and LEFT ANTI;
//   - string literals escape the backslash, which Spark reads as an escape;
//   - list indexing, 1-based and NULL when out of range, is try_element_at.
//
// What has no Spark equivalent (or one whose meaning differs and that is
// not rewritten yet) is refused with an *UnsupportedError before anything
// runs; it names the construct and carries DuckDB's byte offset of it.
// Functions are printed only when known to mean the same on both engines
// (functions.go): an unknown name is refused rather than guessed.
//
// The placeholders of WITH ITERATE ("__itersql_state__", ...) are table
// names like any other, so they print as `__itersql_state__` and stay
// recognisable to whoever substitutes them.
package sparksql

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// UnsupportedError is a construct of the query that Spark SQL cannot say
// with DuckDB's meaning.
type UnsupportedError struct {
	Construct string // what it is, e.g. "ASOF JOIN", "function list_sort"
	Offset    int    // DuckDB's byte offset in the parsed text, -1 if unknown
}

func (e *UnsupportedError) Error() string {
	if e.Offset < 0 {
		return e.Construct + " has no Spark SQL equivalent"
	}
	return fmt.Sprintf("%s (at byte %d) has no Spark SQL equivalent", e.Construct, e.Offset)
}

// Print returns the Spark SQL of st, or an *UnsupportedError for the first
// construct (in print order) that Spark cannot run with DuckDB's meaning.
func Print(st duckast.Statement) (sql string, err error) { return PrintFiles(st, nil) }

// Files makes a relation Spark can read for one of DuckDB's file readers,
// read_csv('path') or read_parquet('path') (format "csv" or "parquet"): a
// view the caller creates on the server, or an error. Spark has no table
// function that reads a file with a header, so printing alone cannot say
// it.
type Files func(format, path string) (relation string, err error)

// PrintFiles is Print with DuckDB's read_csv and read_parquet of one
// literal path, and nothing else, given to files (nil: refused).
func PrintFiles(st duckast.Statement, files Files) (sql string, err error) {
	sql, _, err = PrintMarked(st, files)
	return sql, err
}

// PrintMarked is PrintFiles that also says where it printed each node
// that has a location in DuckDB's text, so that Spark's errors, which
// point into the Spark SQL, can be placed in the user's text.
func PrintMarked(st duckast.Statement, files Files) (sql string, marks Marks, err error) {
	n := st.Node()
	if n == nil {
		return "", nil, &UnsupportedError{Construct: "a statement with no query node", Offset: -1}
	}
	p := &printer{loc: -1, files: files}
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(*UnsupportedError)
			if !ok {
				panic(r)
			}
			sql, marks, err = "", nil, u
		}
	}()
	p.queryNode(n)
	return p.b.String(), p.marks, nil
}

// Mark ties a place in the printed Spark SQL (Out, a byte offset) to the
// node of DuckDB's AST printed from there (Src, its query_location: a
// byte offset in the text DuckDB parsed).
type Mark struct{ Out, Src int }

// Marks are a printed query's marks, in the order printed (Out grows).
type Marks []Mark

// Source is the DuckDB offset of the innermost node being printed at
// out: for the start of an expression or a table, the expression or
// table itself. -1 when no node is.
func (m Marks) Source(out int) int {
	i := sort.Search(len(m), func(i int) bool { return m[i].Out > out })
	if i == 0 {
		return -1
	}
	return m[i-1].Src
}

// Shift is m for the printed text placed at out in a longer one, and
// parsed from src in a longer one.
func (m Marks) Shift(out, src int) Marks {
	shifted := make(Marks, len(m))
	for i, k := range m {
		shifted[i] = Mark{Out: k.Out + out, Src: k.Src + src}
	}
	return shifted
}

// printer writes Spark SQL. loc is the query_location of the innermost
// node being printed that has one, for errors on nodes that have none.
type printer struct {
	b     strings.Builder
	loc   int
	files Files
	marks Marks
}

func (p *printer) w(s ...string) {
	for _, x := range s {
		p.b.WriteString(x)
	}
}

// unsupported stops printing with an error at n (or at the nearest
// enclosing node with a location).
func (p *printer) unsupported(n duckast.Node, format string, args ...any) {
	off := -1
	if n != nil {
		off = duckast.Location(n)
		if off < 0 {
			// Query nodes have no location: point at the first thing in
			// them that has one.
			off = firstLocation(n)
		}
	}
	if off < 0 {
		off = p.loc
	}
	panic(&UnsupportedError{Construct: fmt.Sprintf(format, args...), Offset: off})
}

func firstLocation(n duckast.Node) int {
	first := -1
	duckast.Walk(n, func(x duckast.Node) bool {
		if l := duckast.Location(x); l >= 0 && (first < 0 || l < first) {
			first = l
		}
		return true
	})
	return first
}

// mergesColumns tells whether t has a NATURAL or USING join, whose
// columns * lists in another order on Spark.
func mergesColumns(t duckast.Node) bool {
	if duckast.Str(t, "type") != "JOIN" {
		return false
	}
	if duckast.Str(t, "ref_type") == "NATURAL" || len(duckast.List(t, "using_columns")) > 0 {
		return true
	}
	return mergesColumns(duckast.Obj(t, "left")) || mergesColumns(duckast.Obj(t, "right"))
}

// tableNames are the names the columns of a table reference can be
// qualified with: aliases, else table names.
func tableNames(t duckast.Node) map[string]bool {
	names := map[string]bool{}
	var visit func(t duckast.Node)
	visit = func(t duckast.Node) {
		switch duckast.Str(t, "type") {
		case "JOIN":
			visit(duckast.Obj(t, "left"))
			visit(duckast.Obj(t, "right"))
		default:
			if a := duckast.Str(t, "alias"); a != "" {
				names[strings.ToLower(a)] = true
			} else if n := duckast.Str(t, "table_name"); n != "" {
				names[strings.ToLower(n)] = true
			}
		}
	}
	visit(t)
	return names
}

// readsAny tells whether n has a column reference qualified by one of
// names (a reference to the left side of a join, from its right side).
func readsAny(n duckast.Node, names map[string]bool) bool {
	found := false
	duckast.Walk(n, func(x duckast.Node) bool {
		if duckast.Str(x, "class") == "COLUMN_REF" {
			if cols := duckast.List(x, "column_names"); len(cols) >= 2 {
				if q, _ := cols[0].(string); names[strings.ToLower(q)] {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// at records n's location while printing it, and marks where its text
// starts and, back to the enclosing node, where it ends: what the printer
// writes of its own between children (a rewrite's extra calls) then
// leads to the node it was written for.
func (p *printer) at(n duckast.Node) func() {
	old := p.loc
	l := duckast.Location(n)
	if l < 0 {
		return func() {}
	}
	p.loc = l
	p.marks = append(p.marks, Mark{Out: p.b.Len(), Src: l})
	return func() {
		p.loc = old
		if old >= 0 {
			p.marks = append(p.marks, Mark{Out: p.b.Len(), Src: old})
		}
	}
}

// ident backquotes a name, doubling backquotes inside it.
func ident(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func qualified(parts ...string) string {
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, ident(s))
		}
	}
	return strings.Join(out, ".")
}

// ---- query nodes

func (p *printer) queryNode(n duckast.Node) {
	defer p.at(n)()
	p.ctes(n)
	switch duckast.Str(n, "type") {
	case "SELECT_NODE":
		p.selectNode(n)
	case "SET_OPERATION_NODE":
		p.setOperation(n)
	case "RECURSIVE_CTE_NODE":
		p.unsupported(n, "WITH RECURSIVE")
	case "CTE_NODE":
		p.unsupported(n, "a materialized CTE node")
	default:
		p.unsupported(n, "query node %s", duckast.Str(n, "type"))
	}
	p.modifiers(n)
}

func (p *printer) ctes(n duckast.Node) {
	entries := duckast.List(duckast.Obj(n, "cte_map"), "map")
	if len(entries) == 0 {
		return
	}
	p.w("WITH ")
	for i, e := range entries {
		entry, _ := e.(duckast.Node)
		if i > 0 {
			p.w(", ")
		}
		value := duckast.Obj(entry, "value")
		p.w(ident(duckast.Str(entry, "key")))
		if aliases := stringList(duckast.List(value, "aliases")); len(aliases) > 0 {
			p.w(" (", identList(aliases), ")")
		}
		p.w(" AS (")
		// MATERIALIZED or not, the rows are the same; Spark decides itself.
		p.queryNode(duckast.Obj(duckast.Obj(value, "query"), "node"))
		p.w(")")
	}
	p.w(" ")
}

func (p *printer) selectNode(n duckast.Node) {
	if duckast.Obj(n, "sample") != nil {
		p.unsupported(n, "USING SAMPLE")
	}
	if duckast.Obj(n, "qualify") != nil {
		p.unsupported(duckast.Obj(n, "qualify"), "QUALIFY")
	}
	p.w("SELECT ")
	for _, m := range duckast.List(n, "modifiers") {
		mod, _ := m.(duckast.Node)
		if duckast.Str(mod, "type") == "DISTINCT_MODIFIER" {
			if len(duckast.List(mod, "distinct_on_targets")) > 0 {
				p.unsupported(n, "DISTINCT ON")
			}
			p.w("DISTINCT ")
		}
	}
	from := duckast.Obj(n, "from_table")
	for i, e := range duckast.List(n, "select_list") {
		if s, _ := e.(duckast.Node); duckast.Str(s, "class") == "STAR" && duckast.Str(s, "relation_name") == "" && mergesColumns(from) {
			p.unsupported(s, "SELECT * over a NATURAL or USING join (Spark puts the join columns first)")
		}
		if i > 0 {
			p.w(", ")
		}
		expr, _ := e.(duckast.Node)
		p.expr(expr)
		if a := duckast.Str(expr, "alias"); a != "" {
			p.w(" AS ", ident(a))
		}
	}
	if from != nil && duckast.Str(from, "type") != "EMPTY" {
		p.w(" FROM ")
		p.tableRef(from)
	}
	if where := duckast.Obj(n, "where_clause"); where != nil {
		p.w(" WHERE ")
		p.expr(where)
	}
	p.groupBy(n)
	if having := duckast.Obj(n, "having"); having != nil {
		p.w(" HAVING ")
		p.expr(having)
	}
}

func (p *printer) groupBy(n duckast.Node) {
	if duckast.Str(n, "aggregate_handling") == "FORCE_AGGREGATES" {
		p.w(" GROUP BY ALL")
		return
	}
	exprs := duckast.List(n, "group_expressions")
	if len(exprs) == 0 {
		return
	}
	sets := duckast.List(n, "group_sets")
	p.w(" GROUP BY ")
	if len(sets) <= 1 && isAllInOrder(sets, len(exprs)) {
		p.exprList(exprs)
		return
	}
	// ROLLUP, CUBE and GROUPING SETS all arrive as their grouping sets.
	p.w("GROUPING SETS (")
	for i, s := range sets {
		if i > 0 {
			p.w(", ")
		}
		p.w("(")
		for j, idx := range s.([]any) {
			if j > 0 {
				p.w(", ")
			}
			k, _ := strconv.Atoi(string(idx.(json.Number)))
			e, _ := exprs[k].(duckast.Node)
			p.expr(e)
		}
		p.w(")")
	}
	p.w(")")
}

func isAllInOrder(sets []any, n int) bool {
	if len(sets) == 0 {
		return true
	}
	s, _ := sets[0].([]any)
	if len(s) != n {
		return false
	}
	for i, idx := range s {
		if string(idx.(json.Number)) != strconv.Itoa(i) {
			return false
		}
	}
	return true
}

func (p *printer) setOperation(n duckast.Node) {
	var children []duckast.Node
	if l, r := duckast.Obj(n, "left"), duckast.Obj(n, "right"); l != nil && r != nil {
		children = []duckast.Node{l, r}
	}
	for _, c := range duckast.List(n, "children") {
		children = append(children, c.(duckast.Node))
	}
	var op string
	switch duckast.Str(n, "setop_type") {
	case "UNION":
		op = "UNION"
	case "EXCEPT":
		op = "EXCEPT"
	case "INTERSECT":
		op = "INTERSECT"
	case "UNION_BY_NAME":
		p.unsupported(n, "UNION BY NAME")
	default:
		p.unsupported(n, "set operation %s", duckast.Str(n, "setop_type"))
	}
	if all, _ := n["setop_all"].(bool); all {
		op += " ALL"
	} else if op != "UNION" {
		op += " DISTINCT"
	}
	for i, c := range children {
		if i > 0 {
			p.w(" ", op, " ")
		}
		p.w("(")
		p.queryNode(c)
		p.w(")")
	}
}

func (p *printer) modifiers(n duckast.Node) {
	for _, m := range duckast.List(n, "modifiers") {
		mod, _ := m.(duckast.Node)
		switch duckast.Str(mod, "type") {
		case "DISTINCT_MODIFIER":
			// printed with SELECT; a set operation's is its DISTINCT
		case "ORDER_MODIFIER":
			p.w(" ORDER BY ")
			p.orderList(duckast.List(mod, "orders"))
		case "LIMIT_MODIFIER":
			if l := duckast.Obj(mod, "limit"); l != nil {
				p.w(" LIMIT ")
				p.expr(l)
			}
			if o := duckast.Obj(mod, "offset"); o != nil {
				p.w(" OFFSET ")
				p.expr(o)
			}
		case "LIMIT_PERCENT_MODIFIER":
			p.unsupported(n, "LIMIT with a percentage")
		default:
			p.unsupported(n, "result modifier %s", duckast.Str(mod, "type"))
		}
	}
}

// orderList prints ORDER BY keys with both the direction and the NULL
// order spelt out: DuckDB puts NULLs last by default in both directions,
// Spark first when ascending.
func (p *printer) orderList(orders []any) {
	for i, o := range orders {
		ord, _ := o.(duckast.Node)
		if i > 0 {
			p.w(", ")
		}
		e := duckast.Obj(ord, "expression")
		if duckast.Str(e, "class") == "STAR" {
			p.unsupported(e, "ORDER BY ALL")
		}
		p.expr(e)
		switch duckast.Str(ord, "type") {
		case "DESCENDING":
			p.w(" DESC")
		default:
			p.w(" ASC")
		}
		switch strings.ReplaceAll(duckast.Str(ord, "null_order"), "_", " ") {
		case "NULLS FIRST":
			p.w(" NULLS FIRST")
		default:
			p.w(" NULLS LAST")
		}
	}
}

// ---- table references

func (p *printer) tableRef(t duckast.Node) {
	defer p.at(t)()
	if duckast.Obj(t, "sample") != nil {
		p.unsupported(t, "TABLESAMPLE")
	}
	switch duckast.Str(t, "type") {
	case "BASE_TABLE":
		p.w(qualified(duckast.Str(t, "catalog_name"), duckast.Str(t, "schema_name"), duckast.Str(t, "table_name")))
		p.alias(t)
	case "SUBQUERY":
		p.w("(")
		p.queryNode(duckast.Obj(duckast.Obj(t, "subquery"), "node"))
		p.w(")")
		p.alias(t)
	case "JOIN":
		p.join(t)
	case "EXPRESSION_LIST":
		p.values(t)
	case "TABLE_FUNCTION":
		p.tableFunction(t)
	case "PIVOT":
		p.unsupported(t, "PIVOT/UNPIVOT")
	default:
		p.unsupported(t, "table reference %s", duckast.Str(t, "type"))
	}
}

func (p *printer) alias(t duckast.Node) {
	a := duckast.Str(t, "alias")
	cols := stringList(duckast.List(t, "column_name_alias"))
	if a == "" && len(cols) == 0 {
		return
	}
	if a == "" {
		// Spark needs a name to hang column aliases on; DuckDB gives
		// unaliased subqueries one too.
		a = "unnamed_subquery"
	}
	p.w(" AS ", ident(a))
	if len(cols) > 0 {
		p.w("(", identList(cols), ")")
	}
}

func (p *printer) join(t duckast.Node) {
	left, right := duckast.Obj(t, "left"), duckast.Obj(t, "right")
	refType := duckast.Str(t, "ref_type")
	var kind string
	switch duckast.Str(t, "join_type") {
	case "INNER":
		kind = "INNER JOIN"
	case "LEFT":
		kind = "LEFT OUTER JOIN"
	case "RIGHT":
		kind = "RIGHT OUTER JOIN"
	case "OUTER", "FULL":
		kind = "FULL OUTER JOIN"
	case "SEMI":
		kind = "LEFT SEMI JOIN"
	case "ANTI":
		kind = "LEFT ANTI JOIN"
	default:
		p.unsupported(t, "%s JOIN", duckast.Str(t, "join_type"))
	}
	switch refType {
	case "REGULAR", "CROSS":
		if refType == "CROSS" {
			kind = "CROSS JOIN"
		}
		// DuckDB lets any subquery on the right of a join read the left
		// side's columns; Spark only a LATERAL one.
		if duckast.Str(right, "type") == "SUBQUERY" && readsAny(right, tableNames(left)) {
			switch kind {
			case "CROSS JOIN", "INNER JOIN", "LEFT OUTER JOIN":
				kind += " LATERAL"
			default:
				p.unsupported(right, "a correlated subquery on the right of a %s", kind)
			}
		}
	case "NATURAL":
		kind = "NATURAL " + kind
	case "DEPENDENT":
		// LATERAL: Spark takes it as a join of a LATERAL subquery.
		if duckast.Obj(t, "condition") == nil && len(duckast.List(t, "using_columns")) == 0 {
			kind = "CROSS JOIN"
		}
		kind += " LATERAL"
	case "POSITIONAL":
		p.unsupported(t, "POSITIONAL JOIN")
	case "ASOF":
		p.unsupported(t, "ASOF JOIN")
	default:
		p.unsupported(t, "%s JOIN", refType)
	}
	p.tableRef(left)
	p.w(" ", kind, " ")
	if refType == "DEPENDENT" && duckast.Str(right, "type") != "SUBQUERY" {
		p.unsupported(right, "LATERAL %s", strings.ToLower(strings.ReplaceAll(duckast.Str(right, "type"), "_", " ")))
	}
	p.tableRef(right)
	if using := stringList(duckast.List(t, "using_columns")); len(using) > 0 {
		p.w(" USING (", identList(using), ")")
	} else if c := duckast.Obj(t, "condition"); c != nil {
		p.w(" ON ")
		p.expr(c)
	}
}

// values prints VALUES with DuckDB's column names (col0, col1, ...), where
// Spark's own would be col1, col2, ...
func (p *printer) values(t duckast.Node) {
	rows := duckast.List(t, "values")
	p.w("(VALUES ")
	width := 0
	for i, r := range rows {
		if i > 0 {
			p.w(", ")
		}
		row, _ := r.([]any)
		width = len(row)
		p.w("(")
		p.exprList(row)
		p.w(")")
	}
	p.w(")")
	names := stringList(duckast.List(t, "expected_names"))
	if len(names) == 0 {
		for i := 0; i < width; i++ {
			names = append(names, "col"+strconv.Itoa(i))
		}
	}
	a := duckast.Str(t, "alias")
	if a == "" {
		a = "valueslist"
	}
	p.w(" AS ", ident(a), "(", identList(names), ")")
}

// tableFunction prints the one table function both engines have with the
// same rows: range(stop), range(start, stop[, step]). Its column is
// `range` in DuckDB and `id` in Spark.
func (p *printer) tableFunction(t duckast.Node) {
	f := duckast.Obj(t, "function")
	name := strings.ToLower(duckast.Str(f, "function_name"))
	args := duckast.List(f, "children")
	if format := strings.TrimPrefix(name, "read_"); (format == "csv" || format == "parquet") && p.files != nil {
		p.file(t, name, format, args)
		return
	}
	if name != "range" || len(args) < 1 || len(args) > 3 {
		p.unsupported(t, "table function %s", name)
	}
	p.w("(SELECT `id` AS `range` FROM range(")
	p.exprList(args)
	p.w("))")
	a := duckast.Str(t, "alias")
	if a == "" {
		a = "range"
	}
	p.w(" AS ", ident(a))
	if cols := stringList(duckast.List(t, "column_name_alias")); len(cols) > 0 {
		p.w("(", identList(cols), ")")
	}
}

// file prints read_csv('path') or read_parquet('path') as the relation
// p.files makes for it, under the alias DuckDB gives it.
func (p *printer) file(t duckast.Node, name, format string, args []any) {
	var path string
	if len(args) == 1 {
		if c, _ := args[0].(duckast.Node); duckast.Str(c, "class") == "CONSTANT" {
			path, _ = duckast.Obj(c, "value")["value"].(string)
		}
	}
	if path == "" {
		p.unsupported(t, "%s with other arguments than one literal path", name)
	}
	rel, err := p.files(format, path)
	if err != nil {
		p.unsupported(t, "%s('%s'): %v", name, path, err)
	}
	a := duckast.Str(t, "alias")
	if a == "" {
		a = name
	}
	p.w(ident(rel), " AS ", ident(a))
	if cols := stringList(duckast.List(t, "column_name_alias")); len(cols) > 0 {
		p.w("(", identList(cols), ")")
	}
}

// ---- expressions

func (p *printer) exprList(es []any) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		n, _ := e.(duckast.Node)
		p.expr(n)
	}
}

func (p *printer) expr(e duckast.Node) {
	defer p.at(e)()
	switch duckast.Str(e, "class") {
	case "COLUMN_REF":
		p.w(qualified(stringList(duckast.List(e, "column_names"))...))
	case "CONSTANT":
		p.constant(e, duckast.Obj(e, "value"))
	case "COMPARISON":
		p.comparison(e)
	case "CONJUNCTION":
		op := " AND "
		if duckast.Str(e, "type") == "CONJUNCTION_OR" {
			op = " OR "
		}
		p.w("(")
		for i, c := range duckast.List(e, "children") {
			if i > 0 {
				p.w(op)
			}
			p.expr(c.(duckast.Node))
		}
		p.w(")")
	case "OPERATOR":
		p.operator(e)
	case "FUNCTION":
		p.function(e)
	case "WINDOW":
		p.window(e)
	case "CASE":
		p.w("CASE")
		for _, c := range duckast.List(e, "case_checks") {
			check, _ := c.(duckast.Node)
			p.w(" WHEN ")
			p.expr(duckast.Obj(check, "when_expr"))
			p.w(" THEN ")
			p.expr(duckast.Obj(check, "then_expr"))
		}
		if el := duckast.Obj(e, "else_expr"); el != nil {
			p.w(" ELSE ")
			p.expr(el)
		}
		p.w(" END")
	case "CAST":
		if t := duckast.Str(duckast.Obj(e, "cast_type"), "id"); t == "LIST" && duckast.Str(duckast.Obj(e, "child"), "class") == "CONSTANT" {
			// DuckDB parses '[1,2]' as a list; Spark casts no string to an array.
			p.unsupported(e, "a cast of a string to a list")
		}
		if try, _ := e["try_cast"].(bool); try {
			p.w("try_cast(")
		} else {
			p.w("CAST(")
		}
		p.castOperand(duckast.Obj(e, "child"), duckast.Str(duckast.Obj(e, "cast_type"), "id"))
		p.w(" AS ", p.typeName(e, duckast.Obj(e, "cast_type")), ")")
	case "BETWEEN":
		p.w("(")
		p.expr(duckast.Obj(e, "input"))
		p.w(" BETWEEN ")
		p.expr(duckast.Obj(e, "lower"))
		p.w(" AND ")
		p.expr(duckast.Obj(e, "upper"))
		p.w(")")
	case "SUBQUERY":
		p.subquery(e)
	case "STAR":
		p.star(e)
	case "PARAMETER":
		p.unsupported(e, "a prepared statement parameter")
	case "POSITIONAL_REFERENCE":
		p.unsupported(e, "a positional column reference (#n)")
	case "LAMBDA":
		p.unsupported(e, "a lambda")
	case "COLLATE":
		p.unsupported(e, "COLLATE")
	default:
		p.unsupported(e, "expression %s", duckast.Str(e, "class"))
	}
}

var integerTypes = map[string]bool{"TINYINT": true, "SMALLINT": true, "INTEGER": true, "BIGINT": true}

// castOperand prints what a CAST converts. To an integer, DuckDB rounds:
// a DOUBLE half to even, a DECIMAL half away from zero; Spark truncates.
// The printer does not know the operand's type, but Spark does when it
// plans the query: typeof folds to a constant there, so one branch stays.
// An operand that is visibly an integer, a string or a boolean is left as
// it is (round would refuse a boolean, and a string DuckDB would not round).
func (p *printer) castOperand(x duckast.Node, target string) {
	if !integerTypes[target] || !mayHaveFraction(x) {
		p.expr(x)
		return
	}
	p.w("CASE WHEN typeof(")
	p.expr(x)
	p.w(") LIKE 'decimal%' THEN round(")
	p.expr(x)
	p.w(") ELSE bround(")
	p.expr(x)
	p.w(") END")
}

func mayHaveFraction(x duckast.Node) bool {
	switch duckast.Str(x, "class") {
	case "CONSTANT":
		switch duckast.Str(duckast.Obj(duckast.Obj(x, "value"), "type"), "id") {
		case "DECIMAL", "DOUBLE", "FLOAT":
			return true
		}
		return false
	case "CAST":
		switch duckast.Str(duckast.Obj(x, "cast_type"), "id") {
		case "DECIMAL", "DOUBLE", "FLOAT":
			return true
		}
		return false
	case "COMPARISON", "CONJUNCTION", "BETWEEN":
		return false
	case "OPERATOR":
		t := duckast.Str(x, "type")
		return !strings.HasPrefix(t, "OPERATOR_IS") && t != "OPERATOR_NOT" && !strings.HasPrefix(t, "COMPARE_")
	}
	return true
}

func (p *printer) star(e duckast.Node) {
	if len(duckast.List(e, "exclude_list")) > 0 {
		p.unsupported(e, "* EXCLUDE")
	}
	if len(duckast.List(e, "replace_list")) > 0 {
		p.unsupported(e, "* REPLACE")
	}
	if cols, _ := e["columns"].(bool); cols || duckast.Obj(e, "expr") != nil {
		p.unsupported(e, "COLUMNS(...)")
	}
	if r := duckast.Str(e, "relation_name"); r != "" {
		p.w(ident(r), ".")
	}
	p.w("*")
}

var comparisons = map[string]string{
	"COMPARE_EQUAL":                "=",
	"COMPARE_NOTEQUAL":             "<>",
	"COMPARE_LESSTHAN":             "<",
	"COMPARE_GREATERTHAN":          ">",
	"COMPARE_LESSTHANOREQUALTO":    "<=",
	"COMPARE_GREATERTHANOREQUALTO": ">=",
	"COMPARE_NOT_DISTINCT_FROM":    "<=>",
}

func (p *printer) comparison(e duckast.Node) {
	t := duckast.Str(e, "type")
	if t == "COMPARE_DISTINCT_FROM" {
		p.w("(NOT (")
		p.expr(duckast.Obj(e, "left"))
		p.w(" <=> ")
		p.expr(duckast.Obj(e, "right"))
		p.w("))")
		return
	}
	op, ok := comparisons[t]
	if !ok {
		p.unsupported(e, "comparison %s", t)
	}
	p.w("(")
	p.expr(duckast.Obj(e, "left"))
	p.w(" ", op, " ")
	p.expr(duckast.Obj(e, "right"))
	p.w(")")
}

func (p *printer) operator(e duckast.Node) {
	kids := duckast.List(e, "children")
	child := func(i int) duckast.Node { n, _ := kids[i].(duckast.Node); return n }
	switch t := duckast.Str(e, "type"); t {
	case "OPERATOR_NOT":
		p.w("(NOT ")
		p.expr(child(0))
		p.w(")")
	case "OPERATOR_IS_NULL":
		p.w("(")
		p.expr(child(0))
		p.w(" IS NULL)")
	case "OPERATOR_IS_NOT_NULL":
		p.w("(")
		p.expr(child(0))
		p.w(" IS NOT NULL)")
	case "COMPARE_IN", "COMPARE_NOT_IN":
		p.w("(")
		p.expr(child(0))
		if t == "COMPARE_NOT_IN" {
			p.w(" NOT")
		}
		p.w(" IN (")
		p.exprList(kids[1:])
		p.w("))")
	case "OPERATOR_COALESCE":
		p.w("coalesce(")
		p.exprList(kids)
		p.w(")")
	case "ARRAY_EXTRACT":
		// DuckDB indexes lists from 1 and gives NULL out of range; so does
		// try_element_at (Spark's [] counts from 0 and, under ANSI, fails).
		p.w("try_element_at(")
		p.exprList(kids)
		p.w(")")
	case "STRUCT_EXTRACT":
		p.expr(child(0))
		name := child(1)
		if duckast.Str(name, "class") != "CONSTANT" {
			p.unsupported(e, "a struct field chosen at run time")
		}
		p.w(".", ident(fmt.Sprint(duckast.Obj(name, "value")["value"])))
	default:
		p.unsupported(e, "operator %s", strings.TrimPrefix(t, "OPERATOR_"))
	}
}

func (p *printer) subquery(e duckast.Node) {
	q := duckast.Obj(duckast.Obj(e, "subquery"), "node")
	switch duckast.Str(e, "subquery_type") {
	case "SCALAR":
		p.w("(")
		p.queryNode(q)
		p.w(")")
	case "EXISTS":
		p.w("EXISTS (")
		p.queryNode(q)
		p.w(")")
	case "NOT_EXISTS":
		p.w("NOT EXISTS (")
		p.queryNode(q)
		p.w(")")
	case "ANY":
		// x IN (subquery) is ANY with =; Spark has no other quantified
		// comparison (x > ANY, x = ALL).
		if duckast.Str(e, "comparison_type") != "COMPARE_EQUAL" {
			p.unsupported(e, "a quantified comparison (ANY/ALL) other than IN")
		}
		p.w("(")
		p.expr(duckast.Obj(e, "child"))
		p.w(" IN (")
		p.queryNode(q)
		p.w("))")
	default:
		p.unsupported(e, "%s subquery", duckast.Str(e, "subquery_type"))
	}
}

// ---- constants and types

func (p *printer) constant(e, v duckast.Node) {
	typ := duckast.Obj(v, "type")
	id := duckast.Str(typ, "id")
	if isNull, _ := v["is_null"].(bool); isNull {
		if id == "NULL" || id == "SQLNULL" {
			p.w("NULL")
		} else {
			p.w("CAST(NULL AS ", p.typeName(e, typ), ")")
		}
		return
	}
	raw := v["value"]
	switch id {
	case "INTEGER", "BIGINT", "SMALLINT", "TINYINT":
		s := fmt.Sprint(raw)
		// Spark types a literal by its size as DuckDB does (INT, then
		// BIGINT), but reads small ones as INT: say the narrower types.
		switch id {
		case "SMALLINT":
			s += "S"
		case "TINYINT":
			s += "Y"
		case "BIGINT":
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
				s += "L"
			}
		}
		p.w(s)
	case "HUGEINT":
		// Only a literal too large for BIGINT is a HUGEINT; Spark reads
		// those as DECIMAL(38,0), which holds all but the extreme ones.
		n, ok := bigValue(raw)
		if !ok {
			p.unsupported(e, "integer literal %v", raw)
		}
		s := n.String()
		if len(strings.TrimPrefix(s, "-")) > 38 {
			p.unsupported(e, "integer literal %s (beyond DECIMAL(38,0))", s)
		}
		p.w(s, "BD")
	case "DECIMAL":
		info := duckast.Obj(typ, "type_info")
		scale, _ := strconv.Atoi(fmt.Sprint(info["scale"]))
		unscaled, ok := bigValue(raw)
		if !ok {
			p.unsupported(e, "decimal literal %v", raw)
		}
		// Spark reads the digits as DECIMAL(digits, scale), as DuckDB did.
		p.w(decimalText(unscaled, scale))
	case "DOUBLE", "FLOAT":
		f, err := strconv.ParseFloat(fmt.Sprint(raw), 64)
		if err != nil {
			p.unsupported(e, "float literal %v", raw)
		}
		suffix := "D"
		if id == "FLOAT" {
			suffix = "F"
		}
		switch {
		case math.IsNaN(f):
			p.w("CAST('NaN' AS ", p.typeName(e, typ), ")")
		case math.IsInf(f, 1):
			p.w("CAST('Infinity' AS ", p.typeName(e, typ), ")")
		case math.IsInf(f, -1):
			p.w("CAST('-Infinity' AS ", p.typeName(e, typ), ")")
		default:
			p.w(strconv.FormatFloat(f, 'g', -1, 64), suffix)
		}
	case "VARCHAR":
		p.w(stringLiteral(fmt.Sprint(raw)))
	case "BOOLEAN":
		if b, _ := raw.(bool); b {
			p.w("TRUE")
		} else {
			p.w("FALSE")
		}
	case "DATE", "TIMESTAMP", "TIME":
		// DuckDB keeps these as casts of strings; a stored value would be
		// days or microseconds, which is not worth a second format.
		p.unsupported(e, "a %s value stored in the AST", id)
	default:
		p.unsupported(e, "a %s literal", id)
	}
}

// bigValue reads an integer of the AST: a number, or a 128-bit one as
// {"upper": signed high 64 bits, "lower": unsigned low 64 bits}.
func bigValue(raw any) (*big.Int, bool) {
	if m, ok := raw.(duckast.Node); ok {
		upper, ok1 := new(big.Int).SetString(fmt.Sprint(m["upper"]), 10)
		lower, ok2 := new(big.Int).SetString(fmt.Sprint(m["lower"]), 10)
		if !ok1 || !ok2 {
			return nil, false
		}
		return upper.Lsh(upper, 64).Add(upper, lower), true
	}
	return new(big.Int).SetString(fmt.Sprint(raw), 10)
}

func decimalText(unscaled *big.Int, scale int) string {
	neg := unscaled.Sign() < 0
	digits := new(big.Int).Abs(unscaled).String()
	if scale > 0 {
		for len(digits) <= scale {
			digits = "0" + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		digits = "-" + digits
	}
	return digits
}

// stringLiteral quotes s for Spark, which reads a backslash in a literal
// as an escape (DuckDB does not): both it and the quote are escaped.
func stringLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// StringLiteral is s as a Spark SQL string literal, for SQL that other
// packages write for Spark themselves (a checkpoint's path).
func StringLiteral(s string) string { return stringLiteral(s) }

// typeName is Spark's name of a DuckDB type.
func (p *printer) typeName(at, t duckast.Node) string {
	switch id := duckast.Str(t, "id"); id {
	case "BOOLEAN":
		return "BOOLEAN"
	case "TINYINT":
		return "TINYINT"
	case "SMALLINT":
		return "SMALLINT"
	case "INTEGER":
		return "INT"
	case "BIGINT":
		return "BIGINT"
	case "FLOAT":
		return "FLOAT"
	case "DOUBLE":
		return "DOUBLE"
	case "DECIMAL":
		info := duckast.Obj(t, "type_info")
		if info == nil {
			return "DECIMAL(18,3)" // DuckDB's DECIMAL without width and scale
		}
		return fmt.Sprintf("DECIMAL(%v,%v)", info["width"], info["scale"])
	case "VARCHAR":
		return "STRING"
	case "BLOB":
		return "BINARY"
	case "DATE":
		return "DATE"
	case "TIMESTAMP":
		// DuckDB's TIMESTAMP has no time zone; Spark's TIMESTAMP has the
		// session's.
		return "TIMESTAMP_NTZ"
	case "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_TZ":
		return "TIMESTAMP"
	case "LIST":
		child := duckast.Obj(duckast.Obj(t, "type_info"), "child_type")
		return "ARRAY<" + p.typeName(at, child) + ">"
	case "USER":
		name := strings.ToUpper(strings.Join(stringList(duckast.List(duckast.Obj(t, "type_info"), "user_type_name")), "."))
		if name == "" {
			name = strings.ToUpper(duckast.Str(duckast.Obj(t, "type_info"), "user_type_name"))
		}
		p.unsupported(at, "type %s", name)
	default:
		p.unsupported(at, "type %s", id)
	}
	return ""
}

func stringList(l []any) []string {
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func identList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = ident(n)
	}
	return strings.Join(q, ", ")
}
