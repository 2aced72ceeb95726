// Package parser reads itersql statements. WITH ITERATE is split into its
// four parts (initial, step, stop tests, final) by a small hand parser over
// sqlscan tokens; each part is then parsed by TiDB's SQL parser, so the
// planner gets real ASTs and every error points at a line:col in the
// user's text. Anything that is not WITH ITERATE, EXPLAIN of it, or SET is
// passed through to DuckDB untouched.
package parser

import (
	"strconv"
	"strings"

	"github.com/itersql/itersql/internal/sqlscan"
)

// Statement is one parsed statement: *Iterate, *Explain, *Set or *Passthrough.
type Statement interface{ statement() }

// Passthrough is SQL for DuckDB as written.
type Passthrough struct {
	SQL string
	Pos sqlscan.Pos
}

// Set is `SET name = value` (or TO). Exec decides whether the name is an
// itersql setting or DuckDB's.
type Set struct {
	Name, Value string
	SQL         string
	Pos         sqlscan.Pos
}

// Explain is EXPLAIN [ANALYZE] of a WITH ITERATE statement.
type Explain struct {
	Analyze bool
	Stmt    *Iterate
	Pos     sqlscan.Pos
}

// StopKind is the kind of an UNTIL test.
type StopKind int

const (
	Fixpoint   StopKind = iota // the step changed nothing
	Iterations                 // after N steps
	Condition                  // a boolean SQL expression holds
)

// Stop is one UNTIL test.
type Stop struct {
	Kind StopKind
	N    int   // Iterations
	Cond *Part // Condition: a SELECT of the expression
	Pos  sqlscan.Pos
}

// Iterate is a WITH ITERATE statement.
type Iterate struct {
	Name    string
	Columns []string // empty: from the initial query
	Key     []string // empty: a plain (replace) state
	Initial *Part
	Step    *Part
	Stops   []Stop
	Final   *Part
	Pos     sqlscan.Pos
	SQL     string // the whole statement as written
}

func (*Passthrough) statement() {}
func (*Set) statement()         {}
func (*Explain) statement()     {}
func (*Iterate) statement()     {}

// Parse parses one statement (without its ';') that starts at pos.
func Parse(src string, pos sqlscan.Pos) (Statement, error) {
	toks, err := sqlscan.Tokens(src, pos)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, sqlscan.Errorf(pos, "empty statement")
	}
	p := &hparser{src: src, base: pos, toks: toks}
	start := p.pos(toks[0].Off)
	switch {
	case toks[0].Is("EXPLAIN"):
		i := 1
		analyze := i < len(toks) && toks[i].Is("ANALYZE")
		if analyze {
			i++
		}
		if i+1 < len(toks) && toks[i].Is("WITH") && toks[i+1].Is("ITERATE") {
			it, err := p.iterate(i)
			if err != nil {
				return nil, err
			}
			return &Explain{Analyze: analyze, Stmt: it, Pos: start}, nil
		}
	case len(toks) > 1 && toks[0].Is("WITH") && toks[1].Is("ITERATE"):
		return p.iterate(0)
	case toks[0].Is("SET") && len(toks) >= 4 && (toks[2].Text == "=" || toks[2].Is("TO")) && toks[1].Kind == sqlscan.Word:
		val := strings.TrimSpace(src[toks[3].Off:])
		if len(toks) == 4 && toks[3].Kind == sqlscan.String {
			val = strings.ReplaceAll(val[1:len(val)-1], "''", "'")
		}
		return &Set{Name: strings.ToLower(toks[1].Text), Value: val, SQL: src, Pos: start}, nil
	}
	return &Passthrough{SQL: src, Pos: start}, nil
}

// hparser is the hand parser for the WITH ITERATE frame.
type hparser struct {
	src  string
	base sqlscan.Pos
	toks []sqlscan.Token
}

func (p *hparser) pos(off int) sqlscan.Pos { return p.base.Advance(p.src[:off]) }

func (p *hparser) at(i int) sqlscan.Pos {
	if i >= len(p.toks) {
		return p.pos(len(p.src))
	}
	return p.pos(p.toks[i].Off)
}

func (p *hparser) errAt(i int, format string, args ...any) error {
	return sqlscan.Errorf(p.at(i), format, args...)
}

func (p *hparser) tokText(i int) string {
	if i >= len(p.toks) {
		return "end of statement"
	}
	return strconv.Quote(p.toks[i].Text)
}

// name reads an identifier (bare or double-quoted) at i.
func (p *hparser) name(i int, what string) (string, error) {
	if i >= len(p.toks) {
		return "", p.errAt(i, "expected %s, found end of statement", what)
	}
	t := p.toks[i]
	switch t.Kind {
	case sqlscan.Word:
		return strings.ToLower(t.Text), nil
	case sqlscan.Quoted:
		return strings.ReplaceAll(t.Text[1:len(t.Text)-1], `""`, `"`), nil
	}
	return "", p.errAt(i, "expected %s, found %s", what, p.tokText(i))
}

// nameList reads "(a, b, ...)" at i and returns the index after ')'.
func (p *hparser) nameList(i int, what string) ([]string, int, error) {
	if i >= len(p.toks) || p.toks[i].Text != "(" {
		return nil, i, p.errAt(i, "expected ( before the %s list, found %s", what, p.tokText(i))
	}
	i++
	var names []string
	for {
		n, err := p.name(i, what+" name")
		if err != nil {
			return nil, i, err
		}
		names = append(names, n)
		i++
		if i < len(p.toks) && p.toks[i].Text == "," {
			i++
			continue
		}
		if i < len(p.toks) && p.toks[i].Text == ")" {
			return names, i + 1, nil
		}
		return nil, i, p.errAt(i, "expected , or ) in the %s list, found %s", what, p.tokText(i))
	}
}

// iterate parses WITH ITERATE starting at token i (the WITH).
func (p *hparser) iterate(i int) (*Iterate, error) {
	it := &Iterate{Pos: p.at(i), SQL: p.src}
	i += 2
	var err error
	if it.Name, err = p.name(i, "the name of the iterated table"); err != nil {
		return nil, err
	}
	i++
	if i < len(p.toks) && p.toks[i].Text == "(" {
		if it.Columns, i, err = p.nameList(i, "column"); err != nil {
			return nil, err
		}
	}
	if i < len(p.toks) && p.toks[i].Is("KEY") {
		if it.Key, i, err = p.nameList(i+1, "KEY column"); err != nil {
			return nil, err
		}
		if len(it.Columns) > 0 {
			for _, k := range it.Key {
				if !contains(it.Columns, k) {
					return nil, p.errAt(i-2, "KEY column %q is not a column of %s (%s)", k, it.Name, strings.Join(it.Columns, ", "))
				}
			}
		}
	}
	if i >= len(p.toks) || !p.toks[i].Is("AS") {
		return nil, p.errAt(i, "expected AS after WITH ITERATE %s, found %s", it.Name, p.tokText(i))
	}
	i++
	if i >= len(p.toks) || p.toks[i].Text != "(" {
		return nil, p.errAt(i, "expected ( after AS, found %s", p.tokText(i))
	}
	open := i
	// Find ITERATE, UNTIL and the closing paren at depth 1.
	iter, until, closeAt := -1, -1, -1
	depth := 0
	for j := open; j < len(p.toks) && closeAt < 0; j++ {
		t := p.toks[j]
		switch {
		case t.Text == "(":
			depth++
		case t.Text == ")":
			depth--
			if depth == 0 {
				closeAt = j
			}
		case depth == 1 && t.Is("ITERATE") && iter < 0:
			iter = j
		case depth == 1 && t.Is("UNTIL") && iter >= 0 && until < 0:
			until = j
		}
	}
	switch {
	case closeAt < 0:
		return nil, p.errAt(open, "the ( after AS is never closed")
	case iter < 0:
		return nil, p.errAt(closeAt, "expected ITERATE between the initial query and the step of %s", it.Name)
	case until < 0:
		return nil, p.errAt(closeAt, "expected UNTIL after the step of %s (UNTIL FIXPOINT, UNTIL n ITERATIONS or UNTIL (condition))", it.Name)
	case iter == open+1:
		return nil, p.errAt(iter, "the initial query of %s is empty", it.Name)
	case until == iter+1:
		return nil, p.errAt(until, "the step of %s is empty", it.Name)
	case closeAt == until+1:
		return nil, p.errAt(closeAt, "expected a stop test after UNTIL")
	case closeAt == len(p.toks)-1:
		return nil, p.errAt(closeAt+1, "expected a final query after the ) that closes WITH ITERATE %s", it.Name)
	}
	if it.Initial, err = p.part("initial query", open+1, iter, false, false); err != nil {
		return nil, err
	}
	if it.Step, err = p.part("step", iter+1, until, false, false); err != nil {
		return nil, err
	}
	if it.Stops, err = p.stops(until+1, closeAt); err != nil {
		return nil, err
	}
	if it.Final, err = p.part("final query", closeAt+1, len(p.toks), false, true); err != nil {
		return nil, err
	}
	return it, nil
}

// stops parses "stop OR stop ..." in tokens [from, to).
func (p *hparser) stops(from, to int) ([]Stop, error) {
	var out []Stop
	start := from
	depth, caseDepth := 0, 0
	for j := from; j <= to; j++ {
		if j < to {
			t := p.toks[j]
			switch {
			case t.Text == "(":
				depth++
			case t.Text == ")":
				depth--
			case t.Is("CASE"):
				caseDepth++
			case t.Is("END"):
				caseDepth--
			}
			if !(depth == 0 && caseDepth == 0 && t.Is("OR")) {
				continue
			}
		}
		if j == start {
			return nil, p.errAt(j, "expected a stop test, found %s", p.tokText(j))
		}
		s, err := p.stop(start, j)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		start = j + 1
	}
	return out, nil
}

func (p *hparser) stop(from, to int) (Stop, error) {
	t := p.toks[from]
	pos := p.at(from)
	switch {
	case t.Is("FIXPOINT"):
		if to != from+1 {
			return Stop{}, p.errAt(from+1, "unexpected %s after FIXPOINT", p.tokText(from+1))
		}
		return Stop{Kind: Fixpoint, Pos: pos}, nil
	case t.Kind == sqlscan.Number && to > from+1 && p.toks[from+1].Is("ITERATIONS"):
		n, err := strconv.Atoi(t.Text)
		if err != nil || n < 0 {
			return Stop{}, p.errAt(from, "the iteration count must be a whole number >= 0, found %s", t.Text)
		}
		if to != from+2 {
			return Stop{}, p.errAt(from+2, "unexpected %s after %d ITERATIONS", p.tokText(from+2), n)
		}
		return Stop{Kind: Iterations, N: n, Pos: pos}, nil
	case t.Text == "-" && to > from+2 && p.toks[from+1].Kind == sqlscan.Number && p.toks[from+2].Is("ITERATIONS"):
		return Stop{}, p.errAt(from, "the iteration count must be a whole number >= 0, found -%s", p.toks[from+1].Text)
	case t.Kind == sqlscan.Word && !t.Is("NOT") && !t.Is("EXISTS") && !t.Is("CASE") && to == from+1 && !t.Is("TRUE") && !t.Is("FALSE"):
		return Stop{}, p.errAt(from, "unknown stop test %s: expected FIXPOINT, n ITERATIONS or (condition)", t.Text)
	}
	part, err := p.part("UNTIL condition", from, to, true, false)
	if err != nil {
		return Stop{}, err
	}
	return Stop{Kind: Condition, Cond: part, Pos: pos}, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
