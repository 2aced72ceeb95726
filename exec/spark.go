package exec

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/itersql/itersql/internal/duckast"
	"github.com/itersql/itersql/internal/spark"
	"github.com/itersql/itersql/internal/sparksql"
	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/parser"
	"github.com/itersql/itersql/planner"
)

// sparkEngine is Apache Spark through Spark Connect (docs/spark.md). Each
// state is a Parquet table: CREATE TABLE ... USING parquet AS cuts the
// lineage at every iteration, where views and cached views nest their
// plans (Spark caps that nesting at 100). Its tables live in the server's
// shared catalog, so their names carry a tag unique to the session that
// also says which client made them (exec/sparksweep.go).
type sparkEngine struct {
	s     *spark.Session
	tag   string            // unique to the session, in every table name
	files map[string]string // "format path" -> its temporary view (sparkEngine.file)
	sent  *Counters         // the session's, for the statements it adds
	// replaced counts the CREATE OR REPLACE TABLE statements translated,
	// which name their temporary tables (statements).
	replaced int
}

// OpenSpark returns a session on the Spark Connect server at remote
// ("sc://host:port").
func OpenSpark(ctx context.Context, remote string) (*Session, error) {
	sp, err := spark.Connect(ctx, remote)
	if err != nil {
		return nil, err
	}
	tag, err := sessionTag()
	if err != nil {
		sp.Close()
		return nil, err
	}
	e := &sparkEngine{s: sp, tag: tag, files: map[string]string{}}
	sess := &Session{eng: e, Settings: DefaultSettings(), KeyedStrategy: KeyedReplace}
	e.sent = &sess.sent
	if sess.Swept, err = e.sweep(ctx); err != nil {
		sp.Close()
		return nil, fmt.Errorf("spark: sweeping the tables of dead clients: %w", err)
	}
	return sess, nil
}

// Engine names the database the session runs on: "duckdb" or "spark".
func (s *Session) Engine() string {
	if _, ok := s.eng.(*sparkEngine); ok {
		return "spark"
	}
	return "duckdb"
}

func (e *sparkEngine) query(ctx context.Context, q string) (*Result, error) {
	sr, err := e.s.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	res := &Result{Rows: sr.Rows}
	for _, c := range sr.Columns {
		res.Columns = append(res.Columns, c.Name)
		res.Types = append(res.Types, c.Type)
	}
	return res, nil
}

// exec runs a statement; Spark Connect does not say how many rows it
// changed, so the count is 0.
func (e *sparkEngine) exec(ctx context.Context, q string) (int64, error) {
	return 0, e.s.Exec(ctx, q)
}

func (e *sparkEngine) queryRow(ctx context.Context, q string, dest ...any) error {
	res, err := e.query(ctx, q)
	if err != nil {
		return err
	}
	if len(res.Rows) == 0 {
		return errors.New("spark: the query returned no row")
	}
	row := res.Rows[0]
	if len(row) != len(dest) {
		return fmt.Errorf("spark: the query returned %d columns, want %d", len(row), len(dest))
	}
	for i, d := range dest {
		if err := assign(d, row[i]); err != nil {
			return fmt.Errorf("spark: column %d: %w", i+1, err)
		}
	}
	return nil
}

// assign stores a value of Spark's (see spark.Session.Query) in dest.
func assign(dest, v any) error {
	switch d := dest.(type) {
	case *any:
		*d = v
	case *int64:
		switch n := v.(type) {
		case int64:
			*d = n
		case int32:
			*d = int64(n)
		case int16:
			*d = int64(n)
		case int8:
			*d = int64(n)
		default:
			return fmt.Errorf("%v (%T) is not an integer", v, v)
		}
	case *bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%v (%T) is not a boolean", v, v)
		}
		*d = b
	case *string:
		*d = fmt.Sprint(v)
	default:
		return fmt.Errorf("cannot scan into %T", dest)
	}
	return nil
}

func (e *sparkEngine) quote(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// tableName puts the session's tag into a run's table name, and keeps it
// to lower-case letters, digits and '_': Spark's catalog folds case.
func (e *sparkEngine) tableName(name string) string {
	name = strings.Replace(name, "__itersql_", "__itersql_"+e.tag+"_", 1)
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '_'
	}, name)
}

// compile prints the part, read by DuckDB's parser, as Spark SQL with
// DuckDB's meaning (internal/sparksql), or refuses it at the construct
// Spark cannot say. The placeholders print as backquoted names, which the
// template replaces.
func (e *sparkEngine) compile(ctx context.Context, q planner.Query) (part, error) {
	// A final query inside CREATE [OR REPLACE] TABLE AS, INSERT INTO or
	// COPY TO is translated as those statements are (statements).
	st, translated, err := e.statements(ctx, q.SQL)
	if err == nil && !translated {
		// Spark would run DuckDB's SQL as it is.
		err = errors.New("not a statement itersql translates to Spark SQL")
	}
	if err != nil {
		pos, msg := q.Pos, err.Error()
		var at *offsetError
		if errors.As(err, &at) {
			pos, msg = q.Origin(at.off, planner.StateRef, planner.PreviousRef, planner.DeltaRef), at.err.Error()
		}
		var u *sparksql.UnsupportedError
		if errors.As(err, &u) {
			msg = u.Construct + " has no Spark SQL equivalent"
		}
		return part{}, &sqlscan.Error{Pos: pos, Msg: fmt.Sprintf("%s of WITH ITERATE on Spark: %s", q.What, msg), Err: err}
	}
	return part{bind: e.template(st.sql), then: st.then, undo: st.undo,
		spark: &sparkPart{text: st.sql, marks: st.marks, query: st.query}}, nil
}

// template binds printed Spark SQL to an iteration's tables: its
// placeholders print as backquoted names.
func (e *sparkEngine) template(text string) template {
	return func(state, previous, delta string) string {
		return strings.NewReplacer(e.placeholders(state, previous, delta)...).Replace(text)
	}
}

// placeholders pairs each placeholder as printed with its table, as
// strings.NewReplacer takes them.
func (e *sparkEngine) placeholders(state, previous, delta string) []string {
	ph := func(ref string) string { return e.quote(strings.Trim(ref, `"`)) }
	return []string{ph(planner.StateRef), state, ph(planner.PreviousRef), previous, ph(planner.DeltaRef), delta}
}

// sparkPart is a compiled part: its Spark SQL with placeholders, and the
// marks that lead from it back to the part's DuckDB text.
type sparkPart struct {
	text  string
	marks sparksql.Marks
	query int // where the query starts in text (sparkStatement.query)
}

// errorPos places a Spark error in the user's text. Spark points into
// the statement it ran, which holds the part bound to some tables (or,
// for a check, the part's query): the part is found in it with its
// placeholders matching any table, the offset is taken back to the
// printed part, and through its marks to the part's DuckDB text. The
// tables need not be known, so errors of an iteration's own statements
// are placed too.
func (e *sparkEngine) errorPos(q planner.Query, p part, err error, _, _, _ string) (sqlscan.Pos, bool) {
	var se *spark.Error
	part := p.spark
	if !errors.As(err, &se) || part == nil || se.Offset() < 0 {
		return sqlscan.Pos{}, false
	}
	off, ok := e.locate(part.text, se.SQL, se.Offset())
	if !ok {
		// A check describes the query of a CREATE TABLE AS, an INSERT
		// or a COPY.
		if off, ok = e.locate(part.text[part.query:], se.SQL, se.Offset()); ok {
			off += part.query
		}
	}
	if !ok {
		return sqlscan.Pos{}, false
	}
	src := part.marks.Source(off)
	if src < 0 {
		return sqlscan.Pos{}, false
	}
	return q.Origin(src, planner.StateRef, planner.PreviousRef, planner.DeltaRef), true
}

// locate finds text, whose placeholders stand for any table or query, in
// sql, and takes offset at of sql back to text: inside what a placeholder
// stands for, to the placeholder's start. ok is false when text is not in
// sql, or at is outside it.
func (e *sparkEngine) locate(text, sql string, at int) (off int, ok bool) {
	type piece struct {
		text string
		ph   bool
	}
	var pieces []piece
	phs := e.placeholders("", "", "")
	for rest := text; rest != ""; {
		next, ph := -1, ""
		for k := 0; k < len(phs); k += 2 {
			if j := strings.Index(rest, phs[k]); j >= 0 && (next < 0 || j < next) {
				next, ph = j, phs[k]
			}
		}
		if next < 0 {
			pieces = append(pieces, piece{text: rest})
			break
		}
		pieces = append(pieces, piece{text: rest[:next]}, piece{text: ph, ph: true})
		rest = rest[next+len(ph):]
	}
	var pat strings.Builder
	pat.WriteString("(?s)")
	for _, p := range pieces {
		if p.ph {
			pat.WriteString("(.*?)")
		} else {
			pat.WriteString(regexp.QuoteMeta(p.text))
		}
	}
	m := regexp.MustCompile(pat.String()).FindStringSubmatchIndex(sql)
	if m == nil || at < m[0] || at >= m[1] {
		return 0, false
	}
	tpos, spos, g := 0, m[0], 1
	for _, p := range pieces {
		if p.ph {
			end := m[2*g+1]
			if at < end {
				return tpos, true
			}
			spos, g = end, g+1
		} else {
			if at < spos+len(p.text) {
				return tpos + at - spos, true
			}
			spos += len(p.text)
		}
		tpos += len(p.text)
	}
	return 0, false
}

// print is st in Spark SQL, with its marks; the files it reads become
// views (file).
func (e *sparkEngine) print(ctx context.Context, st duckast.Statement) (string, sparksql.Marks, error) {
	return sparksql.PrintMarked(st, func(format, path string) (string, error) { return e.file(ctx, format, path) })
}

// file is a temporary view of the session over a file that DuckDB's
// read_csv or read_parquet reads: Spark's reader, with a header and
// inferred types for CSV (DuckDB sniffs both). A relative path is the
// client's, as in DuckDB, so it is made absolute: the server shares this
// machine's files only when it runs on it (a cluster needs paths that its
// nodes can read). A view lives as long as the session.
func (e *sparkEngine) file(ctx context.Context, format, path string) (string, error) {
	if !strings.Contains(path, "://") {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", err
		}
		path = abs
	}
	key := format + " " + path
	if v, ok := e.files[key]; ok {
		return v, nil
	}
	view := fmt.Sprintf("__itersql_%s_file%d", e.tag, len(e.files)+1)
	opts := "path " + sqlString(path)
	if format == "csv" {
		opts += ", header 'true', inferSchema 'true'"
	}
	if format == "parquet" {
		if err := e.s.Exec(ctx, fmt.Sprintf("CREATE TEMPORARY VIEW %s USING parquet OPTIONS (%s)", e.quote(view), opts)); err != nil {
			return "", err
		}
		e.files[key] = view
		return view, nil
	}
	// Spark infers small integers as INT where DuckDB's sniffer says
	// BIGINT: the view over the raw reader casts them, so the columns
	// have DuckDB's types (and sums their range).
	raw := view + "_raw"
	if err := e.s.Exec(ctx, fmt.Sprintf("CREATE TEMPORARY VIEW %s USING csv OPTIONS (%s)", e.quote(raw), opts)); err != nil {
		return "", err
	}
	names, types, err := e.describe(ctx, "SELECT * FROM "+e.quote(raw))
	if err != nil {
		return "", err
	}
	cols := make([]string, len(names))
	for i, n := range names {
		cols[i] = e.quote(n)
		switch types[i] {
		case "tinyint", "smallint", "int":
			cols[i] = fmt.Sprintf("CAST(%s AS BIGINT) AS %s", e.quote(n), e.quote(n))
		}
	}
	if err := e.s.Exec(ctx, fmt.Sprintf("CREATE TEMPORARY VIEW %s AS SELECT %s FROM %s", e.quote(view), strings.Join(cols, ", "), e.quote(raw))); err != nil {
		return "", err
	}
	e.files[key] = view
	return view, nil
}

// materialize writes the table, then counts it: Spark Connect does not
// return the rows a CREATE TABLE AS wrote.
func (e *sparkEngine) materialize(ctx context.Context, table, query string) (int64, error) {
	if err := e.s.Exec(ctx, "CREATE TABLE "+table+" USING parquet AS "+query); err != nil {
		return 0, err
	}
	var n int64
	e.sent.Statements++
	err := e.queryRow(ctx, "SELECT count(*) FROM "+table, &n)
	return n, err
}

func (e *sparkEngine) drop(ctx context.Context, table string) error {
	return e.s.Exec(ctx, "DROP TABLE IF EXISTS "+table)
}

// describe is DESCRIBE QUERY, which analyzes the query and runs nothing.
func (e *sparkEngine) describe(ctx context.Context, query string) (names, types []string, err error) {
	res, err := e.query(ctx, "DESCRIBE QUERY "+query)
	if err != nil {
		return nil, nil, err
	}
	names, types = described(res)
	return names, types, nil
}

// check describes the query, or the query of a CREATE TABLE AS, an
// INSERT or a COPY, which starts where compiled part p says
// (Spark describes queries only).
func (e *sparkEngine) check(ctx context.Context, p part, sql string) error {
	if p.spark != nil && p.spark.query <= len(sql) {
		sql = sql[p.spark.query:]
	}
	_, _, err := e.describe(ctx, sql)
	return err
}

// fingerprint sums xxhash64 of the rows as DECIMAL(38,0): under ANSI mode
// a BIGINT sum overflows with an error, and 2^63 times a billion rows
// still fits 38 digits.
func (e *sparkEngine) fingerprint(ctx context.Context, table string, cols []string) (*fingerprint, error) {
	var fp fingerprint
	var sum any
	q := fmt.Sprintf("SELECT count(*), COALESCE(sum(CAST(xxhash64(%s) AS DECIMAL(38,0))), 0) FROM %s", strings.Join(cols, ", "), table)
	if err := e.queryRow(ctx, q, &fp.rows, &sum); err != nil {
		return nil, err
	}
	fp.sum = fmt.Sprint(sum)
	return &fp, nil
}

func (e *sparkEngine) close() error { return e.s.Close() }

// sparkOnly refuses, before anything runs, what a WITH ITERATE on Spark
// does not do yet, each with what to do instead.
func (r *run) sparkOnly() error {
	p := r.p
	switch {
	case p.Command != "" && p.Command != "CREATE" && p.Command != "INSERT" && p.Command != "COPY" && p.Command != "SELECT" && p.Command != "FROM":
		return r.errorf(p.Source.Pos, "on Spark, WITH ITERATE runs alone, in CREATE TABLE AS, INSERT INTO, COPY TO or a subquery; inside %s it is not supported yet", p.Command)
	}
	return nil
}

// passthroughSpark runs a statement that is not WITH ITERATE on Spark. A
// query, CREATE TABLE ... AS, INSERT INTO ... and COPY (...) TO with a
// query are read by DuckDB's parser and printed as Spark SQL with DuckDB's
// meaning, so a statement means on Spark what it means on DuckDB; CREATE
// TABLE AS makes a Parquet table, COPY TO a folder of part files
// (copyTarget). Anything else (SHOW TABLES, DROP TABLE, Spark's own
// CREATE TABLE ... USING csv, SET spark.*) goes to Spark as written.
func (s *Session) passthroughSpark(ctx context.Context, st *parser.Passthrough) (*Result, error) {
	sp, translated, err := s.eng.(*sparkEngine).statements(ctx, st.SQL)
	if err != nil {
		var u *sparksql.UnsupportedError
		pos := st.Pos
		var at *offsetError
		if errors.As(err, &at) {
			pos = st.Pos.Advance(st.SQL[:at.off])
		}
		if errors.As(err, &u) {
			return nil, &sqlscan.Error{Pos: pos, Msg: "on Spark: " + u.Construct + " has no Spark SQL equivalent", Err: err}
		}
		var no *sparkRefusal
		if errors.As(err, &no) {
			return nil, &sqlscan.Error{Pos: pos, Msg: "on Spark: " + no.msg, Err: err}
		}
		return nil, positioned(pos, err)
	}
	res, err := s.query(ctx, sp.sql)
	if err != nil {
		err = positioned(sp.errorPos(st, translated, err), err)
	}
	if err = s.finish(ctx, part{then: sp.then, undo: sp.undo}, err); err != nil {
		return nil, positioned(st.Pos, err)
	}
	return quietCount(st.SQL, res), nil
}

// offsetError is an error at a byte offset of the statement.
type offsetError struct {
	off int
	err error
}

func (e *offsetError) Error() string { return e.err.Error() }
func (e *offsetError) Unwrap() error { return e.err }

// sparkStatement is what a statement in DuckDB's SQL becomes on Spark:
// one statement, and what finishes it (as in part: then runs after it,
// undo after a failure).
type sparkStatement struct {
	sql   string
	marks sparksql.Marks // from sql back to the statement in DuckDB's SQL
	query int            // where in sql its query starts (after CREATE TABLE ... AS, ...)
	then  []string
	undo  string
}

// errorPos is where in the user's statement st an error of running sp.sql
// points (st's start when it points nowhere in it): as written when
// sp is st untranslated, through the marks when translated.
func (sp sparkStatement) errorPos(st *parser.Passthrough, translated bool, err error) sqlscan.Pos {
	var se *spark.Error
	if !errors.As(err, &se) || se.SQL != sp.sql {
		return st.Pos
	}
	off := se.Offset()
	if translated {
		off = sp.marks.Source(off)
	}
	if off < 0 || off > len(st.SQL) {
		return st.Pos
	}
	return st.Pos.Advance(st.SQL[:off])
}

// statements is what runs on Spark for a statement given in DuckDB's
// SQL (see passthroughSpark); translated is false when it is the
// statement as given. Its marks lead from the statement run back to sql.
//
// CREATE OR REPLACE TABLE t AS q leaves t as it was when q fails, as
// DuckDB's does; Spark's session catalog refuses REPLACE TABLE AS SELECT
// for Parquet tables, so it is done in steps: q is written to a table of
// the session's (tableName, swept if the process dies), then t is
// dropped and that table renamed to t. When a step fails, the new table
// is dropped.
//
// COPY (q) TO 'path' [options] is INSERT OVERWRITE DIRECTORY 'abs path'
// USING csv|parquet|json [OPTIONS (...)] q, in DuckDB's format; options
// Spark cannot honour are refused at their offset (copyTarget). COPY t TO
// is COPY (SELECT * FROM t) TO.
func (e *sparkEngine) statements(ctx context.Context, sql string) (st sparkStatement, translated bool, err error) {
	toks, err := sqlscan.Tokens(sql, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil || len(toks) == 0 {
		return sparkStatement{sql: sql}, false, nil
	}
	// printAt prints the query at sql[from:to], after prefix.
	var marks sparksql.Marks
	var at int
	printAt := func(from, to int, prefix string) (string, error) {
		st, err := parseQuery(sql[from:to])
		if err != nil {
			return "", &offsetError{off: from, err: err}
		}
		text, m, err := e.print(ctx, st)
		if err != nil {
			var u *sparksql.UnsupportedError
			if errors.As(err, &u) && u.Offset >= 0 {
				return "", &offsetError{off: from + u.Offset, err: err}
			}
			return "", &offsetError{off: from, err: err}
		}
		marks, at = m.Shift(len(prefix), from), len(prefix)
		return prefix + text, nil
	}
	word := func(i int, w string) bool { return i < len(toks) && toks[i].Is(w) }
	isQuery := func(i int) bool {
		return word(i, "SELECT") || word(i, "WITH") || word(i, "FROM") || word(i, "VALUES") || (i < len(toks) && toks[i].Text == "(")
	}
	switch {
	case isQuery(0):
		q, err := printAt(toks[0].Off, len(sql), "")
		return sparkStatement{sql: q, marks: marks, query: at}, true, err
	case word(0, "CREATE"):
		i, replace := 1, false
		if word(1, "OR") && word(2, "REPLACE") {
			i, replace = 3, true
		}
		if !word(i, "TABLE") || !word(i+2, "AS") || !isQuery(i+3) {
			break
		}
		name := e.name(toks[i+1])
		if !replace {
			create, err := printAt(toks[i+3].Off, len(sql), "CREATE TABLE "+name+" USING parquet AS ")
			return sparkStatement{sql: create, marks: marks, query: at}, true, err
		}
		e.replaced++
		tmp := e.quote(e.tableName(fmt.Sprintf("__itersql_replace%d", e.replaced)))
		create, err := printAt(toks[i+3].Off, len(sql), "CREATE TABLE "+tmp+" USING parquet AS ")
		if err != nil {
			return sparkStatement{}, true, err
		}
		return sparkStatement{
			sql:   create,
			marks: marks,
			query: at,
			then:  []string{"DROP TABLE IF EXISTS " + name, "ALTER TABLE " + tmp + " RENAME TO " + name},
			undo:  "DROP TABLE IF EXISTS " + tmp,
		}, true, nil
	case word(0, "INSERT") && word(1, "INTO") && isQuery(3):
		insert, err := printAt(toks[3].Off, len(sql), "INSERT INTO "+e.name(toks[2])+" ")
		if err != nil {
			return sparkStatement{}, true, err
		}
		return sparkStatement{sql: insert, marks: marks, query: at}, true, nil
	case word(0, "COPY") && len(toks) > 1 && toks[1].Text == "(":
		// COPY (query) TO 'path' [options]: Spark writes a folder of
		// part files at the path (copyTarget).
		end := closing(toks, 1)
		if end < 0 || !word(end+1, "TO") {
			break
		}
		head, err := e.copyTarget(sql, toks, end+2)
		if err != nil {
			return sparkStatement{}, true, err
		}
		insert, err := printAt(toks[2].Off, toks[end].Off, head)
		if err != nil {
			return sparkStatement{}, true, err
		}
		return sparkStatement{sql: insert, marks: marks, query: at}, true, nil
	case word(0, "COPY") && len(toks) > 1 && (toks[1].Kind == sqlscan.Word || toks[1].Kind == sqlscan.Quoted):
		// COPY t TO 'path' [options] is COPY (SELECT * FROM t) TO.
		to := 2
		for to+1 < len(toks) && toks[to].Text == "." && (toks[to+1].Kind == sqlscan.Word || toks[to+1].Kind == sqlscan.Quoted) {
			to += 2
		}
		if !word(to, "TO") {
			break
		}
		head, err := e.copyTarget(sql, toks, to+1)
		if err != nil {
			return sparkStatement{}, true, err
		}
		const selectAll = "SELECT * FROM "
		st, err := parseQuery(selectAll + sql[toks[1].Off:toks[to].Off])
		if err != nil {
			return sparkStatement{}, true, &offsetError{off: toks[1].Off, err: err}
		}
		text, m, err := e.print(ctx, st)
		if err != nil {
			return sparkStatement{}, true, &offsetError{off: toks[1].Off, err: err}
		}
		// Marks of the query's own text lead to the table's name, the
		// others to COPY.
		marks = m.Shift(len(head), toks[1].Off-len(selectAll))
		for k := range marks {
			if marks[k].Src < toks[1].Off {
				marks[k].Src = toks[0].Off
			}
		}
		return sparkStatement{sql: head + text, marks: marks, query: len(head)}, true, nil
	}
	return sparkStatement{sql: sql}, false, nil
}

// closing is the index of the ')' that closes the '(' at toks[open], or
// -1.
func closing(toks []sqlscan.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch toks[i].Text {
		case "(":
			depth++
		case ")":
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// parseQuery reads text, one query, with DuckDB's parser.
func parseQuery(text string) (duckast.Statement, error) {
	sts, err := duckast.Parse(text)
	if err != nil {
		return duckast.Statement{}, err
	}
	if len(sts) != 1 {
		return duckast.Statement{}, fmt.Errorf("want one query, got %d statements", len(sts))
	}
	return sts[0], nil
}

// name is a table name token of DuckDB's SQL as a name of Spark's: a
// double-quoted name is backquoted (Spark reads "x" as a string).
func (e *sparkEngine) name(t sqlscan.Token) string {
	if t.Kind == sqlscan.Quoted && len(t.Text) >= 2 {
		return e.quote(strings.ReplaceAll(t.Text[1:len(t.Text)-1], `""`, `"`))
	}
	return t.Text
}

// UseOwnDatabase makes a new Spark database, prefix_<random>, the
// session's current one, and returns its name and a function that drops
// it with all it holds. Spark's catalog is shared by every session of the
// server and outlives them; what wants a fresh, empty one of its own
// (golden tests, Spark tests) uses this.
func (s *Session) UseOwnDatabase(ctx context.Context, prefix string) (name string, drop func() error, err error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	name = prefix + "_" + hex.EncodeToString(b[:])
	for _, q := range []string{"CREATE DATABASE " + name, "USE " + name} {
		if _, err := s.query(ctx, q); err != nil {
			return "", nil, err
		}
	}
	return name, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := s.query(ctx, "DROP DATABASE "+name+" CASCADE")
		return err
	}, nil
}
