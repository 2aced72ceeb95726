package planner

// The skewed-join split, planner side: find the equi-joins of a part
// that can be computed by skew tasks, and rewrite the part so that each
// such join (two table sources joined ON a.k = b.k) becomes one table
// source that reads the tasks' result table:
//
//	FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
//
// becomes
//
//	FROM "__itersql_skew1__" AS "__j1" LEFT JOIN cc n ON n.id = "__j1"."e__src"
//
// with every reference to c.x or e.x remapped to "__j1"."c__x" and
// "__j1"."e__x". Only the columns the rest of the query reads are carried
// through the result table. Joins whose meaning the rewrite could change
// are declined with a reason (EXPLAIN shows it) and run unsplit.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/opcode"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/skew"
)

// SkewRef is the placeholder of split n's result table (n from 1) in a
// SkewPart's SQL; exec binds it with BindSkew.
func SkewRef(n int) string { return fmt.Sprintf(`"__itersql_skew%d__"`, n) }

// BindSkew replaces the result-table placeholders of q with tables[i]
// (the table of split i+1).
func BindSkew(q string, tables []string) string {
	var pairs []string
	for i, t := range tables {
		pairs = append(pairs, SkewRef(i+1), t)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}

// ColumnsFunc returns the column names of a join input given as SQL (a
// table name or a parenthesized subquery, possibly with placeholders). An
// error declines the split of that join: the tasks could not read it.
type ColumnsFunc func(source string) ([]string, error)

// SkewPart is a part of a statement with its splittable joins.
type SkewPart struct {
	// SQL is the part with each split join read from its result table
	// (SkewRef(1), SkewRef(2), ...), with the plan's placeholders.
	SQL   string
	Joins []*skew.Join
	// Declined says, per join not split, why.
	Declined []string
}

// SkewOptions shape a split.
type SkewOptions struct {
	// Names are the part's column names (from DESCRIBE of the unsplit
	// query), kept for unnamed select fields of its top-level SELECT.
	Names []string
	// PushAggregates pushes a query's grouping and aggregates (COUNT,
	// SUM, MIN, MAX) into the tasks where that keeps its meaning (see
	// pushAggregation).
	PushAggregates bool
}

// SkewStep plans the split joins of p's step.
func SkewStep(p *Plan, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) {
	part, err := freshPart(p, func(it *parser.Iterate) *parser.Part { return it.Step })
	if err != nil {
		return nil, err
	}
	return splitPart(p.Source, part, scopeStep, cols, opt)
}

// SkewFinal plans the split joins of p's final query.
func SkewFinal(p *Plan, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) {
	part, err := freshPart(p, func(it *parser.Iterate) *parser.Part { return it.Final })
	if err != nil {
		return nil, err
	}
	return splitPart(p.Source, part, scopeFinal, cols, opt)
}

// selectWrapper turns a plain query into the final query of a WITH
// ITERATE that nothing reads, so that it is parsed with the same DuckDB
// dialect edits as every part.
const selectWrapper = "WITH ITERATE __itersql_select__ AS (SELECT 1 ITERATE SELECT 1 UNTIL 0 ITERATIONS) "

// ParseSelect parses a plain query the way WITH ITERATE parts are parsed.
// An error means TiDB's grammar does not take it: run it unchanged.
func ParseSelect(sql string) (*parser.Part, error) {
	st, err := parser.Parse(selectWrapper+sql, sqlscan.Pos{Line: 1, Col: 1 - len(selectWrapper)})
	if err != nil {
		return nil, err
	}
	it, ok := st.(*parser.Iterate)
	if !ok || it.Final.AST == nil {
		return nil, errors.New("not a query TiDB's grammar reads")
	}
	return it.Final, nil
}

// SkewSelect plans the split joins of a plain query (see ParseSelect).
func SkewSelect(part *parser.Part, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) {
	return splitPart(nil, part, scopeFinal, cols, opt)
}

// HasJoin reports whether p's step or final query has a join with an ON
// or USING condition: only then can a split happen, and only then must the
// run's tables be readable by other connections.
func HasJoin(p *Plan) bool {
	for _, pt := range []*parser.Part{p.Source.Step, p.Source.Final} {
		if pt.AST == nil { // a final query in DuckDB's dialect: not split
			continue
		}
		found := false
		pt.AST.Accept(visitFunc(func(n ast.Node) bool {
			if j, ok := n.(*ast.Join); ok && j.Right != nil && (j.On != nil || len(j.Using) > 0) {
				found = true
			}
			return found
		}))
		if found {
			return true
		}
	}
	return false
}

// freshPart parses the statement again: the plan's ASTs were printed
// (and changed by printing), and the rewrite must not touch them.
func freshPart(p *Plan, pick func(*parser.Iterate) *parser.Part) (*parser.Part, error) {
	st, err := parser.Parse(p.Source.SQL, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return nil, fmt.Errorf("parse %s again: %w", p.Name, err)
	}
	it, ok := st.(*parser.Iterate)
	if ex, isEx := st.(*parser.Explain); isEx {
		it, ok = ex.Stmt, true
	}
	if !ok {
		return nil, fmt.Errorf("parse %s again: not WITH ITERATE", p.Name)
	}
	return pick(it), nil
}

// splitPart finds and rewrites the splittable joins of part. it (nil for
// a plain query) supplies the iterated table's placeholders.
func splitPart(it *parser.Iterate, part *parser.Part, sc scope, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) {
	root := part.AST
	if root == nil {
		return &SkewPart{}, nil
	}
	if it != nil {
		rw := &rewriter{it: it, part: part, scope: sc}
		root.Accept(rw)
		if rw.err != nil {
			return nil, rw.err
		}
	}
	sp := &SkewPart{}
	var owners []*ast.SelectStmt
	ctes := map[string]bool{}
	root.Accept(visitFunc(func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectStmt:
			owners = append(owners, n)
		case *ast.CommonTableExpression:
			ctes[n.Name.L] = true
		}
		return false
	}))
	consumed := map[ast.Node]bool{} // owners inside a split join's inputs
	for _, o := range owners {
		if consumed[o] || o.From == nil || o.From.TableRefs == nil {
			continue
		}
		alignPair(o)
		for _, c := range candidates(o.From.TableRefs, func(n ast.ResultSetNode) { o.From.TableRefs = &ast.Join{Left: n} }) {
			sj := &splitter{owner: o, cand: c, cols: cols, ctes: ctes, n: len(sp.Joins) + 1, top: ast.Node(o) == root, names: opt.Names, push: opt.PushAggregates}
			j, err := sj.split()
			if err != nil {
				var d declined
				if errors.As(err, &d) {
					sp.Declined = append(sp.Declined, sj.describe()+": "+d.reason)
					continue
				}
				return nil, err
			}
			sp.Joins = append(sp.Joins, j)
			// The pair's inputs, and the tables above it whose joins now
			// run in the tasks, are read as written: a join inside them
			// is not split again.
			for _, side := range append([]ast.ResultSetNode{c.join.Left, c.join.Right}, sj.moved...) {
				side.Accept(visitFunc(func(n ast.Node) bool {
					if s, ok := n.(*ast.SelectStmt); ok {
						consumed[s] = true
					}
					return false
				}))
			}
		}
	}
	if len(sp.Joins) == 0 {
		return sp, nil
	}
	sql, err := restore(root)
	if err != nil {
		return nil, err
	}
	sp.SQL = sql
	return sp, nil
}

// alignPair reorders a chain of three or more inner joins so that the pair
// joined first (the one that is split) is the pair whose key is a GROUP BY
// column: "d JOIN e ON e.src = d.id JOIN c ON c.id = e.dst GROUP BY e.dst"
// becomes "e JOIN c ON c.id = e.dst JOIN d ON e.src = d.id". Split on
// that key, every group is made by one task, and with the aggregation
// pushed each task returns one row per group of its own instead of one
// per group it touched. Only when every GROUP BY column belongs to that
// pair, and every ON condition reads qualified columns; inner joins may be
// reordered freely, each condition going to the first join that has all
// the tables it reads. Otherwise the FROM stays as written.
func alignPair(o *ast.SelectStmt) {
	if o.GroupBy == nil || o.From == nil || o.From.TableRefs == nil {
		return
	}
	type member struct {
		ts    *ast.TableSource
		alias string
	}
	var members []member
	var conds []ast.ExprNode
	var flatten func(n ast.ResultSetNode) bool
	flatten = func(n ast.ResultSetNode) bool {
		if j, ok := n.(*ast.Join); ok && j.Right != nil {
			if j.Tp != ast.CrossJoin || j.On == nil || j.NaturalJoin || j.StraightJoin || len(j.Using) > 0 || !flatten(j.Left) {
				return false
			}
			conds = append(conds, conjuncts(j.On.Expr)...)
			n = j.Right
		}
		ts, ok := leaf(n)
		if !ok || ts.Lateral {
			return false
		}
		alias := ts.AsName.L
		if tn, isTN := ts.Source.(*ast.TableName); isTN && alias == "" {
			alias = tn.Name.L
		}
		if alias == "" {
			return false
		}
		members = append(members, member{ts, alias})
		return true
	}
	if !flatten(o.From.TableRefs) || len(members) < 3 {
		return
	}
	// The tables each condition reads; unqualified columns or subqueries
	// leave the FROM alone.
	refs := make([]map[string]bool, len(conds))
	for i, c := range conds {
		refs[i] = map[string]bool{}
		ok := true
		c.Accept(visitFunc(func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
				ok = false
			case *ast.ColumnNameExpr:
				if n.Name.Table.L == "" || n.Name.Schema.L != "" {
					ok = false
				}
				refs[i][n.Name.Table.L] = true
			}
			return !ok
		}))
		if !ok {
			return
		}
	}
	var group []*ast.ColumnName
	for _, it := range o.GroupBy.Items {
		c, ok := it.Expr.(*ast.ColumnNameExpr)
		if !ok || c.Name.Table.L == "" {
			return
		}
		group = append(group, c.Name)
	}
	// The first GROUP BY column with an equality to another table's column.
	pair := [2]string{}
	for _, g := range group {
		for _, c := range conds {
			b, ok := c.(*ast.BinaryOperationExpr)
			if !ok || b.Op != opcode.EQ {
				continue
			}
			l, lok := b.L.(*ast.ColumnNameExpr)
			r, rok := b.R.(*ast.ColumnNameExpr)
			if !lok || !rok || l.Name.Table.L == r.Name.Table.L {
				continue
			}
			switch {
			case l.Name.Table.L == g.Table.L && l.Name.Name.L == g.Name.L:
				pair = [2]string{l.Name.Table.L, r.Name.Table.L}
			case r.Name.Table.L == g.Table.L && r.Name.Name.L == g.Name.L:
				pair = [2]string{r.Name.Table.L, l.Name.Table.L}
			default:
				continue
			}
			break
		}
		if pair[0] != "" {
			break
		}
	}
	if pair[0] == "" {
		return
	}
	for _, g := range group {
		if g.Table.L != pair[0] && g.Table.L != pair[1] {
			return
		}
	}
	in := func(a string) bool { return a == pair[0] || a == pair[1] }
	if in(members[0].alias) && in(members[1].alias) {
		return // already the pair joined first
	}
	// Rebuild: the pair (in its written order), then the other tables in
	// theirs, each with the conditions that have become readable.
	var first []member
	var others []member
	for _, m := range members {
		if in(m.alias) {
			first = append(first, m)
		} else {
			others = append(others, m)
		}
	}
	if len(first) != 2 {
		return // an alias used twice
	}
	joined := map[string]bool{pair[0]: true, pair[1]: true}
	placed := make([]bool, len(conds))
	take := func() ast.ExprNode {
		var e ast.ExprNode
		for i, c := range conds {
			if placed[i] {
				continue
			}
			all := true
			for a := range refs[i] {
				all = all && joined[a]
			}
			if !all {
				continue
			}
			placed[i] = true
			if e == nil {
				e = c
			} else {
				e = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: e, R: c}
			}
		}
		return e
	}
	on := take()
	if on == nil {
		return
	}
	tree := &ast.Join{Left: first[0].ts, Right: first[1].ts, Tp: ast.CrossJoin, On: &ast.OnCondition{Expr: on}}
	for _, m := range others {
		joined[m.alias] = true
		if on = take(); on == nil {
			return // it would be a cross join: leave the FROM as written
		}
		tree = &ast.Join{Left: tree, Right: m.ts, Tp: ast.CrossJoin, On: &ast.OnCondition{Expr: on}}
	}
	for _, p := range placed {
		if !p {
			return // a condition reads a table outside this FROM
		}
	}
	o.From.TableRefs = tree
}

// candidate is a join of two table sources and how to replace it.
type candidate struct {
	join    *ast.Join
	replace func(ast.ResultSetNode)
}

// candidates lists the joins in a FROM tree whose both inputs are table
// sources: the innermost pairs. Joins above them stay DuckDB joins.
func candidates(j *ast.Join, replace func(ast.ResultSetNode)) []candidate {
	if j == nil || j.Right == nil {
		if j != nil {
			if l, ok := j.Left.(*ast.Join); ok {
				return candidates(l, func(n ast.ResultSetNode) { j.Left = n })
			}
		}
		return nil
	}
	l, lok := leaf(j.Left)
	r, rok := leaf(j.Right)
	if lok && rok && isTable(l) && isTable(r) {
		return []candidate{{j, replace}}
	}
	var out []candidate
	if l, ok := j.Left.(*ast.Join); ok {
		out = append(out, candidates(l, func(n ast.ResultSetNode) { j.Left = n })...)
	}
	if r, ok := j.Right.(*ast.Join); ok {
		out = append(out, candidates(r, func(n ast.ResultSetNode) { j.Right = n })...)
	}
	return out
}

// leaf returns the table source n is: TiDB wraps the first table of "a,
// b" (and of "a JOIN b" chains) in a one-table join.
func leaf(n ast.ResultSetNode) (*ast.TableSource, bool) {
	if j, ok := n.(*ast.Join); ok && j.Right == nil {
		n = j.Left
	}
	ts, ok := n.(*ast.TableSource)
	return ts, ok
}

func isTable(ts *ast.TableSource) bool {
	switch ts.Source.(type) {
	case *ast.TableName, *ast.SelectStmt, *ast.SetOprStmt:
		return true
	}
	return false
}

// declined is a reason not to split a join (not an error of the query).
type declined struct{ reason string }

func (d declined) Error() string { return d.reason }

func decline(format string, args ...any) error {
	return declined{fmt.Sprintf(format, args...)}
}

// splitter analyses and rewrites one candidate join.
type splitter struct {
	owner *ast.SelectStmt
	cand  candidate
	cols  ColumnsFunc
	ctes  map[string]bool
	n     int  // the split's number (SkewRef(n), "__j<n>")
	top   bool // owner is the part's top-level query: names apply
	names []string
	push  bool // try to push the owner's aggregation into the tasks

	moved []ast.ResultSetNode // tables above the pair whose joins run in the tasks
	alias [2]string           // as written
	src   [2]string           // SQL
	has   [2]map[string]bool  // lower-case column names of each side
	using map[string]bool     // USING columns (lower case)
	// out maps "side/col" (col lower case) to its result column name.
	out   map[string]string
	outs  []skew.Out
	need  [2][]string // columns the tasks carry, in order
	needd [2]map[string]bool
}

func (s *splitter) describe() string {
	j := s.cand.join
	name := func(n ast.ResultSetNode) string {
		ts, _ := leaf(n)
		if ts.AsName.O != "" {
			return ts.AsName.O
		}
		if tn, ok := ts.Source.(*ast.TableName); ok {
			return strings.Trim(tn.Name.O, `"`)
		}
		return "(subquery)"
	}
	tp := "JOIN"
	switch j.Tp {
	case ast.LeftJoin:
		tp = "LEFT JOIN"
	case ast.RightJoin:
		tp = "RIGHT JOIN"
	}
	return name(j.Left) + " " + tp + " " + name(j.Right)
}

func (s *splitter) resultAlias() string { return fmt.Sprintf("__j%d", s.n) }

// split checks the candidate, rewrites the owner and returns the join.
func (s *splitter) split() (*skew.Join, error) {
	j := s.cand.join
	sj := &skew.Join{Result: SkewRef(s.n)}
	switch {
	case j.NaturalJoin:
		return nil, decline("NATURAL joins are not split")
	case j.StraightJoin:
		return nil, decline("STRAIGHT_JOIN is not split")
	case j.Tp == ast.LeftJoin:
		sj.Type = skew.Left
	case j.Tp == ast.RightJoin:
		sj.Type = skew.Right
	}
	for i, side := range []ast.ResultSetNode{j.Left, j.Right} {
		ts, _ := leaf(side)
		if err := s.side(i, ts); err != nil {
			return nil, err
		}
	}
	if strings.EqualFold(s.alias[0], s.alias[1]) {
		return nil, decline("both inputs are named %s", s.alias[0])
	}
	if err := s.scopeChecks(); err != nil {
		return nil, err
	}
	// The key: the first equality of one column of each side.
	var on ast.ExprNode
	switch {
	case j.On == nil && len(j.Using) == 0:
		// "FROM a, b WHERE a.k = b.k": the equality becomes the tasks'
		// ON (a copy: the WHERE keeps it, true of every joined row).
		if on = s.whereKey(); on == nil {
			return nil, decline("no ON or USING condition, and no a.k = b.k in WHERE")
		}
	case len(j.Using) > 0:
		s.using = map[string]bool{}
		for _, c := range j.Using {
			s.using[c.Name.L] = true
			eq := &ast.BinaryOperationExpr{Op: opcode.EQ,
				L: &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(s.alias[0]), Name: c.Name}},
				R: &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(s.alias[1]), Name: c.Name}}}
			if on == nil {
				on = eq
			} else {
				on = &ast.BinaryOperationExpr{Op: opcode.LogicAnd, L: on, R: eq}
			}
		}
	default:
		on = j.On.Expr
	}
	if err := s.checkOn(on); err != nil {
		return nil, err
	}
	key, ok := s.key(on)
	if !ok {
		return nil, decline("the ON condition has no equality of a column of each input (a.k = b.k)")
	}
	// Dry run first: every reference must be mappable before any changes.
	if err := s.remap(true); err != nil {
		return nil, err
	}
	if s.push {
		if err := s.pushAggregation(sj); err != nil {
			return nil, err
		}
	}
	s.cand.replace(&ast.TableSource{
		Source: &ast.TableName{Name: ast.NewCIStr(strings.Trim(SkewRef(s.n), `"`))},
		AsName: ast.NewCIStr(s.resultAlias()),
	})
	if err := s.remap(false); err != nil {
		return nil, err
	}
	if len(s.outs) == 0 && len(sj.Aggs) == 0 {
		// The query reads nothing of the join but its rows (count(*)):
		// carry the key so the result table has a column.
		s.mapCol(0, key[0])
	}
	onSQL, err := restore(on)
	if err != nil {
		return nil, err
	}
	for i := range 2 {
		s.carry(i, key[i])
	}
	for i := range 2 {
		sj.Sides[i] = skew.Side{Alias: s.alias[i], Source: s.src[i], Key: key[i], Cols: s.need[i]}
	}
	sj.On, sj.Out = onSQL, s.outs
	sj.Text = fmt.Sprintf("%s AS %s %s %s AS %s ON %s", s.src[0], skew.Quote(s.alias[0]), sj.Type, s.src[1], skew.Quote(s.alias[1]), onSQL)
	return sj, nil
}

// pushAggregation moves the owner's WHERE, GROUP BY and aggregates into
// the tasks when that keeps the query's meaning: the owner groups only by
// columns of the pair, its aggregates are COUNT, SUM, MIN or MAX (not
// DISTINCT), and nothing reads the pair from a subquery. The split join
// is the owner's whole FROM, or the bottom of a chain of joins above it
// that are inner or keep the pair's rows (LEFT): those joins then run in
// every task too (see skew.Join.Upper), and the aggregates and WHERE may
// read their tables. Each aggregate is computed per task and merged by
// the query (a count by a sum of counts). Otherwise it changes nothing.
// exec compiles the result against the unsplit query and plans again
// without pushing if they differ.
func (s *splitter) pushAggregation(sj *skew.Join) error {
	o := s.owner
	ups, ok := s.uppers()
	if !ok {
		return nil
	}
	if o.GroupBy != nil && o.GroupBy.Rollup {
		return nil
	}
	// Fields, HAVING and ORDER BY may hold aggregates, of columns of the
	// pair or of the tables above it; outside aggregates they may read
	// the pair (the GROUP BY columns) but not the tables above it.
	w := &aggWalk{col: func(c *ast.ColumnName, inAgg bool) bool {
		switch i := s.pushCol(c, ups); {
		case i == upperSide:
			return inAgg
		case i >= 0:
			return true
		default:
			// An unknown name outside aggregates is a select alias
			// (ORDER BY total); one inside is nothing the tasks have.
			_, err := s.sideOf(c)
			return !inAgg && err == nil
		}
	}}
	for _, f := range o.Fields.Fields {
		if f.Expr != nil {
			f.Expr.Accept(w)
		}
	}
	for _, part := range []ast.Node{o.Having, o.OrderBy} {
		if part != nil && !isNilNode(part) {
			part.Accept(w)
		}
	}
	if !w.ok() || (len(w.aggs) == 0 && o.GroupBy == nil) {
		return nil
	}
	var group []*ast.ColumnNameExpr
	if o.GroupBy != nil {
		for _, it := range o.GroupBy.Items {
			c, isCol := it.Expr.(*ast.ColumnNameExpr)
			if !isCol {
				return nil
			}
			if i, err := s.sideOf(c.Name); err != nil || i < 0 {
				return nil
			}
			group = append(group, c)
		}
	}
	// WHERE and the ON conditions of the joins above read the pair and
	// those tables only.
	pure := func(n ast.Node) bool {
		ok := true
		n.Accept(visitFunc(func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectStmt, *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.AggregateFuncExpr, *ast.WindowFuncExpr:
				ok = false
			case *ast.ColumnNameExpr:
				ok = s.pushCol(n.Name, ups) != noSide
			}
			return !ok
		}))
		return ok
	}
	if o.Where != nil && !pure(o.Where) {
		return nil
	}
	for _, u := range ups {
		if u.join.On != nil && !pure(u.join.On.Expr) {
			return nil
		}
	}
	// Pushable. The tasks' SQL reads the pair by its aliases: qualify
	// every column of the pair in the moved expressions and carry it.
	qualify := func(n ast.Node) (string, error) {
		n.Accept(visitFunc(func(m ast.Node) bool {
			if c, isCol := m.(*ast.ColumnNameExpr); isCol {
				if i := s.pushCol(c.Name, ups); i == 0 || i == 1 {
					c.Name = &ast.ColumnName{Table: ast.NewCIStr(s.alias[i]), Name: c.Name.Name}
					s.carry(i, c.Name.Name.O)
				}
			}
			return false
		}))
		return restore(n)
	}
	for _, u := range ups {
		on := "true"
		if u.join.On != nil {
			var err error
			if on, err = qualify(u.join.On.Expr); err != nil {
				return err
			}
		}
		tp := "JOIN"
		if u.join.Tp == ast.LeftJoin {
			tp = "LEFT JOIN"
		}
		sj.Upper += fmt.Sprintf(" %s %s AS %s ON %s", tp, u.src, skew.Quote(u.alias), on)
		s.moved = append(s.moved, u.join.Right)
	}
	if len(ups) > 0 {
		// The joins above now run in the tasks: the owner reads the
		// pair's result alone.
		o.From.TableRefs = &ast.Join{Left: s.cand.join}
		s.cand.replace = func(n ast.ResultSetNode) { o.From.TableRefs = &ast.Join{Left: n} }
	}
	if o.Where != nil {
		w, err := qualify(o.Where)
		if err != nil {
			return err
		}
		sj.Where, o.Where = w, nil
	}
	for _, c := range group {
		g, err := qualify(&ast.ColumnNameExpr{Name: c.Name})
		if err != nil {
			return err
		}
		sj.GroupBy = append(sj.GroupBy, g)
	}
	merge := map[*ast.AggregateFuncExpr]string{}
	named := map[string]string{} // one partial aggregate per distinct SQL
	for _, a := range w.aggs {
		sqlText, err := qualify(a)
		if err != nil {
			return err
		}
		name, seen := named[sqlText]
		if !seen {
			name = fmt.Sprintf("__agg%d", len(sj.Aggs)+1)
			named[sqlText] = name
			sj.Aggs = append(sj.Aggs, skew.Agg{Name: name, SQL: sqlText})
		}
		col := skew.Quote(s.resultAlias()) + "." + skew.Quote(name)
		switch strings.ToLower(a.F) {
		case "count":
			merge[a] = "CAST(coalesce(sum(" + col + "), 0) AS BIGINT)"
		default:
			merge[a] = strings.ToLower(a.F) + "(" + col + ")"
		}
	}
	swap := &swapAggs{merge: merge}
	for _, f := range o.Fields.Fields {
		if f.Expr != nil {
			if e, _ := f.Expr.Accept(swap); e != nil {
				f.Expr = e.(ast.ExprNode)
			}
		}
	}
	if o.Having != nil {
		o.Having.Accept(swap)
	}
	if o.OrderBy != nil {
		o.OrderBy.Accept(swap)
	}
	return nil
}

// Sides of a column of a pushed expression besides the pair's 0 and 1.
const (
	noSide    = -1 // nothing the tasks have
	upperSide = 2  // a table joined above the pair
)

// upper is a table joined above the split pair.
type upper struct {
	join  *ast.Join
	alias string
	src   string
	has   map[string]bool // lower-case column names
}

// uppers returns the joins of the owner's FROM above the pair, innermost
// first; ok is false unless each is an inner join, or a LEFT join with
// the pair on its left, of a table source the tasks can read.
func (s *splitter) uppers() ([]upper, bool) {
	var ups []upper
	n := ast.ResultSetNode(s.owner.From.TableRefs)
	for n != ast.ResultSetNode(s.cand.join) {
		j, ok := n.(*ast.Join)
		if !ok {
			return nil, false
		}
		n = j.Left
		if j.Right == nil {
			continue
		}
		ts, ok := leaf(j.Right)
		if !ok || !isTable(ts) || j.NaturalJoin || j.StraightJoin || len(j.Using) > 0 || (j.Tp != ast.CrossJoin && j.Tp != ast.LeftJoin) {
			return nil, false
		}
		alias, src, has, err := s.input(ts)
		if err != nil || strings.EqualFold(alias, s.alias[0]) || strings.EqualFold(alias, s.alias[1]) {
			return nil, false
		}
		u := upper{join: j, alias: alias, src: src, has: has}
		ups = append([]upper{u}, ups...)
	}
	return ups, true
}

// pushCol resolves a column of an expression to be pushed into the tasks:
// a side of the pair (0, 1), a table above it (upperSide), or noSide.
func (s *splitter) pushCol(c *ast.ColumnName, ups []upper) int {
	i, err := s.sideOf(c)
	switch {
	case err != nil || c.Schema.L != "":
		return noSide
	case i >= 0:
		return i
	case c.Table.L != "":
		for _, u := range ups {
			if strings.EqualFold(u.alias, c.Table.O) && u.has[c.Name.L] {
				return upperSide
			}
		}
		return noSide
	}
	found := 0
	for _, u := range ups {
		if u.has[c.Name.L] {
			found++
		}
	}
	if found == 1 {
		return upperSide
	}
	return noSide
}

// aggWalk collects the aggregates of the expressions it visits and checks
// them (COUNT, SUM, MIN or MAX of one plain argument) and every column by
// col, told whether the column is inside an aggregate.
type aggWalk struct {
	col   func(c *ast.ColumnName, inAgg bool) bool
	aggs  []*ast.AggregateFuncExpr
	depth int
	bad   bool
}

func (w *aggWalk) ok() bool { return !w.bad }

func (w *aggWalk) Enter(n ast.Node) (ast.Node, bool) {
	if w.bad {
		return n, true
	}
	switch n := n.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt, *ast.SubqueryExpr, *ast.ExistsSubqueryExpr, *ast.WindowFuncExpr:
		w.bad = true
	case *ast.AggregateFuncExpr:
		switch strings.ToLower(n.F) {
		case "count", "sum", "min", "max":
		default:
			w.bad = true
		}
		if n.Distinct || len(n.Args) > 1 || n.Order != nil || w.depth > 0 {
			w.bad = true
		}
		w.aggs = append(w.aggs, n)
		w.depth++
	case *ast.ColumnNameExpr:
		w.bad = !w.col(n.Name, w.depth > 0)
	}
	return n, w.bad
}

func (w *aggWalk) Leave(n ast.Node) (ast.Node, bool) {
	if _, ok := n.(*ast.AggregateFuncExpr); ok {
		w.depth--
	}
	return n, true
}

func isNilNode(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.HavingClause:
		return n == nil
	case *ast.OrderByClause:
		return n == nil
	}
	return false
}

// swapAggs replaces pushed aggregates by their merge over the result.
type swapAggs struct {
	merge map[*ast.AggregateFuncExpr]string
}

func (v *swapAggs) Enter(n ast.Node) (ast.Node, bool) {
	if a, ok := n.(*ast.AggregateFuncExpr); ok {
		if m, ok := v.merge[a]; ok {
			return &rawExpr{ExprNode: ast.NewValueExpr(0, "", ""), sql: m}, true
		}
	}
	return n, false
}

func (v *swapAggs) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// rawExpr is an expression printed as the SQL it holds (a pushed
// aggregate's merge). Its own Accept keeps visitors from replacing it by
// the node it embeds only to be an ExprNode.
type rawExpr struct {
	ast.ExprNode
	sql string
}

func (r *rawExpr) Restore(ctx *format.RestoreCtx) error {
	ctx.WritePlain(r.sql)
	return nil
}

func (r *rawExpr) Accept(v ast.Visitor) (ast.Node, bool) {
	n, _ := v.Enter(r)
	return v.Leave(n)
}

// side reads input i of the pair: its name, SQL and columns.
func (s *splitter) side(i int, ts *ast.TableSource) error {
	alias, src, has, err := s.input(ts)
	if err != nil {
		return err
	}
	s.alias[i], s.src[i], s.has[i] = alias, src, has
	return nil
}

// input reads a table source the tasks are to read: its name, its SQL and
// its lower-case column names, or why the tasks cannot read it.
func (s *splitter) input(ts *ast.TableSource) (alias, src string, has map[string]bool, err error) {
	if ts.Lateral {
		return "", "", nil, decline("LATERAL inputs are not split")
	}
	if len(ts.ColumnNames) > 0 {
		return "", "", nil, decline("an input with a column alias list is not split")
	}
	alias = ts.AsName.O
	switch t := ts.Source.(type) {
	case *ast.TableName:
		if alias == "" {
			alias = t.Name.O
		}
		if t.Schema.L == "" && s.ctes[t.Name.L] {
			return "", "", nil, decline("%s is a CTE, which the tasks (separate queries) cannot read", t.Name.O)
		}
		var b strings.Builder
		if err := t.Restore(format.NewRestoreCtx(restoreFlags, &b)); err != nil {
			return "", "", nil, fmt.Errorf("print SQL for DuckDB: %w", err)
		}
		src = b.String()
	default:
		if alias == "" {
			return "", "", nil, decline("a subquery without an alias")
		}
		if refsCTE(t, s.ctes) {
			return "", "", nil, decline("input %s reads a CTE, which the tasks (separate queries) cannot read", alias)
		}
		q, err := restore(t)
		if err != nil {
			return "", "", nil, err
		}
		src = "(" + q + ")"
	}
	names, err := s.cols(src)
	if err != nil {
		return "", "", nil, decline("the tasks cannot read input %s: %v", alias, err)
	}
	has = map[string]bool{}
	for _, n := range names {
		has[strings.ToLower(n)] = true
	}
	return alias, src, has, nil
}

func refsCTE(n ast.Node, ctes map[string]bool) bool {
	found := false
	n.Accept(visitFunc(func(n ast.Node) bool {
		if tn, ok := n.(*ast.TableName); ok && tn.Schema.L == "" && ctes[tn.Name.L] {
			found = true
		}
		return found
	}))
	return found
}

// scopeChecks declines owners whose other parts would resolve names
// against the pair's columns in ways the rewrite cannot follow.
func (s *splitter) scopeChecks() error {
	for _, f := range s.owner.Fields.Fields {
		if f.WildCard != nil && f.WildCard.Table.L == "" {
			return decline("SELECT * over a split join: name the columns, or use alias.*")
		}
	}
	var err error
	s.owner.From.TableRefs.Accept(visitFunc(func(n ast.Node) bool {
		if j, ok := n.(*ast.Join); ok && j != s.cand.join && (len(j.Using) > 0 || j.NaturalJoin) {
			err = decline("another join of the same FROM uses USING or NATURAL")
		}
		if _, ok := n.(*ast.SelectStmt); ok {
			return true // a subquery's joins are its own
		}
		return err != nil
	}))
	return err
}

// sideOf resolves a column reference in the ON condition or in the
// owner's own clauses to a side: 0, 1, -1 (neither), or an error.
func (s *splitter) sideOf(c *ast.ColumnName) (int, error) {
	if c.Schema.L != "" {
		return -1, nil
	}
	if c.Table.L != "" {
		for i := range 2 {
			if strings.EqualFold(c.Table.O, s.alias[i]) {
				return i, nil
			}
		}
		return -1, nil
	}
	in0, in1 := s.has[0][c.Name.L], s.has[1][c.Name.L]
	switch {
	case s.using[c.Name.L]:
		if s.cand.join.Tp == ast.RightJoin {
			return 1, nil
		}
		return 0, nil
	case in0 && in1:
		return -1, decline("column %s is in both inputs: qualify it", c.Name.O)
	case in0:
		return 0, nil
	case in1:
		return 1, nil
	}
	return -1, nil
}

// checkOn qualifies the ON condition's unqualified columns and checks
// that it reads only the two inputs (the tasks see nothing else).
func (s *splitter) checkOn(on ast.ExprNode) error {
	var err error
	on.Accept(visitFunc(func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SubqueryExpr, *ast.ExistsSubqueryExpr:
			err = decline("a subquery in the ON condition")
		case *ast.ColumnNameExpr:
			i, e := s.sideOf(n.Name)
			switch {
			case e != nil:
				err = e
			case i < 0:
				err = decline("the ON condition reads %s, which is not a column of either input", colText(n.Name))
			default:
				n.Name = &ast.ColumnName{Table: ast.NewCIStr(s.alias[i]), Name: n.Name.Name}
				s.carry(i, n.Name.Name.O)
			}
		}
		return err != nil
	}))
	return err
}

// whereKey finds a conjunct "x.c1 = y.c2" of the owner's WHERE with one
// column of each side and returns a copy of it, qualified; nil if none.
func (s *splitter) whereKey() ast.ExprNode {
	if s.owner.Where == nil {
		return nil
	}
	for _, c := range conjuncts(s.owner.Where) {
		l, li, r, ri, ok := s.crossEquality(c)
		if !ok {
			continue
		}
		col := func(i int, c *ast.ColumnName) ast.ExprNode {
			return &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(s.alias[i]), Name: c.Name}}
		}
		return &ast.BinaryOperationExpr{Op: opcode.EQ, L: col(li, l), R: col(ri, r)}
	}
	return nil
}

// crossEquality reads a conjunct "x.c1 = y.c2" whose two columns belong to
// the two sides, in the order written: the columns and their sides.
func (s *splitter) crossEquality(c ast.ExprNode) (l *ast.ColumnName, li int, r *ast.ColumnName, ri int, ok bool) {
	b, isBin := c.(*ast.BinaryOperationExpr)
	if !isBin || b.Op != opcode.EQ {
		return nil, 0, nil, 0, false
	}
	lc, lok := b.L.(*ast.ColumnNameExpr)
	rc, rok := b.R.(*ast.ColumnNameExpr)
	if !lok || !rok {
		return nil, 0, nil, 0, false
	}
	// sideOf gives -1 with every error.
	li, _ = s.sideOf(lc.Name)
	ri, _ = s.sideOf(rc.Name)
	if li < 0 || ri < 0 || li == ri {
		return nil, 0, nil, 0, false
	}
	return lc.Name, li, rc.Name, ri, true
}

// conjuncts flattens ANDs (and parentheses around them).
func conjuncts(e ast.ExprNode) []ast.ExprNode {
	switch x := e.(type) {
	case *ast.BinaryOperationExpr:
		if x.Op == opcode.LogicAnd {
			return append(conjuncts(x.L), conjuncts(x.R)...)
		}
	case *ast.ParenthesesExpr:
		if _, ok := x.Expr.(*ast.BinaryOperationExpr); ok {
			return conjuncts(x.Expr)
		}
	}
	return []ast.ExprNode{e}
}

// key finds the first conjunct "x.c1 = y.c2" with one column of each side.
func (s *splitter) key(on ast.ExprNode) ([2]string, bool) {
	for _, c := range conjuncts(on) {
		l, li, r, _, ok := s.crossEquality(c)
		if !ok {
			continue
		}
		if li == 0 {
			return [2]string{l.Name.O, r.Name.O}, true
		}
		return [2]string{r.Name.O, l.Name.O}, true
	}
	return [2]string{}, false
}

// carry records that the tasks must read column col of side i.
func (s *splitter) carry(i int, col string) {
	if s.needd[i] == nil {
		s.needd[i] = map[string]bool{}
	}
	if !s.needd[i][strings.ToLower(col)] {
		s.needd[i][strings.ToLower(col)] = true
		s.need[i] = append(s.need[i], col)
	}
}

// mapCol returns the result column that carries column col of side i.
func (s *splitter) mapCol(i int, col string) string {
	if s.out == nil {
		s.out = map[string]string{}
	}
	k := fmt.Sprintf("%d/%s", i, strings.ToLower(col))
	if name, ok := s.out[k]; ok {
		return name
	}
	name := s.alias[i] + "__" + col
	taken := func(n string) bool {
		for _, o := range s.outs {
			if strings.EqualFold(o.Name, n) {
				return true
			}
		}
		return false
	}
	for n := 2; taken(name); n++ {
		name = fmt.Sprintf("%s__%s_%d", s.alias[i], col, n)
	}
	s.out[k] = name
	s.outs = append(s.outs, skew.Out{Side: i, Col: col, Name: name})
	s.carry(i, col)
	return name
}

// remap points the owner's references to the pair at the result table.
// dry only checks that it can.
func (s *splitter) remap(dry bool) error {
	o := s.owner
	// Names the select list gives: an unqualified name that is both a
	// field's alias and an input's column could mean either.
	aliases := map[string]ast.ExprNode{}
	for _, f := range o.Fields.Fields {
		if f.AsName.L != "" {
			aliases[f.AsName.L] = f.Expr
		}
	}
	if !dry {
		s.expandStars()
		if s.top && len(s.names) == len(o.Fields.Fields) {
			for i, f := range o.Fields.Fields {
				if f.AsName.L == "" && f.WildCard == nil {
					f.AsName = ast.NewCIStr(s.names[i])
				}
			}
		}
		for _, f := range o.Fields.Fields {
			// A bare column keeps its name once it reads "__j1"."c__x".
			if c, ok := f.Expr.(*ast.ColumnNameExpr); ok && f.AsName.L == "" {
				if i, err := s.sideOf(c.Name); err == nil && i >= 0 {
					f.AsName = c.Name.Name
				}
			}
		}
	}
	v := &remapper{s: s, dry: dry, aliases: aliases}
	o.Accept(v)
	return v.err
}

// expandStars replaces alias.* of a side with its carried columns.
func (s *splitter) expandStars() {
	var fields []*ast.SelectField
	for _, f := range s.owner.Fields.Fields {
		side := -1
		if f.WildCard != nil && f.WildCard.Schema.L == "" {
			for i := range 2 {
				if strings.EqualFold(f.WildCard.Table.O, s.alias[i]) {
					side = i
				}
			}
		}
		if side < 0 {
			fields = append(fields, f)
			continue
		}
		names, _ := s.cols(s.src[side])
		for _, n := range names {
			fields = append(fields, &ast.SelectField{
				Expr:   &ast.ColumnNameExpr{Name: &ast.ColumnName{Table: ast.NewCIStr(s.alias[side]), Name: ast.NewCIStr(n)}},
				AsName: ast.NewCIStr(n),
			})
		}
	}
	s.owner.Fields.Fields = fields
}

// remapper walks the owner. depth 1 is the owner's own clauses; deeper
// queries see the pair only through qualified names their own FROM does
// not shadow.
type remapper struct {
	s       *splitter
	dry     bool
	aliases map[string]ast.ExprNode
	depth   int
	shadow  []map[string]bool
	err     error
}

func (v *remapper) shadowed(alias string) bool {
	for _, sh := range v.shadow {
		if sh[strings.ToLower(alias)] {
			return true
		}
	}
	return false
}

func (v *remapper) Enter(n ast.Node) (ast.Node, bool) {
	if v.err != nil {
		return n, true
	}
	switch n := n.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		v.depth++
		sh := map[string]bool{}
		if sel, ok := n.(*ast.SelectStmt); ok && v.depth > 1 && sel.From != nil {
			sel.From.Accept(visitFunc(func(m ast.Node) bool {
				if ts, ok := m.(*ast.TableSource); ok {
					name := ts.AsName.L
					if tn, isTN := ts.Source.(*ast.TableName); isTN && name == "" {
						name = tn.Name.L
					}
					sh[name] = true
				}
				_, sub := m.(*ast.SelectStmt)
				return sub
			}))
		}
		v.shadow = append(v.shadow, sh)
	case *ast.ColumnNameExpr:
		c := n.Name
		if c.Table.L == "" && v.depth > 1 {
			return n, true // resolved in the subquery's own scope
		}
		if c.Table.L != "" && v.shadowed(c.Table.L) {
			return n, true
		}
		i, err := v.s.sideOf(c)
		if err != nil {
			v.err = err
			return n, true
		}
		if i < 0 {
			return n, true
		}
		if c.Table.L == "" {
			if e, ok := v.aliases[c.Name.L]; ok && !v.sameColumn(e, i, c.Name.L) {
				v.err = decline("%s is both a select alias and a column of %s", c.Name.O, v.s.alias[i])
				return n, true
			}
		} else if !v.s.has[i][c.Name.L] {
			v.err = decline("%s is not a column of %s", colText(c), v.s.alias[i])
			return n, true
		}
		if !v.dry {
			n.Name = &ast.ColumnName{Table: ast.NewCIStr(v.s.resultAlias()), Name: ast.NewCIStr(v.s.mapCol(i, c.Name.O))}
		}
		return n, true
	}
	return n, false
}

// sameColumn reports whether a field expression is column col of side i,
// so that the alias and the column mean the same.
func (v *remapper) sameColumn(e ast.ExprNode, i int, col string) bool {
	c, ok := e.(*ast.ColumnNameExpr)
	if !ok || c.Name.Name.L != col {
		return false
	}
	j, err := v.s.sideOf(c.Name)
	return err == nil && j == i
}

func (v *remapper) Leave(n ast.Node) (ast.Node, bool) {
	switch n.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
		v.depth--
		v.shadow = v.shadow[:len(v.shadow)-1]
	}
	return n, v.err == nil
}

func colText(c *ast.ColumnName) string {
	if c.Table.O != "" {
		return c.Table.O + "." + c.Name.O
	}
	return c.Name.O
}

// visitFunc is a visitor from a function; returning true skips the
// node's children.
type visitFunc func(ast.Node) bool

func (f visitFunc) Enter(n ast.Node) (ast.Node, bool) { return n, f(n) }
func (f visitFunc) Leave(n ast.Node) (ast.Node, bool) { return n, true }
