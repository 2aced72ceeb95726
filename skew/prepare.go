package skew

// Preparing a query's split: find its equi-joins that tasks can compute,
// read from DuckDB's own AST (internal/duckast), and rewrite the query so
// that each such join (two table sources joined ON a.k = b.k) becomes one
// table source that reads the tasks' result table:
//
//	FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
//
// becomes
//
//	FROM "__itersql_skew1__" AS __j1 LEFT JOIN cc AS n ON ((n.id = __j1.e__src))
//
// with every reference to c.x or e.x read from "__j1"."c__x" and
// "__j1"."e__x". Only the columns the rest of the query reads are carried
// through the result table. Joins whose meaning the rewrite could change
// are declined with a reason (EXPLAIN shows it) and run unsplit.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

type node = duckast.Node

// Column is one column of a join input, as DESCRIBE gives it.
type Column struct{ Name, Type string }

// Describe returns the columns of a join input given as SQL: a quoted
// table name or a parenthesized subquery, possibly holding the
// placeholders of an iteration's tables ("__itersql_state__", ...). An
// error declines the split of that join: the tasks could not read it.
type Describe func(source string) ([]Column, error)

// Options shape a split.
type Options struct {
	// Names are the query's column names (from DESCRIBE of the unsplit
	// query), given to the unnamed fields of its top-level SELECT so that
	// the split query keeps them.
	Names []string
	// PushAggregates pushes a query's grouping and aggregates (COUNT,
	// SUM, MIN, MAX) into the tasks where that keeps its meaning.
	PushAggregates bool
}

// Prepared is a query with its splittable joins.
type Prepared struct {
	// SQL is the query with split join n read from resultRef(n) (n from
	// 1), keeping the placeholders of the query it was made from; "" when
	// no join is split.
	SQL   string
	Joins []*Join
	// Declined says, per join not split, why.
	Declined []string
}

// resultRef is the placeholder of split n's result table (n from 1) in
// Prepared.SQL; bindResults replaces it.
func resultRef(n int) string { return fmt.Sprintf(`"__itersql_skew%d__"`, n) }

// bindResults replaces the result-table placeholders of q with tables[i]
// (the table of split i+1).
func bindResults(q string, tables []string) string {
	var pairs []string
	for i, t := range tables {
		pairs = append(pairs, resultRef(i+1), t)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}

// HasJoin reports whether query (DuckDB SQL) joins two inputs anywhere:
// only then can a split happen. A query DuckDB cannot parse has none.
func HasJoin(query string) bool {
	st, err := duckast.Parse(query)
	if err != nil {
		return false
	}
	found := false
	for _, s := range st {
		duckast.Walk(s.JSON, func(n node) bool {
			found = found || duckast.Str(n, "type") == "JOIN"
			return !found
		})
	}
	return found
}

// Prepare finds and rewrites the splittable joins of query, one DuckDB
// query (with placeholders or not). An error means the query does not
// parse; a join that cannot be split is declined in Prepared.Declined,
// with the reason (describe's errors among them).
func Prepare(query string, describe Describe, opt Options) (*Prepared, error) {
	st, err := duckast.Parse(query)
	if err != nil {
		return nil, err
	}
	if len(st) != 1 {
		return nil, errors.New("not one query")
	}
	p := &preparer{describe: describe, opt: opt, ctes: map[int]bool{}}
	for _, r := range duckast.Tables(st[0].JSON) {
		if r.CTE && r.Offset >= 0 {
			p.ctes[r.Offset] = true
		}
	}
	root := p.splitAll(st[0].Node(), true)
	if len(p.out.Joins) == 0 {
		return &p.out, nil
	}
	stmt := duckast.Statement{JSON: node{}}
	for k, v := range st[0].JSON {
		stmt.JSON[k] = v
	}
	stmt.JSON["node"] = root
	if p.out.SQL, err = printStatement(stmt); err != nil {
		// DuckDB cannot print what it parsed: nothing is split.
		for _, j := range p.out.Joins {
			p.out.Declined = append(p.out.Declined, j.Text+": cannot print the rewritten query: "+err.Error())
		}
		p.out.Joins, p.out.SQL = nil, ""
	}
	return &p.out, nil
}

// preparer walks one query.
type preparer struct {
	describe Describe
	opt      Options
	// ctes are the offsets of the table references that name a CTE of
	// the query where they stand (duckast.Tables' scoping).
	ctes map[int]bool
	out  Prepared
}

// splitAll returns n with the joins of every SELECT in it split, outer
// queries first. top: n is the statement's query node.
func (p *preparer) splitAll(n any, top bool) any {
	switch v := n.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = p.splitAll(x, false)
		}
		return out
	case node:
		if duckast.Str(v, "type") == "SELECT_NODE" {
			v = p.splitSelect(v, top)
		}
		out := make(node, len(v))
		for _, k := range duckast.Keys(v) {
			out[k] = p.splitAll(v[k], false)
		}
		return out
	}
	return n
}

// splitSelect splits the candidate joins of one SELECT's FROM and returns
// the SELECT that reads their result tables (sel itself when none is
// split).
func (p *preparer) splitSelect(sel node, top bool) node {
	if duckast.Obj(sel, "from_table") == nil {
		return sel
	}
	sel = alignPair(sel)
	for _, path := range candidates(duckast.Obj(sel, "from_table"), nil) {
		s := &splitter{p: p, owner: duckast.Clone(sel).(node), path: path, n: len(p.out.Joins) + 1, top: top}
		j, err := s.split()
		if err != nil {
			// A decline says why; any other error (DuckDB's printer
			// failing on a node) leaves the join to DuckDB too.
			reason := err.Error()
			if d := (declined{}); !errors.As(err, &d) {
				reason = "cannot rewrite the query: " + reason
			}
			p.out.Declined = append(p.out.Declined, s.describeJoin(sel)+": "+reason)
			continue
		}
		p.out.Joins = append(p.out.Joins, j)
		sel = s.owner
		if j.Upper != "" {
			break // the FROM is now the result table alone
		}
	}
	return sel
}

// candidates lists the paths (from the FROM's root, "left"/"right") of the
// joins whose both inputs are table sources: the innermost pairs. Joins
// above them stay DuckDB joins.
func candidates(n node, path []string) [][]string {
	if duckast.Str(n, "type") != "JOIN" {
		return nil
	}
	l, r := duckast.Obj(n, "left"), duckast.Obj(n, "right")
	if isTable(l) && isTable(r) {
		return [][]string{path}
	}
	var out [][]string
	for _, side := range []string{"left", "right"} {
		sub := append(append([]string(nil), path...), side)
		out = append(out, candidates(duckast.Obj(n, side), sub)...)
	}
	return out
}

// isTable reports whether a table reference is a table source the tasks
// can read as SQL: a named table (or view) or a subquery.
func isTable(n node) bool {
	switch duckast.Str(n, "type") {
	case "BASE_TABLE", "SUBQUERY":
		return true
	}
	return false
}

// at returns the node at path under n.
func at(n node, path []string) node {
	for _, k := range path {
		n = duckast.Obj(n, k)
	}
	return n
}

// replaceAt returns the FROM tree n with the node at path replaced by
// with (n itself is not changed).
func replaceAt(n node, path []string, with node) node {
	if len(path) == 0 {
		return with
	}
	out := make(node, len(n))
	for k, v := range n {
		out[k] = v
	}
	out[path[0]] = replaceAt(duckast.Obj(n, path[0]), path[1:], with)
	return out
}

// declined is a reason not to split a join (not an error of the query).
type declined struct{ reason string }

func (d declined) Error() string { return d.reason }

func decline(format string, args ...any) error {
	return declined{fmt.Sprintf(format, args...)}
}

// printStatement prints a statement as DuckDB SQL with the placeholders
// quoted as the query had them.
func printStatement(st duckast.Statement) (string, error) {
	out, err := duckast.Print(st)
	return quotePlaceholders(out), err
}

// printExpr prints an expression (see printStatement).
func printExpr(e node) (string, error) {
	out, err := duckast.PrintExpr(e)
	return quotePlaceholders(out), err
}

// quotePlaceholders quotes the bare names "__itersql_...__" of printed
// SQL: DuckDB's printer leaves lower-case names unquoted, and the
// placeholders are bound by their quoted text ("__itersql_state__").
// Strings and quoted names are left as they are.
func quotePlaceholders(sql string) string {
	var b strings.Builder
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(sql) {
				if sql[j] == c {
					if j+1 < len(sql) && sql[j+1] == c {
						j += 2
						continue
					}
					break
				}
				j++
			}
			j = min(j+1, len(sql))
			b.WriteString(sql[i:j])
			i = j
		case c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z':
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j]|0x20 >= 'a' && sql[j]|0x20 <= 'z' || sql[j] >= '0' && sql[j] <= '9') {
				j++
			}
			w := sql[i:j]
			if len(w) > len("__itersql___") && strings.HasPrefix(w, "__itersql_") && strings.HasSuffix(w, "__") {
				w = quote(w)
			}
			b.WriteString(w)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}
