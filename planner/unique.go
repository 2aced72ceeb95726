package planner

import (
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
)

// stepKeyUnique reports whether a keyed step yields at most one row per key
// by its very form: a single SELECT whose GROUP BY items are all among the
// expressions it returns in KEY columns. Each output row is then one group,
// and rows that differ in every grouped value differ in the key. The
// executor skips its duplicate-key check for such steps, and the step's
// output needs no table of its own before the delta is computed.
func stepKeyUnique(p *Plan) bool {
	sel, ok := p.Source.Step.AST.(*ast.SelectStmt)
	if !ok || sel.GroupBy == nil || sel.GroupBy.Rollup || len(sel.GroupBy.Items) == 0 ||
		sel.Fields == nil || len(p.Columns) == 0 || len(sel.Fields.Fields) != len(p.Columns) {
		return false
	}
	keyFields := map[int]bool{}
	for i, c := range p.Columns {
		for _, k := range p.Key {
			if c == k {
				keyFields[i] = true
			}
		}
	}
	fields := sel.Fields.Fields
	for _, f := range fields {
		if f.WildCard != nil {
			return false
		}
	}
	for _, item := range sel.GroupBy.Items {
		i := groupedField(fields, item.Expr)
		if i < 0 || !keyFields[i] {
			return false
		}
	}
	return true
}

// groupedField returns the index of the returned field a GROUP BY item
// names (by position, by alias, or by the same expression), or -1.
func groupedField(fields []*ast.SelectField, e ast.ExprNode) int {
	if pos, ok := e.(*ast.PositionExpr); ok && pos.P == nil {
		if pos.N >= 1 && pos.N <= len(fields) {
			return pos.N - 1
		}
		return -1
	}
	text, ok := exprText(e)
	if !ok {
		return -1
	}
	if col, isCol := e.(*ast.ColumnNameExpr); isCol && col.Name.Table.L == "" {
		for i, f := range fields {
			if f.AsName.L != "" && f.AsName.L == col.Name.Name.L {
				return i
			}
		}
	}
	for i, f := range fields {
		if t, ok := exprText(f.Expr); ok && t == text {
			return i
		}
	}
	return -1
}

func exprText(e ast.ExprNode) (string, bool) {
	var b strings.Builder
	if err := e.Restore(format.NewRestoreCtx(restoreFlags, &b)); err != nil {
		return "", false
	}
	return b.String(), true
}
