package skew

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// splitter analyses one candidate join and rewrites its owner, the SELECT
// whose FROM holds it. owner is the splitter's own copy: it is changed in
// place and becomes the SELECT that reads the result table.
type splitter struct {
	p     *preparer
	owner node
	path  []string // of the candidate join in the owner's FROM
	n     int      // the split's number (resultRef(n), "__j<n>")
	top   bool     // the owner is the statement's query: Options.Names apply

	alias [2]string          // as written
	src   [2]string          // SQL
	cols  [2][]Column        // as described
	has   [2]map[string]bool // lower-case column names of each side
	using map[string]bool    // USING columns (lower case)
	// out maps "side/col" (col lower case) to its result column name.
	out   map[string]string
	outs  []Out
	need  [2][]string // columns the tasks carry, in order
	needd [2]map[string]bool
}

func (s *splitter) join() node { return at(duckast.Obj(s.owner, "from_table"), s.path) }

func (s *splitter) resultAlias() string { return fmt.Sprintf("__j%d", s.n) }

// describeJoin names the candidate for a decline message: "a JOIN b".
func (s *splitter) describeJoin(sel node) string {
	j := at(duckast.Obj(sel, "from_table"), s.path)
	name := func(n node) string {
		if a := duckast.Str(n, "alias"); a != "" {
			return a
		}
		if t := duckast.Str(n, "table_name"); t != "" {
			return t
		}
		return "(subquery)"
	}
	tp := "JOIN"
	switch duckast.Str(j, "join_type") {
	case "LEFT":
		tp = "LEFT JOIN"
	case "RIGHT":
		tp = "RIGHT JOIN"
	}
	if duckast.Str(j, "ref_type") == "CROSS" {
		tp = ","
	}
	return name(duckast.Obj(j, "left")) + " " + tp + " " + name(duckast.Obj(j, "right"))
}

// split checks the candidate, rewrites the owner and returns the join.
func (s *splitter) split() (*Join, error) {
	j := s.join()
	sj := &Join{Result: resultRef(s.n)}
	switch ref := duckast.Str(j, "ref_type"); ref {
	case "REGULAR", "CROSS":
	case "NATURAL":
		return nil, decline("NATURAL joins are not split")
	default:
		return nil, decline("%s joins are not split", ref)
	}
	switch jt := duckast.Str(j, "join_type"); jt {
	case "INNER":
	case "LEFT":
		sj.Type = Left
	case "RIGHT":
		sj.Type = Right
	case "OUTER":
		return nil, decline("FULL joins are not split")
	default:
		return nil, decline("%s joins are not split", jt)
	}
	for i, side := range []string{"left", "right"} {
		alias, src, cols, err := s.input(duckast.Obj(j, side))
		if err != nil {
			return nil, err
		}
		s.alias[i], s.src[i], s.cols[i], s.has[i] = alias, src, cols, columnSet(cols)
	}
	if strings.EqualFold(s.alias[0], s.alias[1]) {
		return nil, decline("both inputs are named %s", s.alias[0])
	}
	if err := s.scopeChecks(); err != nil {
		return nil, err
	}
	on, err := s.condition(j)
	if err != nil {
		return nil, err
	}
	if on, err = s.qualifyOn(on); err != nil {
		return nil, err
	}
	key, err := s.key(on)
	if err != nil {
		return nil, err
	}
	for i := range 2 {
		sj.Sides[i] = Side{Alias: s.alias[i], Source: s.src[i], Key: key[i], KeyType: typeOf(s.cols[i], key[i])}
	}
	if _, err := hashCast(sj.Sides[0].KeyType, sj.Sides[1].KeyType); err != nil {
		return nil, decline("%v", err)
	}
	// Dry run first: every reference must be mappable before any changes.
	if err := s.remap(true); err != nil {
		return nil, err
	}
	if s.p.opt.PushAggregates {
		if err := s.pushAggregation(sj); err != nil {
			return nil, err
		}
	}
	from := duckast.Obj(s.owner, "from_table")
	s.owner["from_table"] = replaceAt(from, s.path, duckast.BaseTable(strings.Trim(resultRef(s.n), `"`), s.resultAlias()))
	if err := s.remap(false); err != nil {
		return nil, err
	}
	if len(s.outs) == 0 && len(sj.Aggs) == 0 {
		// The query reads nothing of the join but its rows (count(*)):
		// carry the key so the result table has a column.
		s.mapCol(0, key[0])
	}
	onSQL, err := printExpr(on)
	if err != nil {
		return nil, err
	}
	for i := range 2 {
		s.carry(i, key[i])
		sj.Sides[i].Cols = s.need[i]
	}
	sj.On, sj.Out = onSQL, s.outs
	sj.Text = fmt.Sprintf("%s AS %s %s %s AS %s ON %s", s.src[0], quote(s.alias[0]), sj.Type, s.src[1], quote(s.alias[1]), onSQL)
	return sj, nil
}

// condition returns the join's condition: its ON, the equalities of its
// USING columns, or for "FROM a, b WHERE a.k = b.k" a copy of that
// equality (the WHERE keeps it, true of every joined row).
func (s *splitter) condition(j node) (node, error) {
	if using := duckast.List(j, "using_columns"); len(using) > 0 {
		s.using = map[string]bool{}
		var eqs []node
		for _, u := range using {
			c, _ := u.(string)
			s.using[strings.ToLower(c)] = true
			eqs = append(eqs, duckast.Equal(duckast.ColumnRef(s.alias[0], c), duckast.ColumnRef(s.alias[1], c)))
		}
		return duckast.And(eqs...), nil
	}
	if on := duckast.Obj(j, "condition"); on != nil {
		return duckast.Clone(on).(node), nil
	}
	for _, c := range duckast.Conjuncts(duckast.Obj(s.owner, "where_clause")) {
		if l, li, r, ri, ok := s.crossEquality(c); ok {
			return duckast.Equal(duckast.ColumnRef(s.alias[li], l), duckast.ColumnRef(s.alias[ri], r)), nil
		}
	}
	return nil, decline("no ON or USING condition, and no a.k = b.k in WHERE")
}

// input reads a table source the tasks are to read: its name, its SQL and
// its columns, or why the tasks cannot read it.
func (s *splitter) input(ref node) (alias, src string, cols []Column, err error) {
	if len(duckast.List(ref, "column_name_alias")) > 0 {
		return "", "", nil, decline("an input with a column alias list is not split")
	}
	if ref["sample"] != nil || ref["at_clause"] != nil {
		return "", "", nil, decline("an input with a sample or AT clause is not split")
	}
	alias = duckast.Str(ref, "alias")
	switch duckast.Str(ref, "type") {
	case "BASE_TABLE":
		name := duckast.Str(ref, "table_name")
		if alias == "" {
			alias = name
		}
		if s.p.ctes[duckast.Location(ref)] {
			return "", "", nil, decline("%s is a CTE, which the tasks (separate queries) cannot read", name)
		}
		var parts []string
		for _, k := range []string{"catalog_name", "schema_name", "table_name"} {
			if v := duckast.Str(ref, k); v != "" {
				parts = append(parts, quote(v))
			}
		}
		src = strings.Join(parts, ".")
	case "SUBQUERY":
		if alias == "" {
			return "", "", nil, decline("a subquery without an alias")
		}
		sub := duckast.Obj(ref, "subquery")
		if s.readsOuterCTE(sub) {
			return "", "", nil, decline("input %s reads a CTE, which the tasks (separate queries) cannot read", alias)
		}
		q, err := printStatement(duckast.Statement{JSON: sub})
		if err != nil {
			return "", "", nil, err
		}
		src = "(" + q + ")"
	default:
		return "", "", nil, decline("input %s is not a table or a subquery", alias)
	}
	cols, err = s.p.describe(src)
	if err != nil {
		return "", "", nil, decline("the tasks cannot read input %s: %v", alias, err)
	}
	return alias, src, cols, nil
}

// readsOuterCTE reports whether a subquery reads a CTE it does not define
// itself.
func (s *splitter) readsOuterCTE(sub node) bool {
	for _, r := range duckast.Tables(sub) {
		if s.p.ctes[r.Offset] && !r.CTE {
			return true
		}
	}
	return false
}

func columnSet(cols []Column) map[string]bool {
	has := map[string]bool{}
	for _, c := range cols {
		has[strings.ToLower(c.Name)] = true
	}
	return has
}

func typeOf(cols []Column, name string) string {
	for _, c := range cols {
		if strings.EqualFold(c.Name, name) {
			return c.Type
		}
	}
	return ""
}

// walkOwn calls f on the nodes of an owner's own clauses under n: it sees
// a subquery's node but does not enter it (its names are its own).
func walkOwn(n any, f func(node)) {
	duckast.Walk(n, func(m node) bool {
		if strings.HasSuffix(duckast.Str(m, "type"), "_NODE") {
			return false
		}
		f(m)
		return duckast.Str(m, "type") != "SUBQUERY"
	})
}

// scopeChecks declines owners whose other parts would resolve names
// against the pair's columns in ways the rewrite cannot follow.
func (s *splitter) scopeChecks() error {
	var err error
	walkOwn(s.owner["select_list"], func(n node) {
		if err != nil {
			return
		}
		switch duckast.Str(n, "class") {
		case "STAR":
			switch {
			case duckast.Str(n, "relation_name") == "" || n["columns"] == true:
				err = decline("SELECT * over a split join: name the columns, or use alias.*")
			case len(duckast.List(n, "exclude_list"))+len(duckast.List(n, "replace_list"))+len(duckast.List(n, "rename_list"))+len(duckast.List(n, "qualified_exclude_list")) > 0:
				err = decline("alias.* with EXCLUDE, REPLACE or RENAME over a split join")
			}
		case "LAMBDA":
			err = decline("a lambda in the query: its parameters could be taken for the inputs' columns")
		}
	})
	if err != nil {
		return err
	}
	for _, k := range []string{"where_clause", "group_expressions", "having", "modifiers", "qualify", "from_table"} {
		walkOwn(s.owner[k], func(n node) {
			if err == nil && duckast.Str(n, "class") == "LAMBDA" {
				err = decline("a lambda in the query: its parameters could be taken for the inputs' columns")
			}
		})
	}
	if err != nil {
		return err
	}
	cand := s.join()
	walkOwn(s.owner["from_table"], func(n node) {
		if duckast.Str(n, "type") == "JOIN" && !sameNode(n, cand) &&
			(len(duckast.List(n, "using_columns")) > 0 || duckast.Str(n, "ref_type") == "NATURAL") {
			err = decline("another join of the same FROM uses USING or NATURAL")
		}
	})
	return err
}

// sameNode reports whether a and b are one node (not equal copies).
func sameNode(a, b node) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// sideOf resolves a column reference (its names) in the ON condition or in
// the owner's own clauses to a side: 0, 1, -1 (neither), or an error.
func (s *splitter) sideOf(names []string) (int, error) {
	switch len(names) {
	case 2:
		for i := range 2 {
			if strings.EqualFold(names[0], s.alias[i]) {
				return i, nil
			}
		}
		return -1, nil
	case 1:
	default:
		return -1, nil
	}
	col := strings.ToLower(names[0])
	in0, in1 := s.has[0][col], s.has[1][col]
	switch {
	case s.using[col]:
		if duckast.Str(s.join(), "join_type") == "RIGHT" {
			return 1, nil
		}
		return 0, nil
	case in0 && in1:
		return -1, decline("column %s is in both inputs: qualify it", names[0])
	case in0:
		return 0, nil
	case in1:
		return 1, nil
	}
	return -1, nil
}

// qualifyOn returns the ON condition with its columns qualified by their
// side, after checking that it reads only the two inputs (the tasks see
// nothing else).
func (s *splitter) qualifyOn(on node) (node, error) {
	on = duckast.Clone(on).(node)
	var err error
	duckast.Walk(on, func(n node) bool {
		if err != nil {
			return false
		}
		switch duckast.Str(n, "class") {
		case "SUBQUERY":
			err = decline("a subquery in the ON condition")
		case "COLUMN_REF":
			names := duckast.ColumnNames(n)
			i, e := s.sideOf(names)
			switch {
			case e != nil:
				err = e
			case i < 0:
				err = decline("the ON condition reads %s, which is not a column of either input", strings.Join(names, "."))
			default:
				col := names[len(names)-1]
				n["column_names"] = []any{s.alias[i], col}
				s.carry(i, col)
			}
		}
		return err == nil
	})
	return on, err
}

// crossEquality reads a conjunct "x.c1 = y.c2" whose two columns belong to
// the two sides, in the order written: the columns and their sides.
func (s *splitter) crossEquality(c node) (l string, li int, r string, ri int, ok bool) {
	if duckast.Str(c, "type") != "COMPARE_EQUAL" {
		return "", 0, "", 0, false
	}
	ln, rn := duckast.ColumnNames(duckast.Obj(c, "left")), duckast.ColumnNames(duckast.Obj(c, "right"))
	if ln == nil || rn == nil {
		return "", 0, "", 0, false
	}
	// sideOf gives -1 with every error.
	li, _ = s.sideOf(ln)
	ri, _ = s.sideOf(rn)
	if li < 0 || ri < 0 || li == ri {
		return "", 0, "", 0, false
	}
	return ln[len(ln)-1], li, rn[len(rn)-1], ri, true
}

// key finds the first conjunct "x.c1 = y.c2" with one column of each side:
// the key columns of side 0 and side 1.
func (s *splitter) key(on node) ([2]string, error) {
	collated := ""
	for _, c := range duckast.Conjuncts(on) {
		if l, li, r, _, ok := s.crossEquality(c); ok {
			if li == 0 {
				return [2]string{l, r}, nil
			}
			return [2]string{r, l}, nil
		}
		if duckast.Str(c, "type") == "COMPARE_EQUAL" {
			for _, side := range []string{"left", "right"} {
				if e := duckast.Obj(c, side); duckast.Str(e, "class") == "COLLATE" {
					collated = duckast.Str(e, "collation")
				}
			}
		}
	}
	if collated != "" {
		return [2]string{}, decline("the key is compared under COLLATE %s: equal keys could hash to different tasks", collated)
	}
	return [2]string{}, decline("the ON condition has no equality of a column of each input (a.k = b.k)")
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
	s.outs = append(s.outs, Out{Side: i, Col: col, Name: name})
	s.carry(i, col)
	return name
}

// remap points the owner's references to the pair at the result table.
// dry only checks that it can.
func (s *splitter) remap(dry bool) error {
	// Names the select list gives: an unqualified name that is both a
	// field's alias and an input's column could mean either.
	aliases := map[string]node{}
	for _, f := range duckast.List(s.owner, "select_list") {
		if f, ok := f.(node); ok && duckast.Str(f, "alias") != "" {
			aliases[strings.ToLower(duckast.Str(f, "alias"))] = f
		}
	}
	if !dry {
		s.expandStars()
		fields := duckast.List(s.owner, "select_list")
		names := s.p.opt.Names
		if s.top && len(names) == len(fields) {
			for i, f := range fields {
				if f, ok := f.(node); ok && duckast.Str(f, "alias") == "" && duckast.Str(f, "class") != "STAR" {
					f["alias"] = names[i]
				}
			}
		}
		for _, f := range fields {
			// A bare column keeps its name once it reads "__j1"."c__x".
			f, _ := f.(node)
			if names := duckast.ColumnNames(f); names != nil && duckast.Str(f, "alias") == "" {
				if i, err := s.sideOf(names); err == nil && i >= 0 {
					f["alias"] = names[len(names)-1]
				}
			}
		}
	}
	r := &remapper{s: s, dry: dry, aliases: aliases}
	r.walk(s.owner)
	return r.err
}

// expandStars replaces alias.* of a side with its columns.
func (s *splitter) expandStars() {
	var fields []any
	for _, f := range duckast.List(s.owner, "select_list") {
		n, _ := f.(node)
		side := -1
		if duckast.Str(n, "class") == "STAR" {
			for i := range 2 {
				if strings.EqualFold(duckast.Str(n, "relation_name"), s.alias[i]) {
					side = i
				}
			}
		}
		if side < 0 {
			fields = append(fields, f)
			continue
		}
		for _, c := range s.cols[side] {
			ref := duckast.ColumnRef(s.alias[side], c.Name)
			ref["alias"] = c.Name
			fields = append(fields, ref)
		}
	}
	s.owner["select_list"] = fields
}

// remapper walks the owner. depth 1 is the owner's own clauses; deeper
// queries see the pair only through qualified names their own FROM does
// not shadow.
type remapper struct {
	s       *splitter
	dry     bool
	aliases map[string]node
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

func (v *remapper) walk(n any) {
	if v.err != nil {
		return
	}
	switch x := n.(type) {
	case []any:
		for _, e := range x {
			v.walk(e)
		}
		return
	case node:
		if strings.HasSuffix(duckast.Str(x, "type"), "_NODE") {
			v.depth++
			v.shadow = append(v.shadow, v.names(x))
			defer func() {
				v.depth--
				v.shadow = v.shadow[:len(v.shadow)-1]
			}()
		}
		if duckast.Str(x, "class") == "COLUMN_REF" {
			v.column(x)
			return
		}
		for _, k := range duckast.Keys(x) {
			v.walk(x[k])
		}
	}
}

// names are the table names a subquery's own FROM gives (none for the
// owner itself).
func (v *remapper) names(q node) map[string]bool {
	sh := map[string]bool{}
	if v.depth <= 1 {
		return sh
	}
	walkOwn(q["from_table"], func(m node) {
		if isTable(m) || duckast.Str(m, "type") == "TABLE_FUNCTION" {
			name := duckast.Str(m, "alias")
			if name == "" {
				name = duckast.Str(m, "table_name")
			}
			sh[strings.ToLower(name)] = true
		}
	})
	return sh
}

func (v *remapper) column(c node) {
	names := duckast.ColumnNames(c)
	if len(names) == 1 && v.depth > 1 {
		return // resolved in the subquery's own scope
	}
	if len(names) == 2 && v.shadowed(names[0]) {
		return
	}
	i, err := v.s.sideOf(names)
	if err != nil {
		v.err = err
		return
	}
	if i < 0 {
		return
	}
	col := names[len(names)-1]
	if len(names) == 1 {
		if e, ok := v.aliases[strings.ToLower(col)]; ok && !v.sameColumn(e, i, col) {
			v.err = decline("%s is both a select alias and a column of %s", col, v.s.alias[i])
			return
		}
	} else if !v.s.has[i][strings.ToLower(col)] {
		v.err = decline("%s is not a column of %s", strings.Join(names, "."), v.s.alias[i])
		return
	}
	if !v.dry {
		c["column_names"] = []any{v.s.resultAlias(), v.s.mapCol(i, col)}
	}
}

// sameColumn reports whether a field expression is column col of side i,
// so that the alias and the column mean the same.
func (v *remapper) sameColumn(e node, i int, col string) bool {
	names := duckast.ColumnNames(e)
	if names == nil || !strings.EqualFold(names[len(names)-1], col) {
		return false
	}
	j, err := v.s.sideOf(names)
	return err == nil && j == i
}
