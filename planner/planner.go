// Package planner turns a parsed WITH ITERATE into an iteration plan: the
// SQL of the initial query, the step, each stop test and the final query,
// each the user's own text with only the iterated table's references
// (name, delta.name, previous.name, found on DuckDB's AST with its CTE
// scoping) replaced by placeholders that exec binds to the tables of each
// iteration. Nothing is printed through another grammar, so every part
// means what DuckDB makes of it.
package planner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
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
	// Final is the final query inside the statement that holds it
	// (CREATE TABLE AS, INSERT, COPY, a subquery in FROM; or nothing).
	Final Query
	// Command is the first word of the statement around the query, upper
	// case ("" for a bare WITH ITERATE): CREATE, INSERT, COPY, SELECT ...
	Command string
	// UsesPrevious: some stop test reads previous.name, so the previous
	// state must survive until the test has run.
	UsesPrevious bool
	// StopAfter is the smallest n of the n ITERATIONS stops, or -1.
	StopAfter int
	// StepKeyUnique: the keyed step cannot yield two rows with one key
	// (it groups by key columns), so exec need not check.
	StepKeyUnique bool
	inputs        []string
	Source        *parser.Iterate
}

// Inputs are the tables (or views, or files) that the initial query, the
// step and the UNTIL conditions read, quoted, sorted, without duplicates.
func (p *Plan) Inputs() []string { return p.inputs }

// Keyed reports whether the state is upserted by KEY.
func (p *Plan) Keyed() bool { return len(p.Key) > 0 }

// Bind replaces the placeholders in q with table names (or subqueries):
// for SQL made from a part by a rewrite (the skew split's). A Query binds
// itself with Query.Bind, which replaces only its references, never text
// in the user's strings that looks like a placeholder.
func Bind(q, state, previous, delta string) string {
	r := strings.NewReplacer(StateRef, state, PreviousRef, previous, DeltaRef, delta)
	return r.Replace(q)
}

// Quote quotes a name for DuckDB.
func Quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

type scope int

const (
	scopeInitial scope = iota
	scopeStep
	scopeUntil
	scopeFinal
)

// Build compiles it. Every reference to the iterated table is checked
// here, before anything runs.
func Build(it *parser.Iterate) (*Plan, error) {
	p := &Plan{Name: it.Name, Columns: it.Columns, Key: it.Key, Source: it, StopAfter: -1, Command: it.Outer.Command}
	b := &builder{it: it}
	var err error
	if p.Initial, err = b.compile(it.Initial, scopeInitial); err != nil {
		return nil, err
	}
	if p.Step, err = b.compile(it.Step, scopeStep); err != nil {
		return nil, err
	}
	for _, s := range it.Stops {
		cs := Stop{Kind: s.Kind, N: s.N, Pos: s.Pos}
		switch s.Kind {
		case parser.Condition:
			q, err := b.compile(s.Cond, scopeUntil)
			if err != nil {
				return nil, err
			}
			cs.Cond = &q
			p.UsesPrevious = p.UsesPrevious || q.reads(PreviousRef)
		case parser.Iterations:
			if p.StopAfter < 0 || s.N < p.StopAfter {
				p.StopAfter = s.N
			}
		}
		p.Stops = append(p.Stops, cs)
	}
	if p.Final, err = b.compile(it.Final, scopeFinal); err != nil {
		return nil, err
	}
	p.Final = p.Final.wrap(it.Outer)
	p.inputs = b.inputs()
	p.StepKeyUnique = p.Keyed() && (stepKeyUnique(p.Step.part.AST.Node(), p.Columns, p.Key) ||
		p.Step.refs() == 1 && stepKeepsKey(p.Step.part.AST.Node(), p.Name, p.Columns, p.Key))
	return p, nil
}

// builder compiles the parts of one statement and collects their inputs.
type builder struct {
	it     *parser.Iterate
	tables []duckast.TableRef // ordinary tables read by the initial query, step and conditions
}

// compile finds the iterated table's references in part and replaces
// them in the user's text by placeholders.
func (b *builder) compile(part *parser.Part, sc scope) (Query, error) {
	q := Query{What: part.What, Pos: part.Pos, part: part}
	refs := duckast.Tables(part.AST.JSON)
	sort.Slice(refs, func(i, j int) bool { return refs[i].Offset < refs[j].Offset })
	last := 0
	for _, ref := range refs {
		placeholder, err := b.resolve(part, ref, sc)
		if err != nil {
			return Query{}, err
		}
		if placeholder == "" {
			if !ref.CTE && sc != scopeFinal {
				b.tables = append(b.tables, ref)
			}
			continue
		}
		end := nameEnd(part, ref.Offset)
		if ref.Offset < 0 || end < 0 {
			return Query{}, sqlscan.Errorf(part.Pos, "cannot find the reference to %s in the %s", ref.Name, part.What)
		}
		q.segs = append(q.segs, segment{text: part.Parsed[last:ref.Offset], orig: last})
		alias := ""
		if ref.Alias == "" {
			// Columns stay qualified by the name as written (cc.id).
			alias = " AS " + Quote(ref.Name)
		}
		q.segs = append(q.segs, segment{ref: placeholder, text: alias, orig: ref.Offset})
		last = end
	}
	q.segs = append(q.segs, segment{text: part.Parsed[last:], orig: last})
	q.SQL = q.Bind(StateRef, PreviousRef, DeltaRef)
	return q, nil
}

// nameEnd returns the offset just after the (qualified) name that starts
// at off in part.Parsed, or -1 if no name starts there.
func nameEnd(part *parser.Part, off int) int {
	toks := part.Toks
	i := sort.Search(len(toks), func(i int) bool { return toks[i].Off >= off })
	if i == len(toks) || toks[i].Off != off {
		return -1
	}
	isName := func(t sqlscan.Token) bool {
		return t.Kind == sqlscan.Word || t.Kind == sqlscan.Quoted || t.Kind == sqlscan.String
	}
	if !isName(toks[i]) {
		return -1
	}
	for i+2 < len(toks) && toks[i+1].Text == "." && isName(toks[i+2]) {
		i += 2
	}
	return toks[i].Off + len(toks[i].Text)
}

// resolve says which placeholder ref stands for ("" for anything else).
func (b *builder) resolve(part *parser.Part, ref duckast.TableRef, sc scope) (string, error) {
	it := b.it
	if ref.CTE || ref.Catalog != "" {
		return "", nil
	}
	pos := part.PosAt(ref.Offset)
	schema := strings.ToLower(ref.Schema)
	switch schema {
	case "":
		if !strings.EqualFold(ref.Name, it.Name) {
			return "", nil
		}
		if sc == scopeInitial {
			return "", sqlscan.Errorf(pos, "the initial query of %s cannot read %s itself: it computes the state before iteration 1", it.Name, it.Name)
		}
		return StateRef, nil
	case "delta", "previous":
	default:
		return "", nil
	}
	if !strings.EqualFold(ref.Name, it.Name) {
		return "", sqlscan.Errorf(pos, "%s.%s: %s is not the iterated table; did you mean %s.%s?", schema, ref.Name, ref.Name, schema, it.Name)
	}
	if schema == "previous" {
		if sc != scopeUntil {
			return "", sqlscan.Errorf(pos, "previous.%s exists only in UNTIL conditions (the state before the last step); the %s sees %s", it.Name, part.What, it.Name)
		}
		return PreviousRef, nil
	}
	if len(it.Key) == 0 {
		return "", sqlscan.Errorf(pos, "delta.%s exists only for a keyed state: declare WITH ITERATE %s ... KEY (col) to read the rows changed by the last step", it.Name, it.Name)
	}
	if sc != scopeStep && sc != scopeUntil {
		return "", sqlscan.Errorf(pos, "delta.%s exists only in the step and UNTIL conditions, not in the %s", it.Name, part.What)
	}
	return DeltaRef, nil
}

// inputs lists the tables (or views, or files) that the initial query,
// the step and the UNTIL conditions read: the data a checkpoint of the
// state depends on (exec fingerprints them to refuse a resume over
// changed data). The final query is left out: the state does not depend
// on it. Names are quoted for DuckDB, sorted, without duplicates
// (compared case-insensitively, as DuckDB does).
func (b *builder) inputs() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range b.tables {
		var parts []string
		for _, n := range []string{t.Catalog, t.Schema, t.Name} {
			if n != "" {
				parts = append(parts, Quote(n))
			}
		}
		name := strings.Join(parts, ".")
		if !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Explain prints the plan: the SQL of each part, the stop tests and the
// settings that shape the run.
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
		fmt.Fprintf(&b, "%s (%s):\n  %s\n", label, q.Pos, strings.ReplaceAll(q.SQL, "\n", "\n  "))
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
				b.WriteString("  FIXPOINT: the new state equals the previous one (row count and a sum of row hashes; EXCEPT ALL confirms a match)\n")
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
