package main

// -remote: itersql on Apache Spark, through Spark Connect, against itersql
// on DuckDB, in one run and side by side (issue 12). The same WITH ITERATE
// statements (bench/itersql.go) run on both engines, and every answer is
// checked against the floor before it is timed, as in the DuckDB cells.
//
//	go run ./bench -remote sc://127.0.0.1:15002 -micro 2000 [-remote-micro 30] [-remote-pr 20] [-only REGEX]
//
// Cells: micro/spark-plain, micro/spark-key, micro/duckdb-plain,
// micro/duckdb-key, micro/duckdb-key-replace (the one-row loops),
// micro/spark-statements (one iteration's statements timed on the server
// directly), and cc/facebook, cc/road-luxembourg, pr/slashdot, each with
// the variants spark, duckdb, duckdb-replace (keyed only) and floor.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/microloop"
	"github.com/itersql/itersql/internal/spark"
)

const (
	// engineSpark is an itersql session on the -remote server.
	engineSpark = "spark"
	// engineItersqlReplace is an itersql session on DuckDB that updates
	// keyed states as Spark sessions do (exec/replace.go): it separates
	// what the engine costs from what the strategy costs.
	engineItersqlReplace = "itersql-replace"
	// remoteOut is where -remote writes unless -out says otherwise: not
	// RESULTS.md, which holds the DuckDB comparison.
	remoteOut = "bench/RESULTS-spark.md"
)

// remoteWorkloads are the workloads of -remote: components, keyed, on a
// graph of few iterations and on one of a thousand; PageRank, plain, where
// every row changes every iteration.
func remoteWorkloads(cfg *config) []*workload {
	cc := func(graph string) *workload {
		return &workload{name: "cc/" + graph, title: "connected components (KEY) on " + graph, algo: algoCC,
			file: graph + ".csv.gz", variants: remoteVariants(algoCC)}
	}
	// The long one last: the report is written after each workload.
	return []*workload{cc("facebook"),
		{name: "pr/slashdot", title: fmt.Sprintf("PageRank (plain), %d iterations on slashdot", cfg.remotePR), algo: algoPR,
			file: "slashdot.csv.gz", prIters: cfg.remotePR, variants: remoteVariants(algoPR)},
		cc("road-luxembourg")}
}

// remoteVariants runs one formulation of a on both engines: KEY for
// components (the one a user would write), plain for PageRank (its KEY
// form changes every row every step, so it is the plain one).
func remoteVariants(a algo) []variant {
	keyed := a != algoPR
	form := "plain"
	if keyed {
		form = "KEY"
	}
	run := itersqlRun(a, keyed)
	vs := []variant{
		{id: "spark", name: "itersql on Spark local[2], " + form, engine: engineSpark, run: run},
		{id: "duckdb", name: "itersql on DuckDB, " + form, engine: engineItersql, run: run},
	}
	if keyed {
		vs = append(vs, variant{id: "duckdb-replace", name: "itersql on DuckDB, KEY by Spark's strategy (replace)", engine: engineItersqlReplace, run: run})
	}
	return append(vs, floorVariant(a))
}

// openItersqlReplace is openItersql with Spark's keyed strategy.
func openItersqlReplace(ctx context.Context, cfg *config) (backend, error) {
	b, err := openItersql(ctx, cfg)
	if err != nil {
		return nil, err
	}
	b.(*itersqlBackend).sess.KeyedStrategy = exec.KeyedReplace
	return b, nil
}

// newDatabase makes a database of its own on the server, with a random
// name, and makes it the session's current one: the server's catalog is
// shared by everyone using it and outlives sessions, and other people's
// edges and nodes tables must be neither read nor replaced. drop removes
// it and everything in it.
func newDatabase(ctx context.Context, run func(context.Context, string) error) (drop func() error, err error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	name := "itersql_bench_" + hex.EncodeToString(b[:])
	if err := run(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, err
	}
	drop = func() error {
		// Off it first: Spark may refuse to drop the current database.
		if err := run(context.Background(), "USE default"); err != nil {
			return err
		}
		return run(context.Background(), "DROP DATABASE IF EXISTS "+name+" CASCADE")
	}
	if err := run(ctx, "USE "+name); err != nil {
		drop()
		return nil, err
	}
	return drop, nil
}

// openSparkBackend opens an itersql session on the -remote server and
// loads w's graph there from its file (the server reads this machine's
// files): table raw through itersql's read_csv, then the DuckDB cells'
// own setup statements.
func openSparkBackend(ctx context.Context, cfg *config, w *workload, res *workloadResult) (backend, error) {
	sess, err := exec.OpenSpark(ctx, cfg.remote)
	if err != nil {
		return nil, err
	}
	b := sessionBackend(sess)
	run := func(ctx context.Context, q string) error { _, err := b.exec(ctx, q); return err }
	dropDB, err := newDatabase(ctx, run)
	if err != nil {
		sess.Close()
		return nil, err
	}
	b.closeFn = func() {
		if err := dropDB(); err != nil {
			log.Printf("spark: %v", err)
		}
		sess.Close()
	}
	start := time.Now()
	path, err := filepath.Abs(filepath.Join(cfg.data, w.file))
	if err != nil {
		b.close()
		return nil, err
	}
	stmts := []string{fmt.Sprintf("CREATE TABLE raw AS SELECT CAST(src AS BIGINT) AS src, CAST(dst AS BIGINT) AS dst FROM read_csv(%s)", sqlQuote(path))}
	stmts = append(stmts, strings.Split(w.setup(), ";")...)
	for _, q := range stmts {
		if q = strings.TrimSpace(q); q == "" {
			continue
		}
		if err := run(ctx, q); err != nil {
			b.close()
			return nil, fmt.Errorf("load %s on Spark: %s: %w", w.file, q, err)
		}
	}
	res.facts = append(res.facts, fmt.Sprintf("loaded into spark in %.2f s (from the CSV file)", time.Since(start).Seconds()))
	return b, nil
}

// sqlQuote is s as a SQL string literal.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// remoteMicroLoops are the one-row loops of -remote: each form on each
// engine, and DuckDB's keyed loop also by Spark's strategy.
var remoteMicroLoops = []struct {
	id, name string
	spark    bool
	strategy string // the keyed strategy on DuckDB
	loop     func(int) string
}{
	{"spark-plain", "itersql on Spark, `WITH ITERATE t(i)` (plain)", true, "", microloop.Plain},
	{"spark-key", "itersql on Spark, `WITH ITERATE t(k, i) KEY (k)` (replace)", true, "", microloop.Keyed},
	{"duckdb-plain", "itersql on DuckDB, `WITH ITERATE t(i)` (plain, a table per iteration as on Spark; not chunks)", false, exec.KeyedMerge, microloop.Plain},
	{"duckdb-key", "itersql on DuckDB, `WITH ITERATE t(k, i) KEY (k)` (MERGE, an iteration at a time; not chunks)", false, exec.KeyedMerge, microloop.Keyed},
	{"duckdb-key-replace", "itersql on DuckDB, `WITH ITERATE t(k, i) KEY (k)` (replace, Spark's)", false, exec.KeyedReplace, microloop.Keyed},
}

// microBaseRemote names, for each Spark micro cell, the DuckDB cell its
// ratio is taken against.
var microBaseRemote = map[string]string{"spark-plain": "duckdb-plain", "spark-key": "duckdb-key"}

// runRemoteMicro runs the one-row loops: -remote-micro iterations on
// Spark, -micro on DuckDB (a DuckDB iteration is hundreds of times
// shorter); per iteration is what compares. Statements are counted as
// in the DuckDB micro cells.
func runRemoteMicro(ctx context.Context, cfg *config) []cell {
	var cells []cell
	for _, m := range remoteMicroLoops {
		if !cfg.only.MatchString("micro/"+m.id) || ctx.Err() != nil {
			continue
		}
		c := cell{id: m.id, name: m.name}
		mcfg, short := *cfg, 10
		var s *microSession
		var err error
		if m.spark {
			mcfg.microIters, short = cfg.remoteMicro, 3
			var sess *exec.Session
			if sess, err = exec.OpenSpark(ctx, cfg.remote); err == nil {
				s = &microSession{sess: sess}
			}
		} else if s, err = openItersqlMicro(ctx, cfg); err == nil {
			s.sess.KeyedStrategy = m.strategy
		}
		if err != nil {
			c.fail(err, 0)
			cells = append(cells, c)
			continue
		}
		if cost, err := s.cost(ctx, m.loop, short); err != nil {
			c.fail(err, 0)
		} else {
			n := mcfg.microIters
			c = timeMicro(ctx, &mcfg, c, func(ctx context.Context) error { return s.run(ctx, m.loop(n), n) })
			c.cost = &cost
		}
		s.close()
		cells = append(cells, c)
	}
	return cells
}

// stmtTime is one kind of statement of a Spark iteration, timed.
type stmtTime struct {
	what  string
	times []time.Duration
}

// timeSparkStatements sends, n times over, the statements an iteration
// of a one-row loop sends to Spark (exec/spark.go, exec/replace.go),
// straight through internal/spark, and times each: what the loop's
// ms per iteration is made of. The SQL is the shape the engine sends, on
// tables of its own database.
func timeSparkStatements(ctx context.Context, cfg *config, n int) ([]stmtTime, error) {
	s, err := spark.Connect(ctx, cfg.remote)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	dropDB, err := newDatabase(ctx, s.Exec)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := dropDB(); err != nil {
			log.Printf("spark: %v", err)
		}
	}()
	for _, q := range []string{
		"CREATE TABLE t0 USING parquet AS SELECT 0 AS i",
		"CREATE TABLE k0 USING parquet AS SELECT 0 AS k, 0 AS i",
		"CREATE TABLE kd USING parquet AS SELECT 0 AS k, 1 AS i",
	} {
		if err := s.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	kinds := []stmtTime{
		{what: "`CREATE TABLE t_k USING parquet AS SELECT i + 1 AS i FROM t_k-1` (a plain iteration's state)"},
		{what: "`SELECT count(*) FROM t_k` (its row count: Spark Connect does not return it)"},
		{what: "`DROP TABLE t_k-1`"},
		{what: "`CREATE TABLE ... USING parquet AS SELECT /*+ BROADCAST(d) */ ... LEFT ANTI JOIN d ... UNION ALL SELECT ... FROM d` (a keyed iteration's new state, one-row tables)"},
		{what: "`SELECT count(*), sum(CAST(xxhash64(i) AS DECIMAL(38,0))) FROM t_k` (the FIXPOINT test of a plain state)"},
		{what: "`SELECT 1` (one round trip)"},
	}
	timed := func(kind int, q string, query bool) error {
		start := time.Now()
		var err error
		if query {
			_, err = s.Query(ctx, q)
		} else {
			err = s.Exec(ctx, q)
		}
		kinds[kind].times = append(kinds[kind].times, time.Since(start))
		return err
	}
	for k := 1; k <= n; k++ {
		for _, st := range []struct {
			kind  int
			q     string
			query bool
		}{
			{0, fmt.Sprintf("CREATE TABLE t%d USING parquet AS SELECT i + 1 AS i FROM t%d", k, k-1), false},
			{1, fmt.Sprintf("SELECT count(*) FROM t%d", k), true},
			{2, fmt.Sprintf("DROP TABLE t%d", k-1), false},
			{3, fmt.Sprintf("CREATE TABLE k%d USING parquet AS SELECT /*+ BROADCAST(d) */ s.k, s.i FROM k%d AS s LEFT ANTI JOIN kd AS d ON s.k = d.k UNION ALL SELECT k, i FROM kd", k, k-1), false},
			{2, fmt.Sprintf("DROP TABLE k%d", k-1), false},
			{4, fmt.Sprintf("SELECT count(*), COALESCE(sum(CAST(xxhash64(i) AS DECIMAL(38,0))), 0) FROM t%d", k), true},
			{5, "SELECT 1", true},
		} {
			if err := timed(st.kind, st.q, st.query); err != nil {
				return nil, fmt.Errorf("%s: %w", st.q, err)
			}
		}
	}
	return kinds, nil
}

// sparkVersion asks the server for its version.
func sparkVersion(ctx context.Context, remote string) (string, error) {
	s, err := spark.Connect(ctx, remote)
	if err != nil {
		return "", err
	}
	defer s.Close()
	res, err := s.Query(ctx, "SELECT version()")
	if err != nil {
		return "", err
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return "", fmt.Errorf("spark: version(): %d rows", len(res.Rows))
	}
	return fmt.Sprint(res.Rows[0][0]), nil
}

// remoteReport is what -remote writes.
type remoteReport struct {
	*report
	spark   string // the server's version
	stmts   []stmtTime
	stmtErr error
}

// runRemote is -remote's whole run: the micro cells, the statements of
// one iteration, then the workloads, the report rewritten after each.
func runRemote(ctx context.Context, cfg *config) error {
	rep, err := newReport(ctx, cfg)
	if err != nil {
		return err
	}
	ver, err := sparkVersion(ctx, cfg.remote)
	if err != nil {
		return err
	}
	r := &remoteReport{report: rep, spark: ver}
	if cfg.only.MatchString("micro/spark-statements") {
		log.Printf("micro/spark-statements: running")
		r.stmts, r.stmtErr = timeSparkStatements(ctx, cfg, cfg.remoteMicro)
		if r.stmtErr != nil {
			log.Printf("micro/spark-statements: %v", r.stmtErr)
		}
	}
	r.micro = runRemoteMicro(ctx, cfg)
	if err := r.write(cfg.out); err != nil {
		return err
	}
	ws := remoteWorkloads(cfg)
	graphs := newGraphCache(cfg, ws)
	for _, w := range ws {
		if ctx.Err() != nil {
			break
		}
		if res := runWorkload(ctx, cfg, w, graphs); res != nil {
			r.results = append(r.results, res)
		}
		if err := r.write(cfg.out); err != nil {
			return err
		}
	}
	log.Printf("wrote %s", cfg.out)
	return nil
}

// microCell is r's micro cell id, when it was timed.
func (r *remoteReport) microCell(id string) (cell, bool) {
	for _, c := range r.micro {
		if c.id == id && c.ok() {
			return c, true
		}
	}
	return cell{}, false
}

// overheadOf names the micro cell whose ms per iteration is a workload
// variant's fixed cost per iteration.
func overheadOf(variantID string, a algo) string {
	form := "key"
	if a == algoPR {
		form = "plain"
	}
	switch variantID {
	case "spark":
		return "spark-" + form
	case "duckdb":
		return "duckdb-" + form
	case "duckdb-replace":
		return "duckdb-key-replace"
	}
	return ""
}

// throughput is state rows per second of iteration time above the fixed
// cost: rows × iterations / (time - iterations × overhead), 0 when that
// cannot be told (no overhead measured, or the overhead is all of it).
func (r *remoteReport) throughput(c cell, a algo, rows int) float64 {
	m, ok := r.microCell(overheadOf(c.id, a))
	if !ok || !c.ok() || c.iters <= 0 {
		return 0
	}
	work := c.time.Seconds() - float64(c.iters)*microPerIteration(m)/1000
	if work <= 0 {
		return 0
	}
	return float64(rows) * float64(c.iters) / work
}

// write renders -remote's report to path, keeping no section of an old
// file: it is all measured by this command.
func (r *remoteReport) write(path string) error {
	var b strings.Builder
	b.WriteString("# itersql on Apache Spark against itersql on DuckDB\n\n")
	for _, m := range r.machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}
	fmt.Fprintf(&b, "- Spark %s at %s (Spark Connect, this machine's server: local[2], as scripts/spark-server.sh starts it)\n", r.spark, r.cfg.remote)
	fmt.Fprintf(&b, `
How to read this: the same WITH ITERATE statements (bench/itersql.go) run through itersql
on Spark and on DuckDB (threads = cores, memory_limit %s) in one process, one after the
other. Every answer is checked against the floor (Go in memory) before it is timed, as in
bench/RESULTS.md; time = median of %s, or 1 run when a run takes over %v († = the
check run was the only one). Graph loading is not timed. On Spark a keyed state is
updated by the replace strategy (exec/replace.go: a delta table, then a new state table,
every iteration); on DuckDB by MERGE, so DuckDB also runs it by replace (duckdb-replace)
to separate the engine from the strategy. ms per iteration = time / iterations; state
rows/s = state rows × iterations / (time − iterations × the engine's one-row ms per
iteration below): the rate at which an iteration gets through its state once its fixed
cost is paid (— when the fixed cost is all of it). "CPU used by other processes"
includes the Spark server's JVM, which does the Spark cells' work. This is local[2] on a
shared 2-core machine, not a cluster; bench/RESULTS.md, "Spark or DuckDB", models a
cluster from it.
`, r.cfg.memLimit, plural(r.cfg.runs, "run"), longCell)
	r.writeRemoteMicro(&b)
	r.writeStatements(&b)
	for _, res := range r.results {
		r.writeRemoteWorkload(&b, res)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeRemoteMicro renders the one-row loops, Spark over DuckDB.
func (r *remoteReport) writeRemoteMicro(b *strings.Builder) {
	if len(r.micro) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## The fixed cost of one iteration: the one-row loops\n\n")
	fmt.Fprintf(b, "The loops of internal/microloop, %d iterations on Spark and %d on DuckDB; median of %s after one warm-up run. "+
		"Ratio: Spark's ms per iteration over DuckDB's, same form (KEY: over DuckDB's MERGE; both engines an iteration at a time, since Spark has no recursive query for chunks). "+
		"Statements and tables are counted (Session.Counters): on Spark a new table is two statements, "+
		"`CREATE TABLE ... AS` and a `count(*)`, both counted.\n\n",
		r.cfg.remoteMicro, r.cfg.microIters, plural(r.cfg.runs, "run"))
	b.WriteString("| loop | total | ms per iteration | Spark / DuckDB | statements per iteration | tables per iteration | statements, tables per run |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range r.micro {
		per, rat := "—", "—"
		if c.ok() {
			per = fmt.Sprintf("%.3f", microPerIteration(c))
			if base, ok := r.microCell(microBaseRemote[c.id]); ok {
				rat = fmt.Sprintf("%.0f×", microPerIteration(c)/microPerIteration(base))
			}
		}
		stmts, tables, run := "—", "—", "—"
		if c.cost != nil {
			stmts, tables = fmt.Sprintf("%g", c.cost.StatementsPerIteration), fmt.Sprintf("%g", c.cost.TablesPerIteration)
			run = fmt.Sprintf("%g, %g", c.cost.StatementsPerRun, c.cost.TablesPerRun)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", c.name, cellTime(c), per, rat, stmts, tables, run)
	}
}

// writeStatements renders the statements of one Spark iteration.
func (r *remoteReport) writeStatements(b *strings.Builder) {
	if r.stmts == nil && r.stmtErr == nil {
		return
	}
	fmt.Fprintf(b, "\n## One Spark iteration, statement by statement\n\n")
	if r.stmtErr != nil {
		fmt.Fprintf(b, "Failed: %s.\n", firstLine(r.stmtErr.Error()))
		return
	}
	fmt.Fprintf(b, "Each statement sent %d times straight through internal/spark (no itersql), on one-row "+
		"tables, in the order an iteration sends them; median and range in ms. A plain iteration of "+
		"`UNTIL n ITERATIONS` is a CREATE, its count and a DROP; a keyed one (replace) makes two tables "+
		"(the delta, then the state) and drops two.\n\n", len(r.stmts[0].times))
	b.WriteString("| statement | median ms | min-max ms |\n|---|---:|---:|\n")
	for _, k := range r.stmts {
		if len(k.times) == 0 {
			continue
		}
		lo, hi := k.times[0], k.times[0]
		for _, t := range k.times {
			lo, hi = min(lo, t), max(hi, t)
		}
		ms := func(d time.Duration) float64 { return d.Seconds() * 1000 }
		fmt.Fprintf(b, "| %s | %.0f | %.0f-%.0f |\n", k.what, ms(median(k.times)), ms(lo), ms(hi))
	}
	if len(r.stmts) < 4 || len(r.stmts[3].times) == 0 {
		return
	}
	med := func(i int) float64 { return median(r.stmts[i].times).Seconds() * 1000 }
	// The keyed iteration's delta is a CREATE with one join too, as its
	// new state is: both are taken at the keyed CREATE's time.
	plain, keyed := med(0)+med(1)+med(2), 2*(med(3)+med(1)+med(2))
	fmt.Fprintf(b, "\nA plain iteration's statements add up to %.0f ms (CREATE, count, DROP)", plain)
	if c, ok := r.microCell("spark-plain"); ok {
		fmt.Fprintf(b, ", against %.0f ms per iteration through itersql", microPerIteration(c))
	}
	fmt.Fprintf(b, "; a keyed one's to about %.0f ms (two CREATEs with a join, two counts, two DROPs)", keyed)
	if c, ok := r.microCell("spark-key"); ok {
		fmt.Fprintf(b, ", against %.0f ms", microPerIteration(c))
	}
	b.WriteString(".\n")
}

// writeRemoteWorkload renders one workload, Spark over DuckDB.
func (r *remoteReport) writeRemoteWorkload(b *strings.Builder, res *workloadResult) {
	fmt.Fprintf(b, "\n## %s: %s\n\n", res.w.name, res.w.title)
	if res.skipped != "" {
		fmt.Fprintf(b, "Skipped: %s.\n", res.skipped)
		return
	}
	fmt.Fprintf(b, "%s.\n\n", strings.Join(res.facts, "; "))
	var duck time.Duration
	for _, c := range res.cells {
		if c.id == "duckdb" && c.ok() {
			duck = c.time
		}
	}
	b.WriteString("| variant | time | iterations | ms per iteration | state rows/s | vs itersql on DuckDB |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|\n")
	for _, c := range res.cells {
		per, rate := "—", "—"
		if c.ok() && c.iters > 0 {
			per = fmt.Sprintf("%.1f", c.time.Seconds()*1000/float64(c.iters))
			if t := r.throughput(c, res.w.algo, res.rows); t > 0 {
				rate = formatCount(int(t))
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", c.name, cellTime(c), formatIters(c.iters), per, rate, ratio(c, duck))
	}
}
