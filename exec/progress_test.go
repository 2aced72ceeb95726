package exec_test

import (
	"context"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
)

// sampleProgress runs q on s while another goroutine reads the session's
// progress every few milliseconds, and returns the percents seen, after
// checking that they lie within 0..100 and that nothing is known once q
// has ended.
func sampleProgress(t *testing.T, s *exec.Session, q string, every time.Duration) []float64 {
	t.Helper()
	done := make(chan struct{})
	seen := make(chan []float64)
	go func() {
		var got []float64
		for {
			select {
			case <-done:
				seen <- got
				return
			case <-time.After(every):
			}
			if p, ok := s.QueryProgress(); ok {
				got = append(got, p)
			}
		}
	}()
	_, err := run(t, s, q)
	close(done)
	got := <-seen
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		if p < 0 || p > 100 {
			t.Fatalf("progress %v out of 0..100: %v", p, got)
		}
	}
	if p, ok := s.QueryProgress(); ok {
		t.Errorf("progress %v known after the statement ended", p)
	}
	return got
}

// between counts the percents strictly between 0 and 100: progress seen
// moving, not only at a statement's ends.
func between(got []float64) int {
	n := 0
	for _, p := range got {
		if p > 0 && p < 100 {
			n++
		}
	}
	return n
}

// TestQueryProgress: DuckDB's progress of a statement scanning a table
// moves while it runs; it is unknown before TrackProgress turns DuckDB's
// tracking on, and after the user turns it off; the user's SETs stand.
func TestQueryProgress(t *testing.T) {
	s, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := run(t, s, "CREATE TABLE t AS SELECT i FROM range(4000000) r(i)"); err != nil {
		t.Fatal(err)
	}
	const slow = "SELECT count(*) FROM t WHERE md5(i::VARCHAR) LIKE '%ab%'"
	const every = 2 * time.Millisecond

	if got := sampleProgress(t, s, slow, every); len(got) != 0 {
		t.Errorf("progress known before TrackProgress: %v", got[:1])
	}
	delay, ok, err := s.TrackProgress(ctx)
	if err != nil || !ok || delay != 2*time.Second {
		t.Fatalf("TrackProgress = %v, %v, %v; want DuckDB's default progress_bar_time (2s), on", delay, ok, err)
	}
	if got := sampleProgress(t, s, slow, every); between(got) == 0 {
		t.Fatalf("no progress strictly between 0%% and 100%% among %d samples: %v", len(got), got)
	}

	if _, err := run(t, s, "SET progress_bar_time = 250"); err != nil {
		t.Fatal(err)
	}
	if delay, ok, _ := s.TrackProgress(ctx); !ok || delay != 250*time.Millisecond {
		t.Errorf("after SET progress_bar_time = 250: TrackProgress = %v, %v", delay, ok)
	}
	if _, err := run(t, s, "SET enable_progress_bar = false"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.TrackProgress(ctx); ok {
		t.Error("after SET enable_progress_bar = false: TrackProgress still on")
	}
	if got := sampleProgress(t, s, slow, every); len(got) != 0 {
		t.Errorf("progress known with enable_progress_bar off: %v", got[:1])
	}
}

// TestSparkQueryProgress: Spark's reports of a statement of several tasks
// (every 2 s by default) are seen while it runs, some between 0% and 100%.
func TestSparkQueryProgress(t *testing.T) {
	sp := sparkSession(t)
	if delay, ok, err := sp.TrackProgress(context.Background()); !ok || err != nil || delay != 2*time.Second {
		t.Fatalf("TrackProgress = %v, %v, %v", delay, ok, err)
	}
	// Several seconds in 8 tasks on the server's 2 cores: Spark reports
	// them as they complete.
	if _, err := run(t, sp, "SET spark.sql.leafNodeDefaultParallelism = 8"); err != nil {
		t.Fatal(err)
	}
	got := sampleProgress(t, sp, "SELECT count(*) AS n FROM range(40000000) t(i) WHERE md5(CAST(i AS VARCHAR)) LIKE '%ab%'", 50*time.Millisecond)
	t.Logf("%d samples: %v", len(got), got)
	if len(got) == 0 {
		t.Fatal("no progress reported while the statement ran")
	}
	if between(got) == 0 {
		t.Error("no progress strictly between 0% and 100%: tasks completing were not reported")
	}
}
