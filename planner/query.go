package planner

import (
	"strings"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
)

// Query is one compiled part: the user's text cut where it names the
// iterated table, so that it can be bound to each iteration's tables and
// an error DuckDB reports in the bound SQL can be traced back to the
// user's line:col.
type Query struct {
	SQL  string      // the part with placeholders: what EXPLAIN shows
	Pos  sqlscan.Pos // where the part starts in the user's text
	What string
	segs []segment
	part *parser.Part
}

// segment is a piece of the user's text, or a placeholder (ref) followed
// by text of its own (an alias).
type segment struct {
	text string
	ref  string      // a placeholder, or ""
	orig int         // offset of text (of the reference, for a ref) in the part as parsed
	base sqlscan.Pos // when set: text is outside the part and starts there
}

// Reads reports whether the part names the iterated table (name,
// delta.name or previous.name), so that its text depends on the tables
// it is bound to.
func (q Query) Reads() bool {
	for _, s := range q.segs {
		if s.ref != "" {
			return true
		}
	}
	return false
}

// Bind returns the query with its placeholders bound to tables (or
// parenthesized subqueries).
func (q Query) Bind(state, previous, delta string) string {
	var b strings.Builder
	for _, s := range q.segs {
		switch s.ref {
		case StateRef:
			b.WriteString(state)
		case PreviousRef:
			b.WriteString(previous)
		case DeltaRef:
			b.WriteString(delta)
		}
		b.WriteString(s.text)
	}
	return b.String()
}

// Origin returns the position in the user's text of byte off of the query
// as Bind(state, previous, delta) gives it. A position inside a bound
// table name is the reference's.
func (q Query) Origin(off int, state, previous, delta string) sqlscan.Pos {
	at := 0
	for _, s := range q.segs {
		bound := map[string]string{StateRef: state, PreviousRef: previous, DeltaRef: delta}[s.ref]
		if s.ref != "" {
			if off < at+len(bound) {
				return q.partPos(s, 0)
			}
			at += len(bound)
			if off < at+len(s.text) {
				return q.partPos(s, 0)
			}
			at += len(s.text)
			continue
		}
		if off < at+len(s.text) {
			return q.partPos(s, off-at)
		}
		at += len(s.text)
	}
	return q.Pos
}

func (q Query) partPos(s segment, off int) sqlscan.Pos {
	if s.base != (sqlscan.Pos{}) {
		return s.base.Advance(s.text[:off])
	}
	return q.part.PosAt(s.orig + off)
}

// reads reports whether the query reads placeholder ref.
func (q Query) reads(ref string) bool {
	for _, s := range q.segs {
		if s.ref == ref {
			return true
		}
	}
	return false
}

// refs counts the query's references to the iterated table, of any kind.
func (q Query) refs() int {
	n := 0
	for _, s := range q.segs {
		if s.ref != "" {
			n++
		}
	}
	return n
}

// wrap puts the final query back into the statement that holds it.
func (q Query) wrap(o parser.Outer) Query {
	if o.Before == "" && o.After == "" {
		return q
	}
	segs := []segment{{text: o.Before, base: o.BeforePos}}
	segs = append(segs, q.segs...)
	segs = append(segs, segment{text: o.After, base: o.AfterPos})
	q.segs = segs
	q.SQL = q.Bind(StateRef, PreviousRef, DeltaRef)
	return q
}
