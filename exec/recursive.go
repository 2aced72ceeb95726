package exec

// The recursive strategy of a keyed WITH ITERATE: several iterations in
// one DuckDB query, a chunk, between the loop's stop tests.
//
// Why: an iteration of the MERGE path is a MERGE that DuckDB parses,
// binds and plans again each time (0.6-0.8 ms of fixed cost whatever the
// rows, bench/RESULTS.md, "Per-iteration overhead"). Inside one recursive
// query DuckDB plans once and only runs the recursive term's pipelines
// again at each step.
//
// How: a chunk from iteration k (the state holds k-1) up to limit is
//
//	CREATE TEMP TABLE next AS WITH RECURSIVE rec(cols, changedAt) USING KEY (key) AS (
//	  SELECT cols, changedAt FROM state
//	  UNION
//	  SELECT cols, it FROM (
//	    SELECT r.*, greatest(k-1, (SELECT changedAt FROM rec LIMIT 1)) + 1 AS it
//	    FROM (the step, cast) r LEFT JOIN recurring.rec s ON s.key IS NOT DISTINCT FROM r.key
//	    WHERE s.changedAt IS NULL OR <a value differs>)
//	  WHERE it <= limit) SELECT * FROM rec
//
// with name bound to recurring.rec (the whole state, as upserted so far)
// and delta.name to rec (the working table) stamped k-1 or later. Only
// new or changed rows enter the working table, so it is exactly the
// delta, each row stamped with its iteration as on the MERGE path, and
// the recursion ends by itself at a fixpoint: a step that changes
// nothing yields an empty working table. The iteration number is one
// more than the working table's stamps, which are all equal but in the
// first step, whose working table is the whole state, stamped k-1 or
// older: hence greatest(k-1, any one row's stamp). LIMIT 1 rather than
// max(): an aggregate is one more pipeline at every step, and the chunk
// ran 0.33-0.57 s instead of 0.62-1.2 s for 2,000 one-row steps.
// After the chunk, the largest stamp m says how far it went: m = limit,
// or iteration m+1 changed nothing (the loop's FIXPOINT).
//
// What DuckDB v1.5.6 does with it (measured here): USING KEY replaces a
// row by key and treats NULL as one key value (IS NOT DISTINCT FROM, as
// itersql does); the recursive term may read rec and recurring.rec any
// number of times, in joins, subqueries, CTEs and aggregates; but a key
// the recursive term yields twice is no error (one of the rows wins), so
// only a step known to be key-unique runs here. Each step costs DuckDB
// a pipeline's scheduling (the join with recurring.rec, the stamp's
// subquery, the step's own), not a statement's planning.
//
// A state of more than recursiveMaxRows rows takes the MERGE path (see
// there why).
//
// A chunk that fails, for any reason (a step or cast error, a cancel,
// a step DuckDB cannot run in a recursive CTE), left the state as it
// was: the run goes on from it on the MERGE path, one iteration at a
// time, which fails at the same iteration with the same error as a
// MERGE-path run (or, for a step that cannot recurse, just goes on).

import (
	"fmt"
	"strings"
	"time"

	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
	"github.com/itersql/itersql/skew"
)

// keyedStrategy is the keyed strategy a run of p takes when the session
// asks for pref (Session.KeyedStrategy), and why; analyze is EXPLAIN
// ANALYZE. EXPLAIN shows it for the default pref.
func keyedStrategy(pref string, set *Settings, p *planner.Plan, analyze bool) (strategy, why string) {
	switch {
	case p.UsesPrevious:
		return KeyedTables, "an UNTIL condition reads previous." + p.Name + ", a copy of the state per iteration"
	case pref == KeyedTables:
		return KeyedTables, KeyedStrategyEnv + " = " + KeyedTables
	case pref == KeyedMerge:
		return KeyedMerge, KeyedStrategyEnv + " = " + KeyedMerge
	case !p.StepKeyUnique:
		return KeyedMerge, "the step may yield a key twice, which the MERGE raises as an error"
	case analyze:
		return KeyedMerge, "EXPLAIN ANALYZE counts every iteration"
	}
	for _, st := range p.Stops {
		if st.Kind == parser.Condition {
			return KeyedMerge, "an UNTIL condition is tested after every iteration"
		}
	}
	switch {
	case set.CheckpointInterval > 0:
		return KeyedMerge, "checkpoint_interval is checked after every iteration"
	case set.SkewJoin != "off" && skew.HasJoin(p.Step.SQL):
		return KeyedMerge, "skew_join = " + skewJoinText(set) + " may split the step's joins at any iteration"
	}
	return KeyedRecursive, fmt.Sprintf("several iterations in one WITH RECURSIVE ... USING KEY query between stop tests and checkpoints, while the state has at most %d rows; the MERGE path beyond", recursiveMaxRows)
}

// explainKeyedStrategy is EXPLAIN's line on the keyed strategy that p
// takes by default (defaultKeyed): not the session's, so that golden
// files read the same under every KeyedStrategyEnv.
func (s *Session) explainKeyedStrategy(p *planner.Plan) string {
	if !p.Keyed() {
		return ""
	}
	strategy, why := keyedStrategy(defaultKeyed, &s.Settings, p, false)
	return fmt.Sprintf("\nkeyed strategy: %s (%s)", strategy, why)
}

// Chunk sizes, in iterations. A chunk is one statement: the loop reports
// progress, and the statistics get a row, only between chunks, and
// max_state_rows is checked only inside one (see chunkSQL). So the first
// chunk is short, and a chunk doubles while the last one ran within
// chunkFast and halves when it took over chunkSlow: a slow step gets
// chunks of an iteration or two, a fast one soon makes its fixed cost per
// iteration negligible. (Variables: TestStatementsPerIteration makes
// every chunk fast, for counts that do not depend on the machine.)
const firstChunk = 8

// recursiveMaxRows is the largest state that a chunk starts from; a
// larger one takes the MERGE path. Why: every step of a chunk reads
// recurring.rec, DuckDB's hash table of the state, in full (the join that
// keeps unchanged rows out of the working table, and the step's own
// reads of name), and that costs more per row than the MERGE's scan of a
// table. Measured here on SELECT k, v + 1 FROM t WHERE v < 200, 200
// iterations, MERGE against recursive: 1,000 rows 312 / 127 ms, 2,000
// 289 / 142, 4,000 383 / 273, 10,000 279 / 820, 100,000 1.4 / 8.1 s;
// and where 1% of the rows change, 100,000 rows 0.76 / 8.5 s.
const recursiveMaxRows = 2000

var chunkFast, chunkSlow = 100 * time.Millisecond, time.Second

// keyedRecursive is the recursive strategy: the MERGE path's state and,
// for single iterations and after a failed chunk, its MERGE.
type keyedRecursive struct {
	km    *keyedMerge
	rows  int64 // the state's rows
	size  int   // iterations of the next chunk
	merge bool  // a chunk failed: the rest of the run is the MERGE path's
}

// keyedRecursive runs from km's state, of rows rows.
func (r *run) keyedRecursive(km *keyedMerge, rows int64) *keyedRecursive {
	return &keyedRecursive{km: km, rows: rows, size: firstChunk}
}

func (kr *keyedRecursive) advance(k, limit int) (reached int, rows, changed int64, note string, err error) {
	km, r := kr.km, kr.km.r
	if limit > k+kr.size-1 {
		limit = k + kr.size - 1
	}
	// A recursive query whose anchor, the state, is empty runs no step.
	if kr.merge || limit <= k || kr.rows == 0 || kr.rows > recursiveMaxRows {
		reached, kr.rows, changed, note, err = km.advance(k, k)
		return reached, kr.rows, changed, note, err
	}
	began := time.Now()
	next := r.table("state", k)
	rows, err = r.create(next, kr.chunkSQL(k, limit))
	if err != nil {
		if err := r.drop(next); err != nil {
			return 0, 0, 0, "", err
		}
		kr.merge = true
		reached, kr.rows, changed, note, err = km.advance(k, k)
		return reached, kr.rows, changed, note, err
	}
	var last int
	q := fmt.Sprintf("SELECT max(%s), count(*) FILTER (WHERE %s = %d) FROM %s", changedAt, changedAt, limit, next)
	if err := r.s.queryRow(r.ctx, q, &last, &changed); err != nil {
		return 0, 0, 0, "", r.partErr(r.p.Step, k, err)
	}
	if err := r.drop(km.state); err != nil {
		return 0, 0, 0, "", err
	}
	km.moveTo(next)
	switch {
	case r.s.Settings.MaxStateRows > 0 && rows > r.s.Settings.MaxStateRows:
		// The chunk stopped after the iteration that outgrew it.
		return 0, 0, 0, "", r.checkRows(last, rows)
	case last == limit:
		reached = limit
	case last < k:
		reached, changed = k, 0
	default:
		reached, changed = last+1, 0 // it changed nothing
	}
	switch took := time.Since(began); {
	case took < chunkFast:
		kr.size *= 2
	case took > chunkSlow && kr.size > 1:
		kr.size /= 2
	}
	km.k, kr.rows = reached, rows
	return reached, rows, changed, "", nil
}

// chunkSQL is the query of iterations k to limit from the state (see
// the top of this file). With max_state_rows set, a step runs only while
// the state has at most that many rows, so the chunk ends at the
// iteration that outgrew it.
func (kr *keyedRecursive) chunkSQL(k, limit int) string {
	r, km := kr.km.r, kr.km
	const rec, it = "__itersql_rec", "__itersql_iteration"
	cols := strings.Join(r.cols, ", ")
	state := fmt.Sprintf("(SELECT %s FROM recurring.%s)", cols, rec)
	delta := fmt.Sprintf("(SELECT %s FROM %s WHERE %s >= %d)", cols, rec, changedAt, k-1)
	changes := "s." + changedAt + " IS NULL"
	if d := r.differs("r"); d != "" {
		changes += " OR " + d
	}
	guard := ""
	if m := r.s.Settings.MaxStateRows; m > 0 {
		guard = fmt.Sprintf(" AND (SELECT count(*) FROM recurring.%s) <= %d", rec, m)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "WITH RECURSIVE %s(%s, %s) USING KEY (%s) AS (", rec, cols, changedAt, strings.Join(quoteAll(r.p.Key), ", "))
	fmt.Fprintf(&b, "SELECT %s, %s FROM %s UNION ", cols, changedAt, km.state)
	fmt.Fprintf(&b, "SELECT %s, %s FROM (SELECT r.*, greatest(%d, (SELECT %s FROM %s LIMIT 1)) + 1 AS %s", cols, it, k-1, changedAt, rec, it)
	fmt.Fprintf(&b, " FROM (%s) AS r LEFT JOIN recurring.%s AS s ON %s WHERE %s)", r.castStep(r.p.Step.Bind(state, "", delta)), rec, r.keyOn("r"), changes)
	fmt.Fprintf(&b, " WHERE %s <= %d%s) SELECT * FROM %s", it, limit, guard, rec)
	return b.String()
}

func (kr *keyedRecursive) views() views   { return kr.km.views() }
func (kr *keyedRecursive) settle() error  { return nil }
func (kr *keyedRecursive) result() string { return kr.km.result() }
func (kr *keyedRecursive) close()         { kr.km.close() }
