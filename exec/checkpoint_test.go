package exec_test

// In-process tests of checkpoints and resume. A crash is stood in for by
// max_iterations: a run stopped by it fails and leaves its checkpoints, as
// a killed one would. The real-process kill tests are in
// checkpoint/crash_test.go.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itersql/itersql/checkpoint"
	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/cc"
	"github.com/itersql/itersql/internal/sqlscan"
)

// graph has chains of 20 vertices (1-20, 21-40, 41-60) and a lone vertex
// 61, edges both ways: label propagation needs 19 steps and a 20th to see
// the fixpoint.
const graph = `
CREATE TABLE edges AS
  SELECT i AS src, i + 1 AS dst FROM range(1, 60) t(i) WHERE i % 20 <> 0
  UNION ALL SELECT i + 1, i FROM range(1, 60) t(i) WHERE i % 20 <> 0;
CREATE TABLE nodes AS SELECT i AS id FROM range(1, 62) t(i);
`

const ccPlain = cc.Plain + "\nSELECT id, comp FROM cc ORDER BY id"

const ccKey = cc.Keyed + "\nSELECT id, comp FROM cc ORDER BY id"

var kinds = []struct{ name, sql string }{{"plain", ccPlain}, {"keyed", ccKey}}

// env is a session with the graph, its notices, and a checkpoint folder.
type env struct {
	t       *testing.T
	s       *exec.Session
	notices []string
	dir     string
}

func newEnv(t *testing.T, dbPath string) *env {
	t.Helper()
	s, err := exec.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := &env{t: t, s: s, dir: t.TempDir()}
	s.Notice = func(msg string) { e.notices = append(e.notices, msg) }
	e.must(graph)
	e.must(fmt.Sprintf("SET checkpoint_dir = '%s'", e.dir))
	return e
}

// exec runs a script and returns the last statement's result.
func (e *env) exec(script string) (*exec.Result, error) {
	stmts, rest, rp := sqlscan.Split(script, sqlscan.Pos{Line: 1, Col: 1})
	if strings.TrimSpace(rest) != "" {
		stmts = append(stmts, sqlscan.Statement{Text: rest, Pos: rp})
	}
	var res *exec.Result
	for _, st := range stmts {
		var err error
		if res, err = e.s.Exec(context.Background(), st.Text, st.Pos); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (e *env) must(script string) *exec.Result {
	e.t.Helper()
	res, err := e.exec(script)
	if err != nil {
		e.t.Fatalf("%s\n-> %v", script, err)
	}
	return res
}

// crash runs q with checkpoints every 5 iterations and max_iterations 12:
// it fails at iteration 12 and leaves the checkpoints of 5 and 10.
func (e *env) crash(q string) {
	e.t.Helper()
	e.must("SET checkpoint_every = 5; SET max_iterations = 12")
	if _, err := e.exec(q); err == nil || !strings.Contains(err.Error(), "max_iterations = 12") {
		e.t.Fatalf("want the max_iterations error, got %v", err)
	}
	e.must("SET max_iterations = 10000")
	if got := e.iterations(); fmt.Sprint(got) != "[10 5]" {
		e.t.Fatalf("checkpoints after the failure: %v, want [10 5]", got)
	}
	e.notices = nil
}

// store is the one statement folder under the checkpoint dir ("" if none).
func (e *env) store() string {
	e.t.Helper()
	des, err := os.ReadDir(e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(des) > 1 {
		e.t.Fatalf("%d statement folders in %s", len(des), e.dir)
	}
	if len(des) == 0 {
		return ""
	}
	return filepath.Join(e.dir, des[0].Name())
}

// iterations lists the complete checkpoints on disk, newest first.
func (e *env) iterations() []int {
	e.t.Helper()
	dir := e.store()
	if dir == "" {
		return nil
	}
	entries, err := (&checkpoint.Store{Dir: dir}).List()
	if err != nil {
		e.t.Fatal(err)
	}
	var out []int
	for _, en := range entries {
		if en.HasManifest() {
			out = append(out, en.Iteration)
		}
	}
	return out
}

func (e *env) noticed(sub string) bool {
	for _, n := range e.notices {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func text(res *exec.Result) string {
	var b strings.Builder
	for _, r := range res.Rows {
		fmt.Fprintln(&b, r...)
	}
	return b.String()
}

// reference is q's result in a fresh session without checkpoints.
func reference(t *testing.T, setup, q string) string {
	t.Helper()
	e := newEnv(t, "")
	e.must(setup)
	return text(e.must(q))
}

func TestCheckpointSettings(t *testing.T) {
	var s exec.Settings = exec.DefaultSettings()
	for _, c := range []struct{ name, value, want string }{
		{"checkpoint_every", "5", "5"},
		{"checkpoint_every", "'7'", "7"},
		{"checkpoint_every", "'2m'", "2m"},
		{"checkpoint_every", "90s", "1m30s"},
		{"checkpoint_every", "'1h'", "1h"},
		{"checkpoint_every", "off", "0"},
		{"checkpoint_every", "0", "0"},
		{"checkpoint_dir", "'/tmp/x y'", "/tmp/x y"},
		{"checkpoint_dir", "auto", "auto"},
		{"checkpoint_dir", "''", "auto"},
		{"checkpoint_keep", "on", "on"},
		{"checkpoint_keep", "'false'", "off"},
		{"resume", "'on'", "on"},
		{"resume", "0", "off"},
	} {
		if err := s.Set(c.name, c.value); err != nil {
			t.Errorf("SET %s = %s: %v", c.name, c.value, err)
			continue
		}
		found := false
		for _, l := range s.List() {
			found = found || l == c.name+" = "+c.want
		}
		if !found {
			t.Errorf("SET %s = %s: List() = %v, want %s = %s", c.name, c.value, s.List(), c.name, c.want)
		}
	}
	for _, c := range []struct{ name, value, want string }{
		{"checkpoint_every", "-1", "iteration count"},
		{"checkpoint_every", "'soon'", "iteration count"},
		{"checkpoint_every", "-5s", "iteration count"},
		{"resume", "maybe", "on or off"},
		{"checkpoint_keep", "2", "on or off"},
	} {
		if err := s.Set(c.name, c.value); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SET %s = %s: err %v, want %q", c.name, c.value, err, c.want)
		}
	}
}

func TestResumeAfterFailure(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			want := reference(t, "", k.sql)
			e := newEnv(t, "")
			e.crash(k.sql)
			store := e.store()
			e.must("SET resume = on")
			res := e.must(k.sql)
			if got := text(res); got != want {
				t.Errorf("resumed result differs:\n%s\nwant\n%s", got, want)
			}
			if !e.noticed("resuming cc at iteration 10 from " + filepath.Join(store, "000010")) {
				t.Errorf("notices %q", e.notices)
			}
			if st := res.Stats[0]; st.Iteration != 10 || !strings.HasPrefix(st.Note, "resumed from checkpoint ") {
				t.Errorf("first stat %+v, want iteration 10 resumed", st)
			}
			if n := res.Stats[len(res.Stats)-1].Iteration; n != 20 {
				t.Errorf("last iteration %d, want 20", n)
			}
			// A successful statement removes its checkpoints.
			if dir := e.store(); dir != "" {
				t.Errorf("checkpoints left after success: %s", dir)
			}
		})
	}
}

func TestCheckpointNotes(t *testing.T) {
	e := newEnv(t, "")
	e.must("SET checkpoint_every = 5")
	res := e.must("EXPLAIN ANALYZE " + ccKey)
	last := res.Rows[len(res.Rows)-1][0].(int64)
	for _, row := range res.Rows {
		k, note := row[0].(int64), fmt.Sprint(row[4])
		var ms float64
		n, _ := fmt.Sscanf(note, "checkpoint %f ms", &ms)
		if wrote := k > 0 && k%5 == 0 && k < last; wrote != (n == 1) {
			t.Errorf("iteration %d: note %q", k, note)
		}
	}
	e.must("SET explain_timing = off; SET checkpoint_every = '7'")
	res = e.must("EXPLAIN ANALYZE " + ccKey)
	if note := fmt.Sprint(res.Rows[7][4]); note != "checkpoint" {
		t.Errorf("note without timing: %q", note)
	}
}

func TestCheckpointEveryDuration(t *testing.T) {
	e := newEnv(t, "")
	e.must("SET checkpoint_every = '1ns'") // every iteration: always due
	res := e.must("EXPLAIN ANALYZE " + ccPlain)
	for _, row := range res.Rows[1 : len(res.Rows)-1] {
		if !strings.HasPrefix(fmt.Sprint(row[4]), "checkpoint ") {
			t.Errorf("iteration %v: no checkpoint (%v)", row[0], row[4])
		}
	}
	e.must("SET checkpoint_every = '1h'")
	res = e.must("EXPLAIN ANALYZE " + ccPlain)
	for _, row := range res.Rows {
		if fmt.Sprint(row[4]) != "" {
			t.Errorf("iteration %v: note %v before an hour has passed", row[0], row[4])
		}
	}
}

func TestCheckpointKeepAndRetention(t *testing.T) {
	e := newEnv(t, "")
	e.must("SET checkpoint_every = 1; SET checkpoint_keep = on")
	e.must(ccPlain)
	// Iteration 20 is the last: it writes none, 19 and 18 are kept.
	if got := e.iterations(); fmt.Sprint(got) != "[19 18]" {
		t.Errorf("kept %v, want [19 18]", got)
	}
	// Kept checkpoints serve a resume (e.g. after a fixed final query).
	e.must("SET resume = on; SET checkpoint_keep = off")
	res := e.must(strings.Replace(ccPlain, "SELECT id, comp FROM cc ORDER BY id", "SELECT count(DISTINCT comp) FROM cc", 1))
	if text(res) != "4\n" || !e.noticed("resuming cc at iteration 19") {
		t.Errorf("got %q, notices %q", text(res), e.notices)
	}
	if e.store() != "" {
		t.Errorf("checkpoints left")
	}
}

// damage breaks the newest checkpoint (iteration 10) in one way.
var damages = []struct {
	name, warning string
	do            func(t *testing.T, dir string)
}{
	{"flipped byte", "state.parquet does not match its SHA-256 checksum", func(t *testing.T, dir string) {
		p := filepath.Join(dir, "state.parquet")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x55
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}},
	{"missing file", "state.parquet is missing", func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, "state.parquet")); err != nil {
			t.Fatal(err)
		}
	}},
	{"truncated file", "state.parquet has", func(t *testing.T, dir string) {
		if err := os.Truncate(filepath.Join(dir, "state.parquet"), 100); err != nil {
			t.Fatal(err)
		}
	}},
	{"torn manifest", "torn manifest.json", func(t *testing.T, dir string) {
		if err := os.Truncate(filepath.Join(dir, checkpoint.ManifestName), 40); err != nil {
			t.Fatal(err)
		}
	}},
	{"no manifest", "incomplete: no manifest.json", func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, checkpoint.ManifestName)); err != nil {
			t.Fatal(err)
		}
	}},
}

func TestDamagedCheckpoint(t *testing.T) {
	for _, k := range kinds {
		want := reference(t, "", k.sql)
		for _, d := range damages {
			t.Run(k.name+"/"+d.name, func(t *testing.T) {
				e := newEnv(t, "")
				e.crash(k.sql)
				d.do(t, filepath.Join(e.store(), "000010"))
				e.must("SET resume = on")
				res := e.must(k.sql)
				if got := text(res); got != want {
					t.Errorf("result differs:\n%s", got)
				}
				if !e.noticed("warning: the checkpoint of cc at iteration 10 is not used: ") || !e.noticed(d.warning) {
					t.Errorf("notices %q, want a warning with %q", e.notices, d.warning)
				}
				if !e.noticed("resuming cc at iteration 5 from") || res.Stats[0].Iteration != 5 {
					t.Errorf("did not resume from 5: %q", e.notices)
				}
			})
		}
	}
	t.Run("delta file", func(t *testing.T) {
		e := newEnv(t, "")
		e.crash(ccKey)
		os.Remove(filepath.Join(e.store(), "000010", "delta.parquet"))
		e.must("SET resume = on")
		res := e.must(ccKey)
		if !e.noticed("delta.parquet is missing") || res.Stats[0].Iteration != 5 {
			t.Errorf("notices %q", e.notices)
		}
	})
	t.Run("all damaged", func(t *testing.T) {
		e := newEnv(t, "")
		e.crash(ccPlain)
		for _, k := range []string{"000010", "000005"} {
			os.Remove(filepath.Join(e.store(), k, "state.parquet"))
		}
		e.must("SET resume = on")
		res := e.must(ccPlain)
		if text(res) != reference(t, "", ccPlain) || res.Stats[0].Iteration != 0 {
			t.Errorf("fresh start expected")
		}
		if !e.noticed("warning: no usable checkpoint of cc in") {
			t.Errorf("notices %q", e.notices)
		}
	})
}

func TestChangedInputsRefused(t *testing.T) {
	for _, k := range kinds {
		for _, c := range []struct{ name, change, why string }{
			{"row added", "INSERT INTO edges VALUES (61, 1)", `input table "edges" changed since: 115 rows now, 114 then`},
			{"row changed", "UPDATE edges SET dst = 3 WHERE src = 1", `input table "edges" changed since: same 114 rows, other content`},
			{"column added", "ALTER TABLE nodes ADD COLUMN x INTEGER", `input table "nodes" changed since: its columns are (id BIGINT, x INTEGER), were (id BIGINT)`},
			{"table dropped", "DROP TABLE nodes; CREATE VIEW nodes AS SELECT 1 AS id", `input table "nodes" changed since: its columns are (id INTEGER), were (id BIGINT)`},
		} {
			t.Run(k.name+"/"+c.name, func(t *testing.T) {
				e := newEnv(t, "")
				e.crash(k.sql)
				e.must(c.change)
				e.must("SET resume = on")
				_, err := e.exec(k.sql)
				if err == nil {
					t.Fatal("resume over changed inputs was not refused")
				}
				msg := err.Error()
				for _, sub := range []string{"cannot resume cc from its checkpoint at iteration 10 in ", c.why, "SET resume = off to start fresh", "or delete " + e.store()} {
					if !strings.Contains(msg, sub) {
						t.Errorf("error %q lacks %q", msg, sub)
					}
				}
				// Starting fresh works and replaces the old checkpoints.
				want := reference(t, c.change, k.sql)
				e.must("SET resume = off; SET max_iterations = 12")
				e.exec(k.sql)
				if !e.noticed("cc starts fresh (resume is off)") {
					t.Errorf("notices %q", e.notices)
				}
				e.must("SET resume = on; SET max_iterations = 10000")
				if got := text(e.must(k.sql)); got != want {
					t.Errorf("fresh result differs:\n%s\nwant\n%s", got, want)
				}
			})
		}
	}
}

func TestStatementChangedStartsFresh(t *testing.T) {
	e := newEnv(t, "")
	e.crash(ccPlain)
	old := e.store()
	e.must("SET resume = on")
	changed := strings.Replace(ccPlain, "SELECT id, id FROM nodes", "SELECT id, id FROM nodes WHERE id < 61", 1)
	res := e.must(changed)
	if res.Stats[0].Iteration != 0 || !e.noticed("no checkpoint of cc to resume in") || !e.noticed(old+" holds checkpoints of another version of the statement") {
		t.Errorf("stats %+v notices %q", res.Stats[0], e.notices)
	}
	if _, err := os.Stat(old); err != nil {
		t.Errorf("the other statement's checkpoints are gone: %v", err)
	}
	// The final query is not part of the fingerprint: a statement whose
	// final query failed can be fixed and resumed.
	e.must(`SET resume = on`)
	fixed := strings.Replace(ccPlain, "SELECT id, comp FROM cc ORDER BY id", "SELECT max(comp) FROM cc", 1)
	if got := text(e.must(fixed)); got != "61\n" || !e.noticed("resuming cc at iteration 10") {
		t.Errorf("got %q, notices %q", got, e.notices)
	}
}

func TestCheckpointDirDefault(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.duckdb")
	e := newEnv(t, db)
	e.must("SET checkpoint_dir = auto")
	e.dir = db + ".itersql"
	e.crash(ccPlain)
	if !strings.HasPrefix(e.store(), filepath.Join(dir, "g.duckdb.itersql", "cc-")) {
		t.Errorf("store %s", e.store())
	}
	store := e.store()
	e.must("SET resume = on")
	e.must(ccPlain)
	// The statement's folder goes; the default folder was created by the
	// crashed run, not this one, so it stays (docs/checkpoints.md).
	if _, err := os.Stat(store); !os.IsNotExist(err) {
		t.Errorf("the statement folder is left after success: %v", err)
	}
	if _, err := os.Stat(e.dir); err != nil {
		t.Errorf("the default folder, not created by this run, was removed: %v", err)
	}
	// A run that creates the default folder and succeeds leaves nothing.
	os.Remove(e.dir)
	e.must("SET resume = off")
	e.must(ccPlain)
	if _, err := os.Stat(e.dir); !os.IsNotExist(err) {
		t.Errorf("the default folder is left after success: %v", err)
	}

	// In memory: ./.itersql.
	t.Chdir(t.TempDir())
	m := newEnv(t, "")
	m.must("SET checkpoint_dir = auto")
	m.dir = ".itersql"
	m.crash(ccKey)
	if !strings.HasPrefix(m.store(), filepath.Join(".itersql", "cc-")) {
		t.Errorf("store %s", m.store())
	}
}

func TestCheckpointWriteFails(t *testing.T) {
	e := newEnv(t, "")
	file := filepath.Join(e.dir, "a-file")
	os.WriteFile(file, nil, 0o644)
	e.must(fmt.Sprintf("SET checkpoint_dir = '%s'; SET checkpoint_every = 5", file))
	_, err := e.exec(ccPlain)
	if err == nil || !strings.Contains(err.Error(), "checkpoints of cc in "+file) || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("err %v", err)
	}

	// A write that fails fails the statement (here iteration 5's folder
	// cannot be made: a file is in the way).
	os.Remove(file)
	e.must(fmt.Sprintf("SET checkpoint_dir = '%s'; SET checkpoint_keep = on", e.dir))
	e.must(ccPlain)
	store := e.store()
	os.RemoveAll(store)
	os.MkdirAll(store, 0o755)
	os.WriteFile(filepath.Join(store, "000005"), nil, 0o644)
	_, err = e.exec(ccPlain)
	if err == nil || !strings.Contains(err.Error(), "checkpoint of cc at iteration 5 failed") || !strings.Contains(err.Error(), "SET checkpoint_every = 0") {
		t.Errorf("err %v", err)
	}
}

func TestExplainCheckpointPolicy(t *testing.T) {
	e := newEnv(t, "")
	plain := e.must("EXPLAIN " + ccPlain).Text
	if strings.Contains(plain, "checkpoints:") {
		t.Errorf("policy shown while off:\n%s", plain)
	}
	e.must("SET checkpoint_every = 5; SET resume = on")
	q := strings.Replace(ccPlain, "FROM nodes", "FROM (WITH n AS (SELECT * FROM nodes) SELECT * FROM n) x", 1)
	out := e.must("EXPLAIN " + q).Text
	for _, sub := range []string{
		"checkpoint_every = 5", "resume = on",
		"checkpoints:\n  write: after every 5 iterations, keeping the last 2\n",
		"  on success: removed\n",
		"  folder: " + filepath.Join(e.dir, "cc-"),
		"  resume: on, from the newest valid checkpoint if the inputs are unchanged\n",
		`  inputs fingerprinted: "edges", "nodes"`,
	} {
		if !strings.Contains(out, sub) {
			t.Errorf("EXPLAIN lacks %q:\n%s", sub, out)
		}
	}
}

// TestTypesRoundTrip resumes a state of types that Parquet does not keep
// as they are (HUGEINT, INTERVAL, TIME WITH TIME ZONE) and some it does.
func TestTypesRoundTrip(t *testing.T) {
	setup := `CREATE TABLE typed AS SELECT
	  i AS id,
	  '170141183460469231731687303715884105727'::HUGEINT - i AS h,
	  '340282366920938463463374607431768211455'::UHUGEINT - i AS uh,
	  INTERVAL '1 month 2 days 3 hours 4 microseconds' * i AS iv,
	  ('12:34:56.789+0' || i)::TIMETZ AS tz,
	  (i / 7)::DECIMAL(38, 10) AS d,
	  [i, NULL, -i] AS l,
	  {'a': i, 'b': 'it''s "' || i || '"'} AS st,
	  CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' || i END AS v,
	  ('-0.0'::DOUBLE) * i + 1e-300 AS f,
	  0 AS n
	FROM range(1, 6) t(i)`
	q := `WITH ITERATE x KEY (id) AS (
	    SELECT * FROM typed
	  ITERATE
	    SELECT id, h - 1, uh - 1, iv, tz, d * 3, l, st, v, f / 3, n + 1 FROM x
	  UNTIL 15 ITERATIONS
	)
	SELECT * FROM x ORDER BY id`
	want := reference(t, setup, q)
	e := newEnv(t, "")
	e.must(setup)
	e.crash(q)
	e.must("SET resume = on")
	if got := text(e.must(q)); got != want || !e.noticed("resuming x at iteration 10") {
		t.Errorf("got\n%s\nwant\n%s\nnotices %q", got, want, e.notices)
	}
}
