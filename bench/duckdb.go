package main

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// backend is a database engine instance with a workload's tables loaded.
type backend interface {
	db() *sql.DB
	close() error
}

// duckBackend is a plain in-memory DuckDB instance.
type duckBackend struct{ sqlDB *sql.DB }

func (d *duckBackend) db() *sql.DB  { return d.sqlDB }
func (d *duckBackend) close() error { return d.sqlDB.Close() }

// openDuckDB opens a fresh in-memory DuckDB instance, configured by cfg.
func openDuckDB(ctx context.Context, cfg *config) (*duckBackend, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	if err := configureDuckDB(ctx, db, cfg); err != nil {
		db.Close()
		return nil, err
	}
	return &duckBackend{sqlDB: db}, nil
}

// configureDuckDB applies the memory limit and disables spilling to disk,
// so that a run that outgrows memory fails fast (OOM) instead of thrashing.
func configureDuckDB(ctx context.Context, db *sql.DB, cfg *config) error {
	for _, stmt := range []string{
		fmt.Sprintf("SET memory_limit = '%s'", cfg.memLimit),
		"SET temp_directory = ''",
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("configure duckdb: %s: %w", stmt, err)
		}
	}
	return nil
}

// duckVersion returns DuckDB's version string.
func duckVersion(ctx context.Context) (string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return "", fmt.Errorf("open duckdb: %w", err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		return "", fmt.Errorf("duckdb version: %w", err)
	}
	return v, nil
}

// recursiveQuery is a DuckDB WITH RECURSIVE statement: a body defining a CTE
// plus two final queries. check returns (id, value[, iterations]) ordered by
// id; timed returns one cheap summary row (anything[, iterations]).
type recursiveQuery struct {
	body, check, timed string
	iterPlusOne        bool // the iterations column counts productive rounds only
	// timedBody, if set, replaces body in timed runs: the same query
	// without the iteration counter that only the check run needs.
	timedBody string
}

// run executes q on db and returns the outcome.
func (q recursiveQuery) run(ctx context.Context, db *sql.DB, a algo, check bool) (outcome, error) {
	body, final := q.body, q.check
	if !check {
		final = q.timed
		if q.timedBody != "" {
			body = q.timedBody
		}
	}
	out, err := queryOutcome(ctx, db, body+"\n"+final, a, check)
	if err == nil && q.iterPlusOne && out.iters >= 0 {
		out.iters++
	}
	return out, err
}

// duckdbVariants returns DuckDB's own recursive formulations of a.
func duckdbVariants(a algo) []variant {
	keyed, plain := usingKeyQuery(a), plainRecursiveQuery(a)
	return []variant{
		{id: "using-key", name: "DuckDB `WITH RECURSIVE ... USING KEY`", engine: engineDuckDB,
			run: func(ctx context.Context, b backend, w *workload, check bool) (outcome, error) {
				return keyed(w).run(ctx, b.db(), a, check)
			}},
		{id: "recursive", name: "DuckDB `WITH RECURSIVE` (UNION" + map[algo]string{algoPR: " ALL"}[a] + ")",
			engine: engineDuckDB, capped: true,
			run: func(ctx context.Context, b backend, w *workload, check bool) (outcome, error) {
				return plain(w).run(ctx, b.db(), a, check)
			}},
	}
}

// usingKeyQuery is the anchor: DuckDB's keyed recursive CTE, where cc/d/pr
// is the working table (rows changed in the last round) and recurring.X the
// whole keyed state.
func usingKeyQuery(a algo) func(w *workload) recursiveQuery {
	switch a {
	case algoCC:
		return func(*workload) recursiveQuery {
			return recursiveQuery{body: `WITH RECURSIVE cc(id, comp, it) USING KEY (id) AS (
    SELECT id, id, 0 FROM nodes
  UNION
    SELECT e.dst, MIN(c.comp), MAX(c.it) + 1
    FROM cc c JOIN edges e ON e.src = c.id JOIN recurring.cc r ON r.id = e.dst
    GROUP BY e.dst
    HAVING MIN(c.comp) < MIN(r.comp)
)`,
				check:       `SELECT id, comp, MAX(it) OVER () FROM cc ORDER BY id`,
				iterPlusOne: true,
				timedBody: `WITH RECURSIVE cc(id, comp) USING KEY (id) AS (
    SELECT id, id FROM nodes
  UNION
    SELECT e.dst, MIN(c.comp)
    FROM cc c JOIN edges e ON e.src = c.id JOIN recurring.cc r ON r.id = e.dst
    GROUP BY e.dst
    HAVING MIN(c.comp) < MIN(r.comp)
)`,
				timed: `SELECT COUNT(DISTINCT comp) FROM cc`}
		}
	case algoSSSP:
		return func(w *workload) recursiveQuery {
			return recursiveQuery{body: fmt.Sprintf(`WITH RECURSIVE d(id, dist) USING KEY (id) AS (
    SELECT %d::BIGINT, 0::BIGINT
  UNION
    SELECT e.dst, MIN(x.dist) + 1
    FROM d x JOIN edges e ON e.src = x.id LEFT JOIN recurring.d r ON r.id = e.dst
    GROUP BY e.dst
    HAVING MIN(r.dist) IS NULL OR MIN(x.dist) + 1 < MIN(r.dist)
)`, w.source),
				check:       `SELECT id, dist, MAX(dist) OVER () FROM d ORDER BY id`,
				timed:       `SELECT COUNT(*), MAX(dist) FROM d`,
				iterPlusOne: true}
		}
	default:
		return func(w *workload) recursiveQuery {
			return recursiveQuery{body: prRecursive(w.prIters, "USING KEY (id)", "UNION"),
				check: `SELECT id, rank, MAX(it) OVER () FROM pr ORDER BY id`,
				timed: `SELECT SUM(rank), MAX(it) FROM pr`}
		}
	}
}

// plainRecursiveQuery is the classic accumulating recursive CTE: every
// (vertex, value) pair ever derived is kept, and the minimum is taken at the
// end. It may never finish in time; it runs under -cap.
func plainRecursiveQuery(a algo) func(w *workload) recursiveQuery {
	switch a {
	case algoCC:
		return func(*workload) recursiveQuery {
			// A label is only worth passing to a vertex with a larger id.
			return recursiveQuery{body: `WITH RECURSIVE lbl(id, comp) AS (
    SELECT id, id FROM nodes
  UNION
    SELECT e.dst, l.comp FROM lbl l JOIN edges e ON e.src = l.id WHERE l.comp < e.dst
), cc AS (SELECT id, MIN(comp) AS comp FROM lbl GROUP BY id)`,
				check: `SELECT id, comp FROM cc ORDER BY id`,
				timed: `SELECT COUNT(DISTINCT comp) FROM cc`}
		}
	case algoSSSP:
		return func(w *workload) recursiveQuery {
			// Bounded by |V| rounds so that it terminates in theory.
			return recursiveQuery{body: fmt.Sprintf(`WITH RECURSIVE walk(id, dist) AS (
    SELECT %d::BIGINT, 0::BIGINT
  UNION
    SELECT e.dst, x.dist + 1 FROM walk x JOIN edges e ON e.src = x.id
    WHERE x.dist < (SELECT COUNT(*) FROM nodes)
), d AS (SELECT id, MIN(dist) AS dist FROM walk GROUP BY id)`, w.source),
				check: `SELECT id, dist FROM d ORDER BY id`,
				timed: `SELECT COUNT(*) FROM d`}
		}
	default:
		return func(w *workload) recursiveQuery {
			return recursiveQuery{body: prRecursive(w.prIters, "", "UNION ALL"),
				check: fmt.Sprintf(`SELECT id, rank, it FROM pr WHERE it = %d ORDER BY id`, w.prIters),
				timed: fmt.Sprintf(`SELECT SUM(rank), MAX(it) FROM pr WHERE it = %d`, w.prIters)}
		}
	}
}

// prRecursive is PageRank as a recursive CTE with an iteration counter.
// Every vertex gets a zero-weight self row in targets so that vertices without
// in-edges still get a rank; the dead-end mass is a window sum.
func prRecursive(iters int, usingKey, union string) string {
	return fmt.Sprintf(`WITH RECURSIVE
  outdeg AS (SELECT src, COUNT(*) AS deg FROM edges GROUP BY src),
  targets AS (SELECT src, dst, 1.0::DOUBLE AS w FROM edges UNION ALL SELECT id, id, 0.0 FROM nodes),
  pr(id, rank, it) %s AS (
      SELECT id, 1.0::DOUBLE / (SELECT COUNT(*) FROM nodes), 0 FROM nodes
    %s
      SELECT t.dst,
             0.15 / (SELECT COUNT(*) FROM nodes)
           + 0.85 * (SUM(t.w * s.share) + ANY_VALUE(s.dangling) / (SELECT COUNT(*) FROM nodes)),
             ANY_VALUE(s.it) + 1
      FROM (SELECT p.id, p.it, COALESCE(p.rank / o.deg, 0) AS share,
                   SUM(CASE WHEN o.deg IS NULL THEN p.rank ELSE 0 END) OVER () AS dangling
            FROM pr p LEFT JOIN outdeg o ON o.src = p.id
            WHERE p.it < %d) s
      JOIN targets t ON t.src = s.id
      GROUP BY t.dst
  )`, usingKey, union, iters)
}

// querier is what *sql.DB and *sql.Conn have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryOutcome runs a final query. With check it reads (id, value[,
// iterations]) rows into an answer; otherwise it reads the single summary
// row (anything[, iterations]). Iterations are -1 without that column.
func queryOutcome(ctx context.Context, q querier, query string, a algo, check bool) (outcome, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return outcome{iters: -1}, fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return outcome{iters: -1}, fmt.Errorf("columns: %w", err)
	}
	out := outcome{iters: -1}
	if check {
		out.ans = &answer{}
	}
	for rows.Next() {
		var id, iv int64
		var fv float64
		var iters sql.NullInt64
		var summary any
		dest := []any{&id, &iv}
		switch {
		case !check:
			dest = []any{&summary}
		case a == algoPR:
			dest[1] = &fv
		}
		if len(cols) > len(dest) {
			dest = append(dest, &iters)
		}
		if err := rows.Scan(dest...); err != nil {
			return out, fmt.Errorf("scan: %w", err)
		}
		if iters.Valid {
			out.iters = int(iters.Int64)
		}
		if check {
			out.ans.ids = append(out.ans.ids, id)
			if a == algoPR {
				out.ans.floats = append(out.ans.floats, fv)
			} else {
				out.ans.ints = append(out.ans.ints, iv)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read result: %w", err)
	}
	return out, nil
}
