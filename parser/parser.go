// Package parser reads itersql statements. WITH ITERATE is found wherever
// it stands in a statement (alone, under CREATE TABLE AS, INSERT, COPY, in
// a subquery in FROM, under EXPLAIN), and its frame (name, columns, KEY,
// the ITERATE and UNTIL keywords, the stop tests) is read by a small hand
// parser over sqlscan tokens. Each of its parts is then read by DuckDB's
// own parser (internal/duckast), so a part means exactly what DuckDB makes
// of it and every error points at a line:col in the user's text. Anything
// else is passed through to DuckDB untouched.
package parser

import (
	"path/filepath"
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

// Explain is EXPLAIN [ANALYZE] of a statement holding WITH ITERATE.
// EXPLAIN ANALYZE ... TO 'file.svg' (or .png) also asks for the
// convergence chart in that file (Plot), as the shell's .plot draws it.
type Explain struct {
	Analyze bool
	Stmt    *Iterate
	Pos     sqlscan.Pos
	Plot    string
	PlotPos sqlscan.Pos
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
	Cond *Part // Condition: the expression, parsed as "SELECT <expression>"
	Pos  sqlscan.Pos
}

// Iterate is a WITH ITERATE query and the statement around it.
type Iterate struct {
	Name    string   // as written; DuckDB compares names case-insensitively
	Columns []string // empty: from the initial query
	Key     []string // empty: a plain (replace) state
	Initial *Part
	Step    *Part
	Stops   []Stop
	Final   *Part
	// Outer is the statement that holds the query ("" around a bare
	// WITH ITERATE): Outer.Before + <final query> + Outer.After is what
	// runs once the state is computed, e.g. "CREATE TABLE t AS " + final.
	Outer Outer
	Pos   sqlscan.Pos // of WITH
	SQL   string      // the whole statement as written
}

// Outer is the text of a statement around its WITH ITERATE query.
type Outer struct {
	Before, After       string
	BeforePos, AfterPos sqlscan.Pos // where they start in the user's script
	// Command is the outer statement's first word, upper-cased ("" for a
	// bare query): CREATE, INSERT, COPY, SELECT, FROM, ...
	Command string
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
	if w := p.findIterate(0); w >= 0 {
		from := 0
		explain, analyze := toks[0].Is("EXPLAIN"), false
		if explain {
			from = 1
			if len(toks) > 1 && toks[1].Is("ANALYZE") {
				analyze, from = true, 2
			}
		}
		// EXPLAIN ANALYZE ... TO 'file': the chart's file is not part of
		// the statement (a COPY's TO is).
		var plot string
		var plotPos sqlscan.Pos
		if n := len(toks); analyze && n > from+2 && !toks[from].Is("COPY") && toks[n-2].Is("TO") && toks[n-1].Kind == sqlscan.String {
			plot, plotPos = strings.ReplaceAll(toks[n-1].Text[1:len(toks[n-1].Text)-1], "''", "'"), p.pos(toks[n-1].Off)
			if ext := strings.ToLower(filepath.Ext(plot)); ext != ".svg" && ext != ".png" {
				return nil, sqlscan.Errorf(plotPos, "EXPLAIN ANALYZE ... TO writes the convergence chart to a .svg or .png file, not %q", plot)
			}
			p.toks, p.src = toks[:n-2], src[:toks[n-2].Off]
		}
		it, err := p.iterate(from, w)
		if err != nil {
			return nil, err
		}
		if explain {
			return &Explain{Analyze: analyze, Stmt: it, Pos: start, Plot: plot, PlotPos: plotPos}, nil
		}
		return it, nil
	}
	if toks[0].Is("SET") && len(toks) >= 4 && (toks[2].Text == "=" || toks[2].Is("TO")) && toks[1].Kind == sqlscan.Word {
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
		return p.pos(len(strings.TrimRight(p.src, " \t\r\n")))
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

// findIterate returns the index of the WITH of the first WITH ITERATE at
// or after token i, or -1. "WITH iterate AS (...)" and "WITH iterate(x)
// AS (...)" are DuckDB CTEs named iterate, unless the parenthesized body
// holds ITERATE itself (WITH ITERATE with its name left out).
func (p *hparser) findIterate(i int) int {
	for ; i+1 < len(p.toks); i++ {
		if !p.toks[i].Is("WITH") || !p.toks[i+1].Is("ITERATE") {
			continue
		}
		if i+2 < len(p.toks) && (p.toks[i+2].Is("AS") || p.toks[i+2].Text == "(") && !p.bodyIterates(i+2) {
			continue
		}
		return i
	}
	return -1
}

// bodyIterates reports whether the "AS (...)" after token j (past an
// optional column list) holds ITERATE at its top level.
func (p *hparser) bodyIterates(j int) bool {
	if p.toks[j].Text == "(" {
		if j = p.close(j); j < 0 {
			return false
		}
		j++
	}
	if j+1 >= len(p.toks) || !p.toks[j].Is("AS") || p.toks[j+1].Text != "(" {
		return false
	}
	end := p.close(j + 1)
	depth := 0
	for k := j + 1; k < end; k++ {
		switch p.toks[k].Text {
		case "(":
			depth++
		case ")":
			depth--
		}
		if depth == 1 && p.toks[k].Is("ITERATE") {
			return true
		}
	}
	return false
}

// name reads an identifier (bare or double-quoted) at i. Bare names are
// lower-cased, quoted ones kept as written; DuckDB matches both
// case-insensitively.
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

// close returns the index of the ')' that closes the '(' at open, or -1.
func (p *hparser) close(open int) int {
	depth := 0
	for j := open; j < len(p.toks); j++ {
		switch p.toks[j].Text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// outer reads the statement around a WITH ITERATE at token w, whose own
// text starts at token from: its command, and no view (a view would run
// the loop again on every read, and cannot hold it anyway).
func (p *hparser) outer(from, w int) (Outer, error) {
	o := Outer{}
	if w > from {
		o.Command = strings.ToUpper(p.toks[from].Text)
		for j := from; j < w; j++ {
			if p.toks[j].Is("VIEW") && o.Command == "CREATE" {
				return o, p.errAt(j, "a view cannot hold WITH ITERATE: its state is computed once, when the statement runs; use CREATE TABLE ... AS WITH ITERATE ...")
			}
		}
	}
	return o, nil
}

// iterate parses the WITH ITERATE at token w of a statement whose own
// text starts at token from (after any EXPLAIN [ANALYZE]).
func (p *hparser) iterate(from, w int) (*Iterate, error) {
	it := &Iterate{Pos: p.at(w), SQL: p.src}
	var err error
	if it.Outer, err = p.outer(from, w); err != nil {
		return nil, err
	}
	i := w + 2
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
				if !containsFold(it.Columns, k) {
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
	closeAt := p.close(open)
	if closeAt < 0 {
		return nil, p.errAt(open, "the ( after AS is never closed")
	}
	// ITERATE and UNTIL at depth 1.
	iter, until := -1, -1
	depth := 0
	for j := open; j < closeAt; j++ {
		t := p.toks[j]
		switch {
		case t.Text == "(":
			depth++
		case t.Text == ")":
			depth--
		case depth == 1 && t.Is("ITERATE") && iter < 0:
			iter = j
		case depth == 1 && t.Is("UNTIL") && iter >= 0 && until < 0:
			until = j
		}
	}
	// The final query runs to the first ')' it did not open: the end of
	// COPY (...) or of a subquery in FROM; else to the end.
	end := len(p.toks)
	depth = 0
	for j := closeAt + 1; j < len(p.toks); j++ {
		if p.toks[j].Text == "(" {
			depth++
		} else if p.toks[j].Text == ")" {
			if depth == 0 {
				end = j
				break
			}
			depth--
		}
	}
	switch {
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
	case closeAt+1 == end:
		return nil, p.errAt(closeAt+1, "expected a final query after the ) that closes WITH ITERATE %s", it.Name)
	}
	if again := p.findIterate(w + 2); again >= 0 {
		return nil, p.errAt(again, "a statement can hold one WITH ITERATE; run the other as a statement of its own (CREATE TABLE ... AS WITH ITERATE ...)")
	}
	if it.Initial, err = p.part("initial query", open+1, iter, false); err != nil {
		return nil, err
	}
	if it.Step, err = p.part("step", iter+1, until, false); err != nil {
		return nil, err
	}
	if it.Stops, err = p.stops(until+1, closeAt); err != nil {
		return nil, err
	}
	if it.Final, err = p.part("final query", closeAt+1, end, false); err != nil {
		return nil, err
	}
	it.Outer.Before, it.Outer.BeforePos = p.src[p.toks[from].Off:p.toks[w].Off], p.at(from)
	if end < len(p.toks) {
		it.Outer.After, it.Outer.AfterPos = p.src[p.toks[end].Off:], p.at(end)
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

// stop reads one stop test in tokens [from, to). The grammar is strict:
// FIXPOINT, a whole number then ITERATIONS, or a condition; "20
// ITERATION" is a syntax error where it stands, not a condition.
func (p *hparser) stop(from, to int) (Stop, error) {
	t := p.toks[from]
	pos := p.at(from)
	switch {
	case t.Is("FIXPOINT"):
		if to != from+1 {
			return Stop{}, p.errAt(from+1, "syntax error: unexpected %s after FIXPOINT", p.tokText(from+1))
		}
		return Stop{Kind: Fixpoint, Pos: pos}, nil
	case t.Kind == sqlscan.Number:
		n, err := strconv.Atoi(t.Text)
		if err != nil || n < 0 {
			return Stop{}, p.errAt(from, "the iteration count must be a whole number >= 0, found %s", t.Text)
		}
		if to == from+1 || !p.toks[from+1].Is("ITERATIONS") {
			return Stop{}, p.errAt(from+1, "syntax error: expected ITERATIONS after %d, found %s", n, p.tokText(from+1))
		}
		if to != from+2 {
			return Stop{}, p.errAt(from+2, "syntax error: unexpected %s after %d ITERATIONS", p.tokText(from+2), n)
		}
		return Stop{Kind: Iterations, N: n, Pos: pos}, nil
	case t.Text == "-" && to > from+1 && p.toks[from+1].Kind == sqlscan.Number:
		return Stop{}, p.errAt(from, "the iteration count must be a whole number >= 0, found -%s", p.toks[from+1].Text)
	case t.Kind == sqlscan.Word && to == from+1 && !t.Is("TRUE") && !t.Is("FALSE"):
		return Stop{}, p.errAt(from, "unknown stop test %s: expected FIXPOINT, n ITERATIONS or (condition)", t.Text)
	}
	part, err := p.part("UNTIL condition", from, to, true)
	if err != nil {
		return Stop{}, err
	}
	return Stop{Kind: Condition, Cond: part, Pos: pos}, nil
}

func containsFold(xs []string, x string) bool {
	for _, y := range xs {
		if strings.EqualFold(y, x) {
			return true
		}
	}
	return false
}
