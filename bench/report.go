package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/itersql/itersql/internal/microloop"
)

// report gathers the machine facts and results and renders RESULTS.md.
type report struct {
	cfg     *config
	machine []string
	micro   []cell
	results []*workloadResult
}

// newReport collects the machine header.
func newReport(ctx context.Context, cfg *config) (*report, error) {
	ver, err := duckVersion(ctx)
	if err != nil {
		return nil, err
	}
	r := &report{cfg: cfg}
	r.machine = []string{
		"date: " + time.Now().Format("2006-01-02 15:04 MST"),
		fmt.Sprintf("machine: %d cores (%s), %s memory", runtime.NumCPU(), cpuModel(), memTotal()),
		fmt.Sprintf("DuckDB %s (duckdb-go %s), %s %s/%s", ver, moduleVersion("github.com/duckdb/duckdb-go/v2"),
			runtime.Version(), runtime.GOOS, runtime.GOARCH),
		"itersql: this tree's engine (package exec), in-memory session",
		"command: `go run ./bench " + strings.Join(os.Args[1:], " ") + "`",
	}
	return r, nil
}

// cpuModel reads the processor name from /proc/cpuinfo.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// memTotal reads MemTotal from /proc/meminfo.
func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
			if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return formatBytes(kb << 10)
			}
		}
	}
	return "unknown"
}

// moduleVersion returns the version of a dependency of this binary.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "unknown"
}

// cpuWatch measures how much CPU other processes used during a span: the
// machine's busy time from /proc/stat less this process's own CPU time.
type cpuWatch struct{ busy, total, self int64 }

func startCPUWatch() cpuWatch {
	busy, total := machineTicks()
	return cpuWatch{busy: busy, total: total, self: selfTicks()}
}

// String reports the share of all cores that other processes used since
// the watch started.
func (w cpuWatch) String() string {
	busy, total := machineTicks()
	if total <= w.total || w.total < 0 {
		return "CPU used by other processes: unknown"
	}
	others := float64((busy-w.busy)-(selfTicks()-w.self)) / float64(total-w.total)
	return fmt.Sprintf("CPU used by other processes meanwhile: %.0f%% of the machine", 100*max(others, 0))
}

// machineTicks returns busy and total clock ticks of all cores.
func machineTicks() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return -1, -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i := 1; i < len(f) && i <= 8; i++ {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		total += n
		if i != 4 && i != 5 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// selfTicks returns this process's user plus system clock ticks.
func selfTicks() int64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	_, rest, _ := strings.Cut(string(b), ") ") // skip pid (comm)
	f := strings.Fields(rest)                  // f[11], f[12] = utime, stime
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// write renders the report to path.
func (r *report) write(path string) error {
	var b strings.Builder
	b.WriteString("# itersql benchmark: iterative graph algorithms on embedded DuckDB\n\n")
	for _, m := range r.machine {
		fmt.Fprintf(&b, "- %s\n", m)
	}

	fmt.Fprintf(&b, `
How to read this: each cell is one way of computing the workload in this one process,
all on the same DuckDB build (threads = cores, memory_limit %s, no spilling).
Before a cell is timed its full answer is checked against the floor (components: the
same partition up to relabeling; PageRank: relative error at most %g; SSSP: identical
distances); a wrong answer shows as WRONG and is not timed. time = median of %s,
or 1 run when a run takes over %v († = the check run, fetching the whole answer, was
the only run). Timed runs read only a one-row summary. Graph loading is not timed; the
floor's time includes building its index and CSR from the edge list. DNF = stopped at
the time limit (-cap %v for plain WITH RECURSIVE, -timeout %v otherwise).
iterations = steps evaluated, including the last one that changed nothing (— = the
variant cannot tell). peak memory = the highest of DuckDB's
`+"`SELECT sum(memory_usage_bytes) FROM duckdb_memory()`"+` sampled every %v during
the runs (the loaded tables included; a run shorter than that shows little more than
its start and end); for the floor, the Go heap growth during the run plus the edge list
(16 bytes a row). Ratios are time over the time of itersql KEY and of DuckDB's USING KEY.
The machine may be shared: each workload says how much CPU other processes used while
it ran. The SQL of every variant is in bench/duckdb.go, driver.go and itersql.go;
for components, USING KEY's check run carries an iteration counter column (to report
iterations) that its timed runs leave out.
`, r.cfg.memLimit, maxRelErr, plural(r.cfg.runs, "run"), longCell, r.cfg.cap, r.cfg.timeout, sampleEvery)
	for _, res := range r.results {
		r.writeWorkload(&b, res)
	}
	r.writeMicro(&b)
	b.WriteString(keptSections(path))
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// keptHeadings are the sections of RESULTS.md written by hand from
// measurements this command does not make: "## Per-iteration overhead"
// (profiles of one iteration), "## Soak" (BenchmarkSoak), "## Spark or
// DuckDB" (the model of a cluster, from -remote's RESULTS-spark.md).
var keptHeadings = []string{"## Per-iteration overhead", "## Soak", "## Spark or DuckDB"}

// keptSections returns the sections of the file at path that this
// command does not measure (keptHeadings), in that order, so that
// regenerating the report keeps them.
func keptSections(path string) string {
	old, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	text := string(old)
	var kept strings.Builder
	for _, h := range keptHeadings {
		i := strings.Index(text, "\n"+h+"\n")
		if i < 0 {
			continue
		}
		section := text[i:]
		if j := strings.Index(section[1:], "\n## "); j >= 0 {
			section = section[:j+1]
		}
		kept.WriteString(strings.TrimRight(section, "\n") + "\n")
	}
	return kept.String()
}

// writeWorkload renders one workload's table.
func (r *report) writeWorkload(b *strings.Builder, res *workloadResult) {
	fmt.Fprintf(b, "\n## %s: %s\n\n", res.w.name, res.w.title)
	if res.skipped != "" {
		fmt.Fprintf(b, "Skipped: %s.\n", res.skipped)
		return
	}
	fmt.Fprintf(b, "%s.\n\n", strings.Join(res.facts, "; "))
	base := map[string]time.Duration{}
	for _, c := range res.cells {
		if c.ok() {
			base[c.id] = c.time
		}
	}
	b.WriteString("| variant | time | iterations | peak memory | vs itersql KEY | vs USING KEY |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|\n")
	for _, c := range res.cells {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", c.name, cellTime(c), formatIters(c.iters),
			formatBytes(c.peak), ratio(c, base["itersql-key"]), ratio(c, base["using-key"]))
	}
}

// microBase names, for each micro cell, the DuckDB cell running the
// same loop that its ratio is taken against.
var microBase = map[string]string{"itersql-plain": "recursive", "itersql-plain-recursive": "recursive", "itersql-key": "using-key", "itersql-key-tables": "using-key", "itersql-key-recursive": "using-key"}

// microPerIteration is a micro cell's time per iteration in ms, 0 when it
// has none.
func microPerIteration(c cell) float64 {
	if !c.ok() || c.iters <= 0 {
		return 0
	}
	return c.time.Seconds() * 1000 / float64(c.iters)
}

// writeMicro renders the per-iteration microbenchmark.
func (r *report) writeMicro(b *strings.Builder) {
	if len(r.micro) == 0 {
		return
	}
	byID := map[string]cell{}
	for _, c := range r.micro {
		byID[c.id] = c
	}
	fmt.Fprintf(b, "\n## Microbenchmark: the fixed cost of one iteration\n\n")
	fmt.Fprintf(b, "%d iterations over a one-row state (the loops are in internal/microloop); median of %s after one warm-up run. "+
		"Ratio: itersql plain over DuckDB's `UNION ALL` loop, itersql KEY over DuckDB's `USING KEY` loop. "+
		"Statements and tables are counted (Session.Counters), not timed: per iteration, and per run outside the iterations.\n\n",
		r.cfg.microIters, plural(r.cfg.runs, "run"))
	b.WriteString("| way | total | ms per iteration | ratio | statements per iteration | tables per iteration | statements, tables per run |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range r.micro {
		per, rat := "—", "—"
		if c.ok() {
			per = fmt.Sprintf("%.4f", microPerIteration(c))
			if base, ok := byID[microBase[c.id]]; ok && base.ok() {
				rat = ratio(c, base.time)
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

// microJSON is one micro cell in the -json output. Times vary with the
// machine; the counts do not, and are what CI may compare.
type microJSON struct {
	ID              string  `json:"id"`
	Status          string  `json:"status,omitempty"`
	Iterations      int     `json:"iterations"`
	MsPerIteration  float64 `json:"ms_per_iteration"`
	RatioTo         string  `json:"ratio_to,omitempty"`
	Ratio           float64 `json:"ratio,omitempty"`
	*microloop.Cost `json:",omitempty"`
}

// writeMicroJSON writes the micro cells to path as JSON.
func writeMicroJSON(path string, n int, cells []cell) error {
	byID := map[string]cell{}
	for _, c := range cells {
		byID[c.id] = c
	}
	out := []microJSON{}
	for _, c := range cells {
		m := microJSON{ID: c.id, Status: c.status, Iterations: n, MsPerIteration: microPerIteration(c), Cost: c.cost}
		if base, ok := byID[microBase[c.id]]; ok && c.ok() && base.ok() {
			m.RatioTo, m.Ratio = base.id, c.time.Seconds()/base.time.Seconds()
		}
		out = append(out, m)
	}
	text, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(text, '\n'), 0o644)
}

// cellTime is a cell's time, or its status.
func cellTime(c cell) string {
	if !c.ok() {
		if c.detail == "" {
			return "**" + c.status + "**"
		}
		return "**" + c.status + "** (" + strings.ReplaceAll(c.detail, "|", "\\|") + ")"
	}
	s := formatDuration(c.time)
	if c.single {
		s += " †"
	}
	return s
}

// ratio is c's time over base, or a dash.
func ratio(c cell, base time.Duration) string {
	if !c.ok() || base <= 0 {
		return "—"
	}
	switch r := c.time.Seconds() / base.Seconds(); {
	case r < 0.01:
		return fmt.Sprintf("%.4f×", r)
	case r >= 100:
		return fmt.Sprintf("%.0f×", r)
	default:
		return fmt.Sprintf("%.2f×", r)
	}
}

func formatDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", d.Seconds()*1000)
	default:
		return fmt.Sprintf("%.2f ms", d.Seconds()*1000)
	}
}

func formatIters(n int) string {
	if n < 0 {
		return "—"
	}
	return strconv.Itoa(n)
}

// formatBytes renders a byte count in binary units; negative means unknown.
func formatBytes(n int64) string {
	switch {
	case n < 0:
		return "—"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
}

// formatCount renders n with thousands separators.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// plural renders "1 run", "3 runs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return formatCount(n) + " " + noun + "s"
}
