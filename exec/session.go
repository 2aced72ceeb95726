// Package exec runs statements on an embedded DuckDB: WITH ITERATE plans
// from the planner (temp tables per iteration, stop tests, statistics) and
// every other statement passed through to DuckDB unchanged.
package exec

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/skew"
)

// IterStat is what one iteration did.
type IterStat struct {
	Iteration int
	Rows      int64         // rows in the state after the iteration
	Changed   int64         // rows added or changed by the iteration
	Duration  time.Duration // wall time of the iteration, stop test included
	Note      string        // decisions the engine took (checkpoint written, ...)
}

// Result is what a statement returns. Text, when set, is printed verbatim
// instead of a table (EXPLAIN).
type Result struct {
	Columns []string
	Types   []string // DuckDB's type of each column (DatabaseTypeName), set by ReadRows
	Rows    [][]any
	Text    string
	Stats   []IterStat
	// ValueText: Rows hold DuckDB's own text of each value (VARCHAR, or
	// JSON text), and Types the DuckDB types of the query's columns; see
	// Session.ValueText.
	ValueText bool
	// Plot is the file EXPLAIN ANALYZE ... TO 'file' asks the chart of
	// Stats in (written by the shell, as .plot), at PlotPos.
	Plot    string
	PlotPos sqlscan.Pos
}

// Value text modes (Session.ValueText).
const (
	ValuesGo      = ""        // rows hold the driver's Go values
	ValuesVarchar = "varchar" // DuckDB's cast to VARCHAR
	ValuesJSON    = "json"    // DuckDB's to_json
)

// Session is one user's connection: a DuckDB database, one connection to
// it (temp tables live per connection), and the itersql settings.
type Session struct {
	eng engine
	// db and conn are DuckDB's (eng is a duckEngine on them); nil on
	// Spark. What only DuckDB has uses them: the skew split's tasks,
	// prepared statements of the MERGE path.
	db       *sql.DB
	conn     *sql.Conn
	Settings Settings
	// Progress, when set, is called after each iteration of a WITH ITERATE.
	Progress func(name string, st IterStat, elapsed time.Duration)
	// Notice, when set, gets messages for the user that are not results:
	// "resuming cc at iteration 40 from ...", warnings about damaged
	// checkpoints. nil drops them.
	Notice func(msg string)
	// ValueText asks for the rows of a WITH ITERATE's final query as
	// DuckDB's text of each value (ValuesVarchar, ValuesJSON), cast
	// inside DuckDB's pipeline, so a shell shows them as DuckDB's CLI
	// would (a UUID, an infinite date, a struct in field order).
	ValueText string
	// Swept names the tables of dead itersql clients of this machine
	// that opening the session dropped from a Spark server
	// (exec/sparksweep.go); the shell says so.
	Swept []string
	// KeyedStrategy is how a keyed state is updated: KeyedMerge, or
	// KeyedTables (exec/merge.go). Open sets it from KeyedStrategyEnv.
	KeyedStrategy string
	// sent counts what the session sends to DuckDB (Counters).
	sent     Counters
	seq      int    // numbers the temp tables of each run so runs never collide
	attached bool   // SharedCatalog is attached
	spillDir string // DuckDB's temp_directory for this session (exec/spill.go)
	// freq caches skew detection of inputs that read no iteration state,
	// from one statement to the next until a statement that may write
	// (see readOnly) clears it. A stale entry could only unbalance a
	// split, never change its result: every key goes through one path.
	freq map[string]*skew.Freq
}

// SharedCatalog is an in-memory database attached to the session's
// DuckDB, for run tables that other connections of the same database must
// see (temp tables are private to one connection).
const SharedCatalog = "itersql_work"

func (s *Session) attachShared(ctx context.Context) error {
	if s.attached {
		return nil
	}
	if _, err := s.exec(ctx, "ATTACH IF NOT EXISTS ':memory:' AS "+SharedCatalog); err != nil {
		return fmt.Errorf("attach %s: %w", SharedCatalog, err)
	}
	s.attached = true
	return nil
}

// Open returns a session on path: a DuckDB database file ("" for one in
// memory), or a Spark Connect server given as sc://host:port.
func Open(path string) (*Session, error) {
	if strings.HasPrefix(path, "sc://") {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return OpenSpark(ctx, path)
	}
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	db := sql.OpenDB(connector)
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	d := &duckEngine{db: db, conn: conn}
	d.handle, d.hasHandle = progressHandle(conn)
	s := &Session{eng: d, db: db, conn: conn, Settings: DefaultSettings()}
	if s.KeyedStrategy, err = defaultKeyedStrategy(); err != nil {
		s.Close()
		return nil, err
	}
	sweepSpillDirs(path)
	if s.spillDir, err = newSpillDir(path); err == nil {
		_, err = s.exec(context.Background(), "SET temp_directory = "+sqlString(s.spillDir))
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("open %q: spill folder: %w", path, err)
	}
	return s, nil
}

// DB is the DuckDB database under the session (nil on Spark).
func (s *Session) DB() *sql.DB { return s.db }

// Conn is the session's own DuckDB connection, the one that sees its temp
// tables (nil on Spark).
func (s *Session) Conn() *sql.Conn { return s.conn }

// Close closes the engine (DuckDB's connection and database, or the Spark
// session), and removes the session's spill folder.
func (s *Session) Close() error {
	err := s.eng.close()
	if s.spillDir != "" {
		err = errors.Join(err, removeSpillDir(s.spillDir))
	}
	return err
}

// oneStatement refuses SQL that holds more than one statement. DuckDB's
// driver runs every statement of a string it is given, so a string that
// ends one statement and starts another (a ';' where a name, a type from a
// checkpoint manifest or a comment should have been) would run SQL nobody
// asked for. sqlscan reads statements as DuckDB does (FuzzSplit).
func oneStatement(q string) error {
	stmts, rest, _ := sqlscan.Split(q, sqlscan.Pos{Line: 1, Col: 1})
	n := len(stmts)
	if strings.TrimSpace(rest) != "" {
		n++
	}
	if n > 1 {
		return fmt.Errorf("refused to run %d statements given as one (one statement per call)", n)
	}
	return nil
}

// Counters count the work a session sends to DuckDB, so that tests and
// the benchmark can tell how many statements an iteration costs without
// timing anything: the fixed cost of an iteration is mostly the number of
// statements and of tables created (bench/RESULTS.md, "Per-iteration
// overhead"). What package skew sends (it is handed the connections
// themselves) is not counted.
type Counters struct {
	Statements    int64 // statements sent on the session's connection, PREPAREs included
	TablesCreated int64 // tables a WITH ITERATE run created (run.create)
}

// Counters returns the counts since the session was opened.
func (s *Session) Counters() Counters { return s.sent }

// query runs SQL on the session connection and reads all rows.
func (s *Session) query(ctx context.Context, q string) (*Result, error) {
	if err := oneStatement(q); err != nil {
		return nil, err
	}
	s.sent.Statements++
	return s.eng.query(ctx, q)
}

// ReadRows reads all of rows, whatever their columns, and closes them.
func ReadRows(rows *sql.Rows) (*Result, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	cts, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	res := &Result{Columns: cols, Types: make([]string, len(cts))}
	for i, ct := range cts {
		res.Types[i] = ct.DatabaseTypeName()
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

// exec runs SQL that returns no rows.
func (s *Session) exec(ctx context.Context, q string) (int64, error) {
	if err := oneStatement(q); err != nil {
		return 0, err
	}
	s.sent.Statements++
	return s.eng.exec(ctx, q)
}

// finish runs what finishes a part's statement once it has run, with err
// its error: part.then if it succeeded, and part.undo if it or one of
// them failed, on a context of its own so that a cancel leaves nothing
// behind (as run.drop). It returns the first error.
func (s *Session) finish(ctx context.Context, p part, err error) error {
	for _, q := range p.then {
		if err != nil {
			break
		}
		_, err = s.exec(ctx, q)
	}
	if err != nil && p.undo != "" {
		if _, uerr := s.exec(context.Background(), p.undo); uerr != nil {
			err = errors.Join(err, fmt.Errorf("then %s failed: %w", p.undo, uerr))
		}
	}
	return err
}

// queryRow runs a query of one row on the session connection and scans it
// into dest.
func (s *Session) queryRow(ctx context.Context, q string, dest ...any) error {
	s.sent.Statements++
	return s.eng.queryRow(ctx, q, dest...)
}

// duckMessage trims DuckDB's multi-line error context (LINE n: ... ^) that
// points into SQL the user did not write.
func duckMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "\n\nLINE "); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, "\nLINE "); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSpace(msg)
}

var lineContext = regexp.MustCompile(`\n\nLINE (\d+): (.*)\n( *)\^`)

// duckPos finds where in src (which starts at p) DuckDB's error points.
// Without that context the statement's start is the best we know.
func duckPos(src string, p sqlscan.Pos, err error) sqlscan.Pos {
	off := duckOffset(src, err)
	if off < 0 {
		return p
	}
	return p.Advance(src[:off])
}

// duckOffset finds the byte offset in src that DuckDB's error points at:
// its message ends with "LINE n: <excerpt>" and a caret under the bad
// token. -1 when it has no such context.
func duckOffset(src string, err error) int {
	m := lineContext.FindStringSubmatch(err.Error())
	if m == nil {
		if strings.Contains(err.Error(), "at end of input") {
			return len(strings.TrimRight(src, " \t\r\n"))
		}
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	excerpt := m[2]
	caret := len(m[3]) - len("LINE : ") - len(m[1])
	lines := strings.SplitAfter(src, "\n")
	if n < 1 || n > len(lines) || caret < 0 {
		return -1
	}
	line := lines[n-1]
	// A long line is cut to an excerpt with "..." at either end.
	trimmed := strings.TrimSuffix(strings.TrimPrefix(excerpt, "..."), "...")
	if strings.HasPrefix(excerpt, "...") {
		caret -= 3
	}
	at := strings.Index(line, trimmed)
	if at < 0 || at+caret > len(line) || caret < 0 {
		return -1
	}
	return len(strings.Join(lines[:n-1], "")) + at + caret
}

// positioned wraps err at p unless it already carries a position.
func positioned(p sqlscan.Pos, err error) error {
	var pe *sqlscan.Error
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &sqlscan.Error{Pos: p, Msg: "canceled", Err: err}
	}
	return &sqlscan.Error{Pos: p, Msg: duckMessage(err), Err: err}
}
