// Package planner turns a parsed WITH ITERATE into an iteration plan: the
// DuckDB SQL of the initial query, the step, each stop test and the final
// query, with the iterated table's references replaced by placeholders
// that exec binds to the temp tables of each iteration.
package planner

import (
	"fmt"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
)

// Placeholders in compiled SQL. Quoted names no user writes by accident;
// exec replaces them with the tables of the iteration at hand.
const (
	StateRef    = `"__itersql_state__"`
	PreviousRef = `"__itersql_previous__"`
	DeltaRef    = `"__itersql_delta__"`
)

// Query is one compiled part.
type Query struct {
	SQL  string      // DuckDB SQL with placeholders
	Pos  sqlscan.Pos // where the part starts in the user's text
	What string
	// SyntaxErr is TiDB's error for a final query sent to DuckDB as
	// written; exec reports it if DuckDB cannot parse the query either.
	SyntaxErr error
}

// Stop is a compiled UNTIL test.
type Stop struct {
	Kind parser.StopKind
	N    int
	Cond *Query // SELECT <condition>
	Pos  sqlscan.Pos
}

// Plan is a compiled WITH ITERATE statement.
type Plan struct {
	Name    string
	Columns []string // empty: taken from the initial query at run time
	Key     []string
	Initial Query
	Step    Query
	Stops   []Stop
	Final   Query
	// UsesPrevious: some stop test reads previous.name, so the previous
	// state must survive until the test has run.
	UsesPrevious bool
	// MaxIterations is the smallest n of the n ITERATIONS stops, or -1.
	MaxIterations int
	// StepKeyUnique: the keyed step cannot yield two rows with one key
	// (it groups by key columns), so exec need not check.
	StepKeyUnique bool
	Source        *parser.Iterate
}

// Keyed reports whether the state is upserted by KEY.
func (p *Plan) Keyed() bool { return len(p.Key) > 0 }

// Bind replaces the placeholders in q with table names.
func Bind(q, state, previous, delta string) string {
	r := strings.NewReplacer(StateRef, state, PreviousRef, previous, DeltaRef, delta)
	return r.Replace(q)
}

// Quote quotes a name for DuckDB.
func Quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Build compiles it.
func Build(it *parser.Iterate) (*Plan, error) {
	p := &Plan{Name: it.Name, Columns: it.Columns, Key: it.Key, Source: it, MaxIterations: -1}
	var err error
	if p.Initial, err = compile(it, it.Initial, scopeInitial); err != nil {
		return nil, err
	}
	if p.Step, err = compile(it, it.Step, scopeStep); err != nil {
		return nil, err
	}
	for _, s := range it.Stops {
		cs := Stop{Kind: s.Kind, N: s.N, Pos: s.Pos}
		switch s.Kind {
		case parser.Condition:
			q, err := compile(it, s.Cond, scopeUntil)
			if err != nil {
				return nil, err
			}
			cs.Cond = &q
			if strings.Contains(q.SQL, PreviousRef) {
				p.UsesPrevious = true
			}
		case parser.Iterations:
			if p.MaxIterations < 0 || s.N < p.MaxIterations {
				p.MaxIterations = s.N
			}
		}
		p.Stops = append(p.Stops, cs)
	}
	if p.Final, err = compile(it, it.Final, scopeFinal); err != nil {
		return nil, err
	}
	p.StepKeyUnique = p.Keyed() && stepKeyUnique(p)
	return p, nil
}

type scope int

const (
	scopeInitial scope = iota
	scopeStep
	scopeUntil
	scopeFinal
)

// compile rewrites the references to the iterated table in part and
// prints it as DuckDB SQL.
func compile(it *parser.Iterate, part *parser.Part, sc scope) (Query, error) {
	if part.AST == nil {
		return Query{SQL: rawFinal(it.Name, part.Text), Pos: part.Pos, What: part.What, SyntaxErr: part.SyntaxErr}, nil
	}
	rw := &rewriter{it: it, part: part, scope: sc}
	part.AST.Accept(rw)
	if rw.err != nil {
		return Query{}, rw.err
	}
	sql, err := restore(part.AST)
	if err != nil {
		return Query{}, &sqlscan.Error{Pos: part.Pos, Msg: err.Error(), Err: err}
	}
	return Query{SQL: sql, Pos: part.Pos, What: part.What}, nil
}

// rawFinal makes a final query in DuckDB's dialect (one TiDB's parser does
// not read) see name as the final state, through a CTE of that name.
func rawFinal(name, text string) string {
	cte := Quote(name) + " AS (SELECT * FROM " + StateRef + ")"
	fields := strings.Fields(text)
	if len(fields) > 1 && strings.EqualFold(fields[0], "WITH") {
		rest := strings.TrimSpace(text)[len(fields[0]):]
		if strings.EqualFold(fields[1], "RECURSIVE") {
			rest = strings.TrimSpace(rest)[len(fields[1]):]
			return "WITH RECURSIVE " + cte + "," + rest
		}
		return "WITH " + cte + "," + rest
	}
	return "WITH " + cte + " " + text
}

// rewriter swaps the iterated table's references for placeholders and
// checks that previous.x and delta.x are used where they exist.
type rewriter struct {
	it    *parser.Iterate
	part  *parser.Part
	scope scope
	err   error
}

func (r *rewriter) Enter(n ast.Node) (ast.Node, bool) {
	if r.err != nil {
		return n, true
	}
	ts, ok := n.(*ast.TableSource)
	if !ok {
		return n, false
	}
	tn, ok := ts.Source.(*ast.TableName)
	if !ok {
		return n, false
	}
	ref, err := r.resolve(tn)
	if err != nil {
		r.err = err
		return n, true
	}
	if ref == "" {
		return n, false
	}
	if ts.AsName.L == "" {
		// Keep the name the user qualifies columns with (cc.id).
		ts.AsName = tn.Name
	}
	tn.Schema = ast.NewCIStr("")
	tn.Name = ast.NewCIStr(ref[1 : len(ref)-1])
	return n, true
}

func (r *rewriter) Leave(n ast.Node) (ast.Node, bool) { return n, r.err == nil }

// resolve says which placeholder tn stands for ("" for an ordinary table).
func (r *rewriter) resolve(tn *ast.TableName) (string, error) {
	name, schema := tn.Name.L, tn.Schema.L
	it := r.it
	switch schema {
	case "":
		if name == it.Name && r.scope != scopeInitial {
			return StateRef, nil
		}
		if name == it.Name {
			return "", sqlscan.Errorf(r.part.Locate(name), "the initial query of %s cannot read %s itself: it computes the state before iteration 1", it.Name, it.Name)
		}
		return "", nil
	case "delta", "previous":
	default:
		return "", nil
	}
	pos := r.part.Locate(schema, ".", name)
	if name != it.Name {
		return "", sqlscan.Errorf(pos, "%s.%s: %s is not the iterated table; did you mean %s.%s?", schema, name, name, schema, it.Name)
	}
	if schema == "previous" {
		if r.scope != scopeUntil {
			return "", sqlscan.Errorf(pos, "previous.%s exists only in UNTIL conditions (the state before the last step); the %s sees %s", name, r.part.What, name)
		}
		return PreviousRef, nil
	}
	if len(it.Key) == 0 {
		return "", sqlscan.Errorf(pos, "delta.%s exists only for a keyed state: declare WITH ITERATE %s ... KEY (col) to read the rows changed by the last step", name, name)
	}
	if r.scope != scopeStep && r.scope != scopeUntil {
		return "", sqlscan.Errorf(pos, "delta.%s exists only in the step and UNTIL conditions, not in the %s", name, r.part.What)
	}
	return DeltaRef, nil
}

// Explain prints the plan: the DuckDB SQL of each part, the stop tests and
// the settings that shape the run.
func (p *Plan) Explain(settings []string) string {
	var b strings.Builder
	mode := "plain: each step replaces the state"
	if p.Keyed() {
		mode = fmt.Sprintf("keyed by (%s): each step upserts; %s reads the rows changed by the last step", strings.Join(p.Key, ", "), "delta."+p.Name)
	}
	cols := "from the initial query"
	if len(p.Columns) > 0 {
		cols = strings.Join(p.Columns, ", ")
	}
	fmt.Fprintf(&b, "WITH ITERATE %s\n  state:   %s\n  columns: %s\n", p.Name, mode, cols)
	part := func(label string, q Query) {
		fmt.Fprintf(&b, "%s (%s):\n  %s\n", label, q.Pos, q.SQL)
	}
	part("initial", p.Initial)
	part("step", p.Step)
	b.WriteString("until (any of):\n")
	for _, s := range p.Stops {
		switch s.Kind {
		case parser.Fixpoint:
			if p.Keyed() {
				b.WriteString("  FIXPOINT: the step changed no row (delta is empty)\n")
			} else {
				b.WriteString("  FIXPOINT: the new state equals the previous one (row counts, then EXCEPT ALL)\n")
			}
		case parser.Iterations:
			fmt.Fprintf(&b, "  %d ITERATIONS\n", s.N)
		case parser.Condition:
			fmt.Fprintf(&b, "  condition (%s): %s\n", s.Pos, s.Cond.SQL)
		}
	}
	part("final", p.Final)
	if len(settings) > 0 {
		b.WriteString("settings:\n")
		for _, s := range settings {
			b.WriteString("  " + s + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
