package exec

import (
	"context"
	"fmt"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// Exec runs one statement (without its ';') that starts at pos in the
// user's text. Errors are *sqlscan.Error, positioned in that text.
func (s *Session) Exec(ctx context.Context, src string, pos sqlscan.Pos) (*Result, error) {
	st, err := parser.Parse(src, pos)
	if err != nil {
		return nil, err
	}
	switch st := st.(type) {
	case *parser.Passthrough:
		res, err := s.query(ctx, st.SQL)
		if err != nil {
			return nil, positioned(st.Pos, err)
		}
		return res, nil
	case *parser.Set:
		if !IsSetting(st.Name) {
			res, err := s.query(ctx, st.SQL)
			if err != nil {
				return nil, positioned(st.Pos, err)
			}
			return res, nil
		}
		if err := s.Settings.Set(st.Name, st.Value); err != nil {
			return nil, &sqlscan.Error{Pos: st.Pos, Msg: err.Error(), Err: err}
		}
		return &Result{}, nil
	case *parser.Iterate:
		plan, err := planner.Build(st)
		if err != nil {
			return nil, err
		}
		return s.Run(ctx, plan, false)
	case *parser.Explain:
		plan, err := planner.Build(st.Stmt)
		if err != nil {
			return nil, err
		}
		if !st.Analyze {
			return &Result{Text: plan.Explain(s.Settings.List())}, nil
		}
		res, err := s.Run(ctx, plan, true)
		if err != nil {
			return nil, err
		}
		return analyzeTable(res.Stats), nil
	}
	return nil, fmt.Errorf("unknown statement %T", st)
}

// analyzeTable is EXPLAIN ANALYZE's output: one row per iteration.
func analyzeTable(stats []IterStat) *Result {
	res := &Result{Columns: []string{"iteration", "rows", "changed", "ms", "notes"}, Stats: stats}
	for _, st := range stats {
		res.Rows = append(res.Rows, []any{
			int64(st.Iteration), st.Rows, st.Changed,
			float64(st.Duration.Microseconds()) / 1000, st.Note,
		})
	}
	return res
}
