package exec

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark/sparktest"
	"github.com/itersql/itersql/internal/sqlscan"
)

// TestSparkLineageFlat: over 100 iterations on Spark, with checkpoints
// written on the way, the plan of the state stays the same size: each
// state is a Parquet table, so its plan is a scan of that table, not the
// chain of the steps before it. The plan is Spark's EXPLAIN EXTENDED of
// the state's table at iterations 5 and 100, with the table's name and
// Spark's expression ids (#123L), which differ between any two plans, left
// out. A control shows that the measure sees lineage: the same over a
// chain of views grows with the chain.
func TestSparkLineageFlat(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := OpenSpark(ctx, sparktest.Remote(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := s.eng.(*sparkEngine)
	ids := regexp.MustCompile(`#\d+L?`)
	plan := func(table string) (string, error) {
		res, err := e.query(ctx, "EXPLAIN EXTENDED SELECT * FROM "+e.quote(table))
		if err != nil {
			return "", err
		}
		text := fmt.Sprint(res.Rows[0][0])
		return ids.ReplaceAllString(strings.ReplaceAll(text, table, "T"), "#"), nil
	}

	// The control: views v0 .. v20, each a step over the one before.
	for i := 0; i <= 20; i++ {
		q := fmt.Sprintf("CREATE TEMPORARY VIEW __lineage_v%d AS SELECT i + 1 AS i FROM __lineage_v%d", i, i-1)
		if i == 0 {
			q = "CREATE TEMPORARY VIEW __lineage_v0 AS SELECT 0 AS i"
		}
		if err := e.s.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	v5, err := plan("__lineage_v5")
	if err != nil {
		t.Fatal(err)
	}
	v20, err := plan("__lineage_v20")
	if err != nil {
		t.Fatal(err)
	}
	if len(v20) <= len(v5) {
		t.Fatalf("the measure does not see a view's lineage: %d characters at 5 views, %d at 20", len(v5), len(v20))
	}

	plans := map[int]string{}
	var fail error
	s.Settings.CheckpointDir = t.TempDir()
	s.Settings.CheckpointEvery = 40
	s.Progress = func(_ string, st IterStat, _ time.Duration) {
		if st.Iteration != 5 && st.Iteration != 100 || fail != nil {
			return
		}
		// The run's one live table: a plain state without previous.name
		// keeps only the current one.
		res, err := e.query(ctx, "SHOW TABLES LIKE '__itersql_"+e.tag+"_*'")
		if err != nil || len(res.Rows) != 1 {
			fail = fmt.Errorf("tables of the run at iteration %d: %v %v", st.Iteration, res, err)
			return
		}
		plans[st.Iteration], fail = plan(fmt.Sprint(res.Rows[0][1]))
	}
	began := time.Now()
	res, err := s.Exec(ctx, "WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 100 ITERATIONS) SELECT * FROM t", sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		t.Fatal(err)
	}
	if fail != nil {
		t.Fatal(fail)
	}
	if fmt.Sprint(res.Rows) != "[[100]]" {
		t.Fatalf("rows %v", res.Rows)
	}
	if plans[5] == "" || plans[5] != plans[100] {
		t.Errorf("the state's plan changed from iteration 5 to 100:\n%s\n---\n%s", plans[5], plans[100])
	}
	var notes []string
	for _, st := range res.Stats {
		if st.Note != "" {
			notes = append(notes, fmt.Sprintf("%d: %s", st.Iteration, st.Note))
		}
	}
	if len(notes) != 2 {
		t.Errorf("checkpoints %v, want those of 40 and 80", notes)
	}
	t.Logf("100 iterations in %s; plan of the state %d characters at 5 and 100 (views: %d at 5, %d at 20); %s",
		time.Since(began).Round(time.Millisecond), len(plans[100]), len(v5), len(v20), strings.Join(notes, ", "))
}
