package exec_test

import (
	"context"
	"testing"
	"time"
)

// TestSparkQueryProgress samples the session's progress while Spark runs
// a statement of several tasks: Spark's reports (every 2 s by default)
// must be seen, as percents within 0..100 and some between, and nothing is
// known once the statement has ended.
func TestSparkQueryProgress(t *testing.T) {
	sp := sparkSession(t)
	if delay, ok, err := sp.TrackProgress(context.Background()); !ok || err != nil || delay != 2*time.Second {
		t.Fatalf("TrackProgress = %v, %v, %v", delay, ok, err)
	}
	done := make(chan struct{})
	seen := make(chan []float64)
	go func() {
		var got []float64
		for {
			select {
			case <-done:
				seen <- got
				return
			case <-time.After(50 * time.Millisecond):
			}
			if p, ok := sp.QueryProgress(); ok {
				got = append(got, p)
			}
		}
	}()
	// Several seconds in 8 tasks on the server's 2 cores: Spark reports
	// them as they complete.
	if _, err := run(t, sp, "SET spark.sql.leafNodeDefaultParallelism = 8"); err != nil {
		t.Fatal(err)
	}
	res, err := run(t, sp, "SELECT count(*) AS n FROM range(40000000) t(i) WHERE md5(CAST(i AS VARCHAR)) LIKE '%ab%'")
	close(done)
	got := <-seen
	if err != nil || len(res.Rows) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	t.Logf("%d samples: %v", len(got), got)
	if len(got) == 0 {
		t.Fatal("no progress reported while the statement ran")
	}
	mid := 0
	for _, p := range got {
		if p < 0 || p > 100 {
			t.Fatalf("progress %v out of 0..100: %v", p, got)
		}
		if p > 0 && p < 100 {
			mid++
		}
	}
	if mid == 0 {
		t.Error("no progress strictly between 0% and 100%: tasks completing were not reported")
	}
	if p, ok := sp.QueryProgress(); ok {
		t.Errorf("progress %v known after the statement ended", p)
	}
}
