package skew

// Running a query's splits, the entry point exec calls: a Runner serves
// one statement. Plan prepares a part once its inputs exist (rewrite,
// then a compile check against empty result tables); Execute detects the
// heavy keys of each execution (cached for inputs that do not change),
// lays out and runs the broadcast and shuffle tasks, and returns the query
// that reads their result tables; Explain describes it.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Settings are the split's settings (docs/skew.md, "Settings").
type Settings struct {
	On             bool  // skew_join = on: split every join that can be, and measure iteration states; false: auto
	Threshold      int64 // skew_threshold: rows that make a key heavy; 0: auto (autoThreshold)
	Partitions     int   // shuffle tasks; 0: from TargetTaskRows
	TargetTaskRows int64 // input rows a shuffle task should get (> 0)
	Workers        int   // connections the tasks run on (> 0)
	Timing         bool  // EXPLAIN ANALYZE notes give milliseconds
}

// threshold is Threshold for detectSQL (-1: auto).
func (s Settings) threshold() int64 {
	if s.Threshold == 0 {
		return -1
	}
	return s.Threshold
}

// Env is what the splits of a statement need of the session that runs
// it.
type Env struct {
	// Conn is the session's connection: the unsplit query, detection, the
	// result tables and the compile check run on it.
	Conn *sql.Conn
	// Tasks is the database whose connections run the tasks; inputs are
	// described there too, so that what a task cannot see (a temp table,
	// an open transaction's tables) declines the split.
	Tasks *sql.DB
	// Catalog holds the tables of the splits: one every connection sees.
	Catalog  string
	Settings Settings
	// Detected caches detection of inputs that cannot change while a
	// statement runs (no placeholder: base tables and views); the session
	// keeps it until a statement that may write. Must not be nil.
	Detected map[string]*Freq
	// Unique reports whether an input's key is unique (a keyed state's
	// KEY): it is not measured. Nil: none is.
	Unique func(source, key string) bool
	// Track registers a table the splits created, Drop drops one: their
	// owner drops every tracked table when the statement ends, error or
	// not.
	Track func(table string)
	Drop  func(table string) error
	// Message is a DuckDB error as users should read it.
	Message func(error) string
	// ID tells this statement's tables from those of the session's other
	// statements.
	ID int
}

// NewRunner returns the runner of one statement's splits.
func NewRunner(ctx context.Context, env Env) *Runner {
	if env.Unique == nil {
		env.Unique = func(string, string) bool { return false }
	}
	return &Runner{env: env, ctx: ctx, derived: map[string]derivedTable{}}
}

// joinedRows sets the rows of a pushed aggregation's tasks to the joined
// rows they processed (what they appended is a few partial rows).
func (k *Runner) joinedRows(sp *layout, stats []taskStat) error {
	q := sp.RowsSQL()
	if q == "" {
		return nil
	}
	rows, err := k.env.Conn.QueryContext(k.ctx, q)
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
		stats[i].Rows = byID[taskNumber(stats[i].Task)]
	}
	return rows.Err()
}

// derivedTable is a cached table, the query it was made from and its rows.
type derivedTable struct {
	query, table string
	rows         int64
}

// Part is a query whose joins were prepared against their inputs.
type Part struct {
	sp *Prepared // nil or without joins: nothing to split
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

// Active reports whether some join of p is split.
func (p *Part) Active() bool { return p != nil && p.sp != nil && len(p.sp.Joins) > 0 }

// Declined says, per join of p not split, why.
func (p *Part) Declined() []string {
	if p == nil || p.sp == nil {
		return nil
	}
	return p.sp.Declined
}

// Runner runs the splits of one statement: it owns the tables the splits
// create.
type Runner struct {
	env Env
	ctx context.Context
	seq int // numbers the tables
	// derived caches the heavy-row and partitioned tables of inputs that
	// do not change: one per (kind, split, side), replaced when its query
	// changes (other heavy keys or partitions), so the cache never grows
	// past that.
	derived map[string]derivedTable
	// temp are this execution's tables, dropped by Release.
	temp []string
}

// stableSource reports whether a join input cannot change while a
// statement runs: it reads no iteration state.
func stableSource(source string) bool { return !strings.Contains(source, `"__itersql_`) }

// table names a new table in the shared catalog.
func (k *Runner) table(what string) string {
	k.seq++
	return k.env.Catalog + ".main." + quote(fmt.Sprintf("__itersql_skew_%d_%s%d", k.env.ID, what, k.seq))
}

// create makes a table from query on the session connection.
func (k *Runner) create(name, query string) error {
	k.env.Track(name)
	_, err := k.env.Conn.ExecContext(k.ctx, "CREATE TABLE "+name+" AS "+query)
	return err
}

// Release drops the tables of the last execution (not the cached copies
// of inputs that do not change): its query has been run.
func (k *Runner) Release() error {
	var errs []error
	for _, t := range k.temp {
		errs = append(errs, k.env.Drop(t))
	}
	k.temp = nil
	return errors.Join(errs...)
}

// Close drops every table, cached ones included.
func (k *Runner) Close() error {
	errs := []error{k.Release()}
	for _, d := range k.derived {
		errs = append(errs, k.env.Drop(d.table))
	}
	k.derived = map[string]derivedTable{}
	return errors.Join(errs...)
}

// describe returns (names, lower-case name -> type) of a bound query's
// columns, read on a pool connection: what a task cannot see (a temp
// table, a table of an open transaction) fails here.
func (k *Runner) describe(query string, pool bool) ([]string, map[string]string, []string, error) {
	var rows *sql.Rows
	var err error
	q := "DESCRIBE " + query
	if pool {
		conn, cerr := k.env.Tasks.Conn(k.ctx)
		if cerr != nil {
			return nil, nil, nil, fmt.Errorf("task connection: %w", cerr)
		}
		defer conn.Close()
		rows, err = conn.QueryContext(k.ctx, q)
	} else {
		rows, err = k.env.Conn.QueryContext(k.ctx, q)
	}
	if err != nil {
		return nil, nil, nil, errors.New(k.env.Message(err))
	}
	defer rows.Close()
	var names, types []string
	byName := map[string]string{}
	for rows.Next() {
		var n, t string
		var null, key, def, extra sql.NullString
		if err := rows.Scan(&n, &t, &null, &key, &def, &extra); err != nil {
			return nil, nil, nil, err
		}
		names = append(names, n)
		types = append(types, t)
		byName[strings.ToLower(n)] = t
	}
	return names, byName, types, rows.Err()
}

// Plan prepares the splits of query (a part's SQL with its placeholders;
// bind binds them for this execution): the split query must give the
// columns of the unsplit one, bind(query). repeated: the part
// runs at every iteration (a WITH ITERATE step), so copies of its inputs
// that do not change are kept and sorted by partition. A split that
// pushes the aggregation into the tasks is tried first, then one that
// does not. Joins that cannot be split are declined, with the reason
// (Part.Declined); an error is the database's.
func (k *Runner) Plan(query string, bind func(string) string, repeated bool) (*Part, error) {
	names, _, types, err := k.describe(bind(query), false)
	if err != nil {
		// The unsplit query fails on its own: let it run and say why.
		return &Part{declined: "the query does not compile: " + err.Error(), repeated: repeated}, nil
	}
	// Each input is described once, on a task connection: what a task
	// cannot see fails here.
	described := map[string][]Column{}
	describe := func(source string) ([]Column, error) {
		if cols, ok := described[source]; ok {
			return cols, nil
		}
		ns, _, ts, err := k.describe("SELECT * FROM "+bind(source)+" AS __itersql_d", true)
		if err != nil {
			return nil, err
		}
		cols := make([]Column, len(ns))
		for i := range ns {
			cols[i] = Column{Name: ns[i], Type: ts[i]}
		}
		described[source] = cols
		return cols, nil
	}
	p := &Part{repeated: repeated}
	p.sp, p.declined, err = prepareChecked(query, describe, names, func(sp *Prepared) string {
		p.sp = sp
		return k.validate(p, bind, names, types)
	})
	return p, err
}

// prepareChecked prepares query for a split, first with the aggregation
// pushed into the joins, and has check say why the engine cannot run it
// ("" when it can). A failed check of a pushed split tries again without
// pushing; a split that still fails has its joins declined, and declined
// is the reason. Both engines' Plan share this order of attempts.
func prepareChecked(query string, describe Describe, names []string, check func(*Prepared) string) (sp *Prepared, declined string, err error) {
	for _, push := range []bool{true, false} {
		if sp, err = Prepare(query, describe, Options{Names: names, PushAggregates: push}); err != nil {
			return nil, "", err
		}
		if len(sp.Joins) == 0 {
			return sp, "", nil
		}
		reason := check(sp)
		if reason == "" {
			return sp, "", nil
		}
		if push && sp.pushed() {
			continue
		}
		sp.declineAll(reason)
		return sp, reason, nil
	}
	return nil, "", errors.New("skew split: no plan") // not reached: the last pass returns
}

// pushed reports whether some join of sp computes the query's aggregates.
func (sp *Prepared) pushed() bool {
	for _, j := range sp.Joins {
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
func (k *Runner) validate(p *Part, bind func(string) string, names, types []string) string {
	for _, j := range p.sp.Joins {
		q := j.CollationSQL()
		if q == "" {
			continue
		}
		var collated bool
		if err := k.env.Conn.QueryRowContext(k.ctx, bind(q)).Scan(&collated); err != nil {
			return "cannot read the collation of the key " + j.KeyText() + ": " + k.env.Message(err)
		}
		if collated {
			return "the key " + j.KeyText() + " compares under a collation that is not binary (COLLATE, default_collation): equal keys could hash to different tasks"
		}
	}
	var tables []string
	defer func() {
		for _, t := range tables {
			k.env.Drop(t)
		}
	}()
	for _, j := range p.sp.Joins {
		sp := &layout{Join: j, Parts: 1, Result: k.table("check")}
		tables = append(tables, sp.Result)
		if err := k.create(sp.Result, bind(sp.ResultSelect())); err != nil {
			return "cannot build its result table: " + k.env.Message(err)
		}
		if _, _, _, err := k.describe("SELECT * FROM "+sp.Result, true); err != nil {
			return "the task connections cannot see the result table (inside a transaction?): " + err.Error()
		}
	}
	gotNames, _, gotTypes, err := k.describe(bindResults(bind(p.sp.SQL), tables), false)
	if err != nil {
		return "the rewritten query does not compile: " + err.Error()
	}
	if strings.Join(gotNames, "\x00") != strings.Join(names, "\x00") || strings.Join(gotTypes, "\x00") != strings.Join(types, "\x00") {
		return fmt.Sprintf("the rewritten query's columns (%s: %s) differ from the query's (%s: %s)",
			strings.Join(gotNames, ", "), strings.Join(gotTypes, ", "), strings.Join(names, ", "), strings.Join(types, ", "))
	}
	return ""
}

// declineAll declines every join of sp for reason: nothing is split.
func (sp *Prepared) declineAll(reason string) {
	for _, j := range sp.Joins {
		sp.Declined = append(sp.Declined, j.Text+": "+reason)
	}
	sp.Joins = nil
}

// detect measures side i of j (bound by bind). explain: inputs with
// placeholders are not read (they exist only during the run).
func (k *Runner) detect(j *Join, i int, bind func(string) string, explain bool) (*Freq, error) {
	sd := j.Sides[i]
	stable := stableSource(sd.Source)
	// Inputs not measured still report their rows (partitions follow them).
	if skipped := skipDetection(k.env.Settings, k.env.Unique, sd); skipped != "" {
		f := &Freq{Skipped: skipped}
		if !explain {
			if err := k.env.Conn.QueryRowContext(k.ctx, "SELECT count(*) FROM "+bind(sd.Source)).Scan(&f.Rows); err != nil {
				return nil, err
			}
		}
		return f, nil
	}
	if explain && !stable {
		return &Freq{Skipped: "an iteration's state: detected at each iteration"}, nil
	}
	thr := k.env.Settings.threshold()
	taskRows := k.env.Settings.TargetTaskRows
	if p := k.env.Settings.Partitions; p > 0 {
		taskRows = -int64(p)
	}
	// The side is part of the key: the heavy keys' rows are recorded
	// under it (heavyKey.Rows[i]).
	cacheKey := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%d", sd.Source, sd.Key, thr, taskRows, i)
	if f, ok := k.env.Detected[cacheKey]; ok && stable {
		return f, nil
	}
	q := detectSQL(Side{Alias: sd.Alias, Source: bind(sd.Source), Key: sd.Key}, thr, taskRows)
	rows, err := k.env.Conn.QueryContext(k.ctx, q)
	if err != nil {
		return nil, err
	}
	f, err := readFreq(rows, i)
	if err != nil {
		return nil, err
	}
	if stable {
		k.env.Detected[cacheKey] = f
	}
	return f, nil
}

// skipDetection says why side sd is not measured, "" when it is.
func skipDetection(set Settings, unique func(source, key string) bool, sd Side) string {
	switch {
	case unique(sd.Source, sd.Key):
		return "key unique (the state's KEY): no key can be heavy"
	case !stableSource(sd.Source) && !set.On:
		// Under auto an iteration's state is not measured: that would be
		// one more GROUP BY over the state every iteration, and the
		// states of iterative jobs are keyed by vertex or entity, whose
		// keys are unique or nearly so. skew_join = on measures them.
		return "an iteration's state: measured only with skew_join = on"
	}
	return ""
}

// splits lays out every join of p for one execution.
func (k *Runner) splits(p *Part, bind func(string) string, explain bool) ([]*layout, error) {
	return layoutAll(p.sp.Joins, k.env.Settings, func(j *Join, i int) (*Freq, error) { return k.detect(j, i, bind, explain) })
}

// layoutAll measures both sides of every join (detect) and lays each out,
// on either engine.
func layoutAll(joins []*Join, set Settings, detect func(j *Join, i int) (*Freq, error)) ([]*layout, error) {
	var out []*layout
	for _, j := range joins {
		var f [2]*Freq
		for i := range 2 {
			var err error
			if f[i], err = detect(j, i); err != nil {
				return nil, fmt.Errorf("detect heavy keys of %s: %w", j.Sides[i].Alias, err)
			}
		}
		l, err := newLayout(j, f, set.Partitions, set.TargetTaskRows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// noneHeavy reports whether no join has a heavy key in this execution.
// Under auto only inputs that do not change during the statement are
// measured (see skipDetection), so a part with none now never will have:
// its later executions skip detection altogether (neverHeavy).
func noneHeavy(ls []*layout) bool {
	for _, l := range ls {
		if len(l.Heavy) > 0 {
			return false
		}
	}
	return true
}

// Execute runs p's splits for one execution and returns the query to run
// instead of the unsplit one ("" when this execution is not split: mode
// auto and no heavy keys) and a note for the statistics. The tables it
// made stay until release.
func (k *Runner) Execute(p *Part, bind func(string) string) (query, note string, err error) {
	if !p.Active() || p.neverHeavy {
		return "", "", nil
	}
	splits, err := k.splits(p, bind, false)
	if err != nil {
		return "", "", err
	}
	if !k.env.Settings.On && noneHeavy(splits) {
		p.neverHeavy = true
		return "", "", nil
	}
	var tasks []task
	var results []string
	var spans [][2]int
	for _, sp := range splits {
		sp.Result = k.table("r")
		k.temp = append(k.temp, sp.Result)
		results = append(results, sp.Result)
		if err := k.create(sp.Result, bind(sp.ResultSelect())); err != nil {
			return "", "", fmt.Errorf("create the result table of %s: %s", sp.Join.KeyText(), k.env.Message(err))
		}
		for i := range 2 {
			if len(sp.Heavy) > 0 {
				var n int64
				if sp.HeavyTables[i], n, err = k.derivedTable("h", sp, i, sp.HeavySQL(i), bind); err != nil {
					return "", "", fmt.Errorf("collect the heavy-key rows of %s: %s", sp.Join.Sides[i].Alias, k.env.Message(err))
				}
				sp.SetHeavyRows(i, n)
			}
			if prepartition(sp, i, p.repeated) {
				if sp.PartTables[i], _, err = k.derivedTable("p", sp, i, sp.PartSQL(i), bind); err != nil {
					return "", "", fmt.Errorf("partition %s: %s", sp.Join.Sides[i].Alias, k.env.Message(err))
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
	workers := k.env.Settings.Workers
	// database/sql keeps 2 idle connections by default; the tasks would
	// open and close DuckDB connections every round without this.
	k.env.Tasks.SetMaxIdleConns(workers + 2)
	stats, err := runTasks(k.ctx, k.env.Tasks, workers, tasks)
	if err != nil {
		return "", "", err
	}
	var notes []string
	for n, sp := range splits {
		if err := k.joinedRows(sp, stats[spans[n][0]:spans[n][1]]); err != nil {
			return "", "", err
		}
		sum := summarize(stats[spans[n][0]:spans[n][1]])
		note := fmt.Sprintf("skew %s: heavy %d, %s", sp.Join.KeyText(), len(sp.Heavy), sum)
		if !k.env.Settings.Timing {
			note = fmt.Sprintf("skew %s: heavy %d, tasks %d (%d broadcast), rows max %d median %d",
				sp.Join.KeyText(), len(sp.Heavy), sum.Tasks, sum.Broadcast+sum.Unmatched, sum.MaxRows, sum.MedianRows)
		}
		notes = append(notes, note)
	}
	return bindResults(bind(p.sp.SQL), results), strings.Join(notes, "; "), nil
}

// prepartition reports whether side i of sp is written once with its
// partition numbers before the shuffle tasks, and marks the copy to be
// sorted when it is reused: the input does not change and its part is
// repeated (see layout.Prepartition).
func prepartition(sp *layout, i int, repeated bool) bool {
	reused := repeated && stableSource(sp.Join.Sides[i].Source)
	sp.SortParts[i] = reused
	return sp.Prepartition(i, reused)
}

// derivedTable materializes query (side i's heavy-key rows, or its
// partitioned rows). For inputs that do not change, the table is kept and
// reused while the query stays the same; otherwise it lasts until release.
func (k *Runner) derivedTable(kind string, sp *layout, i int, query string, bind func(string) string) (string, int64, error) {
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
		if err := k.env.Drop(d.table); err != nil {
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
	if err := k.env.Conn.QueryRowContext(k.ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
		return "", 0, err
	}
	if stable {
		k.derived[slot] = derivedTable{q, t, n}
	} else {
		k.temp = append(k.temp, t)
	}
	return t, n, nil
}

// Explain describes p's splits under title, "" when there is nothing to
// show; label names the part in the text ("step"). Detection runs on the
// inputs it can read (not on iteration states, which exist only during
// the run). Under auto it shows a split only where it finds heavy keys
// before the run (in base tables): the rest would run unsplit unless an
// iteration's state turns out skewed. Settings.On shows them all, and why
// other joins are not split.
func (k *Runner) Explain(title, label string, p *Part, bind func(string) string) (string, error) {
	if p == nil || p.sp == nil {
		return "", nil
	}
	var b strings.Builder
	// Under auto, EXPLAIN shows a split only where it finds heavy keys
	// before the run (in base tables): the rest would run unsplit unless an
	// iteration's state turns out skewed. skew_join = on shows them all.
	on := k.env.Settings.On
	if p.Active() {
		splits, err := k.splits(p, bind, true)
		if err != nil {
			return "", err
		}
		if !on && noneHeavy(splits) {
			return "", nil
		}
		for n, sp := range splits {
			sp.Result = resultRef(n + 1)
			for i := range 2 {
				sp.HeavyTables[i] = quote("heavy_" + sp.Join.Sides[i].Alias)
				if prepartition(sp, i, p.repeated) {
					sp.PartTables[i] = quote("parts_" + sp.Join.Sides[i].Alias)
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
	return title + ":\n" + b.String(), nil
}
