package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/format"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	"github.com/pingcap/tidb/pkg/parser/opcode"
)

// restoreFlags print TiDB ASTs the way DuckDB reads them: "names",
// 'strings', no MySQL charset introducers.
const restoreFlags = format.RestoreStringSingleQuotes | format.RestoreNameDoubleQuotes |
	format.RestoreKeyWordUppercase | format.RestoreStringWithoutCharset |
	format.RestoreSpacesAroundBinaryOperation

// restore prints n as DuckDB SQL, after swapping the nodes whose MySQL
// spelling DuckDB does not read for wrappers that print DuckDB's.
func restore(n ast.Node) (string, error) {
	n.Accept(duckDialect{})
	var b strings.Builder
	if err := n.Restore(format.NewRestoreCtx(restoreFlags, &b)); err != nil {
		return "", fmt.Errorf("print SQL for DuckDB: %w", err)
	}
	return b.String(), nil
}

// duckDialect replaces nodes in place on the way out of the tree.
type duckDialect struct{}

func (duckDialect) Enter(n ast.Node) (ast.Node, bool) { return n, false }

func (duckDialect) Leave(n ast.Node) (ast.Node, bool) {
	switch e := n.(type) {
	case *ast.SelectStmt:
		if e.Limit != nil && e.Limit.Offset != nil {
			// TiDB prints LIMIT o,c; DuckDB wants LIMIT c OFFSET o. Swapped
			// on the way out, so the walk does not unwrap it again.
			e.Limit.Count = &limitOffset{ExprNode: e.Limit.Count, offset: e.Limit.Offset}
			e.Limit.Offset = nil
		}
	case *ast.Join:
		if l, ok := e.Left.(*ast.Join); ok && l.Right == nil && e.Right != nil {
			// TiDB prints a one-table join as "(t AS c)", which DuckDB
			// does not read as a table.
			e.Left = l.Left
		}
		if e.Right != nil && e.On == nil && e.Using == nil && !e.NaturalJoin {
			// MySQL reads "a JOIN b" (and "a, b") as a cross join; DuckDB
			// wants a condition.
			one := ast.NewValueExpr(1, "", "")
			e.On = &ast.OnCondition{Expr: &ast.BinaryOperationExpr{Op: opcode.EQ, L: one, R: one}}
		}
	case *ast.BinaryOperationExpr:
		switch e.Op {
		case opcode.IntDiv:
			return &binaryAs{e, " // "}, true
		case opcode.NullEQ:
			return &binaryAs{e, " IS NOT DISTINCT FROM "}, true
		}
	case *ast.FuncCastExpr:
		if e.FunctionType == ast.CastFunction {
			return &duckCast{e}, true
		}
	}
	return n, true
}

// binaryAs prints a binary operator with DuckDB's spelling.
type binaryAs struct {
	*ast.BinaryOperationExpr
	op string
}

func (b *binaryAs) Restore(ctx *format.RestoreCtx) error {
	if err := b.L.Restore(ctx); err != nil {
		return err
	}
	ctx.WritePlain(b.op)
	return b.R.Restore(ctx)
}

// duckCast prints CAST with DuckDB's type names.
type duckCast struct{ *ast.FuncCastExpr }

func (c *duckCast) Restore(ctx *format.RestoreCtx) error {
	ctx.WriteKeyWord("CAST")
	ctx.WritePlain("(")
	if err := c.Expr.Restore(ctx); err != nil {
		return err
	}
	ctx.WriteKeyWord(" AS ")
	tp := c.Tp
	switch tp.GetType() {
	case mysql.TypeLonglong:
		if mysql.HasUnsignedFlag(tp.GetFlag()) {
			ctx.WriteKeyWord("UBIGINT")
		} else {
			ctx.WriteKeyWord("BIGINT")
		}
	case mysql.TypeDouble:
		ctx.WriteKeyWord("DOUBLE")
	case mysql.TypeFloat:
		ctx.WriteKeyWord("FLOAT")
	case mysql.TypeNewDecimal:
		if tp.GetFlen() > 0 {
			fmt.Fprintf(ctx.In, "DECIMAL(%d,%d)", tp.GetFlen(), max(tp.GetDecimal(), 0))
		} else {
			ctx.WriteKeyWord("DECIMAL")
		}
	case mysql.TypeVarString, mysql.TypeString, mysql.TypeVarchar:
		ctx.WriteKeyWord("VARCHAR")
	case mysql.TypeDate:
		ctx.WriteKeyWord("DATE")
	case mysql.TypeDatetime, mysql.TypeTimestamp:
		ctx.WriteKeyWord("TIMESTAMP")
	case mysql.TypeDuration:
		ctx.WriteKeyWord("TIME")
	case mysql.TypeJSON:
		ctx.WriteKeyWord("JSON")
	default:
		tp.RestoreAsCastType(ctx, c.ExplicitCharSet)
	}
	ctx.WritePlain(")")
	return nil
}

// limitOffset prints "count OFFSET offset" in the place of LIMIT's count.
type limitOffset struct {
	ast.ExprNode
	offset ast.ExprNode
}

func (l *limitOffset) Restore(ctx *format.RestoreCtx) error {
	if err := l.ExprNode.Restore(ctx); err != nil {
		return err
	}
	ctx.WriteKeyWord(" OFFSET ")
	return l.offset.Restore(ctx)
}
