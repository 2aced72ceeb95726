package planner

import (
	"sort"
	"strings"

	"github.com/pingcap/tidb/pkg/parser/ast"
)

// Inputs lists the tables (or views) that the initial query, the step and
// the UNTIL conditions read: every table name in them but the iterated
// table's placeholders and the names of the parts' own CTEs. They are the
// data a checkpoint of the state depends on (exec fingerprints them to
// refuse a resume over changed data). The final query is left out: the
// state does not depend on it. Names are quoted for DuckDB, sorted,
// without duplicates (compared case-insensitively, as DuckDB does).
//
// Call it on a built plan: Build has already swapped the iterated table's
// references for placeholders in the parts' ASTs.
func (p *Plan) Inputs() []string {
	src := p.Source
	if src == nil {
		return nil
	}
	nodes := []ast.Node{}
	if src.Initial != nil {
		nodes = append(nodes, src.Initial.AST)
	}
	if src.Step != nil {
		nodes = append(nodes, src.Step.AST)
	}
	for _, s := range src.Stops {
		if s.Cond != nil {
			nodes = append(nodes, s.Cond.AST)
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, n := range nodes {
		if n == nil {
			continue
		}
		ctes := &cteNames{names: map[string]bool{}}
		n.Accept(ctes)
		tc := &tableNames{skip: ctes.names}
		n.Accept(tc)
		for _, t := range tc.found {
			if !seen[strings.ToLower(t)] {
				seen[strings.ToLower(t)] = true
				out = append(out, t)
			}
		}
	}
	sort.Strings(out)
	return out
}

// cteNames collects the names a part's WITH clauses define (at any depth:
// a close enough scope for naming inputs).
type cteNames struct{ names map[string]bool }

func (c *cteNames) Enter(n ast.Node) (ast.Node, bool) {
	if w, ok := n.(*ast.WithClause); ok {
		for _, cte := range w.CTEs {
			c.names[cte.Name.L] = true
		}
	}
	return n, false
}

func (c *cteNames) Leave(n ast.Node) (ast.Node, bool) { return n, true }

// tableNames collects the table names that are not placeholders or CTEs.
type tableNames struct {
	skip  map[string]bool
	found []string
}

func (t *tableNames) Enter(n ast.Node) (ast.Node, bool) {
	tn, ok := n.(*ast.TableName)
	if !ok {
		return n, false
	}
	name := tn.Name.O
	if tn.Schema.L == "" {
		for _, ref := range []string{StateRef, PreviousRef, DeltaRef} {
			if name == ref[1:len(ref)-1] {
				return n, true
			}
		}
		if t.skip[tn.Name.L] {
			return n, true
		}
		t.found = append(t.found, Quote(name))
		return n, true
	}
	t.found = append(t.found, Quote(tn.Schema.O)+"."+Quote(name))
	return n, true
}

func (t *tableNames) Leave(n ast.Node) (ast.Node, bool) { return n, true }
