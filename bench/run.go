package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/microloop"
)

// workloadResult is what the report shows of one workload.
type workloadResult struct {
	w       *workload
	skipped string   // why the workload did not run
	facts   []string // sizes, reference facts, load times
	cells   []cell
	rows    int // rows of the answer (the state), 0 when not run
}

// runWorkload runs every selected variant of w. It returns nil when -only
// selects none of them.
func runWorkload(ctx context.Context, cfg *config, w *workload, graphs *graphCache) *workloadResult {
	if !graphs.matches(w) {
		return nil
	}
	res := &workloadResult{w: w}
	if w.file != "" {
		if _, err := os.Stat(filepath.Join(cfg.data, w.file)); err != nil {
			res.skipped = fmt.Sprintf("graph file %s not found in -data", w.file)
			log.Printf("%s: skipped: %s", w.name, res.skipped)
			return res
		}
	}
	log.Printf("%s: loading graph", w.name)
	g, err := graphs.get(w)
	defer graphs.done(w)
	if err != nil {
		res.skipped = err.Error()
		return res
	}
	w.graph = g
	defer func() { w.graph = nil }()
	if w.algo == algoSSSP {
		w.source = minVertex(g)
	}
	ref, _ := floorVariant(w.algo).run(ctx, nil, w, true)
	res.rows = len(ref.ans.ids)
	res.facts = append(res.facts, referenceFacts(w, ref.ans)...)
	cpu := startCPUWatch()
	defer func() { res.facts = append(res.facts, cpu.String()) }()

	backends := map[string]backend{}
	defer func() {
		for _, b := range backends {
			b.close()
		}
	}()
	for _, v := range w.variantList() {
		cellName := w.name + "/" + v.id
		if !cfg.only.MatchString(cellName) || ctx.Err() != nil {
			continue
		}
		b, ok := backends[v.engine]
		if !ok && v.engine != engineGo {
			var err error
			if b, err = openBackend(ctx, cfg, w, v.engine, res); err != nil {
				c := cell{id: v.id, name: v.name, iters: -1, peak: -1}
				c.fail(err, 0)
				res.cells = append(res.cells, c)
				log.Printf("%s: %s %s", cellName, c.status, c.detail)
				continue
			}
			backends[v.engine] = b
		}
		log.Printf("%s: running", cellName)
		c := measureCell(ctx, cfg, w, v, b, ref.ans)
		if c.ok() {
			log.Printf("%s: %v (median of %d), %s iterations, peak %s", cellName, c.time.Round(time.Millisecond), c.runs, formatIters(c.iters), formatBytes(c.peak))
		} else {
			log.Printf("%s: %s %s", cellName, c.status, c.detail)
			if b != nil { // start the next variant on a fresh instance
				b.close()
				delete(backends, v.engine)
			}
		}
		res.cells = append(res.cells, c)
	}
	return res
}

// referenceFacts describes the graph and the floor's answer.
func referenceFacts(w *workload, ref *answer) []string {
	facts := []string{fmt.Sprintf("%s edge rows", formatCount(w.graph.edges()))}
	switch w.algo {
	case algoCC:
		facts = append(facts, "loaded undirected (both directions, UNION)",
			fmt.Sprintf("%s vertices", formatCount(len(ref.ids))),
			plural(components(ref), "component"))
	case algoPR:
		facts = append(facts, "directed as listed", fmt.Sprintf("%s vertices", formatCount(len(ref.ids))))
	case algoSSSP:
		maxDist := int64(0)
		for _, d := range ref.ints {
			maxDist = max(maxDist, d)
		}
		facts = append(facts, "loaded undirected", fmt.Sprintf("source %d", w.source),
			fmt.Sprintf("%s vertices reached, eccentricity %d", formatCount(len(ref.ids)), maxDist))
	}
	return facts
}

// openBackend opens a fresh instance of engine and loads w's graph into it.
func openBackend(ctx context.Context, cfg *config, w *workload, engine string, res *workloadResult) (backend, error) {
	var b backend
	var err error
	switch engine {
	case engineDuckDB:
		b, err = openDuckDB(ctx, cfg)
	case engineItersql:
		b, err = openItersql(ctx, cfg)
	case engineItersqlReplace:
		b, err = openItersqlReplace(ctx, cfg)
	case engineSpark: // loads by itself, from the graph's file
		return openSparkBackend(ctx, cfg, w, res)
	default:
		return nil, fmt.Errorf("unknown engine %q", engine)
	}
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := loadGraph(ctx, b.db(), w.graph, w.setup()); err != nil {
		b.close()
		return nil, err
	}
	fact := fmt.Sprintf("loaded into %s in %.2f s", engine, time.Since(start).Seconds())
	if mem, ok := duckMemory(b.db())(); ok {
		fact += ", tables " + formatBytes(mem)
	}
	if !slices.ContainsFunc(res.facts, func(f string) bool { return strings.HasPrefix(f, "loaded into "+engine+" ") }) {
		res.facts = append(res.facts, fact)
	}
	return b, nil
}

// runMicro measures the fixed cost of one iteration: itersql's one-row
// loop, plain and keyed, against DuckDB's recursive CTE running the same
// loop (both forms) and against the temp-table statements an engine of
// one table per iteration sends at least. The loops are in
// internal/microloop; the itersql cells also count what an iteration sends
// to DuckDB.
func runMicro(ctx context.Context, cfg *config) []cell {
	n := cfg.microIters
	var cells []cell
	for _, m := range []struct {
		id, name string
		strategy string // the session's keyed strategy
		loop     func(int) string
	}{
		{"itersql-plain", "itersql `WITH ITERATE t(i)` (plain), a table per iteration", exec.KeyedMerge, microloop.Plain},
		{"itersql-plain-recursive", "itersql `WITH ITERATE t(i)` (plain), chunks of iterations in one `WITH RECURSIVE ... UNION ALL` (the default)", exec.KeyedRecursive, microloop.Plain},
		{"itersql-key", "itersql `WITH ITERATE t(k, i) KEY (k)`, MERGE an iteration", exec.KeyedMerge, microloop.Keyed},
		{"itersql-key-tables", "itersql `WITH ITERATE t(k, i) KEY (k)`, tables per iteration", exec.KeyedTables, microloop.Keyed},
		{"itersql-key-recursive", "itersql `WITH ITERATE t(k, i) KEY (k)`, chunks of iterations in one `WITH RECURSIVE ... USING KEY` (the default)", exec.KeyedRecursive, microloop.Keyed},
		{"itersql-key-replace", "itersql `WITH ITERATE t(k, i) KEY (k)`, replace: a delta and a new state table per iteration (Spark's strategy)", exec.KeyedReplace, microloop.Keyed},
	} {
		if !cfg.only.MatchString("micro/" + m.id) {
			continue
		}
		c := cell{id: m.id, name: m.name}
		s, err := openItersqlMicro(ctx, cfg)
		if err != nil {
			c.fail(err, 0)
			cells = append(cells, c)
			continue
		}
		s.sess.KeyedStrategy = m.strategy
		if cost, err := s.cost(ctx, m.loop, 100); err != nil {
			c.fail(err, 0)
		} else {
			c = timeMicro(ctx, cfg, c, func(ctx context.Context) error { return s.run(ctx, m.loop(n), n) })
			c.cost = &cost
		}
		s.close()
		cells = append(cells, c)
	}
	for _, m := range []struct {
		id, name string
		run      func(context.Context, *sql.DB, int) error
	}{
		{"recursive", "DuckDB `WITH RECURSIVE t(i) ... UNION ALL` (a counter; keeps every step's row)", microRecursive(microloop.RecursiveUnionAll)},
		{"using-key", "DuckDB `WITH RECURSIVE t(k, i) USING KEY (k)`", microRecursive(microloop.RecursiveUsingKey)},
		{"temp-tables", "`CREATE TEMP TABLE t_k AS SELECT i+1 AS i FROM t_k-1`; `DROP TABLE t_k-1`, sent directly to DuckDB", microTempTables},
	} {
		if !cfg.only.MatchString("micro/" + m.id) {
			continue
		}
		c := cell{id: m.id, name: m.name}
		b, err := openDuckDB(ctx, cfg)
		if err == nil {
			c = timeMicro(ctx, cfg, c, func(ctx context.Context) error { return m.run(ctx, b.db(), n) })
			b.close()
		} else {
			c.fail(err, 0)
		}
		cells = append(cells, c)
	}
	return cells
}

// timeMicro runs f once to warm up and check, then -runs times.
func timeMicro(ctx context.Context, cfg *config, c cell, f func(context.Context) error) cell {
	c.iters, c.peak = cfg.microIters, -1
	log.Printf("micro/%s: running", c.id)
	var times []time.Duration
	for i := 0; i <= cfg.runs; i++ {
		rctx, cancel := context.WithTimeout(ctx, cfg.timeout)
		start := time.Now()
		err := f(rctx)
		d := time.Since(start)
		cancel()
		if err != nil {
			c.fail(err, cfg.timeout)
			log.Printf("micro/%s: %s %s", c.id, c.status, c.detail)
			return c
		}
		if i > 0 {
			times = append(times, d)
		}
	}
	c.time, c.runs = median(times), len(times)
	log.Printf("micro/%s: %.3f ms per iteration", c.id, c.time.Seconds()*1000/float64(c.iters))
	return c
}

// compile-time check that *sql.Conn and *sql.DB satisfy querier.
var _, _ querier = (*sql.Conn)(nil), (*sql.DB)(nil)
