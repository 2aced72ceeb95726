package skew

// The split on Spark (docs/skew.md, "On Spark"). Spark schedules a query's
// tasks itself, so there is no pool of connections and no result table:
// the part runs as ONE Spark SQL query in which split n's result table
// ("__itersql_skew<n>__" of Prepare's rewrite) is a subquery of both
// paths, the field note's split said as Spark hints:
//
//	(SELECT /*+ BROADCAST(c) */ ... FROM (heavy-key rows of e) AS e JOIN (heavy-key rows of c) AS c ON ...
//	 UNION ALL
//	 SELECT ... FROM (SELECT /*+ REPARTITION(n, dst) */ ... other rows of e) AS e
//	             JOIN (SELECT /*+ REPARTITION(n, id) */ ... other rows of c) AS c ON ...) AS __j1
//
// The rewrite (Prepare), the heavy-key rule (autoThreshold), the layout of
// the paths (newLayout) and their queries (sql.go) are the DuckDB split's;
// here they are printed by internal/sparksql from DuckDB's parse of them,
// and assembled. Every key goes through exactly one path, so the answer is
// the unsplit query's, whichever keys are heavy.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
	"github.com/itersql/itersql/internal/sparksql"
)

// SparkEnv is what the splits of a statement need of a Spark session.
// Queries given to it are Spark SQL, bound to the iteration's tables.
type SparkEnv struct {
	// Query runs a query and returns its rows (integers as int64, text as
	// string, NULL as nil).
	Query func(ctx context.Context, q string) ([][]any, error)
	// Describe returns the names and Spark types of a query's columns
	// without running it (DESCRIBE QUERY).
	Describe func(ctx context.Context, q string) (names, types []string, err error)
	Settings Settings
	// Unique reports whether an input's key is unique (as Env.Unique).
	Unique func(source, key string) bool
}

// SparkRunner runs the splits of one statement on Spark.
type SparkRunner struct {
	env SparkEnv
	ctx context.Context
	// detected caches detection of the inputs that cannot change while the
	// statement runs (base tables and views), as Env.Detected does within
	// a statement.
	detected map[string]*Freq
}

// NewSparkRunner returns the runner of one statement's splits on Spark.
func NewSparkRunner(ctx context.Context, env SparkEnv) *SparkRunner {
	if env.Unique == nil {
		env.Unique = func(string, string) bool { return false }
	}
	return &SparkRunner{env: env, ctx: ctx, detected: map[string]*Freq{}}
}

// SparkPart is a query whose joins were prepared for Spark.
type SparkPart struct {
	sp *Prepared // nil: the query was not read (declined says why)
	// text is sp.SQL printed as Spark SQL: it reads split n from the
	// backquoted placeholder of resultRef(n).
	text     string
	declined string
	// neverHeavy: as Part.neverHeavy.
	neverHeavy bool
}

// Active reports whether some join of p is split.
func (p *SparkPart) Active() bool { return p != nil && p.sp != nil && len(p.sp.Joins) > 0 }

// printSpark prints one DuckDB query as Spark SQL with DuckDB's meaning;
// the placeholders ("__itersql_state__", resultRef(n), ...) print as
// backquoted names (sparkRef).
func printSpark(query string) (string, error) {
	st, err := duckast.Parse(query)
	if err != nil {
		return "", err
	}
	if len(st) != 1 {
		return "", errors.New("not one query")
	}
	return sparksql.Print(st[0])
}

// sparkRef is how a placeholder given as a quoted DuckDB name prints in
// Spark SQL.
func sparkRef(ref string) string { return "`" + strings.Trim(ref, `"`) + "`" }

// sparkTypes are Spark's names of the DuckDB types a join key can have,
// as the sparksql printer maps them the other way: the rewrite checks and
// the heavy keys' literals read DuckDB's names.
var sparkTypes = map[string]string{
	"tinyint": "TINYINT", "smallint": "SMALLINT", "int": "INTEGER", "bigint": "BIGINT",
	"string": "VARCHAR", "double": "DOUBLE", "float": "FLOAT", "boolean": "BOOLEAN",
	"date": "DATE", "timestamp_ntz": "TIMESTAMP", "binary": "BLOB",
}

// duckType is the DuckDB name of a Spark type; one with no DuckDB
// counterpart keeps Spark's name, upper case.
func duckType(t string) string {
	if d, ok := sparkTypes[strings.ToLower(t)]; ok {
		return d
	}
	return strings.ToUpper(t)
}

// Plan prepares the splits of query, a part's DuckDB SQL with its
// placeholders; bind binds the placeholders of printed Spark SQL for this
// execution. As Runner.Plan: a split that pushes the aggregation is tried
// first, and a split must give the unsplit query's columns (checked with
// DESCRIBE QUERY on both paths); a part that cannot be printed for Spark
// runs unsplit, and Declined says why. An error is Spark's.
func (k *SparkRunner) Plan(query string, bind func(string) string) (*SparkPart, error) {
	whole, err := printSpark(query)
	if err != nil {
		return &SparkPart{declined: "cannot print it as Spark SQL: " + err.Error()}, nil
	}
	names, types, err := k.env.Describe(k.ctx, bind(whole))
	if err != nil {
		return &SparkPart{declined: "the query does not compile: " + err.Error()}, nil
	}
	described := map[string][]Column{}
	describe := func(source string) ([]Column, error) {
		if cols, ok := described[source]; ok {
			return cols, nil
		}
		q, err := printSpark("SELECT * FROM " + source + " AS __itersql_d")
		if err != nil {
			return nil, err
		}
		ns, ts, err := k.env.Describe(k.ctx, bind(q))
		if err != nil {
			return nil, err
		}
		cols := make([]Column, len(ns))
		for i := range ns {
			cols[i] = Column{Name: ns[i], Type: duckType(ts[i])}
		}
		described[source] = cols
		return cols, nil
	}
	p := &SparkPart{}
	p.sp, p.declined, err = prepareChecked(query, describe, names, func(sp *Prepared) string {
		p.sp = sp
		return k.validate(p, bind, names, types)
	})
	return p, err
}

// validate prints the rewritten query for Spark and checks that the split
// query, with either side broadcast and a heavy key that matches no row
// (every path and the unmatched rows present), has the unsplit query's
// column names and types. It returns why not, or "".
func (k *SparkRunner) validate(p *SparkPart, bind func(string) string, names, types []string) string {
	for _, j := range p.sp.Joins {
		for i := range 2 {
			if strings.Contains(j.Sides[i].KeyType, "COLLATE") {
				return "the key " + j.KeyText() + " compares under a collation: equal keys could be told apart by the heavy keys' test"
			}
		}
	}
	text, err := printSpark(p.sp.SQL)
	if err != nil {
		return "cannot print the rewritten query as Spark SQL: " + err.Error()
	}
	p.text = text
	for big := range 2 {
		var ls []*layout
		for _, j := range p.sp.Joins {
			ls = append(ls, &layout{Join: j, Freq: [2]*Freq{{}, {}}, Heavy: []heavyKey{{Lit: "NULL", Text: "NULL"}}, Big: big, Parts: 1, Chunks: 1, oneQuery: true})
		}
		q, _, err := sparkQuery(p.text, ls)
		if err != nil {
			return "cannot print the split as Spark SQL: " + err.Error()
		}
		gotNames, gotTypes, err := k.env.Describe(k.ctx, bind(q))
		if err != nil {
			return "the split query does not compile on Spark: " + err.Error()
		}
		if strings.Join(gotNames, "\x00") != strings.Join(names, "\x00") || strings.Join(gotTypes, "\x00") != strings.Join(types, "\x00") {
			return fmt.Sprintf("the split query's columns (%s: %s) differ from the query's (%s: %s)",
				strings.Join(gotNames, ", "), strings.Join(gotTypes, ", "), strings.Join(names, ", "), strings.Join(types, ", "))
		}
	}
	return ""
}

// detect measures side i of j on Spark, by the rules of Runner.detect
// (which inputs are measured, the threshold): one query gives the input's
// rows, distinct keys, median rows of a key and its most frequent keys,
// and the heavy ones are those above the threshold.
func (k *SparkRunner) detect(j *Join, i int, bind func(string) string, explain bool) (*Freq, error) {
	sd := j.Sides[i]
	a := quote(sd.Alias)
	stable := stableSource(sd.Source)
	if skipped := skipDetection(k.env.Settings, k.env.Unique, sd); skipped != "" {
		f := &Freq{Skipped: skipped}
		// The rows only size the shuffle path under partitions = auto.
		if !explain && k.env.Settings.Partitions == 0 {
			q, err := printSpark(fmt.Sprintf("SELECT count(*) FROM %s AS %s", sd.Source, a))
			if err != nil {
				return nil, err
			}
			rows, err := k.env.Query(k.ctx, bind(q))
			if err != nil {
				return nil, err
			}
			if f.Rows, err = int64At(rows, 0, 0); err != nil {
				return nil, err
			}
		}
		return f, nil
	}
	if explain && !stable {
		return &Freq{Skipped: "an iteration's state: detected at each iteration"}, nil
	}
	cacheKey := fmt.Sprintf("%s\x00%s\x00%d", sd.Source, sd.Key, i)
	if f, ok := k.detected[cacheKey]; ok && stable {
		return f, nil
	}
	keys, err := printSpark(fmt.Sprintf("SELECT %s.%s AS k FROM %s AS %s", a, quote(sd.Key), sd.Source, a))
	if err != nil {
		return nil, err
	}
	// The median is over non-NULL keys, as detectSQL's; percentile_disc
	// takes the lower middle value of an even count, as quantile_disc.
	q := fmt.Sprintf("WITH f AS (SELECT k, count(*) AS n FROM (%s) AS __itersql_k GROUP BY k), "+
		"s AS (SELECT coalesce(sum(n), 0) AS total FROM f), "+
		"m AS (SELECT count(*) AS keys, coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY n), 0) AS med FROM f WHERE k IS NOT NULL), "+
		"h AS (SELECT k, n FROM f WHERE k IS NOT NULL ORDER BY n DESC, k ASC LIMIT %d) "+
		"SELECT CAST(s.total AS BIGINT), m.keys, CAST(m.med AS BIGINT), CAST(h.k AS STRING), h.n "+
		"FROM s CROSS JOIN m LEFT JOIN h ON true ORDER BY h.n DESC NULLS LAST, h.k ASC",
		bind(keys), maxHeavy)
	rows, err := k.env.Query(k.ctx, q)
	if err != nil {
		return nil, err
	}
	f := &Freq{}
	if f.Rows, err = int64At(rows, 0, 0); err != nil {
		return nil, err
	}
	if f.Keys, err = int64At(rows, 0, 1); err != nil {
		return nil, err
	}
	if f.Median, err = int64At(rows, 0, 2); err != nil {
		return nil, err
	}
	f.Threshold = k.env.Settings.Threshold
	if f.Threshold == 0 {
		task := min(k.env.Settings.TargetTaskRows, f.Rows)
		if p := k.env.Settings.Partitions; p > 0 {
			task = f.Rows / int64(p)
		}
		f.Threshold = autoThreshold(f.Median, task)
	}
	for r, row := range rows {
		if row[3] == nil {
			continue
		}
		n, err := int64At(rows, r, 4)
		if err != nil {
			return nil, err
		}
		if n <= f.Threshold {
			break // most rows first
		}
		text := fmt.Sprint(row[3])
		h := heavyKey{Lit: literal(text, sd.KeyType), Text: text}
		h.Rows[i] = n
		f.Heavy = append(f.Heavy, h)
	}
	if stable {
		k.detected[cacheKey] = f
	}
	return f, nil
}

// int64At reads an integer cell of a Spark result.
func int64At(rows [][]any, r, c int) (int64, error) {
	if r >= len(rows) || c >= len(rows[r]) {
		return 0, fmt.Errorf("detection: no cell %d of row %d", c+1, r+1)
	}
	switch v := rows[r][c].(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	}
	return 0, fmt.Errorf("detection: cell %d of row %d is %v (%T), not an integer", c+1, r+1, rows[r][c], rows[r][c])
}

// layouts lays out every join of p for one execution (or EXPLAIN).
func (k *SparkRunner) layouts(p *SparkPart, bind func(string) string, explain bool) ([]*layout, error) {
	ls, err := layoutAll(p.sp.Joins, k.env.Settings, func(j *Join, i int) (*Freq, error) { return k.detect(j, i, bind, explain) })
	for _, l := range ls {
		l.Chunks = 1 // Spark spreads the big side's heavy rows over its own tasks
		l.oneQuery = true
	}
	return ls, err
}

// Execute returns the query to run for p in this execution, Spark SQL
// bound by bind, and a note for the statistics; query "" runs the part
// unsplit: under auto without heavy keys (note ""), or when the heavy keys
// cannot be printed as Spark literals (the note says so).
func (k *SparkRunner) Execute(p *SparkPart, bind func(string) string) (query, note string, err error) {
	if !p.Active() || p.neverHeavy {
		return "", "", nil
	}
	ls, err := k.layouts(p, bind, false)
	if err != nil {
		return "", "", err
	}
	if !k.env.Settings.On && noneHeavy(ls) {
		p.neverHeavy = true
		return "", "", nil
	}
	q, paths, err := sparkQuery(p.text, ls)
	if err != nil {
		return "", "skew not split: " + err.Error(), nil
	}
	var notes []string
	for n, l := range ls {
		notes = append(notes, fmt.Sprintf("skew %s: heavy %d, split %s", l.Join.KeyText(), len(l.Heavy), paths[n].summary()))
	}
	return bind(q), strings.Join(notes, "; "), nil
}

// sparkPaths are one split's paths in Spark SQL, with placeholders.
type sparkPaths struct {
	// broadcast joins the heavy keys' rows, the small side broadcast;
	// unmatched adds the kept rows an outer join needs when the kept side
	// is the broadcast one ("" when not); both "" without heavy keys.
	broadcast, unmatched string
	// shuffle joins the other rows, each input repartitioned by the key.
	shuffle                     string
	broadcastHint, shuffleHints string
}

// union is the paths as one query.
func (ps *sparkPaths) union() string {
	var qs []string
	for _, q := range []string{ps.broadcast, ps.unmatched, ps.shuffle} {
		if q != "" {
			qs = append(qs, q)
		}
	}
	return strings.Join(qs, " UNION ALL ")
}

// summary names the hints of the paths, for notes.
func (ps *sparkPaths) summary() string {
	if ps.broadcast == "" {
		return "shuffle path only: " + ps.shuffleHints
	}
	return ps.broadcastHint + " UNION ALL " + ps.shuffleHints
}

// hint puts a hint into a printed SELECT.
func hint(query, h string) (string, error) {
	rest, ok := strings.CutPrefix(query, "SELECT ")
	if !ok {
		return "", fmt.Errorf("cannot hint %.40q: not a SELECT", query)
	}
	return "SELECT /*+ " + h + " */ " + rest, nil
}

// heavyRef and sideRef stand for a side's heavy-key rows and its other
// rows in the printed paths, until their own printed queries replace them.
func heavyRef(i int) string { return fmt.Sprintf(`"__itersql_heavy%d__"`, i) }
func sideRef(i int) string  { return fmt.Sprintf(`"__itersql_side%d__"`, i) }

// sparkPaths prints s's paths: the queries of sql.go with one chunk (Spark
// cuts the big side's heavy rows into its own tasks) and without the
// shuffle path's hash filter (Spark's repartition does that).
func (s *layout) sparkPaths() (*sparkPaths, error) {
	ps := &sparkPaths{}
	var subs []string
	for i := range 2 {
		sd := s.Join.Sides[i]
		in, err := printSpark(s.inputSelect(i, s.notHeavy(i)))
		if err != nil {
			return nil, err
		}
		h := fmt.Sprintf("REPARTITION(%d, %s)", s.Parts, sparkRef(quote(sd.Key)))
		if in, err = hint(in, h); err != nil {
			return nil, err
		}
		ps.shuffleHints += map[bool]string{true: ", ", false: ""}[i > 0] + h
		subs = append(subs, sparkRef(sideRef(i)), "("+in+")")
	}
	var sides [2]string
	for i := range 2 {
		sides[i] = sideRef(i) + " AS " + quote(s.Join.Sides[i].Alias)
	}
	shuffle, err := printSpark(s.taskSelect(taskID(shuffle, 0), sides, s.Join.Type))
	if err != nil {
		return nil, err
	}
	ps.shuffle = shuffle
	if len(s.Heavy) > 0 {
		c := *s
		c.Chunks = 1
		for i := range 2 {
			c.HeavyTables[i] = heavyRef(i)
			q, err := printSpark(c.HeavySQL(i))
			if err != nil {
				return nil, err
			}
			subs = append(subs, sparkRef(heavyRef(i)), "("+q+")")
		}
		b, err := printSpark(c.broadcastSelect(0))
		if err != nil {
			return nil, err
		}
		ps.broadcastHint = "BROADCAST(" + sparkRef(quote(s.Join.Sides[1-s.Big].Alias)) + ")"
		if ps.broadcast, err = hint(b, ps.broadcastHint); err != nil {
			return nil, err
		}
		if u := c.unmatchedSelect(); u != "" {
			if ps.unmatched, err = printSpark(u); err != nil {
				return nil, err
			}
		}
	}
	r := strings.NewReplacer(subs...)
	ps.broadcast, ps.unmatched, ps.shuffle = r.Replace(ps.broadcast), r.Replace(ps.unmatched), r.Replace(ps.shuffle)
	return ps, nil
}

// sparkQuery is the printed rewritten query text with each split's
// placeholder replaced by the union of its paths.
func sparkQuery(text string, ls []*layout) (string, []*sparkPaths, error) {
	var subs []string
	var all []*sparkPaths
	for n, l := range ls {
		ref := sparkRef(resultRef(n + 1))
		if !strings.Contains(text, ref) {
			return "", nil, fmt.Errorf("the printed query does not read %s", ref)
		}
		ps, err := l.sparkPaths()
		if err != nil {
			return "", nil, err
		}
		all = append(all, ps)
		subs = append(subs, ref, "("+ps.union()+")")
	}
	return strings.NewReplacer(subs...).Replace(text), all, nil
}

// Explain describes p's splits on Spark under title, as Runner.Explain
// does on DuckDB: the key, detection and heavy keys of each split, both
// paths and the part as run, in the Spark SQL that runs (before binding).
func (k *SparkRunner) Explain(title, label string, p *SparkPart, bind func(string) string) (string, error) {
	if p == nil {
		return "", nil
	}
	var b strings.Builder
	on := k.env.Settings.On
	if p.Active() {
		ls, err := k.layouts(p, bind, true)
		if err != nil {
			return "", err
		}
		if !on && noneHeavy(ls) {
			return "", nil
		}
		for n, l := range ls {
			ps, err := l.sparkPaths()
			if err != nil {
				fmt.Fprintf(&b, "  split %d: %s\n    not split: cannot print its paths as Spark SQL: %v\n", n+1, l.Join.Text, err)
				continue
			}
			fmt.Fprintf(&b, "  split %d: %s\n", n+1, l.Join.Text)
			line := func(format string, args ...any) {
				fmt.Fprintf(&b, "    "+format+"\n", args...)
			}
			l.explainKeys(line)
			if ps.broadcast != "" {
				line("broadcast path: the heavy keys' rows, %s's broadcast to %s's:", l.Join.Sides[1-l.Big].Alias, l.Join.Sides[l.Big].Alias)
				line("  %s", ps.broadcast)
				if ps.unmatched != "" {
					line("  unmatched rows: %s", ps.unmatched)
				}
			} else {
				line("broadcast path: none (no heavy keys)")
			}
			line("shuffle path: every other key, each input repartitioned into %d by the key:", l.Parts)
			line("  %s", ps.shuffle)
		}
		fmt.Fprintf(&b, "  %s as run when split (one Spark query: `__itersql_skew<n>__` stands for split n's paths, UNION ALL):\n    %s\n", label, p.text)
	}
	if on && p.sp == nil && p.declined != "" {
		fmt.Fprintf(&b, "  not split: %s\n", p.declined)
	}
	if p.sp != nil {
		for _, d := range p.sp.Declined {
			if on || b.Len() > 0 {
				fmt.Fprintf(&b, "  not split: %s\n", d)
			}
		}
	}
	if b.Len() == 0 {
		return "", nil
	}
	return title + ":\n" + b.String(), nil
}
