package exec

// The MERGE path of a keyed WITH ITERATE: no table is made per iteration.
//
// Why: an iteration of the table path (keyedTables) sends seven
// statements, two of them CREATE TABLE and two DROP, and each costs DuckDB
// 0.15-0.7 ms to parse, bind, plan and commit whatever the rows (measured
// on one-row states, bench/RESULTS.md, "Per-iteration overhead").
//
// How: the state table carries a hidden column, changedAt, the iteration
// that last inserted or changed each row, so delta.name after iteration k
// is the state's rows with changedAt = k. Iteration k sends two
// statements:
//
//   - MERGE INTO the state USING the step, whose delta.name reads the
//     rows with changedAt = k-1: new keys are inserted, changed rows
//     updated, both stamped k; unchanged rows are left alone, so
//     RowsAffected is the changed count;
//   - SELECT count(*) of the state (prepared once a state table), for its rows.
//
// A step whose key is not surely unique (planner's StepKeyUnique) counts
// its rows per key in a window, and the MERGE raises an error on a key
// seen twice (it would otherwise update a row twice, or insert a key
// twice); the engine then finds the key with the table path's query and
// reports it as the table path does.
//
// The MERGE is not prepared, though planning it costs most of its time:
// DuckDB v1.5.6 folds filters into a prepared plan from the table
// statistics of the moment it was planned, and runs the stale plan on
// later data (prepare SELECT count(*) FROM t WHERE v < 3 while every v is
// 0, set v = 5: it still counts the row). A step reads the state it
// changes, so its plan must be made from the current data.

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
)

// Keyed strategies (Session.KeyedStrategy). Each names the fastest path
// a session may take; a run takes the first of recursive, merge, tables
// that its statement allows (keyedStrategy, exec/recursive.go).
const (
	KeyedRecursive = "recursive" // several iterations in one WITH RECURSIVE ... USING KEY query (exec/recursive.go)
	KeyedMerge     = "merge"     // one MERGE an iteration into a state with a changed-at column
	KeyedTables    = "tables"    // tables per iteration, UPDATE and INSERT from the delta
)

// KeyedStrategyEnv, when set, is the keyed strategy of new sessions, so
// that every test suite, golden files included, runs under each strategy:
// ITERSQL_KEYED_STRATEGY=tables go test ./exec ./sqltests ./checkpoint.
// It chooses for plain states too: recursive allows their chunks, merge
// and tables keep a table per iteration (plainStrategy).
// It is not an itersql setting: every strategy gives the same results, and
// a setting would show in EXPLAIN's settings and so differ between them.
const KeyedStrategyEnv = "ITERSQL_KEYED_STRATEGY"

// defaultKeyed is the keyed strategy of a session when KeyedStrategyEnv
// is not set: recursive where it applies (keyedStrategy), measured 2-3
// times as fast as the MERGE path there (exec/recursive.go).
const defaultKeyed = KeyedRecursive

// defaultKeyedStrategy is the keyed strategy of a new session.
func defaultKeyedStrategy() (string, error) {
	switch v := os.Getenv(KeyedStrategyEnv); v {
	case "":
		return defaultKeyed, nil
	case KeyedRecursive, KeyedMerge, KeyedTables, KeyedReplace:
		return v, nil
	default:
		return "", fmt.Errorf("%s must be %s, %s, %s or %s, not %q", KeyedStrategyEnv, KeyedRecursive, KeyedMerge, KeyedTables, KeyedReplace, v)
	}
}

// Hidden names of the MERGE path. A user's column of the same name would
// clash; the table path's marker columns take the same risk.
const (
	changedAt  = "__itersql_changed_at" // the state's hidden column
	stepKeyN   = "__itersql_key_rows"   // rows of the step with the row's key
	dupKeyMark = "__itersql_duplicate_key"
)

// mergeStep is the MERGE of iteration k's step (bound) into the state
// table.
func (r *run) mergeStep(state string, k int, step string) string {
	p := r.p
	cols := strings.Join(r.cols, ", ")
	src := r.castStep(step)
	if !p.StepKeyUnique {
		src = fmt.Sprintf("SELECT *, count(*) OVER (PARTITION BY %s) AS %s FROM (%s)", strings.Join(r.quoteNames(p.Key), ", "), stepKeyN, src)
	}
	var merge strings.Builder
	fmt.Fprintf(&merge, "MERGE INTO %s AS s USING (%s) AS r ON %s", state, src, r.keyOn("r"))
	if !p.StepKeyUnique {
		fmt.Fprintf(&merge, " WHEN MATCHED AND r.%s > 1 THEN ERROR '%s'", stepKeyN, dupKeyMark)
	}
	if d := r.differs("r"); d != "" {
		var set []string
		for _, c := range r.valueColumns() {
			set = append(set, fmt.Sprintf("%s = r.%s", c, c))
		}
		fmt.Fprintf(&merge, " WHEN MATCHED AND (%s) THEN UPDATE SET %s, %s = %d", d, strings.Join(set, ", "), changedAt, k)
	}
	if !p.StepKeyUnique {
		fmt.Fprintf(&merge, " WHEN NOT MATCHED AND r.%s > 1 THEN ERROR '%s'", stepKeyN, dupKeyMark)
	}
	rcols := make([]string, len(r.cols))
	for i, c := range r.cols {
		rcols[i] = "r." + c
	}
	fmt.Fprintf(&merge, " WHEN NOT MATCHED THEN INSERT (%s, %s) VALUES (%s, %d)", cols, changedAt, strings.Join(rcols, ", "), k)
	return merge.String()
}

// stmt is a query prepared on the session's connection, counted in
// Session.Counters at every execution. Only queries whose plan cannot go
// stale with the data are prepared (see above).
type stmt struct {
	s *Session
	p *sql.Stmt
}

func (s *Session) prepare(ctx context.Context, q string) (*stmt, error) {
	if err := oneStatement(q); err != nil {
		return nil, err
	}
	s.sent.Statements++
	p, err := s.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &stmt{s: s, p: p}, nil
}

func (st *stmt) queryRow(ctx context.Context, dest ...any) error {
	st.s.sent.Statements++
	return st.p.QueryRowContext(ctx).Scan(dest...)
}

func (st *stmt) close() {
	if st != nil {
		st.p.Close()
	}
}

// keyedMerge is the keyed strategy of the MERGE path from iteration
// k0 + 1. state holds iteration k0 (the initial state, or a checkpoint's,
// with delta holding the checkpoint's delta); it gains the hidden column
// here.
func (r *run) keyedMerge(state, delta string, k0 int, resumed bool) (*keyedMerge, error) {
	p := r.p
	// Iteration 0's delta is the whole state: every row is stamped k0.
	// A checkpoint's state is stamped older, but for its delta's rows.
	stamp := k0
	if resumed {
		stamp = k0 - 1
	}
	if _, err := r.s.exec(r.ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s BIGINT DEFAULT %d", state, changedAt, stamp)); err != nil {
		return nil, r.partErr(p.Initial, k0, err)
	}
	if resumed {
		if _, err := r.s.exec(r.ctx, fmt.Sprintf("UPDATE %s AS s SET %s = %d FROM %s AS d WHERE %s", state, changedAt, k0, delta, r.keyOn("d"))); err != nil {
			return nil, r.partErr(p.Initial, k0, err)
		}
		if err := r.drop(delta); err != nil {
			return nil, err
		}
	}
	km := &keyedMerge{r: r, k: k0}
	km.moveTo(state)
	return km, nil
}

// keyedMerge is the MERGE path's state: one table, and the view of it
// without the hidden column.
type keyedMerge struct {
	r           *run
	state, view string
	k           int   // the last iteration made
	count       *stmt // count(*) of state, prepared at its first use
}

// moveTo makes table, which has the hidden column, the state (the
// recursive strategy makes a new table per chunk of iterations).
func (km *keyedMerge) moveTo(table string) {
	km.count.close()
	km.count = nil
	km.state = table
	km.view = fmt.Sprintf("(SELECT %s FROM %s)", strings.Join(km.r.cols, ", "), table)
}

// deltaAt is delta.name after iteration k: the rows it stamped.
func (km *keyedMerge) deltaAt(k int) string {
	return fmt.Sprintf("(SELECT %s FROM %s WHERE %s = %d)", strings.Join(km.r.cols, ", "), km.state, changedAt, k)
}

func (km *keyedMerge) advance(k, _ int) (reached int, rows, changed int64, note string, err error) {
	r, p := km.r, km.r.p
	step := r.bind(p.Step, km.view, "", km.deltaAt(k-1))
	stepSQL, note, err := r.skewStep(k, step, km.view, "", km.deltaAt(k-1))
	if err != nil {
		return 0, 0, 0, "", err
	}
	changed, err = r.s.exec(r.ctx, r.mergeStep(km.state, k, stepSQL))
	if rerr := r.skewRelease(); err == nil {
		err = rerr
	}
	if err != nil {
		if strings.Contains(err.Error(), dupKeyMark) {
			// The MERGE changed nothing: the step, run again on the same
			// state, yields the same rows.
			if err := r.duplicateStepKey(k, "("+r.castStep(step)+")"); err != nil {
				return 0, 0, 0, "", err
			}
			return 0, 0, 0, "", r.partErr(p.Step, k, err) // the step is not deterministic
		}
		return 0, 0, 0, "", r.stepErr(k, step, err)
	}
	if km.count == nil {
		if km.count, err = r.s.prepare(r.ctx, "SELECT count(*) FROM "+km.state); err != nil {
			return 0, 0, 0, "", r.partErr(p.Step, k, err)
		}
	}
	if err := km.count.queryRow(r.ctx, &rows); err != nil {
		return 0, 0, 0, "", r.partErr(p.Step, k, err)
	}
	if err := r.checkRows(k, rows); err != nil {
		return 0, 0, 0, "", err
	}
	km.k = k
	return k, rows, changed, note, nil
}

func (km *keyedMerge) views() views {
	d := km.deltaAt(km.k)
	return views{state: km.view, delta: d, ckState: km.state, ckDelta: d}
}

func (km *keyedMerge) settle() error  { return nil }
func (km *keyedMerge) result() string { return km.view }
func (km *keyedMerge) close()         { km.count.close() }
