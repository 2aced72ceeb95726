package exec

// The recursive strategies: several iterations in one DuckDB query, a
// chunk, between the loop's stop tests; for keyed states here, for plain
// ones further down (plainChunks).
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
// Statistics keep a row an iteration: the last of a chunk has the state's
// rows, its own changed count, and the time of the whole chunk; the ones
// before it have none of these (-1, not counted, and no time), for a
// chunk does not keep them.
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
	}
	if why := noChunks(set, p, analyze); why != "" {
		return KeyedMerge, why
	}
	return KeyedRecursive, fmt.Sprintf("several iterations in one WITH RECURSIVE ... USING KEY query between stop tests and checkpoints, while the state has at most %d rows; the MERGE path beyond", recursiveMaxRows)
}

// noChunks is why a run of p cannot make several iterations in one
// query, "" when it can: the loop must see every iteration.
func noChunks(set *Settings, p *planner.Plan, analyze bool) string {
	if analyze {
		return "EXPLAIN ANALYZE counts every iteration"
	}
	for _, st := range p.Stops {
		if st.Kind == parser.Condition {
			return "an UNTIL condition is tested after every iteration"
		}
	}
	switch {
	case set.CheckpointInterval > 0:
		return "checkpoint_interval is checked after every iteration"
	case set.SkewJoin != "off" && skew.HasJoin(p.Step.SQL):
		return "skew_join = " + skewJoinText(set) + " may split the step's joins at any iteration"
	}
	return ""
}

// Plain strategies: a table per iteration (plainStates), or chunks of
// iterations in one recursive query (plainChunks).
const (
	plainTables    = "a table per iteration"
	plainRecursive = "recursive"
)

// plainStrategy is the plain strategy a run of p takes when the session
// asks for pref (Session.KeyedStrategy: recursive allows chunks, merge
// and tables keep a table per iteration), and why.
func plainStrategy(pref string, set *Settings, p *planner.Plan, analyze bool) (strategy, why string) {
	if pref != KeyedRecursive {
		return plainTables, KeyedStrategyEnv + " = " + pref
	}
	if why := noChunks(set, p, analyze); why != "" {
		return plainTables, why
	}
	return plainRecursive, fmt.Sprintf("several iterations in one WITH RECURSIVE ... UNION ALL query between stop tests and checkpoints, while the state has at most %d rows; a table per iteration beyond", plainMaxRows)
}

// explainStrategy is EXPLAIN's line on the strategy that p takes by
// default (defaultKeyed): not the session's, so that golden files read
// the same under every KeyedStrategyEnv.
func (s *Session) explainStrategy(p *planner.Plan) string {
	if s.Engine() == "spark" {
		if !p.Keyed() {
			return "\nplain strategy: " + plainTables + " (Spark 4.0 has no recursive query to run several in)"
		}
		return "\nkeyed strategy: " + KeyedReplace + " (Spark's Parquet tables take no UPDATE: the delta, then state ANTI JOIN delta UNION ALL delta)"
	}
	if !p.Keyed() {
		strategy, why := plainStrategy(defaultKeyed, &s.Settings, p, false)
		return fmt.Sprintf("\nplain strategy: %s (%s)", strategy, why)
	}
	strategy, why := keyedStrategy(defaultKeyed, &s.Settings, p, false)
	return fmt.Sprintf("\nkeyed strategy: %s (%s)", strategy, why)
}

// Chunk sizes, in iterations. A chunk is one statement: the loop reports
// progress and records statistics only between chunks, and a cancel
// interrupts the chunk's statement, which is redone an iteration at a
// time to fail where it was. So the first chunk is short, and a chunk
// doubles while the last one ran within chunkFast and halves when it took
// over chunkSlow: a slow step soon runs an iteration at a time (its fixed
// cost is small beside it), a fast one soon makes its fixed cost per
// iteration negligible. (Variables: TestStatementsPerIteration makes
// every chunk fast, for counts that do not depend on the machine.)
const firstChunk = 8

// recursiveMaxRows is the largest state that a keyed chunk starts from;
// a larger one takes the MERGE path. Why: a chunk's cost per step grows
// with the state much faster than a MERGE's (every step reads
// recurring.rec, DuckDB's hash table of the state, in full: the join that
// keeps unchanged rows out of the working table, and the step's own reads
// of name; we did not profile it further). Measured here on SELECT k, v + 1 FROM t WHERE v < 200, 200
// iterations, MERGE against recursive: 1,000 rows 312 / 127 ms, 2,000
// 289 / 142, 4,000 383 / 273, 10,000 279 / 820, 100,000 1.4 / 8.1 s;
// and where 1% of the rows change, 100,000 rows 0.76 / 8.5 s.
const recursiveMaxRows = 2000

var chunkFast, chunkSlow = 100 * time.Millisecond, time.Second

// nextChunk is the size of the chunk after one of size iterations that
// took took.
func nextChunk(size int, took time.Duration) int {
	switch {
	case took < chunkFast:
		return size * 2
	case took > chunkSlow && size > 1:
		return size / 2
	}
	return size
}

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
	kr.size = nextChunk(kr.size, time.Since(began))
	for j := k; j < reached; j++ {
		r.record(j, -1, -1, time.Now(), "") // not counted in a chunk
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

// The recursive strategy of a plain state: chunks too. A chunk from
// iteration k up to limit is
//
//	CREATE TEMP TABLE chunk AS WITH RECURSIVE rec(it, cols) AS (
//	  SELECT k-1, cols FROM state
//	  UNION ALL
//	  SELECT n, s.* FROM (the step, cast) s, (SELECT it + 1 AS n FROM rec LIMIT 1)
//	  WHERE n <= limit) SELECT * FROM rec
//
// with name bound to rec, the working table: the rows of the iteration
// before. It keeps every iteration's rows: the state of the last one the
// loop must see becomes the new state table, and FIXPOINT is found after
// the chunk, as the first iteration whose rows equal those of the one
// before (the plain path's fingerprint, confirmed by EXCEPT ALL); the
// iterations after it are dropped, so even a step that is not
// deterministic means what it does on the plain path. A step that yields
// no rows ends the recursion (its state is empty), and from an empty
// state a recursive query runs no step: such iterations are the plain
// path's, and so are those of a state of more than plainMaxRows rows.
//
// Measured here (SELECT k, v + 1 FROM t, 200 iterations in one chunk):
// 1 row 21 ms, 1,000 rows 35 ms, 10,000 rows 71 ms and 20 ms for the
// fingerprints, against 0.48 ms an iteration of the plain path's fixed
// cost alone (bench/RESULTS.md).

// plainChunkRows bounds the rows a plain chunk keeps, all its iterations'.
const plainChunkRows = 1 << 20

// plainMaxRows is the largest plain state a chunk starts from; a larger
// one takes a table per iteration: DuckDB runs a step over a recursive
// query's working table slower than over a table, and beyond some rows
// that costs more than the statements it saves. Measured here, SELECT k,
// v + 1 FROM t, 100 iterations, a table per iteration against chunks:
// 1,000 rows 62-77 / 19-23 ms, 5,000 93 / 56-61 ms, 20,000 250-446 /
// 203-250 ms, 100,000 343-463 / 588-1,301 ms; PageRank on slashdot
// (82,168 rows, joins; skew_join = off), 20 iterations, 1.8 / 3.6 s.
const plainMaxRows = 10000

// plainChunks is the plain recursive strategy: the plain path's states,
// and its single iterations.
type plainChunks struct {
	ps     *plainStates
	rows   int64 // the state's rows
	size   int   // iterations of the next chunk
	single bool  // a chunk failed: the rest of the run is the plain path's
}

func (ps *plainStates) chunks(rows int64) *plainChunks {
	return &plainChunks{ps: ps, rows: rows, size: firstChunk}
}

func (pc *plainChunks) advance(k, limit int) (reached int, rows, changed int64, note string, err error) {
	ps, r := pc.ps, pc.ps.r
	size := pc.size
	if pc.rows > 0 && int64(size) > plainChunkRows/pc.rows {
		size = int(plainChunkRows / pc.rows)
	}
	if limit > k+size-1 {
		limit = k + size - 1
	}
	if pc.single || limit <= k || pc.rows == 0 || pc.rows > plainMaxRows {
		reached, pc.rows, changed, note, err = ps.advance(k, k)
		return reached, pc.rows, changed, note, err
	}
	began := time.Now()
	chunk := r.table("c", k)
	if _, err := r.create(chunk, pc.chunkSQL(k, limit)); err != nil {
		if err := r.drop(chunk); err != nil {
			return 0, 0, 0, "", err
		}
		pc.single = true
		reached, pc.rows, changed, note, err = ps.advance(k, k)
		return reached, pc.rows, changed, note, err
	}
	reached, changed, counts, err := pc.last(chunk, k, limit)
	if err != nil {
		return 0, 0, 0, "", err
	}
	next := r.table("s", reached)
	rows, err = r.create(next, fmt.Sprintf("SELECT %s FROM %s WHERE %s = %d", strings.Join(r.cols, ", "), chunk, chunkIteration, reached))
	if err != nil {
		return 0, 0, 0, "", r.partErr(r.p.Step, k, err)
	}
	for _, t := range []string{chunk, ps.cur} {
		if err := r.drop(t); err != nil {
			return 0, 0, 0, "", err
		}
	}
	ps.cur, ps.prev = next, ""
	r.lastPrint = nil // the plain path's fingerprint of the state before, if it goes on
	pc.size = nextChunk(pc.size, time.Since(began))
	for j := k; j < reached; j++ {
		n := int64(0) // an iteration past the chunk's last rows is empty
		if j-k+1 < len(counts) {
			n = counts[j-k+1]
		}
		r.record(j, n, -1, time.Now(), "")
	}
	pc.rows = rows
	return reached, rows, changed, "", nil
}

// chunkIteration is the plain chunk's column of the iteration of a row.
const chunkIteration = "__itersql_iteration"

// last reads a plain chunk of iterations k to limit: the last iteration
// the loop must see (a fixpoint, limit, or the empty state after the
// last iteration that had rows) and its changed count (0 at a fixpoint,
// else -1: not counted), and the rows of iterations k-1 on; or the
// max_state_rows error.
func (pc *plainChunks) last(chunk string, k, limit int) (reached int, changed int64, counts []int64, err error) {
	r := pc.ps.r
	sum := "0"
	if pc.ps.fixpoint {
		sum = fmt.Sprintf("COALESCE(sum(hash(%s)), 0)", strings.Join(r.cols, ", "))
	}
	res, err := r.s.query(r.ctx, fmt.Sprintf("SELECT %s, count(*), CAST(%s AS VARCHAR) FROM %s GROUP BY ALL ORDER BY 1", chunkIteration, sum, chunk))
	if err != nil {
		return 0, 0, nil, r.partErr(r.p.Step, k, err)
	}
	// res has a row per iteration, k-1 to the last with rows, in order.
	for _, row := range res.Rows {
		n, _ := row[1].(int64)
		counts = append(counts, n)
	}
	for i := 1; i < len(res.Rows); i++ {
		j := k - 1 + i
		if err := r.checkRows(j, counts[i]); err != nil {
			return 0, 0, nil, err
		}
		if !pc.ps.fixpoint || counts[i] != counts[i-1] || res.Rows[i][2] != res.Rows[i-1][2] {
			continue
		}
		at := func(j int) string {
			return fmt.Sprintf("SELECT %s FROM %s WHERE %s = %d", strings.Join(r.cols, ", "), chunk, chunkIteration, j)
		}
		differ, err := r.count(fmt.Sprintf("SELECT count(*) FROM (%s EXCEPT ALL %s)", at(j), at(j-1)))
		if err != nil {
			return 0, 0, nil, r.partErr(r.p.Step, j, err)
		}
		if differ == 0 {
			return j, 0, counts, nil
		}
	}
	if last := k - 2 + len(res.Rows); last < limit {
		return last + 1, -1, counts, nil // it yielded no rows
	}
	return limit, -1, counts, nil
}

// chunkSQL is the query of plain iterations k to limit from the state
// (see plainChunks). With max_state_rows set, a step runs only while the
// state has at most that many rows, so the chunk ends at the iteration
// that outgrew it.
func (pc *plainChunks) chunkSQL(k, limit int) string {
	r := pc.ps.r
	const rec = "__itersql_rec"
	cols := strings.Join(r.cols, ", ")
	guard := ""
	if m := r.s.Settings.MaxStateRows; m > 0 {
		guard = fmt.Sprintf(" AND (SELECT count(*) FROM %s) <= %d", rec, m)
	}
	step := r.castStep(r.p.Step.Bind(fmt.Sprintf("(SELECT %s FROM %s)", cols, rec), "", ""))
	return fmt.Sprintf("WITH RECURSIVE %s(%s, %s) AS (SELECT CAST(%d AS BIGINT), %s FROM %s UNION ALL "+
		"SELECT __itersql_n.n, s.* FROM (%s) AS s, (SELECT %s + 1 AS n FROM %s LIMIT 1) AS __itersql_n WHERE __itersql_n.n <= %d%s) SELECT * FROM %s",
		rec, chunkIteration, cols, k-1, cols, pc.ps.cur, step, chunkIteration, rec, limit, guard, rec)
}

func (pc *plainChunks) views() views   { return pc.ps.views() }
func (pc *plainChunks) settle() error  { return pc.ps.settle() }
func (pc *plainChunks) result() string { return pc.ps.result() }
func (pc *plainChunks) close()         {}
