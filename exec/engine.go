package exec

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/itersql/itersql/internal/sqlscan"
	"github.com/itersql/itersql/planner"
)

// engine is the database a session runs on: DuckDB, embedded (duckEngine,
// the default), or Spark through Spark Connect (sparkEngine, exec/spark.go).
// The loop (run.loop) and its strategies ask it for operations on states;
// the SQL each takes, and how its errors point into that SQL, are the
// engine's own.
type engine interface {
	// query and exec run one statement (the session's query and exec).
	query(ctx context.Context, q string) (*Result, error)
	exec(ctx context.Context, q string) (int64, error)
	// queryRow runs a query of one row and scans it into dest (*int64,
	// *bool, *string or *any).
	queryRow(ctx context.Context, q string, dest ...any) error

	// quote makes name an identifier of the engine's SQL.
	quote(name string) string
	// tableName is the name of a run's table: unique to the session on
	// a shared catalog, the caller's name as it is otherwise.
	tableName(name string) string
	// compile makes a part of a plan the engine's SQL, once per run:
	// its template binds it to each iteration's tables. A part the
	// engine cannot run is an error before anything runs.
	compile(ctx context.Context, q planner.Query) (part, error)
	// errorPos is where in the user's text err points, when it came
	// from running part q bound to state, previous and delta ("" when
	// the caller does not know them); ok is false when it points nowhere
	// in the part, or the engine cannot tell without the tables.
	errorPos(q planner.Query, p part, err error, state, previous, delta string) (pos sqlscan.Pos, ok bool)

	// materialize creates table holding the rows of query, and returns
	// how many.
	materialize(ctx context.Context, table, query string) (int64, error)
	// drop drops table if it exists.
	drop(ctx context.Context, table string) error
	// describe returns the names and types of the columns of query, in
	// the engine's type names, without running it.
	describe(ctx context.Context, query string) (names, types []string, err error)
	// check binds query, compiled part p bound to tables, without
	// running it (names, types).
	check(ctx context.Context, p part, query string) error
	// fingerprint is a multiset fingerprint of table's columns cols
	// (quoted): its row count and an exact sum of its rows' hashes.
	fingerprint(ctx context.Context, table string, cols []string) (*fingerprint, error)

	// What checkpoints need (exec/checkpoint.go): each returns the
	// engine's SQL, which the run sends and counts.

	// relation is a table the statement reads, named in DuckDB's SQL
	// (planner.Plan.Inputs), in the engine's SQL.
	relation(name string) string
	// digestQuery is a query of one row: the count of the rows of from
	// (a table or a parenthesized query of the columns cols, quoted) and
	// a digest of their content, as text, independent of row order.
	digestQuery(from string, cols []string) string
	// writeParquet is the statement that writes the columns cols (of
	// types) of table to Parquet at path, which does not exist yet.
	writeParquet(table string, cols, types []string, path string) (string, error)
	// readParquet is a FROM item that reads what writeParquet wrote.
	readParquet(path string) string
	// checkType accepts a column type read from a manifest only if it
	// is exactly one type of the engine's SQL: it is pasted into a CAST,
	// and a manifest is data anyone who can write its folder may have
	// written.
	checkType(typ string) error

	close() error
}

// template is a compiled part, bound to an iteration's tables (or
// parenthesized queries) for state, previous.name and delta.name.
type template func(state, previous, delta string) string

// part is a part of a plan compiled for the engine: one statement (bind),
// and the statements that finish it. Only Spark's CREATE OR REPLACE
// TABLE ... AS has those (sparkEngine.statements): its statement writes
// the new table under a temporary name, then the old one is dropped and
// the new one renamed into place; undo drops the temporary table.
type part struct {
	bind template
	// then run in order after the statement succeeded (Session.finish).
	then []string
	// undo runs when the statement or one of then failed; "" for none.
	undo string
	// spark is the printed Spark SQL the part came from, nil on DuckDB.
	spark *sparkPart
}

// duckEngine is embedded DuckDB, on one connection: temp tables live per
// connection, so a run's tables are the connection's own.
type duckEngine struct {
	db   *sql.DB
	conn *sql.Conn
	// handle is conn's C connection, for QueryProgress (progress.go);
	// tracking is set once TrackProgress has turned DuckDB's on.
	handle    mapping.Connection
	hasHandle bool
	tracking  bool
}

func (d *duckEngine) query(ctx context.Context, q string) (*Result, error) {
	rows, err := d.conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return ReadRows(rows)
}

func (d *duckEngine) exec(ctx context.Context, q string) (int64, error) {
	r, err := d.conn.ExecContext(ctx, q)
	if err != nil {
		return 0, err
	}
	n, _ := r.RowsAffected()
	return n, nil
}

func (d *duckEngine) queryRow(ctx context.Context, q string, dest ...any) error {
	return d.conn.QueryRowContext(ctx, q).Scan(dest...)
}

func (d *duckEngine) quote(name string) string { return planner.Quote(name) }

func (d *duckEngine) tableName(name string) string { return name }

// compile binds the user's own text: DuckDB reads the parts as written.
func (d *duckEngine) compile(_ context.Context, q planner.Query) (part, error) {
	return part{bind: q.Bind}, nil
}

// errorPos: DuckDB points into the user's own text bound to the tables,
// so they must be known if the part names any.
func (d *duckEngine) errorPos(q planner.Query, _ part, err error, state, previous, delta string) (sqlscan.Pos, bool) {
	if state == "" && q.Reads() {
		return sqlscan.Pos{}, false
	}
	off := duckOffset(q.Bind(state, previous, delta), err)
	if off < 0 {
		return sqlscan.Pos{}, false
	}
	return q.Origin(off, state, previous, delta), true
}

// materialize reads the row count from DuckDB's answer to CREATE TABLE
// AS, which spares a count(*) of the new table (a statement, a third of a
// plain iteration's).
func (d *duckEngine) materialize(ctx context.Context, table, query string) (int64, error) {
	create := "CREATE TEMP TABLE "
	if strings.HasPrefix(table, SharedCatalog+".") {
		create = "CREATE TABLE "
	}
	var rows int64
	err := d.conn.QueryRowContext(ctx, create+table+" AS "+query).Scan(&rows)
	return rows, err
}

func (d *duckEngine) drop(ctx context.Context, table string) error {
	_, err := d.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+table)
	return err
}

func (d *duckEngine) describe(ctx context.Context, query string) (names, types []string, err error) {
	res, err := d.query(ctx, "DESCRIBE "+query)
	if err != nil {
		return nil, nil, err
	}
	names, types = described(res)
	return names, types, nil
}

// described reads the names and types of the columns from a DESCRIBE's
// rows (DuckDB's and Spark's both start with the name and the type).
func described(res *Result) (names, types []string) {
	for _, row := range res.Rows {
		names = append(names, fmt.Sprint(row[0]))
		types = append(types, fmt.Sprint(row[1]))
	}
	return names, types
}

// check is DuckDB's PREPARE: it binds and plans, and runs nothing.
func (d *duckEngine) check(ctx context.Context, _ part, query string) error {
	stmt, err := d.conn.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	return stmt.Close()
}

// fingerprint sums DuckDB's 64-bit row hashes as HUGEINT, which cannot
// overflow.
func (d *duckEngine) fingerprint(ctx context.Context, table string, cols []string) (*fingerprint, error) {
	var fp fingerprint
	var sum any
	q := fmt.Sprintf("SELECT count(*), COALESCE(sum(hash(%s)), 0) FROM %s", strings.Join(cols, ", "), table)
	if err := d.conn.QueryRowContext(ctx, q).Scan(&fp.rows, &sum); err != nil {
		return nil, err
	}
	fp.sum = fmt.Sprint(sum)
	return &fp, nil
}

func (d *duckEngine) close() error {
	return errors.Join(d.conn.Close(), d.db.Close())
}
