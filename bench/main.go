// Command bench compares ways to run iterative graph algorithms on embedded
// DuckDB: itersql's WITH ITERATE (plain and KEY), DuckDB's own recursive CTEs
// (USING KEY and plain), hand-written Go driver loops over temp tables, and a
// floor of direct in-memory Go. Every answer is checked against the floor
// before it is timed. Results go to a markdown file.
//
//	go run ./bench -data DIR -out bench/RESULTS.md [-long] [-runs N] [-only REGEX]
//
// The per-iteration microbenchmark alone (one-row loops, itersql against
// DuckDB's recursive CTE, with statements per iteration counted):
//
//	go run ./bench -only micro/ -micro 10000 -out /tmp/micro.md -json /tmp/micro.json
//
// itersql on Apache Spark (a Spark Connect server) against itersql on
// DuckDB, the same statements side by side (bench/remote.go), written to
// bench/RESULTS-spark.md:
//
//	go run ./bench -remote sc://127.0.0.1:15002 -micro 2000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"time"
)

// config holds the command-line settings.
type config struct {
	data, out  string
	long       bool
	runs       int
	only       *regexp.Regexp
	timeout    time.Duration // per run, every variant
	cap        time.Duration // per run, the plain WITH RECURSIVE variant
	memLimit   string        // DuckDB memory_limit
	microIters int
	json       string // where the micro cells go as JSON, "" for nowhere
	// -remote (bench/remote.go): a Spark Connect server, the one-row
	// loops' iterations and PageRank's iterations on it.
	remote                string
	remoteMicro, remotePR int
}

func parseFlags() (*config, error) {
	cfg := &config{}
	var only string
	outGiven := false
	flag.StringVar(&cfg.data, "data", "/work/shared/data/graphs", "directory of gzip CSV graphs (src,dst)")
	flag.StringVar(&cfg.out, "out", "bench/RESULTS.md", "markdown file to write")
	flag.BoolVar(&cfg.long, "long", false, "include the long workloads (road-fla)")
	flag.IntVar(&cfg.runs, "runs", 3, "timed runs per cell (the median is reported; 1 for cells over 30 s)")
	flag.StringVar(&only, "only", "", "run only cells whose name WORKLOAD/VARIANT matches this regexp, e.g. facebook, cc/.*/using-key, micro")
	flag.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "time limit of one run of any variant (DNF past it)")
	flag.DurationVar(&cfg.cap, "cap", time.Minute, "time limit of one run of plain WITH RECURSIVE (DNF past it)")
	flag.StringVar(&cfg.memLimit, "memlimit", "12GB", "DuckDB memory_limit (spilling to disk is off)")
	flag.IntVar(&cfg.microIters, "micro", 10000, "iterations of the per-iteration microbenchmark (cells micro/...)")
	flag.StringVar(&cfg.json, "json", "", "also write the micro cells (ms per iteration, ratios, statements per iteration, tables per run) to this JSON file")
	flag.StringVar(&cfg.remote, "remote", "", "sc://host:port: instead of the DuckDB comparison, run itersql on this Spark Connect server against itersql on DuckDB (bench/remote.go; -out defaults to "+remoteOut+")")
	flag.IntVar(&cfg.remoteMicro, "remote-micro", 30, "with -remote, iterations of the one-row loops on Spark")
	flag.IntVar(&cfg.remotePR, "remote-pr", 20, "with -remote, PageRank iterations on slashdot (both engines)")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "out" {
			outGiven = true
		}
	})
	if cfg.remote != "" && !outGiven {
		cfg.out = remoteOut
	}
	if cfg.runs < 1 {
		return nil, errors.New("-runs must be at least 1")
	}
	re, err := regexp.Compile(only)
	if err != nil {
		return nil, fmt.Errorf("-only: %w", err)
	}
	cfg.only = re
	return cfg, nil
}

// algo is an iterative graph algorithm.
type algo int

const (
	algoCC   algo = iota // connected components
	algoPR               // PageRank
	algoSSSP             // single-source shortest paths, unit weights
)

// Engines: the variants of one engine share one loaded instance per workload.
const (
	engineGo      = "go"
	engineDuckDB  = "duckdb"
	engineItersql = "itersql"
)

// outcome is what one run of a variant yields.
type outcome struct {
	ans   *answer // the full answer, only when asked to check
	iters int     // steps evaluated, -1 when the variant cannot tell
}

// variant is one way to run a workload's algorithm.
type variant struct {
	id, name string
	engine   string
	capped   bool // may never finish: runs under -cap instead of -timeout
	// run computes the workload on b (nil for engineGo). With check it
	// returns the full answer; otherwise it reads only a cheap summary.
	run func(ctx context.Context, b backend, w *workload, check bool) (outcome, error)
}

// The two itersql variants; bench/itersql.go gives them their run functions.
var (
	itersqlPlain = variant{id: "itersql-plain", name: "itersql `WITH ITERATE` (plain)", engine: engineItersql}
	itersqlKey   = variant{id: "itersql-key", name: "itersql `WITH ITERATE ... KEY` (semi-naive)", engine: engineItersql}
)

// variantsFor lists the variants of a in report order.
func variantsFor(a algo) []variant {
	var vs []variant
	vs = append(vs, itersqlVariants(a)...)
	vs = append(vs, duckdbVariants(a)...)
	vs = append(vs, driverVariants(a)...)
	return append(vs, floorVariant(a))
}

// floorVariant is the direct in-memory Go implementation.
func floorVariant(a algo) variant {
	names := map[algo]string{algoCC: "union-find", algoPR: "power iteration over CSR", algoSSSP: "BFS over CSR"}
	return variant{id: "floor", name: "floor: Go in memory, " + names[a], engine: engineGo,
		run: func(_ context.Context, _ backend, w *workload, _ bool) (outcome, error) {
			switch a {
			case algoCC:
				return outcome{ans: floorCC(w.graph), iters: -1}, nil
			case algoPR:
				return outcome{ans: floorPageRank(w.graph, w.prIters), iters: w.prIters}, nil
			default:
				ans, rounds := floorBFS(w.graph, w.source)
				return outcome{ans: ans, iters: rounds}, nil
			}
		}}
}

// workload is one algorithm on one graph.
type workload struct {
	name  string // ALGO/GRAPH, the prefix of cell names
	title string
	algo  algo
	file  string // graph file in -data; empty for a generated graph
	// R-MAT parameters of a generated graph.
	rmatEdges, rmatScale int
	prIters              int
	source               int64 // SSSP source, the smallest vertex id
	graph                *graph
	variants             []variant // when set (-remote), instead of the algorithm's
}

// variantList is w's variants in report order.
func (w *workload) variantList() []variant {
	if w.variants != nil {
		return w.variants
	}
	return variantsFor(w.algo)
}

// setup is the DuckDB table layout the workload needs.
func (w *workload) setup() string {
	if w.algo == algoPR {
		return directedSetup
	}
	return undirectedSetup
}

// workloads lists the workloads in report order.
func workloads(cfg *config) []*workload {
	titles := map[algo]string{algoCC: "connected components", algoPR: "PageRank, 20 iterations", algoSSSP: "SSSP, unit weights"}
	prefix := map[algo]string{algoCC: "cc", algoPR: "pr", algoSSSP: "sssp"}
	real := func(a algo, graph string) *workload {
		return &workload{name: prefix[a] + "/" + graph, title: titles[a] + " on " + graph,
			algo: a, file: graph + ".csv.gz", prIters: 20}
	}
	ws := []*workload{real(algoCC, "facebook"), real(algoCC, "email-enron"), real(algoCC, "twitter-ego"), real(algoCC, "road-ny")}
	if cfg.long {
		ws = append(ws, real(algoCC, "road-fla"))
	}
	ws = append(ws, real(algoPR, "slashdot"), real(algoPR, "twitter-ego"), real(algoSSSP, "road-luxembourg"))
	for i, m := range []int{1, 2, 4, 8} {
		name := fmt.Sprintf("rmat-%dm", m)
		ws = append(ws, &workload{name: "cc/" + name, algo: algoCC, prIters: 20,
			title:     fmt.Sprintf("connected components on R-MAT, %d million edges, 2^%d vertex ids", m, 16+i),
			rmatEdges: m * 1_000_000, rmatScale: 16 + i})
	}
	return ws
}

func main() {
	log.SetFlags(log.Ltime)
	cfg, err := parseFlags()
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if cfg.remote != "" {
		if err := runRemote(ctx, cfg); err != nil {
			log.Fatal(err)
		}
		return
	}
	rep, err := newReport(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	rep.micro = runMicro(ctx, cfg)
	if cfg.json != "" {
		if err := writeMicroJSON(cfg.json, cfg.microIters, rep.micro); err != nil {
			log.Fatal(err)
		}
	}
	ws := workloads(cfg)
	graphs := newGraphCache(cfg, ws)
	for _, w := range ws {
		if ctx.Err() != nil {
			break
		}
		if res := runWorkload(ctx, cfg, w, graphs); res != nil {
			rep.results = append(rep.results, res)
		}
		if err := rep.write(cfg.out); err != nil {
			log.Fatal(err)
		}
	}
	if err := rep.write(cfg.out); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", cfg.out)
}

// graphCache loads each graph file once and forgets it after its last workload.
type graphCache struct {
	cfg   *config
	uses  map[string]int
	cache map[string]*graph
}

func newGraphCache(cfg *config, ws []*workload) *graphCache {
	gc := &graphCache{cfg: cfg, uses: map[string]int{}, cache: map[string]*graph{}}
	for _, w := range ws {
		if w.file != "" && gc.matches(w) {
			gc.uses[w.file]++
		}
	}
	return gc
}

// matches reports whether any cell of w is selected by -only.
func (gc *graphCache) matches(w *workload) bool {
	for _, v := range w.variantList() {
		if gc.cfg.only.MatchString(w.name + "/" + v.id) {
			return true
		}
	}
	return false
}

// get returns w's graph, reading or generating it.
func (gc *graphCache) get(w *workload) (*graph, error) {
	if w.file == "" {
		return rmatGraph(filepath.Base(w.name), w.rmatEdges, w.rmatScale, uint64(w.rmatEdges)), nil
	}
	if g, ok := gc.cache[w.file]; ok {
		return g, nil
	}
	g, err := readGraph(filepath.Join(gc.cfg.data, w.file))
	if err != nil {
		return nil, err
	}
	gc.cache[w.file] = g
	return g, nil
}

// done releases w's graph once no later workload needs it.
func (gc *graphCache) done(w *workload) {
	if w.file == "" {
		return
	}
	if gc.uses[w.file]--; gc.uses[w.file] <= 0 {
		delete(gc.cache, w.file)
	}
}
