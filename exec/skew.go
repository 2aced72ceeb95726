package exec

// The skewed-join split, exec side (docs/skew.md): its settings, and the
// calls of the run loop, EXPLAIN and plain SELECTs into package skew,
// which gets each part's DuckDB SQL (with the plan's placeholders) and the
// session's connections, and gives back the query to run: one that reads
// the tasks' result tables when a join is split.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
	"github.com/itersql/itersql/skew"
)

// ---- settings ----

func skewJoinText(s *Settings) string {
	if s.SkewJoin == "" {
		return "auto"
	}
	return s.SkewJoin
}

// autoInt prints a setting whose 0 means auto.
func autoInt(n int64) string {
	if n == 0 {
		return "auto"
	}
	return strconv.FormatInt(n, 10)
}

// setAutoInt reads "auto" (stored as 0) or a whole number >= 1.
func setAutoInt(dst *int64, name, v string) error {
	if strings.EqualFold(v, "auto") {
		*dst = 0
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return fmt.Errorf("%s must be auto or a whole number >= 1, not %q", name, v)
	}
	*dst = n
	return nil
}

func setPartitions(s *Settings, v string) error {
	var n int64
	if err := setAutoInt(&n, "partitions", v); err != nil {
		return err
	}
	if n > skew.MaxTasks {
		return fmt.Errorf("partitions must be auto or at most %d, not %q", skew.MaxTasks, v)
	}
	s.Partitions = int(n)
	return nil
}

func targetTaskRows(s *Settings) int64 {
	if s.TargetTaskRows == 0 {
		return skew.DefaultTargetTaskRows
	}
	return s.TargetTaskRows
}

func setTargetTaskRows(s *Settings, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return fmt.Errorf("target_task_rows must be a whole number >= 1, not %q", v)
	}
	s.TargetTaskRows = n
	return nil
}

func setSkewWorkers(s *Settings, v string) error {
	var n int64
	if err := setAutoInt(&n, "skew_workers", v); err != nil {
		return err
	}
	s.SkewWorkers = int(min(n, 1024))
	return nil
}

func (s *Settings) skewWorkers() int {
	if s.SkewWorkers > 0 {
		return s.SkewWorkers
	}
	return runtime.NumCPU()
}

// skew is the split's view of the settings.
func (s *Settings) skew() skew.Settings {
	return skew.Settings{On: s.SkewJoin == "on", Threshold: s.SkewThreshold, Partitions: s.Partitions,
		TargetTaskRows: targetTaskRows(s), Workers: s.skewWorkers(), Timing: s.ExplainTiming}
}

// skewTitle heads EXPLAIN's description of a part's splits.
func (s *Settings) skewTitle(label string) string {
	return fmt.Sprintf("skew split of the %s (skew_join = %s, skew_threshold = %s, partitions = %s, target_task_rows = %d)",
		label, skewJoinText(s), autoInt(s.SkewThreshold), autoInt(int64(s.Partitions)), targetTaskRows(s))
}

// newSkewRunner returns the runner of one statement's splits. p, when the
// statement is a WITH ITERATE, tells which inputs have a unique key (a
// keyed state's KEY). track and drop register and drop the tables it
// creates; nil: the runner's own list, dropped by its Close.
func (s *Session) newSkewRunner(ctx context.Context, p *planner.Plan, track func(string), drop func(string) error) *skew.Runner {
	s.seq++
	if s.freq == nil {
		s.freq = map[string]*skew.Freq{}
	}
	if track == nil {
		live := map[string]bool{}
		track = func(n string) { live[n] = true }
		drop = func(n string) error {
			if !live[n] {
				return nil
			}
			delete(live, n)
			_, err := s.exec(context.Background(), "DROP TABLE IF EXISTS "+n)
			return err
		}
	}
	env := skew.Env{Conn: s.conn, Tasks: s.db, Catalog: SharedCatalog, Settings: s.Settings.skew(), Detected: s.freq,
		Track: track, Drop: drop, Message: duckMessage, ID: s.seq, Unique: uniqueKey(p)}
	return skew.NewRunner(ctx, env)
}

// uniqueKey tells the split which inputs have a unique key: the state and
// delta.name of a keyed run, by its single KEY column. Nil: none.
func uniqueKey(p *planner.Plan) func(source, key string) bool {
	if p == nil || !p.Keyed() || len(p.Key) != 1 {
		return nil
	}
	return func(source, key string) bool {
		return (source == planner.StateRef || source == planner.DeltaRef) && strings.EqualFold(key, p.Key[0])
	}
}

// ---- WITH ITERATE ----

// skewRun is a run's split state (run.skew): on DuckDB k and its parts,
// on Spark spark and its parts (exec/skewspark.go).
type skewRun struct {
	k           *skew.Runner
	step, final *skew.Part
	planned     bool
	spark       *sparkSkew
}

// skewInit prepares a run for splits: when skew_join is not off and the
// step or final query joins, the run's tables go to the shared catalog so
// the tasks' connections can read the states. On Spark the split is one
// Spark query a part, and needs no table.
func (r *run) skewInit() error {
	if r.s.Settings.SkewJoin == "off" || !hasJoin(r.p) {
		return nil
	}
	if r.s.db == nil {
		r.skew = &skewRun{spark: &sparkSkew{k: r.s.newSparkSkewRunner(r.ctx, r.p)}}
		return nil
	}
	k := r.s.newSkewRunner(r.ctx, r.p, func(n string) { r.live[n] = true }, r.drop)
	r.skew = &skewRun{k: k}
	r.shared = true
	return nil
}

// skewStep runs the step's split tasks for iteration k and returns the
// step to materialize (step, the bound unsplit one, when not split) and
// a note for the iteration's statistics.
func (r *run) skewStep(k int, step, state, previous, delta string) (string, string, error) {
	if r.skew == nil {
		return step, "", nil
	}
	if r.skew.spark != nil {
		return r.sparkSkewStep(k, step, state, previous, delta)
	}
	bind := func(q string) string { return planner.Bind(q, state, previous, delta) }
	sk := r.skew
	if !sk.planned {
		sk.planned = true
		p, err := sk.k.Plan(r.p.Step.SQL, bind, true)
		if err != nil {
			return "", "", r.partErr(r.p.Step, k, err)
		}
		sk.step = p
	}
	q, note, err := sk.k.Execute(sk.step, bind)
	if err != nil {
		return "", "", r.skewErr(r.p.Step, k, err)
	}
	if q == "" {
		return step, "", nil
	}
	return q, note, nil
}

// hasJoin reports whether p's step or final query joins: only then can a
// split happen, and only then must the run's tables be readable by other
// connections.
func hasJoin(p *planner.Plan) bool { return skew.HasJoin(p.Step.SQL) || skew.HasJoin(p.Final.SQL) }

// skewRelease drops the tables of the last split (the step is
// materialized, its result tables are no longer read).
func (r *run) skewRelease() error {
	if r.skew == nil || r.skew.k == nil {
		return nil
	}
	return r.skew.k.Release()
}

// skewFinal returns the final query to run on state, split if it can be.
func (r *run) skewFinal(state string) (string, error) {
	final := r.bind(r.p.Final, state, "", "")
	if r.skew == nil {
		return final, nil
	}
	if r.skew.spark != nil {
		return r.sparkSkewFinal(final, state)
	}
	bind := func(q string) string { return planner.Bind(q, state, "", "") }
	p, err := r.skew.k.Plan(r.p.Final.SQL, bind, false)
	if err != nil {
		return "", err
	}
	r.skew.final = p
	q, note, err := r.skew.k.Execute(p, bind)
	if err != nil {
		return "", r.skewErr(r.p.Final, -1, err)
	}
	if q == "" {
		return final, nil
	}
	if note != "" && len(r.stats) > 0 {
		last := &r.stats[len(r.stats)-1]
		last.Note = joinNotes(last.Note, "final "+note)
	}
	return q, nil
}

func (r *run) skewErr(q planner.Query, k int, err error) error {
	var pe *sqlscan.Error
	if errors.As(err, &pe) {
		return err
	}
	if k < 0 {
		return &sqlscan.Error{Pos: q.Pos, Msg: fmt.Sprintf("%s of %s, skew split: %s", q.What, r.p.Name, duckMessage(err)), Err: err}
	}
	return r.partErr(q, k, fmt.Errorf("skew split: %w", err))
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// skewExplain appends the splits of p's step and final query to EXPLAIN's
// text. The states do not exist yet: they stand in as the initial query.
func (s *Session) skewExplain(ctx context.Context, p *planner.Plan, text string) string {
	if s.Settings.SkewJoin == "off" || !hasJoin(p) {
		return text
	}
	if s.Engine() == "spark" {
		return s.sparkSkewExplain(ctx, p, text)
	}
	k := s.newSkewRunner(ctx, p, nil, nil)
	defer k.Close()
	if err := s.attachShared(ctx); err != nil {
		return text + "\nskew split: " + err.Error()
	}
	stand := "(SELECT * FROM (" + p.Initial.SQL + ") AS __itersql_i"
	if len(p.Columns) > 0 {
		stand += "(" + strings.Join(quoteAll(p.Columns), ", ") + ")"
	}
	stand += ")"
	bind := func(q string) string { return planner.Bind(q, stand, stand, stand) }
	var out []string
	for _, part := range []struct {
		label    string
		repeated bool
		q        planner.Query
	}{
		{"step", true, p.Step},
		{"final query", false, p.Final},
	} {
		sp, err := k.Plan(part.q.SQL, bind, part.repeated)
		if err == nil {
			var t string
			if t, err = k.Explain(s.Settings.skewTitle(part.label), part.label, sp, bind); t != "" {
				out = append(out, strings.TrimRight(t, "\n"))
			}
		}
		if err != nil {
			out = append(out, fmt.Sprintf("skew split of the %s: %s", part.label, duckMessage(err)))
		}
	}
	if len(out) == 0 {
		return text
	}
	return text + "\n" + strings.Join(out, "\n")
}

// ---- plain SELECT ----

// skewSelect runs a plain query (or EXPLAIN [ANALYZE] of one) with its
// equi-joins split, when skew_join = on and it joins. ok false: run it
// unchanged.
func (s *Session) skewSelect(ctx context.Context, st *parser.Passthrough) (res *Result, ok bool, err error) {
	if s.Settings.SkewJoin != "on" {
		return nil, false, nil
	}
	toks, err := sqlscan.Tokens(st.SQL, st.Pos)
	if err != nil || len(toks) == 0 {
		return nil, false, nil
	}
	explain, analyze, i := explainPrefix(toks)
	if i >= len(toks) || !(toks[i].Is("SELECT") || toks[i].Is("WITH") || toks[i].Text == "(") {
		return nil, false, nil
	}
	query := st.SQL[toks[i].Off:]
	if !skew.HasJoin(query) { // nor does a query DuckDB cannot parse
		return nil, false, nil
	}
	if err := s.attachShared(ctx); err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	k := s.newSkewRunner(ctx, nil, nil, nil)
	defer func() {
		if cerr := k.Close(); cerr != nil && err == nil {
			err = positioned(st.Pos, cerr)
		}
	}()
	id := func(q string) string { return q }
	p, err := k.Plan(query, id, false)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if !p.Active() && !(explain && !analyze && len(p.Declined()) > 0) {
		return nil, false, nil
	}
	if explain && !analyze {
		text, err := k.Explain(s.Settings.skewTitle("query"), "query", p, id)
		if err != nil {
			return nil, true, positioned(st.Pos, err)
		}
		return &Result{Text: strings.TrimRight(text, "\n")}, true, nil
	}
	began := time.Now()
	q, note, err := k.Execute(p, id)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if q == "" {
		q = query
	}
	res, err = s.query(ctx, q)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	if !explain {
		return res, true, nil
	}
	text, err := k.Explain(s.Settings.skewTitle("query"), "query", p, id)
	if err != nil {
		return nil, true, positioned(st.Pos, err)
	}
	text += "analyze: " + note
	if s.Settings.ExplainTiming {
		text += fmt.Sprintf("; %d rows in %.1f ms", len(res.Rows), float64(time.Since(began).Microseconds())/1000)
	} else {
		text += fmt.Sprintf("; %d rows", len(res.Rows))
	}
	return &Result{Text: text}, true, nil
}
