package repl

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/sqlscan"
)

// progressTick is how often the display is redrawn: often enough for the
// spinner and the elapsed time to look live, rarely enough that a loop
// doing thousands of fast iterations is not slowed down by terminal
// writes.
const progressTick = 100 * time.Millisecond

// progress is the live display on stderr while a WITH ITERATE runs, drawn
// by schollz/progressbar:
//
//	cc: rows 1,234  changed 56  45% |█████      | (45/100, 12 it/s) [3s:4s]
//	cc: iteration 12  rows 1,234  changed 56  ⠼ (12, 3.4 it/s) [3s]
//
// A bar with percent and ETA when the statement stops after n ITERATIONS,
// a spinner with the iteration, rows, changed and rate when it runs to a
// FIXPOINT or a condition (no end is known); an iteration that runs
// longer than the delay below adds how far its running query is
// ("query 45%"). It appears at the first iteration. Before that (and in
// every statement that does not iterate), a statement that runs longer
// than DuckDB's progress_bar_time (2 s on Spark) gets the engine's own
// measure of its progress (exec.Session.QueryProgress) as a bar with
// percent and elapsed time, as DuckDB's CLI shows it:
//
//	45% |█████████           | [3s]
//
// The display is erased when the statement ends, so results and errors
// print on a clean line.
type progress struct {
	w     io.Writer
	total int // iterations the statement stops after; 0 unknown (spinner)
	// sess gives the engine's progress of the running statement, shown
	// after delay when tracked (exec.Session.TrackProgress).
	sess    *exec.Session
	tracked bool
	delay   time.Duration
	began   time.Time
	// last is when the last iteration was reported: an iteration that
	// runs longer than delay shows the progress of its statement.
	last time.Time

	mu sync.Mutex
	// bar shows the iterations. It is made when the statement starts, so
	// its clock counts from then, and drawn from the first iteration on
	// (shown).
	bar   *progressbar.ProgressBar
	shown bool
	// query shows the engine's progress until the first iteration. It is
	// made when the statement starts, so its clock starts then, and drawn
	// only once the delay has passed.
	query      *progressbar.ProgressBar
	queryShown bool
	name       string
	st         exec.IterStat
	done       chan struct{}
	wg         sync.WaitGroup
	onStop     func()
}

// startProgress hooks a progress display into the session when the
// progress setting asks for one; the result's stop must be called when
// the statement ends, whether it is nil or not. "auto" draws only on a
// terminal and never in csv or json mode, whose output is for programs.
func (h *Handler) startProgress(ctx context.Context, stmt string) *progress {
	on := false
	switch h.Sess.Settings.Progress {
	case "on":
		on = true
	case "auto":
		on = h.Terminal && h.Mode != render.ModeCSV && h.Mode != render.ModeJSON
	}
	if !on {
		h.Sess.Progress = nil
		return nil
	}
	p := &progress{w: h.Err, total: iterationLimit(stmt), done: make(chan struct{}), sess: h.Sess, began: time.Now()}
	// Without DuckDB's progress the iteration display still works.
	var delay time.Duration
	delay, p.tracked, _ = h.Sess.TrackProgress(ctx)
	if p.tracked {
		p.delay = delay
		p.query = p.newQueryBar()
		p.query.StartWithoutRender()
	}
	p.bar = p.newBar()
	p.bar.StartWithoutRender()
	sess := h.Sess
	sess.Progress = p.update
	p.wg.Add(1)
	go p.tick()
	// Unhook at stop: the session outlives the statement.
	p.onStop = func() { sess.Progress = nil }
	return p
}

// iterationLimit finds "UNTIL ... n ITERATIONS" in a statement: the bar's
// end. 0 when there is none (a FIXPOINT or a condition), or the text does
// not scan. The tokens are enough: the display must not depend on the
// parser, and a wrong guess costs only a less useful bar.
func iterationLimit(stmt string) int {
	toks, err := sqlscan.Tokens(stmt, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return 0
	}
	until := false
	for i, t := range toks {
		if t.Is("UNTIL") {
			until = true
		}
		if until && t.Kind == sqlscan.Number && i+1 < len(toks) && toks[i+1].Is("ITERATIONS") {
			if n, err := strconv.Atoi(t.Text); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}

// newBar makes the display of the iterations.
func (p *progress) newBar() *progressbar.ProgressBar {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetWidth(20),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("it"),
		progressbar.OptionSetElapsedTime(true),
		// Only tick redraws between iterations: the library's own
		// spinner goroutine would outlive the statement and draw over
		// its result.
		progressbar.OptionSetSpinnerChangeInterval(0),
	}
	max := int64(-1) // a spinner
	if p.total > 0 {
		max = int64(p.total)
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true))
	} else {
		opts = append(opts, progressbar.OptionSpinnerType(14), progressbar.OptionSetPredictTime(false))
	}
	return progressbar.NewOptions64(max, opts...)
}

// update is the session's per-iteration callback.
func (p *progress) update(name string, st exec.IterStat, _ time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name, p.st, p.last = name, st, time.Now()
	if !p.shown {
		p.clearQuery()
		p.shown = true
	}
	p.draw()
}

// newQueryBar makes the display of the engine's progress.
func (p *progress) newQueryBar() *progressbar.ProgressBar {
	return progressbar.NewOptions(100,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetWidth(20),
		// No ETA: at 0% there is no rate to guess from (the library
		// would print 0s), and Spark's percent moves in steps.
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetSpinnerChangeInterval(0),
	)
}

// drawQuery shows the engine's progress of the running statement once it
// has run for the delay; p.mu must be held.
func (p *progress) drawQuery() {
	if p.query == nil || time.Since(p.began) < p.delay {
		return
	}
	percent, ok := p.sess.QueryProgress()
	if !ok {
		return
	}
	_ = p.query.Set(int(percent))
	// Set draws only when the percent changes to more than 0; the clock
	// must move on a statement that stays at one percent (Spark counts
	// completed tasks only), and 0% must show too.
	_ = p.query.RenderBlank()
	p.queryShown = true
}

// clearQuery erases the statement's progress bar if one was drawn, and
// drops it; p.mu must be held.
func (p *progress) clearQuery() {
	if p.queryShown {
		_ = p.query.Clear()
		_ = p.query.Exit()
	}
	p.query, p.queryShown = nil, false
}

// tick redraws so the spinner turns and the time moves during a long
// iteration.
func (p *progress) tick() {
	defer p.wg.Done()
	t := time.NewTicker(progressTick)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-t.C:
			p.mu.Lock()
			if p.shown {
				p.draw()
			} else {
				p.drawQuery()
			}
			p.mu.Unlock()
		}
	}
}

// draw brings the display up to the last iteration; p.mu must be held.
func (p *progress) draw() {
	// The bar shows the iteration as its count; the spinner shows only
	// the rate, so the description names the iteration.
	desc := formatProgress(p.name, p.st, p.total == 0)
	if p.tracked && time.Since(p.last) >= p.delay {
		if percent, ok := p.sess.QueryProgress(); ok {
			// A long iteration: how far its running statement is.
			desc += fmt.Sprintf("  query %d%%", int(percent))
		}
	}
	p.bar.Describe(desc)
	_ = p.bar.Set(p.st.Iteration)
}

// stop ends the ticker and erases the display if one was drawn.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.onStop()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearQuery()
	if p.shown {
		_ = p.bar.Clear()
		_ = p.bar.Exit()
	}
}

// formatProgress is the text beside the bar or spinner: the iteration
// (unless the bar shows it), rows and changed. Rows or changed of -1 mean
// the engine did not count them, so they are left out rather than shown
// as -1.
func formatProgress(name string, st exec.IterStat, iteration bool) string {
	var b strings.Builder
	b.WriteString(name + ":")
	if iteration {
		fmt.Fprintf(&b, " iteration %s ", render.Thousands(int64(st.Iteration)))
	}
	if st.Rows >= 0 {
		fmt.Fprintf(&b, " rows %s ", render.Thousands(st.Rows))
	}
	if st.Changed >= 0 {
		fmt.Fprintf(&b, " changed %s ", render.Thousands(st.Changed))
	}
	return strings.TrimRight(b.String(), " ")
}
