package planner

// TEMPORARY, replaced by the port of the split onto DuckDB's AST (skew/):
// the split planner read TiDB's AST, which is gone; until the port lands
// nothing is split (HasJoin reports false and every plan declines).

import (
	"errors"
	"fmt"
	"strings"

	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/skew"
)

// SkewRef is the placeholder of split n's result table.
func SkewRef(n int) string { return fmt.Sprintf(`"__itersql_skew%d__"`, n) }

// BindSkew replaces the result-table placeholders of q with tables[i].
func BindSkew(q string, tables []string) string {
	var pairs []string
	for i, t := range tables {
		pairs = append(pairs, SkewRef(i+1), t)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}

// ColumnsFunc returns the column names of a join input given as SQL.
type ColumnsFunc func(source string) ([]string, error)

// SkewPart is a part of a statement with its splittable joins.
type SkewPart struct {
	SQL      string
	Joins    []*skew.Join
	Declined []string
}

// SkewOptions shape a split.
type SkewOptions struct {
	Names          []string
	PushAggregates bool
}

var errPorting = errors.New("the split is being moved onto DuckDB's parser")

// SkewStep plans the split joins of p's step.
func SkewStep(p *Plan, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) { return nil, errPorting }

// SkewFinal plans the split joins of p's final query.
func SkewFinal(p *Plan, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) { return nil, errPorting }

// ParseSelect parses a plain query.
func ParseSelect(sql string) (*parser.Part, error) { return nil, errPorting }

// SkewSelect plans the split joins of a plain query.
func SkewSelect(part *parser.Part, cols ColumnsFunc, opt SkewOptions) (*SkewPart, error) {
	return nil, errPorting
}

// HasJoin reports whether p's step or final query has a join.
func HasJoin(p *Plan) bool { return false }
