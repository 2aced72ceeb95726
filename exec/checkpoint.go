package exec

// Durable checkpoints and resume (docs/checkpoints.md). The run loop calls
// three hooks: restore before iteration 0, checkpointAfter after every
// iteration and checkpointFinish once the final query has succeeded. The
// file layout, the manifest and its atomic publication are package
// checkpoint's; this file does what needs SQL: writing the state to
// Parquet through the engine and reading it back, fingerprinting the
// statement and the tables it reads. The SQL of each of those is the
// engine's (duckEngine's below, sparkEngine's in spark_checkpoint.go).

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/itersql/itersql/checkpoint"
	"github.com/itersql/itersql/internal/duckast"
	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// ckptRun is what one run knows about its checkpoints.
type ckptRun struct {
	base        string // the checkpoint directory, resolved
	store       *checkpoint.Store
	lock        *checkpoint.Lock // this run's hold on store, released when the run ends
	fingerprint string
	normalized  string
	// inputs are the fingerprints of the tables the statement reads, taken
	// once per run when first needed: a statement does not change its own
	// inputs, and hashing a large table at every checkpoint would cost.
	inputs     []checkpoint.Input
	haveInputs bool
	version    string    // of the engine, which wrote the files and digests
	prev       int       // newest complete checkpoint of this run (written or resumed from); -1 none
	last       time.Time // when the last checkpoint landed, or the run started
}

// checkpointing reports whether checkpoints are written.
func (s *Settings) checkpointing() bool {
	return s.CheckpointEvery > 0 || s.CheckpointInterval > 0
}

// checkpoints returns the run's checkpoint state, made on first use.
func (r *run) checkpoints() (*ckptRun, error) {
	if r.ckpt != nil {
		return r.ckpt, nil
	}
	base, err := r.s.checkpointBase(r.ctx)
	if err != nil {
		return nil, err
	}
	norm := normalizedStatement(r.p, r.s.Engine())
	fp := checkpoint.Fingerprint(norm)
	var version string
	// Both engines answer SELECT version().
	if err := r.s.queryRow(r.ctx, "SELECT version()", &version); err != nil {
		return nil, fmt.Errorf("checkpoints: %s version: %w", r.engineName(), err)
	}
	store := &checkpoint.Store{Dir: checkpoint.StatementDir(base, r.p.Name, fp)}
	// Two runs of one statement would delete each other's checkpoints:
	// the second fails at once, naming the first.
	lock, err := store.Lock()
	var inUse *checkpoint.InUseError
	if errors.As(err, &inUse) {
		return nil, err
	}
	if err != nil {
		// Fail now rather than at the first checkpoint: the folder is
		// unusable (a file, no permission), and will stay so.
		return nil, fmt.Errorf("checkpoints of %s in %s: %w", r.p.Name, store.Dir, err)
	}
	r.ckpt = &ckptRun{
		base:        base,
		store:       store,
		lock:        lock,
		fingerprint: fp,
		normalized:  norm,
		version:     version,
		prev:        -1,
		last:        time.Now(),
	}
	return r.ckpt, nil
}

// checkpointBase is checkpoint_dir, or its default: a folder beside the
// database file (graph.duckdb.itersql), ./.itersql for an in-memory one
// and on Spark (whose server writes it: it must see this machine's
// folders). DuckDB is asked for the file so that the session need not
// remember it.
func (s *Session) checkpointBase(ctx context.Context) (string, error) {
	if d := s.Settings.CheckpointDir; d != "" {
		return d, nil
	}
	if s.Engine() == "spark" {
		return ".itersql", nil
	}
	var path sql.NullString
	err := s.queryRow(ctx, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()", &path)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("checkpoints: find the database file: %w", err)
	}
	if !path.Valid || path.String == "" {
		return ".itersql", nil
	}
	return path.String + ".itersql", nil
}

// normalizedStatement is the text the statement's fingerprint is taken
// of: the compiled SQL of the parts the state depends on (the final query
// is left out, so a final query can be fixed and the run resumed), the
// columns and the key. No itersql setting changes a state's value
// (max_iterations and max_state_rows only stop a run), so none is in it;
// a setting that does must be added here. The engine is named in it,
// but for DuckDB (so that DuckDB's fingerprints, and folders, stay those
// written before there was another engine): the state's types, files and
// digests are each engine's own, so a run on one never resumes the
// other's checkpoints.
func normalizedStatement(p *planner.Plan, engine string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "itersql checkpoint format %d\n", checkpoint.FormatVersion)
	if engine != "duckdb" {
		fmt.Fprintf(&b, "engine: %s\n", engine)
	}
	fmt.Fprintf(&b, "name: %s\ncolumns: %s\nkey: %s\n", planner.Quote(p.Name), strings.Join(quoteAll(p.Columns), ", "), strings.Join(quoteAll(p.Key), ", "))
	fmt.Fprintf(&b, "initial: %s\nstep: %s\n", p.Initial.SQL, p.Step.SQL)
	for _, st := range p.Stops {
		switch st.Kind {
		case parser.Fixpoint:
			b.WriteString("until: FIXPOINT\n")
		case parser.Iterations:
			fmt.Fprintf(&b, "until: %d ITERATIONS\n", st.N)
		case parser.Condition:
			fmt.Fprintf(&b, "until: (%s)\n", st.Cond.SQL)
		}
	}
	return b.String()
}

func (s *Session) notice(format string, args ...any) {
	if s.Notice != nil {
		s.Notice(fmt.Sprintf(format, args...))
	}
}

func (s *Session) warn(format string, args ...any) { s.notice("warning: "+format, args...) }

// restore loads the newest usable checkpoint of this statement into the
// tables state (and delta, for keyed states: delta holds only the state's
// columns) and returns the iteration it holds. ok is false when the run
// starts fresh. A damaged or incomplete checkpoint is reported and
// skipped; a valid one over changed inputs is refused with an error.
func (r *run) restore(state, delta string) (k int, rows int64, ok bool, err error) {
	set := &r.s.Settings
	if !set.Resume && !set.checkpointing() {
		return 0, 0, false, nil
	}
	c, err := r.checkpoints()
	if err != nil {
		return 0, 0, false, positioned(r.p.Source.Pos, err)
	}
	entries, err := c.store.List()
	if err != nil {
		// Fail now rather than at the first checkpoint: the folder is
		// unusable (a file, no permission), and will stay so.
		return 0, 0, false, positioned(r.p.Source.Pos, fmt.Errorf("checkpoints of %s in %s: %w", r.p.Name, c.store.Dir, err))
	}
	if !set.Resume {
		for _, e := range entries {
			if e.HasManifest() {
				r.s.notice("%s starts fresh (resume is off): its first checkpoint replaces those of an earlier run in %s; SET resume = on to continue from iteration %d",
					r.p.Name, c.store.Dir, e.Iteration)
				break
			}
		}
		return 0, 0, false, nil
	}
	began := time.Now()
	skipped := 0
	for _, e := range entries {
		m, err := c.store.Load(e, c.fingerprint)
		if err == nil {
			if err := r.checkInputs(c, m, e); err != nil {
				return 0, 0, false, err
			}
			rows, err = r.load(m, e, state, delta)
		}
		var bad *checkpoint.Damaged
		if errors.As(err, &bad) {
			// Leave nothing of the attempt behind for the next one, or for
			// iteration 0 of a fresh start.
			r.drop(state)
			r.drop(delta)
			r.cols, r.types = nil, nil
			r.s.warn("the checkpoint of %s at iteration %d is not used: %s", r.p.Name, e.Iteration, bad.Error())
			skipped++
			continue
		}
		if err != nil {
			return 0, 0, false, positioned(r.p.Source.Pos, err)
		}
		c.prev, c.last = m.Iteration, time.Now()
		r.s.notice("resuming %s at iteration %d from %s", r.p.Name, m.Iteration, e.Dir)
		changed := int64(-1) // not recorded for plain states
		if f := m.File(checkpoint.RoleDelta); f != nil {
			changed = f.Rows
		}
		r.record(m.Iteration, rows, changed, began, r.timedNote("resumed from checkpoint", began))
		return m.Iteration, rows, true, nil
	}
	if skipped > 0 {
		r.s.warn("no usable checkpoint of %s in %s; starting fresh", r.p.Name, c.store.Dir)
	} else {
		r.s.notice("no checkpoint of %s to resume in %s; starting fresh%s", r.p.Name, c.store.Dir, r.otherVersions(c))
	}
	return 0, 0, false, nil
}

// otherVersions points at checkpoints of the same name but another
// fingerprint: most likely the statement was edited since they were written.
func (r *run) otherVersions(c *ckptRun) string {
	prefix := strings.TrimSuffix(c.store.Dir, c.fingerprint[:12])
	others, _ := filepath.Glob(prefix + "*")
	for _, o := range others {
		if o != c.store.Dir && len(o) == len(c.store.Dir) {
			return fmt.Sprintf(" (%s holds checkpoints of another version of the statement: it changed since they were written)", o)
		}
	}
	return ""
}

// checkInputs refuses a checkpoint whose input tables changed since it was
// written: resuming would mix a state of the old data with steps over the
// new, a result no run computes.
func (r *run) checkInputs(c *ckptRun, m *checkpoint.Manifest, e checkpoint.Entry) error {
	why := ""
	if v := r.writtenBy(m); v != c.version {
		why = fmt.Sprintf("it was written by %s %s and this is %s, so its input fingerprints cannot be compared", r.engineName(), v, c.version)
	} else {
		now, err := r.inputFingerprints(c)
		if err != nil {
			return positioned(r.p.Source.Pos, err)
		}
		why = inputChange(m.Inputs, now)
	}
	if why == "" {
		return nil
	}
	return r.errorf(r.p.Source.Pos, "cannot resume %s from its checkpoint at iteration %d in %s: %s; SET resume = off to start fresh (its first checkpoint replaces the old ones), or delete %s",
		r.p.Name, m.Iteration, e.Dir, why, c.store.Dir)
}

// engineName names the engine in messages.
func (r *run) engineName() string {
	if r.s.Engine() == "spark" {
		return "Spark"
	}
	return "DuckDB"
}

// writtenBy is the version of this run's engine that wrote m: its
// manifest records DuckDB's and Spark's apart.
func (r *run) writtenBy(m *checkpoint.Manifest) string {
	if r.s.Engine() == "spark" {
		return m.Spark
	}
	return m.DuckDB
}

// inputChange says how the inputs differ ("" if they do not).
func inputChange(then, now []checkpoint.Input) string {
	cur := map[string]checkpoint.Input{}
	for _, in := range now {
		cur[strings.ToLower(in.Table)] = in
	}
	for _, old := range then {
		in, ok := cur[strings.ToLower(old.Table)]
		delete(cur, strings.ToLower(old.Table))
		switch {
		case !ok:
			return fmt.Sprintf("input table %s cannot be read any more", old.Table)
		case in.Columns != old.Columns:
			return fmt.Sprintf("input table %s changed since: its columns are (%s), were (%s)", old.Table, in.Columns, old.Columns)
		case in.Rows != old.Rows:
			return fmt.Sprintf("input table %s changed since: %d rows now, %d then", old.Table, in.Rows, old.Rows)
		case in.Hash != old.Hash:
			return fmt.Sprintf("input table %s changed since: same %d rows, other content", old.Table, in.Rows)
		}
	}
	for _, in := range now {
		if _, ok := cur[strings.ToLower(in.Table)]; ok {
			return fmt.Sprintf("input table %s did not exist then", in.Table)
		}
	}
	return ""
}

// inputFingerprints fingerprints the tables the statement reads (once).
// A name the engine cannot describe is not a relation (a name the planner
// cannot tell from one, such as a table function's) and is skipped.
func (r *run) inputFingerprints(c *ckptRun) ([]checkpoint.Input, error) {
	if c.haveInputs {
		return c.inputs, nil
	}
	var out []checkpoint.Input
	for _, t := range r.p.Inputs() {
		rel := r.s.eng.relation(t)
		names, types, err := r.describe("SELECT * FROM " + rel)
		if err != nil {
			if r.ctx.Err() != nil {
				return nil, fmt.Errorf("fingerprint %s: %w", t, err)
			}
			continue
		}
		cols := make([]string, len(names))
		for i := range names {
			cols[i] = names[i] + " " + types[i]
		}
		rows, hash, err := r.digest(rel, r.quoteNames(names))
		if err != nil {
			return nil, fmt.Errorf("fingerprint input table %s: %w", t, err)
		}
		out = append(out, checkpoint.Input{Table: t, Columns: strings.Join(cols, ", "), Rows: rows, Hash: hash})
	}
	c.inputs, c.haveInputs = out, true
	return out, nil
}

// digest counts the rows of the relation from (a table, or a
// parenthesized query, of the columns cols, quoted) and digests their
// content independently of row order (the engine's digestQuery).
func (r *run) digest(from string, cols []string) (int64, string, error) {
	var n int64
	var h string
	err := r.s.queryRow(r.ctx, r.s.eng.digestQuery(from, cols), &n, &h)
	return n, h, err
}

// digestQuery: the sum and the xor of DuckDB's hash of each row (the sum
// keeps duplicate rows from cancelling out). DuckDB hashes the row as a
// whole, so cols are not needed.
func (d *duckEngine) digestQuery(from string, _ []string) string {
	return "SELECT count(*), CAST(COALESCE(sum(h), 0) AS VARCHAR) || '-' || CAST(COALESCE(bit_xor(h), 0) AS VARCHAR) " +
		"FROM (SELECT hash(__itersql_row) AS h FROM " + from + " AS __itersql_row)"
}

// relation: DuckDB reads the inputs as the planner names them.
func (d *duckEngine) relation(name string) string { return name }

// writeParquet is DuckDB's COPY to one Parquet file. Columns of a type
// Parquet does not keep (parquetLossy) are written as text.
func (d *duckEngine) writeParquet(table string, cols, types []string, path string) (string, error) {
	out := make([]string, len(cols))
	for i, col := range cols {
		out[i] = col
		if parquetLossy(types[i]) {
			out[i] = fmt.Sprintf("CAST(%s AS VARCHAR) AS %s", col, col)
		}
	}
	return fmt.Sprintf("COPY (SELECT %s FROM %s) TO %s (FORMAT parquet)", strings.Join(out, ", "), table, sqlString(path)), nil
}

func (d *duckEngine) readParquet(path string) string { return "read_parquet(" + sqlString(path) + ")" }

// parquetLossy reports whether a DuckDB type does not survive a Parquet
// round trip as itself: HUGEINT and UHUGEINT come back as DOUBLE, INTERVAL
// loses its microseconds, TIME WITH TIME ZONE its offset. Such columns (or
// those with such a type inside) are stored as text, which casts back
// exactly.
func parquetLossy(typ string) bool {
	t := strings.ToUpper(typ)
	return strings.Contains(t, "HUGEINT") || strings.Contains(t, "INTERVAL") || strings.Contains(t, "TIME WITH TIME ZONE")
}

// castShape is DuckDB's AST of SELECT CAST(NULL AS INTEGER) without its
// type: what duckEngine.checkType compares others with.
var castShape = sync.OnceValues(func() (string, error) { return castWithoutType("INTEGER") })

// castWithoutType parses SELECT CAST(NULL AS typ) with DuckDB's parser and
// returns its AST with the cast's type left out, or an error if DuckDB
// does not read it as one query with one cast.
func castWithoutType(typ string) (string, error) {
	stmts, err := duckast.Parse("SELECT CAST(NULL AS " + typ + ")")
	if err != nil {
		return "", err
	}
	if len(stmts) != 1 {
		return "", fmt.Errorf("%d statements", len(stmts))
	}
	node := duckast.Clone(stmts[0].JSON).(duckast.Node)
	sel := duckast.List(duckast.Obj(node, "node"), "select_list")
	if len(sel) != 1 {
		return "", fmt.Errorf("%d expressions", len(sel))
	}
	cast, ok := sel[0].(duckast.Node)
	if !ok || duckast.Str(cast, "class") != "CAST" {
		return "", errors.New("not a cast")
	}
	delete(cast, "cast_type")
	b, err := json.Marshal(node)
	return string(b), err
}

// checkType accepts a column type read from a manifest only if DuckDB
// parses SELECT CAST(NULL AS <type>) as exactly that query, differing
// from SELECT CAST(NULL AS INTEGER) in the type alone: then the text is
// one type in DuckDB's grammar, and pasting it into a CAST runs nothing
// else. A manifest is data anyone who can write the folder may have
// written (a type of "INTEGER); COPY ... TO ...; --" would otherwise run).
func (d *duckEngine) checkType(typ string) error {
	want, err := castShape()
	if err != nil {
		return err
	}
	got, err := castWithoutType(typ)
	if err != nil {
		return fmt.Errorf("not one DuckDB type: %w", err)
	}
	if got != want {
		return errors.New("not one DuckDB type")
	}
	return nil
}

// load reads checkpoint m into the tables state and delta and checks that
// what it read is what was written.
func (r *run) load(m *checkpoint.Manifest, e checkpoint.Entry, state, delta string) (int64, error) {
	bad := func(format string, args ...any) error {
		return &checkpoint.Damaged{Dir: e.Dir, Reason: fmt.Sprintf(format, args...)}
	}
	if m.Keyed != r.p.Keyed() || len(m.Columns) == 0 {
		return 0, bad("its manifest does not describe this statement's state")
	}
	var sel, cols []string
	for _, col := range m.Columns {
		if err := r.s.eng.checkType(col.Type); err != nil {
			return 0, bad("its manifest gives column %s the type %q: %v", planner.Quote(col.Name), col.Type, err)
		}
		q := r.s.eng.quote(col.Name)
		sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", q, col.Type, q))
		cols = append(cols, q)
	}
	read := func(table string, f *checkpoint.File) error {
		from := r.s.eng.readParquet(e.Dir + string(os.PathSeparator) + f.Name)
		if _, err := r.create(table, "SELECT "+strings.Join(sel, ", ")+" FROM "+from); err != nil {
			if r.ctx.Err() != nil {
				return err
			}
			return &checkpoint.Damaged{Dir: e.Dir, Reason: fmt.Sprintf("%s cannot be read: %s", f.Name, duckMessage(err)), Err: err}
		}
		n, h, err := r.digest(table, cols)
		if err != nil {
			return err
		}
		if n != f.Rows || h != f.Content {
			return bad("%s reads back as other rows than were written (%d rows, %d expected)", f.Name, n, f.Rows)
		}
		return nil
	}
	sf := m.File(checkpoint.RoleState)
	if err := read(state, sf); err != nil {
		return 0, err
	}
	if err := r.learnColumns(state); err != nil {
		return 0, err
	}
	if m.Keyed {
		if err := read(delta, m.File(checkpoint.RoleDelta)); err != nil {
			return 0, err
		}
	}
	return sf.Rows, nil
}

// checkpointAfter is called after iteration k (done: it was the last).
// state (and delta for keyed states, "" otherwise) are the tables that
// hold the run after k. When a checkpoint is due it writes one and returns
// the iteration's note ("checkpoint 12.3 ms"). The last iteration writes
// none: the run finishes and checkpointFinish removes them.
func (r *run) checkpointAfter(k int, done bool, state, delta string) (note string, err error) {
	set := &r.s.Settings
	if done || !set.checkpointing() {
		return "", nil
	}
	c, err := r.checkpoints()
	if err != nil {
		return "", positioned(r.p.Source.Pos, err)
	}
	if !(set.CheckpointEvery > 0 && k%set.CheckpointEvery == 0) &&
		!(set.CheckpointInterval > 0 && time.Since(c.last) >= set.CheckpointInterval) {
		return "", nil
	}
	began := time.Now()
	if err := r.writeCheckpoint(c, k, state, delta); err != nil {
		if r.ctx.Err() != nil {
			return "", &sqlscan.Error{Pos: r.p.Source.Pos, Msg: fmt.Sprintf("canceled at iteration %d of %s", k, r.p.Name), Err: err}
		}
		// Failing the statement rather than running on without
		// checkpoints: a run that was asked to be durable and is not
		// would lose more than it promised on the next crash.
		return "", &sqlscan.Error{Pos: r.p.Source.Pos, Err: err,
			Msg: fmt.Sprintf("checkpoint of %s at iteration %d failed: %s; SET checkpoint_every = 0 to run without checkpoints", r.p.Name, k, duckMessage(err))}
	}
	c.last = time.Now()
	return r.timedNote("checkpoint", began), nil
}

// writeCheckpoint writes the checkpoint of iteration k and prunes all but
// it and the one before.
func (r *run) writeCheckpoint(c *ckptRun, k int, state, delta string) error {
	inputs, err := r.inputFingerprints(c)
	if err != nil {
		return err
	}
	pend, err := c.store.Begin(k)
	if err != nil {
		return err
	}
	m := &checkpoint.Manifest{
		Statement:   r.p.Name,
		Fingerprint: c.fingerprint,
		Normalized:  c.normalized,
		Keyed:       r.p.Keyed(),
		Key:         r.p.Key,
		Inputs:      inputs,
		Written:     time.Now().UTC(),
	}
	if r.s.Engine() == "spark" {
		m.Spark = c.version
	} else {
		m.DuckDB = c.version
	}
	for i := range r.cols {
		m.Columns = append(m.Columns, checkpoint.Column{Name: r.names[i], Type: r.types[i]})
	}
	write := func(role, table string) error {
		from := fmt.Sprintf("(SELECT %s FROM %s)", strings.Join(r.cols, ", "), table)
		rows, content, err := r.digest(from, r.cols)
		if err != nil {
			return fmt.Errorf("digest %s: %w", role, err)
		}
		f := checkpoint.File{Name: role + ".parquet", Role: role, Rows: rows, Content: content}
		stmt, err := r.s.eng.writeParquet(table, r.cols, r.types, pend.Path(f.Name))
		if err == nil {
			_, err = r.s.exec(r.ctx, stmt)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Name, err)
		}
		m.Files = append(m.Files, f)
		if role == checkpoint.RoleState {
			m.Rows = rows
		}
		return nil
	}
	err = write(checkpoint.RoleState, state)
	if err == nil && delta != "" {
		err = write(checkpoint.RoleDelta, delta)
	}
	if err == nil {
		err = pend.Commit(m)
	}
	if err != nil {
		return errors.Join(err, pend.Abort())
	}
	// The new checkpoint exists: the one before it stays as a fallback in
	// case this one is damaged later, every other goes (in a fresh run,
	// that includes those of an earlier run of the statement).
	if err := c.store.Prune(k, c.prev); err != nil {
		r.s.warn("could not remove old checkpoints of %s: %v", r.p.Name, err)
	}
	c.prev = k
	return nil
}

// checkpointFinish runs once the statement has succeeded: its checkpoints
// are of no more use, unless checkpoint_keep asks for them. Failing to
// remove them is a warning, not a failed statement.
func (r *run) checkpointFinish() {
	c := r.ckpt
	if c == nil || r.s.Settings.CheckpointKeep {
		return
	}
	if err := c.store.Remove(); err != nil {
		r.s.warn("could not remove the checkpoints of %s: %v", r.p.Name, err)
	}
}

// checkpointRelease ends the run's hold on its checkpoint folder, success
// or not; the folder goes if that leaves it empty (checkpoint.Lock).
func (r *run) checkpointRelease() {
	if c := r.ckpt; c != nil {
		if err := c.lock.Release(); err != nil {
			r.s.warn("could not release the checkpoint folder of %s: %v", r.p.Name, err)
		}
	}
}

// checkpointPolicy is EXPLAIN's account of checkpoints, "" when they are
// off and resume is too.
func (s *Session) checkpointPolicy(ctx context.Context, p *planner.Plan) string {
	set := &s.Settings
	if !set.checkpointing() && !set.Resume {
		return ""
	}
	base, err := s.checkpointBase(ctx)
	if err != nil {
		return "\ncheckpoints: " + err.Error()
	}
	dir := checkpoint.StatementDir(base, p.Name, checkpoint.Fingerprint(normalizedStatement(p, s.Engine())))
	var b strings.Builder
	b.WriteString("\ncheckpoints:\n")
	switch {
	case set.CheckpointEvery > 0:
		fmt.Fprintf(&b, "  write: after every %d iterations, keeping the last 2\n", set.CheckpointEvery)
	case set.CheckpointInterval > 0:
		fmt.Fprintf(&b, "  write: once %s have passed since the last (checked after each iteration), keeping the last 2\n", shortDuration(set.CheckpointInterval))
	default:
		b.WriteString("  write: none (checkpoint_every = 0)\n")
	}
	fmt.Fprintf(&b, "  folder: %s\n", dir)
	if set.CheckpointKeep {
		b.WriteString("  on success: kept (checkpoint_keep = on)\n")
	} else {
		b.WriteString("  on success: removed\n")
	}
	if set.Resume {
		b.WriteString("  resume: on, from the newest valid checkpoint if the inputs are unchanged\n")
	} else {
		b.WriteString("  resume: off\n")
	}
	if in := p.Inputs(); len(in) > 0 {
		fmt.Fprintf(&b, "  inputs fingerprinted: %s", strings.Join(in, ", "))
	} else {
		b.WriteString("  inputs fingerprinted: none")
	}
	return strings.TrimRight(b.String(), "\n")
}

// timedNote is an iteration's note with the time since began ("checkpoint
// 12.3 ms"), or without it when explain_timing is off (golden files).
func (r *run) timedNote(what string, began time.Time) string {
	if !r.s.Settings.ExplainTiming {
		return what
	}
	ms := float64(time.Since(began).Microseconds()) / 1000
	return what + " " + strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Setting rows of checkpoints (the table is in settings.go).

func checkpointEveryText(s *Settings) string {
	switch {
	case s.CheckpointEvery > 0:
		return strconv.Itoa(s.CheckpointEvery)
	case s.CheckpointInterval > 0:
		return shortDuration(s.CheckpointInterval)
	}
	return "0"
}

func setCheckpointEvery(s *Settings, v string) error {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "off" || v == "0" {
		s.CheckpointEvery, s.CheckpointInterval = 0, 0
		return nil
	}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		s.CheckpointEvery, s.CheckpointInterval = n, 0
		return nil
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		s.CheckpointEvery, s.CheckpointInterval = 0, d
		return nil
	}
	return fmt.Errorf("checkpoint_every must be an iteration count (5), a duration ('30s', '2m') or 0 for off, not %q", v)
}

// shortDuration prints 2m rather than Go's 2m0s.
func shortDuration(d time.Duration) string {
	t := d.String()
	if strings.HasSuffix(t, "m0s") || strings.HasSuffix(t, "h0m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}

func checkpointDirText(s *Settings) string {
	if s.CheckpointDir == "" {
		return "auto"
	}
	return s.CheckpointDir
}

func setCheckpointDir(s *Settings, v string) error {
	if strings.EqualFold(v, "auto") {
		v = ""
	}
	s.CheckpointDir = v
	return nil
}

// setBool reads an on/off setting into dst.
func setBool(dst *bool, name, v string) (err error) {
	*dst, err = parseBool(name, strings.TrimSpace(v))
	return err
}
