package exec

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// Exec runs one statement (without its ';') that starts at pos in the
// user's text. Errors are *sqlscan.Error, positioned in that text. A
// panic in itersql is such an error too, wrapping an *InternalError: the
// statement fails, the session (and its in-memory data) lives on.
func (s *Session) Exec(ctx context.Context, src string, pos sqlscan.Pos) (res *Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			ie := &InternalError{Value: v, Stack: debug.Stack()}
			res, err = nil, &sqlscan.Error{Pos: pos, Msg: ie.Error(), Err: ie}
		}
	}()
	if v := os.Getenv(PanicEnv); v != "" && strings.Contains(src, v) {
		panic("forced by " + PanicEnv)
	}
	return s.execStatement(ctx, src, pos)
}

// InternalError is a panic recovered from a statement: a bug in itersql.
// Stack is where it happened, for the issue report.
type InternalError struct {
	Value any
	Stack []byte
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %v (please file an issue with the statement that caused it)", e.Value)
}

// PanicEnv names the environment variable of the panic hook, for tests
// only: a statement whose text holds its value panics, so the
// recovery of every front end (shell, -c, -f, itersql test) can be tested.
// It is read on every call, so in-process tests can set it.
const PanicEnv = "ITERSQL_TEST_PANIC"

func (s *Session) execStatement(ctx context.Context, src string, pos sqlscan.Pos) (*Result, error) {
	st, err := parser.Parse(src, pos)
	if err != nil {
		return nil, err
	}
	if !readOnly(st) {
		s.freq = nil
	}
	switch st := st.(type) {
	case *parser.Passthrough:
		if s.Engine() == "spark" {
			return s.passthroughSpark(ctx, st)
		}
		if res, ok, err := s.skewSelect(ctx, st); ok {
			return res, err
		}
		res, err := s.query(ctx, st.SQL)
		if err != nil {
			return nil, positioned(duckPos(st.SQL, st.Pos, err), err)
		}
		return quietCount(st.SQL, res), nil
	case *parser.Set:
		if !IsSetting(st.Name) {
			res, err := s.query(ctx, st.SQL)
			if err != nil {
				return nil, positioned(st.Pos, err)
			}
			return quietCount(st.SQL, res), nil
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
		if !st.Analyze && s.Engine() == "spark" {
			text := strings.TrimRight(plan.Explain(s.Settings.List()), "\n") + s.explainStrategy(plan)
			return &Result{Text: strings.TrimRight(s.skewExplain(ctx, plan, text)+s.checkpointPolicy(ctx, plan), "\n") + "\nengine: spark (Spark Connect)\n"}, nil
		}
		if !st.Analyze {
			// The strategy's line goes before the splits: whether the skew
			// split may run is one of its reasons.
			text := plan.Explain(s.Settings.List()) + s.explainStrategy(plan)
			return &Result{Text: s.skewExplain(ctx, plan, text) + s.checkpointPolicy(ctx, plan)}, nil
		}
		res, err := s.Run(ctx, plan, true)
		if err != nil {
			return nil, err
		}
		res = analyzeTable(res.Stats, s.Settings.ExplainTiming)
		res.Plot, res.PlotPos = st.Plot, st.PlotPos
		return res, nil
	}
	return nil, fmt.Errorf("unknown statement %T", st)
}

// readOnly reports whether a statement surely changes no table and no
// name's meaning: a query, EXPLAIN of one, WITH ITERATE, an itersql
// setting. Anything else (DML, DDL, ATTACH, USE, a DuckDB SET,
// transactions) clears the session's detection cache.
func readOnly(st parser.Statement) bool {
	switch st := st.(type) {
	case *parser.Iterate, *parser.Explain:
		return true
	case *parser.Set:
		return IsSetting(st.Name)
	case *parser.Passthrough:
		toks, err := sqlscan.Tokens(st.SQL, st.Pos)
		_, _, i := explainPrefix(toks)
		if err != nil || i >= len(toks) {
			return false
		}
		t := toks[i]
		return t.Is("SELECT") || t.Is("FROM") || t.Is("DESCRIBE") || t.Is("SHOW") || t.Is("SUMMARIZE") || t.Text == "("
	}
	return false
}

// explainPrefix reads "EXPLAIN [ANALYZE]" at the start of a statement's
// tokens: whether it is there, with ANALYZE, and the index of the first
// token of the statement it explains (0 without it).
func explainPrefix(toks []sqlscan.Token) (explain, analyze bool, i int) {
	if len(toks) == 0 || !toks[0].Is("EXPLAIN") {
		return false, false, 0
	}
	if len(toks) > 1 && toks[1].Is("ANALYZE") {
		return true, true, 2
	}
	return true, false, 1
}

// quietCount drops the one-cell "Count" table DuckDB returns for DDL and
// DML, which its own CLI does not print either.
func quietCount(sql string, res *Result) *Result {
	if len(res.Columns) == 1 && res.Columns[0] == "Success" && len(res.Rows) == 0 {
		// SET, BEGIN, PRAGMA, ATTACH ...: DuckDB's CLI prints nothing.
		return &Result{}
	}
	if len(res.Columns) != 1 || res.Columns[0] != "Count" || len(res.Rows) > 1 {
		return res
	}
	first := strings.ToUpper(strings.Fields(sql + " x")[0])
	switch first {
	case "CREATE", "INSERT", "UPDATE", "DELETE", "COPY", "MERGE", "ALTER", "DROP":
		return &Result{}
	}
	return res
}

// analyzeTable is EXPLAIN ANALYZE's output: one row per iteration.
func analyzeTable(stats []IterStat, timing bool) *Result {
	res := &Result{Columns: []string{"iteration", "rows", "changed", "ms", "notes"}, Stats: stats}
	for _, st := range stats {
		var ms, changed any
		if timing {
			ms = float64(st.Duration.Microseconds()) / 1000
		}
		if st.Changed >= 0 {
			changed = st.Changed
		}
		res.Rows = append(res.Rows, []any{int64(st.Iteration), st.Rows, changed, ms, st.Note})
	}
	return res
}
