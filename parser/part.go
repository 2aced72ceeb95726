package parser

import (
	"errors"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
	"github.com/itersql/itersql/internal/sqlscan"
)

// Part is one of the SQL parts of WITH ITERATE, read by DuckDB's parser.
type Part struct {
	What string      // "initial query", "step", "UNTIL condition", "final query"
	Text string      // as the user wrote it
	Pos  sqlscan.Pos // where Text starts in the user's script
	// AST is DuckDB's AST of Parsed: the part itself, or for an UNTIL
	// condition "SELECT <condition>".
	AST    duckast.Statement
	Parsed string
	// Toks are the tokens of Parsed, with offsets in Parsed.
	Toks []sqlscan.Token
}

// condPrefix turns an UNTIL condition into a query DuckDB's parser reads.
const condPrefix = "SELECT "

// PosAt returns the position in the user's script of byte off of Parsed.
func (pt *Part) PosAt(off int) sqlscan.Pos {
	prefix := len(pt.Parsed) - len(pt.Text)
	off -= prefix
	if off < 0 {
		off = 0
	}
	if off > len(pt.Text) {
		off = len(pt.Text)
	}
	return pt.Pos.Advance(pt.Text[:off])
}

// part reads tokens [from, to) as one part of the statement.
func (p *hparser) part(what string, from, to int, cond bool) (*Part, error) {
	off, end := p.toks[from].Off, len(p.src)
	if to < len(p.toks) {
		end = p.toks[to].Off
	}
	text := strings.TrimRight(p.src[off:end], " \t\r\n")
	pt := &Part{What: what, Text: text, Pos: p.pos(off), Parsed: text}
	if cond {
		pt.Parsed = condPrefix + text
	}
	toks, err := sqlscan.Tokens(pt.Parsed, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return nil, err
	}
	pt.Toks = toks
	stmts, err := duckast.Parse(pt.Parsed)
	if err != nil {
		var se *duckast.SyntaxError
		if !errors.As(err, &se) {
			return nil, err
		}
		at := pt.Pos
		if se.Offset >= 0 {
			at = pt.PosAt(se.Offset)
		} else if strings.Contains(se.Msg, "end of input") {
			at = pt.PosAt(len(pt.Parsed))
		}
		msg := se.Msg
		if strings.HasPrefix(msg, "not a query") {
			msg = "the " + what + " must be a query (SELECT ...)"
		} else {
			msg = "syntax error in the " + what + ": " + strings.TrimPrefix(msg, "syntax error ")
		}
		return nil, &sqlscan.Error{Pos: at, Msg: msg, Err: err}
	}
	if len(stmts) != 1 {
		return nil, sqlscan.Errorf(pt.Pos, "the %s must be one query, found %d statements", what, len(stmts))
	}
	pt.AST = stmts[0]
	if cond {
		if err := pt.checkCondition(); err != nil {
			return nil, err
		}
	}
	return pt, nil
}

// checkCondition requires an UNTIL condition to be one expression:
// "SELECT 20 ITERATION" parses (ITERATION as an alias), and so does "x
// FROM t", but neither is a condition. The error points at the first
// token that is not part of the expression.
func (pt *Part) checkCondition() error {
	n := pt.AST.Node()
	list := duckast.List(n, "select_list")
	var alias string
	if len(list) > 0 {
		e, _ := list[0].(duckast.Node)
		alias = duckast.Str(e, "alias")
	}
	from := duckast.Str(duckast.Obj(n, "from_table"), "type") != "EMPTY"
	clean := duckast.Str(n, "type") == "SELECT_NODE" && len(list) == 1 && alias == "" && !from &&
		n["where_clause"] == nil && len(duckast.List(n, "group_expressions")) == 0 && n["having"] == nil &&
		n["qualify"] == nil && len(duckast.List(n, "modifiers")) == 0 && len(duckast.List(duckast.Obj(n, "cte_map"), "map")) == 0
	if clean {
		return nil
	}
	off := -1
	depth := 0
	for i, t := range pt.Toks {
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		}
		if depth != 0 || i < 2 {
			continue
		}
		if t.Text == "," || t.Is("AS") || t.Kind != sqlscan.Punct && t.Kind != sqlscan.Number && alias != "" && strings.EqualFold(strings.Trim(t.Text, `"`), alias) ||
			t.Is("FROM") || t.Is("WHERE") || t.Is("GROUP") || t.Is("HAVING") || t.Is("QUALIFY") || t.Is("ORDER") || t.Is("LIMIT") || t.Is("OFFSET") {
			off = t.Off
			break
		}
	}
	if off < 0 {
		off = len(condPrefix)
	}
	return sqlscan.Errorf(pt.PosAt(off), "syntax error in the UNTIL condition at %s: a stop test is FIXPOINT, n ITERATIONS or one boolean expression", tokAt(pt.Parsed, off))
}

func tokAt(s string, off int) string {
	if off >= len(s) {
		return "the end"
	}
	w := s[off:]
	if i := strings.IndexAny(w, " \t\r\n"); i >= 0 {
		w = w[:i]
	}
	return `"` + w + `"`
}
