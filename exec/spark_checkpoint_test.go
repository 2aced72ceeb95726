package exec_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/checkpoint"
	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// sparkGraph is two chains of 8 vertices (1-8, 9-16) and a lone vertex
// 17, edges both ways, with extra edges appended: components by label
// propagation takes 7 steps and an 8th to see the fixpoint.
func sparkGraph(extra ...string) string {
	var edges []string
	for i := 1; i < 16; i++ {
		if i != 8 {
			edges = append(edges, fmt.Sprintf("(%d, %d)", i, i+1), fmt.Sprintf("(%d, %d)", i+1, i))
		}
	}
	edges = append(edges, extra...)
	return "CREATE OR REPLACE TABLE itersql_ckpt_edges AS SELECT * FROM (VALUES " + strings.Join(edges, ", ") + ") AS e(src, dst)"
}

// sparkCC are the components of checkpoint_test.go over sparkGraph. The
// state is named ckcc, so that the tables of its runs are told from those
// of other sessions on the server (assertNoSparkTablesOf).
var sparkCC = []struct{ name, sql string }{
	{"plain", onSparkGraph(ccPlain)},
	{"keyed", onSparkGraph(ccKey)},
}

func onSparkGraph(q string) string {
	q = regexp.MustCompile(`\bcc\b`).ReplaceAllString(q, "ckcc")
	return strings.NewReplacer("nodes", "itersql_ckpt_nodes", "edges", "itersql_ckpt_edges").Replace(q)
}

// assertNoSparkTablesOf fails if a table of a run of the state name is
// left on the server (of any session: names carry no test's mark).
func assertNoSparkTablesOf(t *testing.T, sp *exec.Session, name string) {
	t.Helper()
	res, err := run(t, sp, "SHOW TABLES LIKE '__itersql*_"+name+"_*'")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) > 0 {
		t.Errorf("tables left on Spark: %v", res.Rows)
	}
}

// TestSparkCheckpointResume: a run on Spark with checkpoint_every = 3
// that is cancelled at iteration 7 leaves the checkpoints of 3 and 6, as
// folders of Spark's part files; resumed, it gives the rows and the
// per-iteration statistics of a run never interrupted, leaves no table
// on the server and removes its checkpoints. The keyed run is first
// refused over a changed input (an edge more), then resumed over the
// same rows written again; the plain one finds its newest checkpoint
// damaged and resumes from the one before.
func TestSparkCheckpointResume(t *testing.T) {
	sp := sparkSession(t)
	var notices []string
	sp.Notice = func(msg string) { notices = append(notices, msg) }
	noticed := func(sub string) bool {
		for _, n := range notices {
			if strings.Contains(n, sub) {
				return true
			}
		}
		return false
	}
	// must runs statements, one at a time, and returns the last result.
	must := func(t *testing.T, stmts ...string) (res *exec.Result) {
		t.Helper()
		for _, q := range stmts {
			var err error
			if res, err = run(t, sp, q); err != nil {
				t.Fatalf("%s\n-> %v", q, err)
			}
		}
		return res
	}
	must(t, sparkGraph())
	must(t, "CREATE OR REPLACE TABLE itersql_ckpt_nodes AS SELECT * FROM (VALUES "+func() string {
		var v []string
		for i := 1; i <= 17; i++ {
			v = append(v, fmt.Sprintf("(%d)", i))
		}
		return strings.Join(v, ", ")
	}()+") AS n(id)")
	t.Cleanup(func() {
		run(t, sp, "DROP TABLE IF EXISTS itersql_ckpt_edges")
		run(t, sp, "DROP TABLE IF EXISTS itersql_ckpt_nodes")
	})
	for _, k := range sparkCC {
		t.Run(k.name, func(t *testing.T) {
			must(t, "SET checkpoint_every = 0", "SET resume = off")
			want := must(t, k.sql)
			if n := want.Stats[len(want.Stats)-1].Iteration; n != 8 {
				t.Fatalf("the uninterrupted run ended at iteration %d, want 8", n)
			}

			dir := t.TempDir()
			must(t, fmt.Sprintf("SET checkpoint_dir = '%s'", dir), "SET checkpoint_every = 3")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var wrote []string
			sp.Progress = func(_ string, st exec.IterStat, _ time.Duration) {
				if strings.HasPrefix(st.Note, "checkpoint") {
					wrote = append(wrote, fmt.Sprintf("%d: %s", st.Iteration, st.Note))
				}
				if st.Iteration == 7 {
					cancel()
				}
			}
			_, err := sp.Exec(ctx, k.sql, sqlscan.Pos{Line: 1, Col: 1})
			sp.Progress = nil
			if err == nil || !strings.Contains(err.Error(), "canceled at iteration") {
				t.Fatalf("got %v, want a cancel", err)
			}
			assertNoSparkTablesOf(t, sp, "ckcc")
			stores, _ := filepath.Glob(filepath.Join(dir, "ckcc-*"))
			if len(stores) != 1 {
				t.Fatalf("statement folders %v", stores)
			}
			store := &checkpoint.Store{Dir: stores[0]}
			entries, err := store.List()
			if err != nil || len(entries) != 2 || entries[0].Iteration != 6 || entries[1].Iteration != 3 {
				t.Fatalf("checkpoints after the cancel: %v %v, want 6 and 3", entries, err)
			}
			m, err := store.Load(entries[0], mustManifest(t, entries[0]).Fingerprint)
			if err != nil {
				t.Fatal(err)
			}
			if m.Spark == "" || m.DuckDB != "" || len(m.File(checkpoint.RoleState).Parts) == 0 || m.Keyed != (k.name == "keyed") {
				t.Errorf("manifest %+v", m)
			}
			from := 6
			notices = nil
			switch k.name {
			case "keyed":
				must(t, sparkGraph("(16, 17)", "(17, 16)"))
				must(t, "SET resume = on")
				_, err := run(t, sp, k.sql)
				if err == nil || !strings.Contains(err.Error(), `cannot resume ckcc from its checkpoint at iteration 6`) ||
					!strings.Contains(err.Error(), `input table "itersql_ckpt_edges" changed since: 30 rows now, 28 then`) {
					t.Fatalf("resume over a changed input: %v", err)
				}
				assertNoSparkTablesOf(t, sp, "ckcc")
				// The same rows again, in another table: the digest is of
				// the rows, not of the files.
				must(t, sparkGraph())
			case "plain":
				part := filepath.Join(entries[0].Dir, "state.parquet", m.File(checkpoint.RoleState).Parts[0].Name)
				b, err := os.ReadFile(part)
				if err != nil {
					t.Fatal(err)
				}
				b[len(b)/2] ^= 0x55
				os.WriteFile(part, b, 0o644)
				from = 3
			}
			must(t, "SET resume = on")
			got := must(t, k.sql)
			if rowsText(got) != rowsText(want) {
				t.Errorf("resumed rows:\n%s\nwant\n%s", rowsText(got), rowsText(want))
			}
			if !noticed(fmt.Sprintf("resuming ckcc at iteration %d from %s", from, filepath.Join(store.Dir, fmt.Sprintf("%06d", from)))) {
				t.Errorf("notices %q", notices)
			}
			if from == 3 && !noticed("state.parquet/part-") {
				t.Errorf("no warning of the damaged part: %q", notices)
			}
			if first := got.Stats[0]; first.Iteration != from || !strings.HasPrefix(first.Note, "resumed from checkpoint") {
				t.Errorf("first statistics %+v", first)
			}
			if len(got.Stats) != len(want.Stats)-from {
				t.Errorf("%d iterations after the resume, want %d", len(got.Stats), len(want.Stats)-from)
			}
			for i, st := range got.Stats {
				if w := want.Stats[from+i]; i < len(want.Stats)-from && (st.Iteration != w.Iteration || st.Rows != w.Rows || st.Changed != w.Changed) {
					t.Errorf("iteration %d: resumed %+v, uninterrupted %+v", st.Iteration, st, w)
				}
			}
			t.Logf("%s: %s; %s", k.name, strings.Join(wrote, ", "), got.Stats[0].Note)
			assertNoSparkTablesOf(t, sp, "ckcc")
			if _, err := os.Stat(store.Dir); !os.IsNotExist(err) {
				t.Errorf("checkpoints left after success: %v", err)
			}
			must(t, "SET resume = off", "SET checkpoint_every = 0")
		})
	}
}

// mustManifest reads the manifest of e as it is on disk.
func mustManifest(t *testing.T, e checkpoint.Entry) *checkpoint.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.Dir, checkpoint.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m checkpoint.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}
