package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/itersql/itersql/internal/microloop"
)

// longCell is the time above which a cell is measured once, not -runs times.
const longCell = 30 * time.Second

// sampleEvery is the memory sampling period.
const sampleEvery = 50 * time.Millisecond

// cell is the measurement of one variant on one workload.
type cell struct {
	id, name string
	status   string        // empty when the cell was timed; else WRONG, DNF, OOM, ERROR
	detail   string        // reason for a non-empty status
	time     time.Duration // median over runs
	runs     int
	iters    int             // steps evaluated, -1 if the variant cannot tell
	peak     int64           // peak memory in bytes, -1 if unknown
	single   bool            // measured by the check run alone (it took over longCell)
	cost     *microloop.Cost // what an iteration sends to DuckDB (micro itersql cells)
}

// ok reports whether the cell has a time.
func (c *cell) ok() bool { return c.status == "" }

// memSampler records the peak of a memory reading taken every sampleEvery.
type memSampler struct {
	read   func() (int64, bool)
	mu     sync.Mutex
	peak   int64
	failed bool
	stop   chan struct{}
	done   chan struct{}
}

// duckMemory reads DuckDB's memory in use through db.
func duckMemory(db *sql.DB) func() (int64, bool) {
	return func() (int64, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var n sql.NullInt64
		err := db.QueryRowContext(ctx, `SELECT sum(memory_usage_bytes) FROM duckdb_memory()`).Scan(&n)
		return n.Int64, err == nil
	}
}

// backendMemory reads b's DuckDB memory; a Spark session has no DuckDB,
// and its reading always fails (peak unknown).
func backendMemory(b backend) func() (int64, bool) {
	if db := b.db(); db != nil {
		return duckMemory(db)
	}
	return func() (int64, bool) { return 0, false }
}

// goHeap reads the Go heap in use.
func goHeap() (int64, bool) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc), true
}

// startSampler starts sampling read in a goroutine.
func startSampler(read func() (int64, bool)) *memSampler {
	s := &memSampler{read: read, peak: -1, stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *memSampler) sample() {
	v, ok := s.read()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		s.failed = true
		return
	}
	s.peak = max(s.peak, v)
}

// finish takes a last sample, stops the goroutine and returns the peak, or
// -1 if no sample could be read.
func (s *memSampler) finish() int64 {
	s.sample()
	close(s.stop)
	<-s.done
	return s.peak
}

// runOnce runs v once under ctx and returns its outcome, time and peak memory.
func runOnce(ctx context.Context, v variant, b backend, w *workload, check bool) (outcome, time.Duration, int64, error) {
	if b != nil {
		s := startSampler(backendMemory(b))
		start := time.Now()
		out, err := v.run(ctx, b, w, check)
		d := time.Since(start)
		return out, d, s.finish(), err
	}
	// In Go, count the edge list (16 bytes a row, like DuckDB's edges
	// table) plus what the heap grows by during the run.
	runtime.GC()
	base, _ := goHeap()
	s := startSampler(goHeap)
	start := time.Now()
	out, err := v.run(ctx, b, w, check)
	d := time.Since(start)
	peak := s.finish() - base + 16*int64(w.graph.edges())
	return out, d, peak, err
}

// measureCell checks v's answer against ref once, then times it.
func measureCell(ctx context.Context, cfg *config, w *workload, v variant, b backend, ref *answer) cell {
	c := cell{id: v.id, name: v.name, iters: -1, peak: -1}
	limit := cfg.timeout
	if v.capped {
		limit = cfg.cap
	}
	run := func(check bool) (outcome, time.Duration, int64, error) {
		rctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		out, d, peak, err := runOnce(rctx, v, b, w, check)
		if err != nil && rctx.Err() != nil && ctx.Err() == nil {
			err = fmt.Errorf("%w: %w", errDNF, err)
		}
		return out, d, peak, err
	}
	out, d, peak, err := run(true)
	if err != nil {
		c.fail(err, limit)
		c.peak = peak // how far memory grew before the failure
		return c
	}
	if err := compareAnswers(w.algo, ref, out.ans); err != nil {
		c.status, c.detail = "WRONG", err.Error()
		return c
	}
	c.iters = out.iters
	if d > longCell {
		c.time, c.runs, c.peak, c.single = d, 1, peak, true
		return c
	}
	var times []time.Duration
	for range cfg.runs {
		out, d, peak, err := run(false)
		if err != nil {
			c.fail(err, limit)
			return c
		}
		times = append(times, d)
		c.peak = max(c.peak, peak)
		if out.iters >= 0 {
			c.iters = out.iters
		}
		if d > longCell {
			break
		}
	}
	c.time, c.runs = median(times), len(times)
	return c
}

// errDNF marks a run stopped by its time limit.
var errDNF = errors.New("time limit reached")

// fail records why a cell has no time.
func (c *cell) fail(err error, limit time.Duration) {
	msg := err.Error()
	switch {
	case errors.Is(err, errDNF):
		c.status, c.detail = "DNF", fmt.Sprintf("stopped at the %v limit", limit)
	case strings.Contains(msg, "Out of Memory"):
		c.status, c.detail = "OOM", firstLine(msg)
	default:
		c.status, c.detail = "ERROR", firstLine(msg)
	}
}

// median returns the median of ds (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// firstLine shortens an error message to its first line, at most 160 bytes.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}
