package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// run is one execution of a plan: its temp tables and what it has seen.
type run struct {
	s         *Session
	p         *planner.Plan
	ctx       context.Context
	id        int
	names     []string // state columns
	cols      []string // state columns, quoted
	types     []string // their DuckDB types, from the initial query
	live      map[string]bool
	stats     []IterStat
	analyze   bool
	start     time.Time
	lastPrint *fingerprint // fingerprint of the last plain state (FIXPOINT)
	// shared puts the run's tables in the session's attached in-memory
	// catalog instead of the connection's temp schema, so that other
	// connections (parallel skew tasks) can read them.
	shared bool
	ckpt   *ckptRun // checkpoints of this run (exec/checkpoint.go); nil when off
	skew   *skewRun // skewed-join splits (exec/skew.go); nil when off or nothing joins
	// parts are the plan's parts compiled by the engine, by position.
	parts map[sqlscan.Pos]part
}

// Run executes plan and returns the final query's result. analyze keeps
// the statistics the stop tests do not need (rows changed of plain states).
// Every temp table it made is gone when it returns, error or not.
func (s *Session) Run(ctx context.Context, p *planner.Plan, analyze bool) (res *Result, err error) {
	s.seq++
	r := &run{s: s, p: p, ctx: ctx, id: s.seq, live: map[string]bool{}, analyze: analyze, start: time.Now()}
	if r.s.Engine() == "spark" {
		if err := r.sparkOnly(); err != nil {
			return nil, err
		}
	}
	if err := r.compile(); err != nil {
		return nil, err
	}
	if err := r.skewInit(); err != nil {
		return nil, err
	}
	defer func() {
		r.checkpointRelease()
		if cerr := r.dropAll(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	var state string
	if p.Keyed() {
		state, err = r.keyed()
	} else {
		state, err = r.plain()
	}
	if err != nil {
		return nil, err
	}
	final, err := r.skewFinal(state)
	if err != nil {
		return nil, err
	}
	res, err = r.final(final, state)
	if err != nil {
		return nil, r.partErrAt(p.Final, 0, err, state, "", "")
	}
	res = quietCount(p.Command, res)
	res.Stats = r.stats
	r.checkpointFinish()
	return res, nil
}

// final runs the final query (final, split or not, reading state), then
// what finishes its statement (part.then: the rename of Spark's CREATE OR
// REPLACE TABLE).
func (r *run) final(final, state string) (*Result, error) {
	res, err := r.finalQuery(final, state)
	if err = r.s.finish(r.ctx, r.parts[r.p.Final.Pos], err); err != nil {
		return nil, err
	}
	return res, nil
}

// finalQuery runs the final query. A bare query asked for as DuckDB's
// text (Session.ValueText) is wrapped in a cast of every column, after a
// DESCRIBE (it only binds) for the columns' names and types.
func (r *run) finalQuery(final, state string) (*Result, error) {
	cast := map[string]string{ValuesVarchar: "CAST(COLUMNS(*) AS VARCHAR)", ValuesJSON: "CAST(to_json(COLUMNS(*)) AS VARCHAR)"}[r.s.ValueText]
	if r.p.Command != "" || cast == "" || r.s.Engine() != "duckdb" {
		return r.s.query(r.ctx, final)
	}
	desc, err := r.s.query(r.ctx, "DESCRIBE "+r.bind(r.p.Final, state, "", ""))
	if err != nil {
		// Its error, from the query as written, points at the bad token.
		return r.s.query(r.ctx, final)
	}
	res, err := r.s.query(r.ctx, "SELECT "+cast+" FROM ("+final+"\n)")
	if err != nil {
		// DuckDB's error points into the wrapper; the query as written
		// gives the same error at the user's token.
		return r.s.query(r.ctx, final)
	}
	res.Columns, res.Types, res.ValueText = make([]string, len(desc.Rows)), make([]string, len(desc.Rows)), true
	for i, row := range desc.Rows {
		res.Columns[i], res.Types[i] = fmt.Sprint(row[0]), fmt.Sprint(row[1])
	}
	return res, nil
}

// table names the kind-th table of iteration k of this run.
func (r *run) table(kind string, k int) string {
	name := r.s.eng.quote(r.s.eng.tableName(fmt.Sprintf("__itersql_%d_%s_%s%d", r.id, r.p.Name, kind, k)))
	if r.shared {
		return SharedCatalog + ".main." + name
	}
	return name
}

// create runs a CREATE TEMP TABLE name AS query, tracks the table, and
// returns its rows: DuckDB answers a CREATE TABLE AS with the count of
// rows it wrote, which spares a count(*) of the new table (a statement, a
// third of a plain iteration's).
func (r *run) create(name, query string) (int64, error) {
	r.live[name] = true
	r.s.sent.TablesCreated++
	create := "CREATE TEMP TABLE "
	if r.shared {
		if err := r.s.attachShared(r.ctx); err != nil {
			return 0, err
		}
		create = "CREATE TABLE "
	}
	if err := oneStatement(create + name + " AS " + query); err != nil {
		return 0, err
	}
	r.s.sent.Statements++
	return r.s.eng.materialize(r.ctx, name, query)
}

func (r *run) drop(name string) error {
	if name == "" || !r.live[name] {
		return nil
	}
	delete(r.live, name)
	r.s.sent.Statements++
	return r.s.eng.drop(context.Background(), name)
}

// dropAll drops what is left, also after a cancel: that is why it does
// not use the run's context.
func (r *run) dropAll() error {
	var errs []error
	for name := range r.live {
		errs = append(errs, r.drop(name))
	}
	return errors.Join(errs...)
}

func (r *run) count(query string) (int64, error) {
	var n int64
	err := r.s.queryRow(r.ctx, query, &n)
	return n, err
}

// partErr positions an error of an iteration's statements in the part
// that failed: where it points if the engine can tell without knowing
// the tables (Spark's errors), else at the part's start.
func (r *run) partErr(q planner.Query, k int, err error) error {
	return r.partErrAt(q, k, err, "", "", "")
}

// partErrAt positions an engine's error where it points in q bound to the
// tables given, or at the part's start.
func (r *run) partErrAt(q planner.Query, k int, err error, state, previous, delta string) error {
	pos, ok := r.s.eng.errorPos(q, r.parts[q.Pos], err, state, previous, delta)
	if !ok {
		pos = q.Pos
	}
	return r.partErrIn(q, pos, k, err)
}

func (r *run) partErrIn(q planner.Query, pos sqlscan.Pos, k int, err error) error {
	if errors.Is(err, context.Canceled) || r.ctx.Err() != nil {
		return &sqlscan.Error{Pos: q.Pos, Msg: fmt.Sprintf("canceled at iteration %d of %s", k, r.p.Name), Err: err}
	}
	where := q.What + " of " + r.p.Name
	if k > 0 {
		where = fmt.Sprintf("iteration %d, %s", k, where)
	}
	return &sqlscan.Error{Pos: pos, Msg: where + ": " + duckMessage(err), Err: err}
}

func (r *run) errorf(pos sqlscan.Pos, format string, args ...any) error {
	return sqlscan.Errorf(pos, format, args...)
}

// limit caps a state query at max_state_rows+1 rows, so a diverging state
// is caught before it is materialized in full.
func (r *run) limit() string {
	if m := r.s.Settings.MaxStateRows; m > 0 {
		return fmt.Sprintf(" LIMIT %d", m+1)
	}
	return ""
}

func (r *run) checkRows(k int, rows int64) error {
	if m := r.s.Settings.MaxStateRows; m > 0 && rows > m {
		return r.errorf(r.p.Source.Pos, "%s has more than max_state_rows = %d rows at iteration %d; the state is diverging, or raise the limit with SET max_state_rows = n (0 = off)", r.p.Name, m, k)
	}
	return nil
}

// initial materializes iteration 0 and learns the state's columns and types.
func (r *run) initial(name string) (int64, error) {
	p := r.p
	q := "SELECT * FROM (" + r.bind(p.Initial, "", "", "") + ") AS __itersql_i"
	if len(p.Columns) > 0 {
		q += "(" + strings.Join(r.quoteNames(p.Columns), ", ") + ")"
	}
	n, err := r.create(name, q+r.limit())
	if err != nil {
		if len(p.Columns) > 0 && strings.Contains(err.Error(), "columns available but") {
			return 0, r.errorf(p.Initial.Pos, "the initial query of %s returns fewer columns than %s declares (%s)", p.Name, p.Name, strings.Join(p.Columns, ", "))
		}
		// Spark refuses more columns than names too (DuckDB names the
		// first ones, and learnColumns reports it).
		if len(p.Columns) > 0 && strings.Contains(err.Error(), "ASSIGNMENT_ARITY_MISMATCH") {
			if cols, _, derr := r.describe(r.bind(p.Initial, "", "", "")); derr == nil {
				what := "fewer columns than " + p.Name + " declares"
				if len(cols) > len(p.Columns) {
					what = fmt.Sprintf("%d columns, but %s declares %d", len(cols), p.Name, len(p.Columns))
				}
				return 0, r.errorf(p.Initial.Pos, "the initial query of %s returns %s (%s)", p.Name, what, strings.Join(p.Columns, ", "))
			}
		}
		// It ran inside a CREATE TABLE AS, whose text the engine's
		// error points into. When the query does not bind (the usual
		// cause), checked alone its error points at the bad token.
		if cerr := r.prepare(p.Initial, "", "", ""); cerr != nil {
			return 0, cerr
		}
		return 0, r.partErr(p.Initial, 0, err)
	}
	if err := r.learnColumns(name); err != nil {
		return 0, err
	}
	return n, r.checkRows(0, n)
}

// learnColumns reads the state's columns and types from its table.
func (r *run) learnColumns(name string) error {
	p := r.p
	cols, types, err := r.describe("SELECT * FROM " + name)
	if err != nil {
		return r.partErr(p.Initial, 0, err)
	}
	if len(p.Columns) > 0 && len(cols) != len(p.Columns) {
		return r.errorf(p.Initial.Pos, "the initial query of %s returns %d columns, but %s declares %d (%s)", p.Name, len(cols), p.Name, len(p.Columns), strings.Join(p.Columns, ", "))
	}
	names := map[string]bool{}
	for i, c := range cols {
		if names[strings.ToLower(c)] {
			return r.errorf(p.Initial.Pos, "%s has two columns named %q: name them with WITH ITERATE %s(col, ...)", p.Name, c, p.Name)
		}
		names[strings.ToLower(c)] = true
		r.names = append(r.names, c)
		r.cols = append(r.cols, r.s.eng.quote(c))
		r.types = append(r.types, types[i])
	}
	for _, k := range p.Key {
		if !names[k] {
			return r.errorf(p.Source.Pos, "KEY column %q is not a column of %s", k, p.Name)
		}
	}
	return nil
}

// check binds the step, every UNTIL condition and the final query
// against the state's table, once, before iteration 1, so that a typo
// anywhere costs no iterations; and compares the step's columns with the
// state's. Binding is DuckDB's PREPARE: nothing runs.
func (r *run) check(state string) error {
	p := r.p
	if err := r.prepare(p.Step, state, "", state); err != nil {
		return err
	}
	stepCols, _, err := r.describe(r.bind(p.Step, state, "", state))
	if err != nil {
		return r.partErr(p.Step, 0, err)
	}
	if len(stepCols) != len(r.cols) {
		return r.errorf(p.Step.Pos, "the step of %s returns %d columns, but %s has %d (%s)", p.Name, len(stepCols), p.Name, len(r.cols), strings.Join(r.names, ", "))
	}
	for _, st := range p.Stops {
		if st.Kind == parser.Condition {
			if err := r.prepare(*st.Cond, state, state, state); err != nil {
				return err
			}
		}
	}
	return r.prepare(p.Final, state, "", "")
}

// describe gives the names and types of query's columns, in the engine's
// type names.
func (r *run) describe(query string) (names, types []string, err error) {
	r.s.sent.Statements++
	return r.s.eng.describe(r.ctx, query)
}

// prepare binds q (without running it) and positions its error.
func (r *run) prepare(q planner.Query, state, previous, delta string) error {
	r.s.sent.Statements++
	if err := r.s.eng.check(r.ctx, r.parts[q.Pos], r.bind(q, state, previous, delta)); err != nil {
		return r.partErrAt(q, 0, err, state, previous, delta)
	}
	return nil
}

// castStep wraps a bound step so its columns get the state's names and
// types (the types of the initial query).
func (r *run) castStep(step string) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range r.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "CAST(%s AS %s) AS %s", c, r.types[i], c)
	}
	fmt.Fprintf(&b, " FROM (%s) AS __itersql_s(%s)", step, strings.Join(r.cols, ", "))
	return b.String()
}

// stepErr explains a failed step; a failed cast names the column.
func (r *run) stepErr(k int, step string, err error) error {
	if msg := err.Error(); strings.Contains(msg, "Conversion Error") || strings.Contains(msg, "[CAST_") { // DuckDB's, Spark's
		for i, c := range r.cols {
			n, cerr := r.count(fmt.Sprintf("SELECT count(*) FROM (%s) AS __itersql_s(%s) WHERE %s IS NOT NULL AND TRY_CAST(%s AS %s) IS NULL",
				step, strings.Join(r.cols, ", "), c, c, r.types[i]))
			if cerr == nil && n > 0 {
				return r.errorf(r.p.Step.Pos, "iteration %d, step of %s: a value of column %s cannot be cast to %s, the column's type from the initial query (%s)",
					k, r.p.Name, r.names[i], r.types[i], duckMessage(err))
			}
		}
	}
	return r.partErr(r.p.Step, k, err)
}

// stop evaluates the UNTIL tests after iteration k. changed < 0 means not
// counted (no FIXPOINT test asked for it).
func (r *run) stop(k int, changed int64, state, previous, delta string) (bool, error) {
	for _, st := range r.p.Stops {
		switch st.Kind {
		case parser.Fixpoint:
			if changed == 0 {
				return true, nil
			}
		case parser.Iterations:
			if k >= st.N {
				return true, nil
			}
		case parser.Condition:
			var v any
			q := r.bind(*st.Cond, state, previous, delta)
			if err := r.s.queryRow(r.ctx, q, &v); err != nil {
				return false, r.partErrAt(*st.Cond, k, err, state, previous, delta)
			}
			ok, isBool := v.(bool)
			if v != nil && !isBool {
				return false, r.errorf(st.Cond.Pos, "iteration %d, UNTIL condition of %s: the condition must be true or false, not %v (%T)", k, r.p.Name, v, v)
			}
			if ok {
				return true, nil
			}
		}
	}
	return false, nil
}

func (r *run) hasFixpoint() bool {
	for _, st := range r.p.Stops {
		if st.Kind == parser.Fixpoint {
			return true
		}
	}
	return false
}

// record adds iteration k's statistics and reports progress.
func (r *run) record(k int, rows, changed int64, began time.Time, note string) {
	st := IterStat{Iteration: k, Rows: rows, Changed: changed, Duration: time.Since(began), Note: note}
	r.stats = append(r.stats, st)
	if r.s.Progress != nil {
		r.s.Progress(r.p.Name, st, time.Since(r.start))
	}
}

// endIteration closes iteration k of any loop: a checkpoint if one is due
// (of state and delta), its statistics, and whether the loop is finished:
// done (a stop test held), or the max_iterations error.
func (r *run) endIteration(k int, done bool, rows, changed int64, began time.Time, skewNote, state, delta string) (finished bool, err error) {
	note, err := r.checkpointAfter(k, done, state, delta)
	if err != nil {
		return true, err
	}
	r.record(k, rows, changed, began, joinNotes(note, skewNote))
	if done {
		return true, nil
	}
	if k >= r.s.Settings.MaxIterations {
		return true, r.runaway(k, rows, changed)
	}
	return false, nil
}

// runaway is the max_iterations error.
func (r *run) runaway(k int, rows, changed int64) error {
	what := fmt.Sprintf("%d rows, %d changed", rows, changed)
	if changed < 0 {
		what = fmt.Sprintf("%d rows, still changing", rows)
	}
	return r.errorf(r.p.Source.Pos, "%s did not stop within max_iterations = %d (iteration %d: %s); raise it with SET max_iterations = n, or check the UNTIL test",
		r.p.Name, r.s.Settings.MaxIterations, k, what)
}

// plain runs a state that each step replaces. At most two states are
// alive: the one the step reads and the one it writes.
func (r *run) plain() (string, error) {
	p := r.p
	began := time.Now()
	cur := r.table("s", 0)
	k0, rows, resumed, err := r.restore(cur, "")
	if err != nil {
		return "", err
	}
	if !resumed {
		if rows, err = r.initial(cur); err != nil {
			return "", err
		}
		r.record(0, rows, rows, began, "")
	}
	if err := r.check(cur); err != nil {
		return "", err
	}
	if p.StopAfter == k0 {
		return cur, nil
	}
	ps := &plainStates{r: r, cur: cur, fixpoint: r.hasFixpoint()}
	if strategy, _ := plainStrategy(r.s.KeyedStrategy, &r.s.Settings, p, r.analyze); strategy == plainRecursive {
		return r.loop(ps.chunks(rows), k0)
	}
	return r.loop(ps, k0)
}

// plainStates is the plain strategy: each step's output is a new table,
// the state before is dropped at once (after the stop tests, when they
// read previous.name).
type plainStates struct {
	r         *run
	cur, prev string
	fixpoint  bool
}

func (ps *plainStates) advance(k, _ int) (reached int, rows, changed int64, note string, err error) {
	r, p := ps.r, ps.r.p
	step := r.bind(p.Step, ps.cur, "", "")
	next := r.table("s", k)
	stepSQL, note, err := r.skewStep(k, step, ps.cur, "", "")
	if err != nil {
		return 0, 0, 0, "", err
	}
	created, err := r.create(next, r.castStep(stepSQL)+r.limit())
	if err != nil {
		return 0, 0, 0, "", r.stepErr(k, step, err)
	}
	if err := r.skewRelease(); err != nil {
		return 0, 0, 0, "", err
	}
	rows, changed, err = r.compare(next, ps.cur, created, ps.fixpoint)
	if err != nil {
		return 0, 0, 0, "", r.partErr(p.Step, k, err)
	}
	if err := r.checkRows(k, rows); err != nil {
		return 0, 0, 0, "", err
	}
	ps.prev, ps.cur = ps.cur, next
	if !p.UsesPrevious {
		if err := r.drop(ps.prev); err != nil {
			return 0, 0, 0, "", err
		}
	}
	return k, rows, changed, note, nil
}

func (ps *plainStates) views() views {
	return views{state: ps.cur, previous: ps.prev, ckState: ps.cur}
}

func (ps *plainStates) settle() error  { return ps.r.drop(ps.prev) }
func (ps *plainStates) result() string { return ps.cur }
func (ps *plainStates) close()         {}

// compare counts how many of the rows of the new plain state next (rows,
// as its CREATE TABLE AS reported) changed from cur (-1: not counted). EXPLAIN ANALYZE counts them
// exactly with EXCEPT ALL over both states. A FIXPOINT test alone needs
// only to know whether anything changed: a multiset fingerprint of the new
// state (its row count and the sum of its rows' hashes, one scan of one
// table) is compared with the last one, and only when they match, which
// happens once, at the fixpoint, does EXCEPT ALL confirm it.
func (r *run) compare(next, cur string, rows int64, fixpoint bool) (_, changed int64, err error) {
	exceptAll := func() (int64, error) {
		return r.count(fmt.Sprintf("SELECT count(*) FROM (SELECT * FROM %s EXCEPT ALL SELECT * FROM %s)", next, cur))
	}
	if r.analyze {
		changed, err = exceptAll()
		return rows, changed, err
	}
	if !fixpoint {
		return rows, -1, nil
	}
	if r.lastPrint == nil {
		if r.lastPrint, err = r.fingerprint(cur); err != nil {
			return 0, 0, err
		}
	}
	fp, err := r.fingerprint(next)
	if err != nil {
		return 0, 0, err
	}
	same := *fp == *r.lastPrint
	r.lastPrint = fp
	if !same {
		return fp.rows, -1, nil
	}
	changed, err = exceptAll()
	return fp.rows, changed, err
}

// fingerprint is a multiset fingerprint of a table: equal tables have
// equal fingerprints; unequal ones almost surely not (compare confirms a
// match).
type fingerprint struct {
	rows int64
	sum  string
}

func (r *run) fingerprint(table string) (*fingerprint, error) {
	r.s.sent.Statements++
	return r.s.eng.fingerprint(r.ctx, table, r.cols)
}

// keyed runs a state upserted by key, semi-naively: the step reads the
// whole state and delta (the rows the last step added or changed), and
// the state is updated in place. It makes iteration 0 (or restores a
// checkpoint) and checks the parts, then iterates on the recursive path
// (exec/recursive.go), the MERGE path (exec/merge.go) or the table path
// (keyedTables), as keyedStrategy chooses.
func (r *run) keyed() (string, error) {
	p := r.p
	began := time.Now()
	state := r.table("state", 0)
	delta := r.table("d", 0)
	k0, rows, resumed, err := r.restore(state, delta)
	if err != nil {
		return "", err
	}
	if !resumed {
		delta = ""
		if rows, err = r.initial(state); err != nil {
			return "", err
		}
		if dup, err := r.duplicateKey(state); err != nil {
			return "", r.partErr(p.Initial, 0, err)
		} else if dup != "" {
			return "", r.errorf(p.Initial.Pos, "the initial query of %s yields two rows with KEY (%s) = %s", p.Name, strings.Join(p.Key, ", "), dup)
		}
		r.record(0, rows, rows, began, "")
	}
	if err := r.check(state); err != nil {
		return "", err
	}
	if p.StopAfter == k0 {
		return state, nil
	}
	if r.s.KeyedStrategy == KeyedReplace {
		return r.loop(r.keyedReplace(state, delta, rows, resumed), k0)
	}
	strategy, _ := keyedStrategy(r.s.KeyedStrategy, &r.s.Settings, p, r.analyze)
	if strategy == KeyedTables {
		return r.loop(r.keyedTables(state, delta, rows, resumed), k0)
	}
	km, err := r.keyedMerge(state, delta, k0, resumed)
	if err != nil {
		return "", err
	}
	if strategy == KeyedRecursive {
		return r.loop(r.keyedRecursive(km, rows), k0)
	}
	return r.loop(km, k0)
}

// keyOn joins the state (alias s) with rows aliased a by key. NULL is one
// key value, as in GROUP BY and DuckDB's USING KEY: with "=" a NULL key
// would never match and be inserted again at every step. DuckDB's hash
// join takes IS NOT DISTINCT FROM as an equality condition, so the
// non-NULL path costs the same: measured on 1M step rows against a
// 2M-row state, a median 64 ms for the delta and 48 ms for the UPDATE,
// against 66 and 56 ms with "=".
func (r *run) keyOn(a string) string {
	var on []string
	for _, k := range r.quoteNames(r.p.Key) {
		on = append(on, fmt.Sprintf("s.%s IS NOT DISTINCT FROM %s.%s", k, a, k))
	}
	return strings.Join(on, " AND ")
}

// valueColumns are the state's quoted columns that are not in its KEY.
func (r *run) valueColumns() []string {
	isKey := map[string]bool{}
	for _, k := range r.quoteNames(r.p.Key) {
		isKey[k] = true
	}
	var vals []string
	for _, c := range r.cols {
		if !isKey[c] {
			vals = append(vals, c)
		}
	}
	return vals
}

// differs is the condition under which the row aliased a changes the
// state row s of its key: some value column differs ("" when every
// column is in the key).
func (r *run) differs(a string) string {
	var d []string
	for _, c := range r.valueColumns() {
		d = append(d, fmt.Sprintf("%s.%s IS DISTINCT FROM s.%s", a, c, c))
	}
	return strings.Join(d, " OR ")
}

// keyedTables is the keyed strategy with tables made per iteration: the
// step's output (unless its key is surely unique) and the delta, by
// CREATE TABLE AS, and the state updated by an UPDATE and an INSERT from
// the delta. It serves every run the MERGE path does not (keyedStrategy).
type keyedTables struct {
	r                  *run
	state, delta, prev string
	deltaView          string
	rows               int64
}

func (r *run) keyedTables(state, delta string, rows int64, resumed bool) *keyedTables {
	kt := &keyedTables{r: r, state: state, delta: delta, rows: rows}
	kt.deltaView = state // delta.name after iteration 0 is the whole state
	if resumed {
		kt.deltaView = fmt.Sprintf("(SELECT %s FROM %s)", strings.Join(r.cols, ", "), delta)
	}
	return kt
}

// makeDelta materializes iteration k's delta (step, bound to state and
// delta view deltaView): the rows of the step's output that are new or
// differ from the state, with extra columns ("" or ", expr AS name"
// over the step's row r and the state's row s). It returns the delta's
// table and rows, and the skew split's note.
func (r *run) makeDelta(k int, step, state, deltaView, extra string) (delta string, rows int64, note string, err error) {
	p := r.p
	stepSQL, note, err := r.skewStep(k, step, state, "", deltaView)
	if err != nil {
		return "", 0, "", err
	}
	// A step that groups by its key cannot yield a key twice: its output
	// goes straight into the delta's query. Any other step is
	// materialized first and checked for duplicate keys.
	src := "(" + r.castStep(stepSQL) + ")"
	out := r.table("r", k)
	if !p.StepKeyUnique {
		if _, err := r.create(out, r.castStep(stepSQL)); err != nil {
			return "", 0, "", r.stepErr(k, step, err)
		}
		if err := r.duplicateStepKey(k, out); err != nil {
			return "", 0, "", err
		}
		src = out
	}
	changedCond := unmatched
	if d := r.differs("r"); d != "" {
		changedCond += " OR " + d
	}
	delta = r.table("d", k)
	rows, err = r.create(delta, fmt.Sprintf("SELECT r.*%s FROM %s AS r LEFT JOIN (SELECT *, true AS __itersql_in_state FROM %s) AS s ON %s WHERE %s",
		extra, src, state, r.keyOn("r"), changedCond))
	if err != nil {
		if p.StepKeyUnique {
			return "", 0, "", r.stepErr(k, step, err)
		}
		return "", 0, "", r.partErr(p.Step, k, err)
	}
	if err := r.skewRelease(); err != nil {
		return "", 0, "", err
	}
	return delta, rows, note, r.drop(out)
}

// A step row is new when no state row joined it. The key cannot say so (a
// NULL key joins a NULL key), nor can rowid (a user's column may be named
// so): a marker column that is never NULL in the state can.
const unmatched = "s.__itersql_in_state IS NULL"

func (kt *keyedTables) advance(k, _ int) (reached int, rows, changed int64, note string, err error) {
	r, p, state := kt.r, kt.r.p, kt.state
	cols := strings.Join(r.cols, ", ")
	var setList []string
	for _, c := range r.valueColumns() {
		setList = append(setList, fmt.Sprintf("%s = d.%s", c, c))
	}
	step := r.bind(p.Step, state, "", kt.deltaView)
	next, _, note, err := r.makeDelta(k, step, state, kt.deltaView, ", "+unmatched+" AS __itersql_new")
	if err != nil {
		return 0, 0, 0, "", err
	}
	// Counting the delta's changed and new rows (a small table) lets the
	// UPDATE or INSERT that would find nothing be skipped: either one
	// scans the whole state.
	var toUpdate, toInsert int64
	if err := r.s.queryRow(r.ctx, "SELECT count(*) FILTER (WHERE NOT __itersql_new), count(*) FILTER (WHERE __itersql_new) FROM "+next, &toUpdate, &toInsert); err != nil {
		return 0, 0, 0, "", r.partErr(p.Step, k, err)
	}
	if err := r.checkRows(k, kt.rows+toInsert); err != nil {
		return 0, 0, 0, "", err
	}
	kt.prev = ""
	if p.UsesPrevious {
		kt.prev = r.table("p", k)
		if _, err := r.create(kt.prev, "SELECT * FROM "+state); err != nil {
			return 0, 0, 0, "", r.partErr(p.Step, k, err)
		}
	}
	if toUpdate > 0 {
		_, err = r.s.exec(r.ctx, fmt.Sprintf("UPDATE %s AS s SET %s FROM %s d WHERE NOT d.__itersql_new AND %s",
			state, strings.Join(setList, ", "), next, r.keyOn("d")))
		if err != nil {
			return 0, 0, 0, "", r.partErr(p.Step, k, err)
		}
	}
	if toInsert > 0 {
		_, err = r.s.exec(r.ctx, fmt.Sprintf("INSERT INTO %s SELECT %s FROM %s WHERE __itersql_new", state, cols, next))
		if err != nil {
			return 0, 0, 0, "", r.partErr(p.Step, k, err)
		}
	}
	if err := r.drop(kt.delta); err != nil {
		return 0, 0, 0, "", err
	}
	kt.delta = next
	kt.deltaView = fmt.Sprintf("(SELECT %s FROM %s)", cols, next)
	kt.rows += toInsert
	return k, kt.rows, toUpdate + toInsert, note, nil
}

func (kt *keyedTables) views() views {
	return views{state: kt.state, previous: kt.prev, delta: kt.deltaView, ckState: kt.state, ckDelta: kt.delta}
}

func (kt *keyedTables) settle() error  { return kt.r.drop(kt.prev) }
func (kt *keyedTables) result() string { return kt.state }
func (kt *keyedTables) close()         {}

// duplicateStepKey reports a key that iteration k's step output (a table,
// or a parenthesized query) holds twice; nil when it holds none.
func (r *run) duplicateStepKey(k int, out string) error {
	p := r.p
	if dup, err := r.duplicateKey(out); err != nil {
		return r.partErr(p.Step, k, err)
	} else if dup != "" {
		return r.errorf(p.Step.Pos, "iteration %d, step of %s: two rows with KEY (%s) = %s; a keyed step must yield one row per key (GROUP BY the key)", k, p.Name, strings.Join(p.Key, ", "), dup)
	}
	return nil
}

// duplicateKey returns a key value that appears twice in table, or "".
func (r *run) duplicateKey(table string) (string, error) {
	keys := strings.Join(r.quoteNames(r.p.Key), ", ")
	res, err := r.s.query(r.ctx, fmt.Sprintf("SELECT %s FROM %s GROUP BY ALL HAVING count(*) > 1 LIMIT 1", keys, table))
	if err != nil || len(res.Rows) == 0 {
		return "", err
	}
	parts := make([]string, len(res.Rows[0]))
	for i, v := range res.Rows[0] {
		parts[i] = fmt.Sprint(v)
	}
	return "(" + strings.Join(parts, ", ") + ")", nil
}

// quoteNames quotes names for the session's engine.
func (r *run) quoteNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = r.s.eng.quote(n)
	}
	return out
}

// quoteAll quotes names for DuckDB, for what runs on DuckDB alone
// (checkpoints, the skew split).
func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = planner.Quote(n)
	}
	return out
}

// compile has the engine compile every part of the plan, before anything
// runs.
func (r *run) compile() error {
	p := r.p
	qs := []planner.Query{p.Initial, p.Step, p.Final}
	for _, st := range p.Stops {
		if st.Cond != nil {
			qs = append(qs, *st.Cond)
		}
	}
	r.parts = map[sqlscan.Pos]part{}
	for _, q := range qs {
		t, err := r.s.eng.compile(r.ctx, q)
		if err != nil {
			return err
		}
		r.parts[q.Pos] = t
	}
	return nil
}

// bind is part q of the plan in the engine's SQL, bound to tables.
func (r *run) bind(q planner.Query, state, previous, delta string) string {
	return r.parts[q.Pos].bind(state, previous, delta)
}
