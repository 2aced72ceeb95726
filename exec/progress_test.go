package exec

import (
	"context"
	"testing"
	"time"
)

// TestQueryProgress samples DuckDB's progress from another goroutine while
// a statement scans a table: it must be seen strictly between 0 and 100
// (so it moves during the statement, not only at its ends), and be
// unknown before TrackProgress and after the user turns the bar off.
func TestQueryProgress(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	mustExec(t, s, "CREATE TABLE t AS SELECT i FROM range(4000000) r(i)")
	const slow = "SELECT count(*) FROM t WHERE md5(i::VARCHAR) LIKE '%ab%'"

	// sample runs the slow query and returns the progress values seen
	// while it ran.
	sample := func() []float64 {
		done := make(chan struct{})
		seen := make(chan []float64)
		go func() {
			var got []float64
			for {
				select {
				case <-done:
					seen <- got
					return
				default:
				}
				if p, ok := s.QueryProgress(); ok {
					got = append(got, p)
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
		mustExec(t, s, slow)
		close(done)
		return <-seen
	}

	if got := sample(); len(got) != 0 {
		t.Errorf("progress known before TrackProgress: %v", got[:1])
	}
	delay, ok, err := s.TrackProgress(ctx)
	if err != nil || !ok || delay != 2*time.Second {
		t.Fatalf("TrackProgress = %v, %v, %v; want DuckDB's default progress_bar_time (2s), on", delay, ok, err)
	}
	got := sample()
	mid := 0
	for _, p := range got {
		if p > 0 && p < 100 {
			mid++
		}
	}
	if mid == 0 {
		t.Fatalf("no progress strictly between 0%% and 100%% among %d samples: %v", len(got), got)
	}

	// The user's SETs stand: TrackProgress sends its own only once.
	mustExec(t, s, "SET progress_bar_time = 250")
	if delay, ok, _ := s.TrackProgress(ctx); !ok || delay != 250*time.Millisecond {
		t.Errorf("after SET progress_bar_time = 250: TrackProgress = %v, %v", delay, ok)
	}
	mustExec(t, s, "SET enable_progress_bar = false")
	if _, ok, _ := s.TrackProgress(ctx); ok {
		t.Error("after SET enable_progress_bar = false: TrackProgress still on")
	}
	if got := sample(); len(got) != 0 {
		t.Errorf("progress known with enable_progress_bar off: %v", got[:1])
	}
}
