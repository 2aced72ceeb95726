package exec

// The skewed-join split, exec side (docs/skew.md): plan the split joins of
// a part once its inputs exist, detect each input's heavy keys (cached for
// inputs that do not change between iterations), run the broadcast and
// shuffle tasks on a pool of connections into result tables in the shared
// catalog, and hand the run loop the rewritten query that reads them.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
	"github.com/itersql/itersql/skew"
)

// ---- settings ----

func skewJoinText(s *Settings) string {
	if s.SkewJoin == "" {
		return "auto"
	}
	return s.SkewJoin
}

// autoInt prints a setting whose 0 means auto.
func autoInt(n int64) string {
	if n == 0 {
		return "auto"
	}
	return strconv.FormatInt(n, 10)
}

// setAutoInt reads "auto" (stored as 0) or a whole number >= 1.
func setAutoInt(dst *int64, name, v string) error {
	if strings.EqualFold(v, "auto") {
		*dst = 0
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return fmt.Errorf("%s must be auto or a whole number >= 1, not %q", name, v)
	}
	*dst = n
	return nil
}

func setPartitions(s *Settings, v string) error {
	var n int64
	if err := setAutoInt(&n, "partitions", v); err != nil {
		return err
	}
	if n > skew.MaxTasks {
		return fmt.Errorf("partitions must be auto or at most %d, not %q", skew.MaxTasks, v)
	}
	s.Partitions = int(n)
	return nil
}

func targetTaskRows(s *Settings) int64 {
	if s.TargetTaskRows == 0 {
		return skew.DefaultTargetTaskRows
	}
	return s.TargetTaskRows
}

func setTargetTaskRows(s *Settings, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return fmt.Errorf("target_task_rows must be a whole number >= 1, not %q", v)
	}
	s.TargetTaskRows = n
	return nil
}

func setSkewWorkers(s *Settings, v string) error {
	var n int64
	if err := setAutoInt(&n, "skew_workers", v); err != nil {
		return err
	}
	s.SkewWorkers = int(min(n, 1024))
	return nil
}

func (s *Settings) skewWorkers() int {
	if s.SkewWorkers > 0 {
		return s.SkewWorkers
	}
	return runtime.NumCPU()
}

// threshold is skew_threshold for DetectSQL (-1: auto).
func (s *Settings) threshold() int64 {
	if s.SkewThreshold == 0 {
		return -1
	}
	return s.SkewThreshold
}

// ---- one part's split joins ----

// joinedRows sets the rows of a pushed aggregation's tasks to the joined
// rows they processed (what they appended is a few partial rows).
func (k *skewer) joinedRows(sp *skew.Split, stats []skew.TaskStat) error {
	q := sp.RowsSQL()
	if q == "" {
		return nil
	}
	rows, err := k.s.conn.QueryContext(k.ctx, q)
	if err != nil {
		return fmt.Errorf("count the tasks' rows: %w", err)
	}
	defer rows.Close()
	byID := map[int]int64{}
	for rows.Next() {
		var id int
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return fmt.Errorf("count the tasks' rows: %w", err)
		}
		byID[id] = n
	}
	for i := range stats {
		stats[i].Rows = byID[skew.TaskID(stats[i].Task)]
	}
	return rows.Err()
}

// derivedTable is a cached table, the query it was made from and its rows.
type derivedTable struct {
	query, table string
	rows         int64
}

// skewPart is a part whose joins were planned against their inputs.
type skewPart struct {
	sp *skew.Prepared // nil or without joins: nothing to split
	// declined says why the part is not split at all (validation).
	declined string
	// repeated: the part runs at every iteration (a WITH ITERATE step),
	// so copies of its inputs that do not change are reused, and worth
	// sorting by partition.
	repeated bool
	// neverHeavy: under auto, no input can have heavy keys for the rest of
	// the statement (each is a base table already measured, or has a
	// unique key), so later executions skip detection altogether.
	neverHeavy bool
}

func (p *skewPart) active() bool { return p != nil && p.sp != nil && len(p.sp.Joins) > 0 }

// skewer runs the splits of one statement: it owns the tables the splits
// create and the detection cache of inputs that do not change.
type skewer struct {
	s   *Session
	ctx context.Context
	id  int // numbers the tables
	seq int
	// freq caches detection by (bound source, key) for inputs without
	// placeholders: base tables do not change while a statement runs,
	// nor between statements that write nothing (Session.freq).
	freq map[string]*skew.Freq
	// derived caches the heavy-row and partitioned tables of such inputs:
	// one per (kind, split, side), replaced when its query changes (other
	// heavy keys or partitions), so the cache never grows past that.
	derived map[string]derivedTable
	// unique tells whether an input's key is unique (a keyed state's KEY).
	unique func(source, key string) bool
	// track and untrack register the tables created, so that they are
	// dropped at the end (or after an error) by whoever owns them.
	track func(string)
	drop  func(string) error
	// temp are this execution's tables, dropped by release.
	temp []string
}

// stableSource reports whether a join input cannot change while a
// statement runs: it reads no iteration state.
func stableSource(source string) bool { return !strings.Contains(source, `"__itersql_`) }

func (s *Session) newSkewer(ctx context.Context) *skewer {
	s.seq++
	if s.freq == nil {
		s.freq = map[string]*skew.Freq{}
	}
	k := &skewer{s: s, ctx: ctx, id: s.seq, freq: s.freq, derived: map[string]derivedTable{},
		unique: func(string, string) bool { return false }}
	live := map[string]bool{}
	k.track = func(n string) { live[n] = true }
	k.drop = func(n string) error {
		if !live[n] {
			return nil
		}
		delete(live, n)
		_, err := s.exec(context.Background(), "DROP TABLE IF EXISTS "+n)
		return err
	}
	return k
}

// table names a new table in the shared catalog.
func (k *skewer) table(what string) string {
	k.seq++
	return SharedCatalog + ".main." + planner.Quote(fmt.Sprintf("__itersql_skew_%d_%s%d", k.id, what, k.seq))
}

// create makes a table from query on the session connection.
func (k *skewer) create(name, query string) error {
	k.track(name)
	_, err := k.s.exec(k.ctx, "CREATE TABLE "+name+" AS "+query)
	return err
}

// release drops this execution's tables (not the cached heavy rows).
func (k *skewer) release() error {
	var errs []error
	for _, t := range k.temp {
		errs = append(errs, k.drop(t))
	}
	k.temp = nil
	return errors.Join(errs...)
}

// close drops every table, cached ones included.
func (k *skewer) close() error {
	errs := []error{k.release()}
	for _, d := range k.derived {
		errs = append(errs, k.drop(d.table))
	}
	k.derived = map[string]derivedTable{}
	return errors.Join(errs...)
}

// describe returns (names, lower-case name -> type) of a bound query's
// columns, read on a pool connection: what a task cannot see (a temp
// table, a table of an open transaction) fails here.
func (k *skewer) describe(query string, pool bool) ([]string, map[string]string, []string, error) {
	var rows *sql.Rows
	var err error
	q := "DESCRIBE " + query
	if pool {
		conn, cerr := k.s.db.Conn(k.ctx)
		if cerr != nil {
			return nil, nil, nil, fmt.Errorf("task connection: %w", cerr)
		}
		defer conn.Close()
		rows, err = conn.QueryContext(k.ctx, q)
	} else {
		rows, err = k.s.conn.QueryContext(k.ctx, q)
	}
	if err != nil {
		return nil, nil, nil, errors.New(duckMessage(err))
	}
	res, err := ReadRows(rows)
	if err != nil {
		return nil, nil, nil, err
	}
	var names, types []string
	byName := map[string]string{}
	for _, vals := range res.Rows {
		n, t := fmt.Sprint(vals[0]), fmt.Sprint(vals[1])
		names = append(names, n)
		types = append(types, t)
		byName[strings.ToLower(n)] = t
	}
	return names, byName, types, nil
}

// plan plans the splits of query (a part's SQL with its placeholders);
// bind binds placeholders for this execution; orig is the bound unsplit
// query, whose columns the split query must reproduce. A split that
// pushes the aggregation into the tasks is tried first, then one that
// does not.
func (k *skewer) plan(query string, bind func(string) string, orig string) (*skewPart, error) {
	names, _, types, err := k.describe(orig, false)
	if err != nil {
		// The unsplit query fails on its own: let it run and say why.
		return &skewPart{declined: "the query does not compile: " + err.Error()}, nil
	}
	// Each input is described once, on a task connection: what a task
	// cannot see fails here.
	described := map[string][]skew.Column{}
	describe := func(source string) ([]skew.Column, error) {
		if cols, ok := described[source]; ok {
			return cols, nil
		}
		ns, _, ts, err := k.describe("SELECT * FROM "+bind(source)+" AS __itersql_d", true)
		if err != nil {
			return nil, err
		}
		cols := make([]skew.Column, len(ns))
		for i := range ns {
			cols[i] = skew.Column{Name: ns[i], Type: ts[i]}
		}
		described[source] = cols
		return cols, nil
	}
	for _, push := range []bool{true, false} {
		p := &skewPart{}
		if p.sp, err = skew.Prepare(query, describe, skew.Options{Names: names, PushAggregates: push}); err != nil {
			return nil, err
		}
		if !p.active() {
			return p, nil
		}
		reason := k.validate(p, bind, names, types)
		if reason == "" {
			return p, nil
		}
		if push && pushed(p) {
			continue
		}
		return k.declineAll(p, reason), nil
	}
	return nil, errors.New("skew split: no plan") // not reached: the last pass returns
}

// pushed reports whether some join of p computes the query's aggregates.
func pushed(p *skewPart) bool {
	for _, j := range p.sp.Joins {
		if len(j.Aggs) > 0 || len(j.GroupBy) > 0 {
			return true
		}
	}
	return false
}

// validate checks the split part: its keys must compare as plain binary
// values (a collation would make equal keys hash apart), and with empty
// result tables it must have the unsplit query's column names and types,
// and the tasks' connections must see the tables. It returns why not, or
// "".
func (k *skewer) validate(p *skewPart, bind func(string) string, names, types []string) string {
	for _, j := range p.sp.Joins {
		q := j.CollationSQL()
		if q == "" {
			continue
		}
		var collated bool
		if err := k.s.conn.QueryRowContext(k.ctx, bind(q)).Scan(&collated); err != nil {
			return "cannot read the collation of the key " + j.KeyText() + ": " + duckMessage(err)
		}
		if collated {
			return "the key " + j.KeyText() + " compares under a collation that is not binary (COLLATE, default_collation): equal keys could hash to different tasks"
		}
	}
	var tables []string
	defer func() {
		for _, t := range tables {
			k.drop(t)
		}
	}()
	for _, j := range p.sp.Joins {
		sp := &skew.Split{Join: j, Parts: 1, Result: k.table("check")}
		tables = append(tables, sp.Result)
		if err := k.create(sp.Result, bind(sp.ResultSelect())); err != nil {
			return "cannot build its result table: " + duckMessage(err)
		}
		if _, _, _, err := k.describe("SELECT * FROM "+sp.Result, true); err != nil {
			return "the task connections cannot see the result table (inside a transaction?): " + err.Error()
		}
	}
	gotNames, _, gotTypes, err := k.describe(skew.BindResults(bind(p.sp.SQL), tables), false)
	if err != nil {
		return "the rewritten query does not compile: " + err.Error()
	}
	if strings.Join(gotNames, "\x00") != strings.Join(names, "\x00") || strings.Join(gotTypes, "\x00") != strings.Join(types, "\x00") {
		return fmt.Sprintf("the rewritten query's columns (%s: %s) differ from the query's (%s: %s)",
			strings.Join(gotNames, ", "), strings.Join(gotTypes, ", "), strings.Join(names, ", "), strings.Join(types, ", "))
	}
	return ""
}

func (k *skewer) declineAll(p *skewPart, reason string) *skewPart {
	for _, j := range p.sp.Joins {
		p.sp.Declined = append(p.sp.Declined, j.Text+": "+reason)
	}
	p.sp.Joins = nil
	p.declined = reason
	return p
}

// detect measures side i of j (bound by bind). explain: inputs with
// placeholders are not read (they exist only during the run).
func (k *skewer) detect(j *skew.Join, i int, bind func(string) string, explain bool) (*skew.Freq, error) {
	sd := j.Sides[i]
	stable := stableSource(sd.Source)
	// Inputs not measured still report their rows (partitions follow them).
	skipped := ""
	switch {
	case k.unique(sd.Source, sd.Key):
		skipped = "key unique (the state's KEY): no key can be heavy"
	case !stable && k.s.Settings.SkewJoin != "on":
		// Under auto an iteration's state is not measured: that would be
		// one more GROUP BY over the state every iteration, and the
		// states of iterative jobs are keyed by vertex or entity, whose
		// keys are unique or nearly so. skew_join = on measures them.
		skipped = "an iteration's state: measured only with skew_join = on"
	}
	if skipped != "" {
		f := &skew.Freq{Skipped: skipped}
		if !explain {
			if err := k.s.conn.QueryRowContext(k.ctx, "SELECT count(*) FROM "+bind(sd.Source)).Scan(&f.Rows); err != nil {
				return nil, err
			}
		}
		return f, nil
	}
	if explain && !stable {
		return &skew.Freq{Skipped: "an iteration's state: detected at each iteration"}, nil
	}
	thr := k.s.Settings.threshold()
	taskRows := targetTaskRows(&k.s.Settings)
	if p := k.s.Settings.Partitions; p > 0 {
		taskRows = -int64(p)
	}
	// The side is part of the key: the heavy keys' rows are recorded
	// under it (Heavy.Rows[i]).
	cacheKey := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%d", sd.Source, sd.Key, thr, taskRows, i)
	if f, ok := k.freq[cacheKey]; ok && stable {
		return f, nil
	}
	q := skew.DetectSQL(skew.Side{Alias: sd.Alias, Source: bind(sd.Source), Key: sd.Key}, thr, taskRows)
	rows, err := k.s.conn.QueryContext(k.ctx, q)
	if err != nil {
		return nil, err
	}
	f, err := skew.ReadFreq(rows, i)
	if err != nil {
		return nil, err
	}
	if stable {
		k.freq[cacheKey] = f
	}
	return f, nil
}

// splits lays out every join of p for one execution.
func (k *skewer) splits(p *skewPart, bind func(string) string, explain bool) ([]*skew.Split, error) {
	var out []*skew.Split
	for _, j := range p.sp.Joins {
		var f [2]*skew.Freq
		for i := range 2 {
			var err error
			if f[i], err = k.detect(j, i, bind, explain); err != nil {
				return nil, fmt.Errorf("detect heavy keys of %s: %w", j.Sides[i].Alias, err)
			}
		}
		sp, err := skew.NewSplit(j, f, k.s.Settings.Partitions, targetTaskRows(&k.s.Settings))
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

// execute runs p's splits for one execution and returns the query to run
// instead of the unsplit one ("" when this execution is not split: mode
// auto and no heavy keys) and a note for the statistics. The tables it
// made stay until release.
func (k *skewer) execute(p *skewPart, bind func(string) string) (query, note string, err error) {
	if !p.active() || p.neverHeavy {
		return "", "", nil
	}
	splits, err := k.splits(p, bind, false)
	if err != nil {
		return "", "", err
	}
	if k.s.Settings.SkewJoin != "on" {
		heavy := false
		for _, sp := range splits {
			heavy = heavy || len(sp.Heavy) > 0
		}
		if !heavy {
			// Under auto only base tables are measured (see detect), and
			// they do not change during the statement: what has no heavy
			// key now never will, so later iterations skip all of this.
			p.neverHeavy = true
			return "", "", nil
		}
	}
	var tasks []skew.Task
	var results []string
	var spans [][2]int
	for _, sp := range splits {
		sp.Result = k.table("r")
		k.temp = append(k.temp, sp.Result)
		results = append(results, sp.Result)
		if err := k.create(sp.Result, bind(sp.ResultSelect())); err != nil {
			return "", "", fmt.Errorf("create the result table of %s: %s", sp.Join.KeyText(), duckMessage(err))
		}
		for i := range 2 {
			if len(sp.Heavy) > 0 {
				var n int64
				if sp.HeavyTables[i], n, err = k.derivedTable("h", sp, i, sp.HeavySQL(i), bind); err != nil {
					return "", "", fmt.Errorf("collect the heavy-key rows of %s: %s", sp.Join.Sides[i].Alias, duckMessage(err))
				}
				sp.SetHeavyRows(i, n)
			}
			if prepartition(sp, i, p.repeated) {
				if sp.PartTables[i], _, err = k.derivedTable("p", sp, i, sp.PartSQL(i), bind); err != nil {
					return "", "", fmt.Errorf("partition %s: %s", sp.Join.Sides[i].Alias, duckMessage(err))
				}
			}
		}
		from := len(tasks)
		for _, t := range sp.Tasks() {
			t.SQL = bind(t.SQL)
			tasks = append(tasks, t)
		}
		spans = append(spans, [2]int{from, len(tasks)})
	}
	workers := k.s.Settings.skewWorkers()
	// database/sql keeps 2 idle connections by default; the tasks would
	// open and close DuckDB connections every round without this.
	k.s.db.SetMaxIdleConns(workers + 2)
	stats, err := skew.Run(k.ctx, k.s.db, workers, tasks)
	if err != nil {
		return "", "", err
	}
	var notes []string
	for n, sp := range splits {
		if err := k.joinedRows(sp, stats[spans[n][0]:spans[n][1]]); err != nil {
			return "", "", err
		}
		sum := skew.Summarize(stats[spans[n][0]:spans[n][1]])
		note := fmt.Sprintf("skew %s: heavy %d, %s", sp.Join.KeyText(), len(sp.Heavy), sum)
		if !k.s.Settings.ExplainTiming {
			note = fmt.Sprintf("skew %s: heavy %d, tasks %d (%d broadcast), rows max %d median %d",
				sp.Join.KeyText(), len(sp.Heavy), sum.Tasks, sum.Broadcast+sum.Unmatched, sum.MaxRows, sum.MedianRows)
		}
		notes = append(notes, note)
	}
	return skew.BindResults(bind(p.sp.SQL), results), strings.Join(notes, "; "), nil
}

// prepartition reports whether side i of sp is written once with its
// partition numbers before the shuffle tasks, and marks the copy to be
// sorted when it is reused: the input does not change and its part is
// repeated (see skew.Split.Prepartition).
func prepartition(sp *skew.Split, i int, repeated bool) bool {
	reused := repeated && stableSource(sp.Join.Sides[i].Source)
	sp.SortParts[i] = reused
	return sp.Prepartition(i, reused)
}

// derivedTable materializes query (side i's heavy-key rows, or its
// partitioned rows). For inputs that do not change, the table is kept and
// reused while the query stays the same; otherwise it lasts until release.
func (k *skewer) derivedTable(kind string, sp *skew.Split, i int, query string, bind func(string) string) (string, int64, error) {
	q := bind(query)
	sd := sp.Join.Sides[i]
	stable := stableSource(sd.Source)
	// The split and side too: two splits of one statement may read one
	// input (a self-join, two subqueries), and each needs its own table.
	slot := fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", kind, sp.Join.Result, i, sd.Source, sd.Key)
	if d, ok := k.derived[slot]; ok && stable {
		if d.query == q {
			return d.table, d.rows, nil
		}
		delete(k.derived, slot)
		if err := k.drop(d.table); err != nil {
			return "", 0, err
		}
	}
	t := k.table(kind)
	if err := k.create(t, q); err != nil {
		return "", 0, err
	}
	// CREATE TABLE AS reports no row count; a count of a fresh table is
	// cheap (DuckDB keeps it per row group).
	var n int64
	if err := k.s.conn.QueryRowContext(k.ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
		return "", 0, err
	}
	if stable {
		k.derived[slot] = derivedTable{q, t, n}
	} else {
		k.temp = append(k.temp, t)
	}
	return t, n, nil
}

// explain describes p's splits; detection runs on the inputs it can read.
func (k *skewer) explain(label string, p *skewPart, bind func(string) string) (string, error) {
	if p == nil || p.sp == nil {
		return "", nil
	}
	var b strings.Builder
	// Under auto, EXPLAIN shows a split only where it finds heavy keys
	// before the run (in base tables): the rest would run unsplit unless an
	// iteration's state turns out skewed. skew_join = on shows them all.
	on := k.s.Settings.SkewJoin == "on"
	if p.active() {
		splits, err := k.splits(p, bind, true)
		if err != nil {
			return "", err
		}
		heavy := on
		for _, sp := range splits {
			heavy = heavy || len(sp.Heavy) > 0
		}
		if !heavy {
			return "", nil
		}
		for n, sp := range splits {
			sp.Result = skew.ResultRef(n + 1)
			for i := range 2 {
				sp.HeavyTables[i] = planner.Quote("heavy_" + sp.Join.Sides[i].Alias)
				if prepartition(sp, i, p.repeated) {
					sp.PartTables[i] = planner.Quote("parts_" + sp.Join.Sides[i].Alias)
				}
			}
			fmt.Fprintf(&b, "  split %d: %s\n", n+1, sp.Join.Text)
			b.WriteString(sp.Explain("    ") + "\n")
		}
		fmt.Fprintf(&b, "  %s as run when split:\n    %s\n", label, p.sp.SQL)
	}
	for _, d := range p.sp.Declined {
		if on || b.Len() > 0 {
			fmt.Fprintf(&b, "  not split: %s\n", d)
		}
	}
	if b.Len() == 0 {
		return "", nil
	}
	return fmt.Sprintf("skew split of the %s (skew_join = %s, skew_threshold = %s, partitions = %s, target_task_rows = %d):\n",
		label, skewJoinText(&k.s.Settings), autoInt(k.s.Settings.SkewThreshold), autoInt(int64(k.s.Settings.Partitions)),
		targetTaskRows(&k.s.Settings)) + b.String(), nil
}

// ---- WITH ITERATE ----

// skewRun is a run's split state (run.skew).
type skewRun struct {
	k           *skewer
	step, final *skewPart
	planned     bool
}

// skewInit prepares a run for splits: when skew_join is not off and the
// step or final query joins, the run's tables go to the shared catalog so
// the tasks' connections can read the states.
func (r *run) skewInit() {
	if r.s.Settings.SkewJoin == "off" || !hasJoin(r.p) {
		return
	}
	k := r.s.newSkewer(r.ctx)
	k.track = func(n string) { r.live[n] = true }
	k.drop = r.drop
	if p := r.p; p.Keyed() && len(p.Key) == 1 {
		k.unique = func(source, key string) bool {
			return (source == planner.StateRef || source == planner.DeltaRef) && strings.EqualFold(key, p.Key[0])
		}
	}
	r.skew = &skewRun{k: k}
	r.shared = true
}

// skewStep runs the step's split tasks for iteration k and returns the
// step to materialize (step, the bound unsplit one, when not split) and
// a note for the iteration's statistics.
func (r *run) skewStep(k int, step, state, previous, delta string) (string, string, error) {
	if r.skew == nil {
		return step, "", nil
	}
	bind := func(q string) string { return planner.Bind(q, state, previous, delta) }
	sk := r.skew
	if !sk.planned {
		sk.planned = true
		p, err := sk.k.plan(r.p.Step.SQL, bind, step)
		if err != nil {
			return "", "", r.partErr(r.p.Step, k, err)
		}
		p.repeated = true
		sk.step = p
	}
	q, note, err := sk.k.execute(sk.step, bind)
	if err != nil {
		return "", "", r.skewErr(r.p.Step, k, err)
	}
	if q == "" {
		return step, "", nil
	}
	return q, note, nil
}

// hasJoin reports whether p's step or final query joins: only then can a
// split happen, and only then must the run's tables be readable by other
// connections.
func hasJoin(p *planner.Plan) bool { return skew.HasJoin(p.Step.SQL) || skew.HasJoin(p.Final.SQL) }

// skewRelease drops the tables of the last split (the step is
// materialized, its result tables are no longer read).
func (r *run) skewRelease() error {
	if r.skew == nil {
		return nil
	}
	return r.skew.k.release()
}

// skewFinal returns the final query to run on state, split if it can be.
func (r *run) skewFinal(state string) (string, error) {
	final := planner.Bind(r.p.Final.SQL, state, "", "")
	if r.skew == nil {
		return final, nil
	}
	bind := func(q string) string { return planner.Bind(q, state, "", "") }
	p, err := r.skew.k.plan(r.p.Final.SQL, bind, final)
	if err != nil {
		return "", err
	}
	r.skew.final = p
	q, note, err := r.skew.k.execute(p, bind)
	if err != nil {
		return "", r.skewErr(r.p.Final, -1, err)
	}
	if q == "" {
		return final, nil
	}
	if note != "" && len(r.stats) > 0 {
		last := &r.stats[len(r.stats)-1]
		last.Note = joinNotes(last.Note, "final "+note)
	}
	return q, nil
}

func (r *run) skewErr(q planner.Query, k int, err error) error {
	var pe *sqlscan.Error
	if errors.As(err, &pe) {
		return err
	}
	if k < 0 {
		return &sqlscan.Error{Pos: q.Pos, Msg: fmt.Sprintf("%s of %s, skew split: %s", q.What, r.p.Name, duckMessage(err)), Err: err}
	}
	return r.partErr(q, k, fmt.Errorf("skew split: %w", err))
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// skewExplain appends the splits of p's step and final query to EXPLAIN's
// text. The states do not exist yet: they stand in as the initial query.
func (s *Session) skewExplain(ctx context.Context, p *planner.Plan, text string) string {
	if s.Settings.SkewJoin == "off" || !hasJoin(p) {
		return text
	}
	k := s.newSkewer(ctx)
	defer k.close()
	if err := s.attachShared(ctx); err != nil {
		return text + "\nskew split: " + err.Error()
	}
	if p.Keyed() && len(p.Key) == 1 {
		k.unique = func(source, key string) bool {
			return (source == planner.StateRef || source == planner.DeltaRef) && strings.EqualFold(key, p.Key[0])
		}
	}
	stand := "(SELECT * FROM (" + p.Initial.SQL + ") AS __itersql_i"
	if len(p.Columns) > 0 {
		stand += "(" + strings.Join(quoteAll(p.Columns), ", ") + ")"
	}
	stand += ")"
	bind := func(q string) string { return planner.Bind(q, stand, stand, stand) }
	var out []string
	for _, part := range []struct {
		label    string
		repeated bool
		q        planner.Query
	}{
		{"step", true, p.Step},
		{"final query", false, p.Final},
	} {
		sp, err := k.plan(part.q.SQL, bind, bind(part.q.SQL))
		if err == nil {
			sp.repeated = part.repeated
			var t string
			if t, err = k.explain(part.label, sp, bind); t != "" {
				out = append(out, strings.TrimRight(t, "\n"))
			}
		}
		if err != nil {
			out = append(out, fmt.Sprintf("skew split of the %s: %s", part.label, duckMessage(err)))
		}
	}
	if len(out) == 0 {
		return text
	}
	return text + "\n" + strings.Join(out, "\n")
}

// ---- plain SELECT ----

// skewSelect runs a plain query (or EXPLAIN [ANALYZE] of one) with its
// equi-joins split, when skew_join = on and it joins. ok false: run it
// unchanged.
func (s *Session) skewSelect(ctx context.Context, st *parser.Passthrough) (res *Result, ok bool, err error) {
	if s.Settings.SkewJoin != "on" {
		return nil, false, nil
	}
	toks, err := sqlscan.Tokens(st.SQL, st.Pos)
	if err != nil || len(toks) == 0 {
		return nil, false, nil
	}
	explain, analyze, i := explainPrefix(toks)
	if i >= len(toks) || !(toks[i].Is("SELECT") || toks[i].Is("WITH") || toks[i].Text == "(") {
		return nil, false, nil
	}
	query := st.SQL[toks[i].Off:]
	if !skew.HasJoin(query) { // nor does a query DuckDB cannot parse
		return nil, false, nil
	}
	if err := s.attachShared(ctx); err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	k := s.newSkewer(ctx)
	defer func() {
		if cerr := k.close(); cerr != nil && err == nil {
			err = positioned(st.Pos, cerr)
		}
	}()
	id := func(q string) string { return q }
	p, err := k.plan(query, id, query)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if !p.active() && !(explain && !analyze && p.sp != nil && len(p.sp.Declined) > 0) {
		return nil, false, nil
	}
	if explain && !analyze {
		text, err := k.explain("query", p, id)
		if err != nil {
			return nil, true, positioned(st.Pos, err)
		}
		return &Result{Text: strings.TrimRight(text, "\n")}, true, nil
	}
	began := time.Now()
	q, note, err := k.execute(p, id)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if q == "" {
		q = query
	}
	res, err = s.query(ctx, q)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if !explain {
		return res, true, nil
	}
	text, err := k.explain("query", p, id)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	text += "analyze: " + note
	if s.Settings.ExplainTiming {
		text += fmt.Sprintf("; %d rows in %.1f ms", len(res.Rows), float64(time.Since(began).Microseconds())/1000)
	} else {
		text += fmt.Sprintf("; %d rows", len(res.Rows))
	}
	return &Result{Text: text}, true, nil
}
