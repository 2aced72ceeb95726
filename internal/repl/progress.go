package repl

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/itersql/itersql/exec"
)

// progressTick is how often the progress line is redrawn: often enough for
// the elapsed time to look live, rarely enough that a loop doing thousands
// of fast iterations is not slowed down by terminal writes.
const progressTick = 100 * time.Millisecond

// progress is the one live line shown on stderr while a WITH ITERATE runs:
//
//	cc: iteration 12  rows 1,234  changed 56  1.2s
//
// It is rewritten in place with '\r' and padded with spaces rather than
// using terminal escapes, so it stays readable when progress is forced on
// into a file. It appears only after the first iteration, so statements
// that do not iterate never draw anything, and it is erased when the
// statement ends so results and errors print on a clean line.
type progress struct {
	w     io.Writer
	start time.Time

	mu     sync.Mutex
	name   string
	st     exec.IterStat
	have   bool      // an iteration was reported
	drawn  time.Time // when the line was last drawn
	width  int       // widest line drawn, to erase it
	done   chan struct{}
	wg     sync.WaitGroup
	onStop func()
}

// startProgress hooks a progress line into the session when the progress
// setting asks for one; the result's stop must be called when the
// statement ends, whether it is nil or not.
func (h *Handler) startProgress() *progress {
	on := false
	switch h.Sess.Settings.Progress {
	case "on":
		on = true
	case "auto":
		on = h.Terminal
	}
	if !on {
		h.Sess.Progress = nil
		return nil
	}
	p := &progress{w: h.Err, start: time.Now(), done: make(chan struct{})}
	sess := h.Sess
	sess.Progress = p.update
	p.wg.Add(1)
	go p.tick()
	// Unhook at stop: the session outlives the statement.
	p.onStop = func() { sess.Progress = nil }
	return p
}

// update is the session's per-iteration callback.
func (p *progress) update(name string, st exec.IterStat, _ time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name, p.st, p.have = name, st, true
	if time.Since(p.drawn) >= progressTick {
		p.draw()
	}
}

// tick redraws the line so the elapsed time moves during a long iteration.
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
			if p.have {
				p.draw()
			}
			p.mu.Unlock()
		}
	}
}

// draw writes the line; p.mu must be held.
func (p *progress) draw() {
	line := formatProgress(p.name, p.st, time.Since(p.start))
	n := len([]rune(line))
	pad := ""
	if n < p.width {
		pad = strings.Repeat(" ", p.width-n)
	} else {
		p.width = n
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.drawn = time.Now()
}

// stop ends the ticker and erases the line if one was drawn.
func (p *progress) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	p.onStop()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
	}
}

// formatProgress renders one progress line. Rows or changed of -1 mean the
// engine did not count them, so they are left out rather than shown as -1.
func formatProgress(name string, st exec.IterStat, elapsed time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: iteration %s", name, thousands(int64(st.Iteration)))
	if st.Rows >= 0 {
		fmt.Fprintf(&b, "  rows %s", thousands(st.Rows))
	}
	if st.Changed >= 0 {
		fmt.Fprintf(&b, "  changed %s", thousands(st.Changed))
	}
	fmt.Fprintf(&b, "  %.1fs", elapsed.Seconds())
	return b.String()
}

// thousands formats n with commas, the way people read row counts.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
