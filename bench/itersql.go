package main

// The two itersql variants: WITH ITERATE in its plain formulation, and with
// KEY, semi-naive, reading delta.name. The SQL follows the examples of
// shared/ITERATE.md; PageRank stops after exactly 20 ITERATIONS (the
// example's extra convergence test is left out, as no other variant pays for
// one).

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/cc"
	"github.com/itersql/itersql/internal/microloop"
	"github.com/itersql/itersql/internal/sqlscan"
)

// itersqlResult is the part of an exec result the bench reads.
type itersqlResult struct {
	rows  [][]any
	iters int // the highest iteration in the stats, -1 without stats
}

// itersqlBackend is an itersql session with a workload's tables loaded.
type itersqlBackend struct {
	sess    *exec.Session // on DuckDB or, under -remote, on Spark
	sqlDB   *sql.DB       // nil on Spark
	exec    func(ctx context.Context, text string) (itersqlResult, error)
	closeFn func()
}

func (b *itersqlBackend) db() *sql.DB  { return b.sqlDB }
func (b *itersqlBackend) close() error { b.closeFn(); return nil }

// openItersql opens an in-memory itersql session with the bench's DuckDB
// settings.
func openItersql(ctx context.Context, cfg *config) (backend, error) {
	sess, err := exec.Open("")
	if err != nil {
		return nil, fmt.Errorf("open itersql session: %w", err)
	}
	b := sessionBackend(sess)
	if err := configureDuckDB(ctx, b.sqlDB, cfg); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// sessionBackend runs the bench's statements on sess, and closes it.
func sessionBackend(sess *exec.Session) *itersqlBackend {
	return &itersqlBackend{
		sess:    sess,
		sqlDB:   sess.DB(),
		closeFn: func() { sess.Close() },
		exec: func(ctx context.Context, text string) (itersqlResult, error) {
			res, err := sess.Exec(ctx, text, sqlscan.Pos{Line: 1, Col: 1})
			if err != nil {
				return itersqlResult{}, fmt.Errorf("itersql: %w", err)
			}
			out := itersqlResult{rows: res.Rows, iters: -1}
			for _, s := range res.Stats {
				out.iters = max(out.iters, s.Iteration)
			}
			return out, nil
		},
	}
}

// itersqlVariants returns the plain and KEY variants of a.
func itersqlVariants(a algo) []variant {
	plain, key := itersqlPlain, itersqlKey
	plain.run = itersqlRun(a, false)
	key.run = itersqlRun(a, true)
	return []variant{plain, key}
}

// itersqlRun returns the run function of one formulation.
func itersqlRun(a algo, keyed bool) func(context.Context, backend, *workload, bool) (outcome, error) {
	return func(ctx context.Context, b backend, w *workload, check bool) (outcome, error) {
		ib, ok := b.(*itersqlBackend)
		if !ok {
			return outcome{iters: -1}, fmt.Errorf("backend %T is not an itersql session", b)
		}
		text, final, summary := iterateSQL(w, keyed)
		if check {
			text += "\n" + final
		} else {
			text += "\n" + summary
		}
		if a == algoPR {
			// Made inside the timed run, as the driver loop makes it.
			// Spark has no temporary tables: there it is a Parquet table.
			create := "CREATE OR REPLACE TEMP TABLE"
			if ib.sess.Engine() == "spark" {
				create = "CREATE OR REPLACE TABLE"
			}
			if _, err := ib.exec(ctx, create+" bench_outdeg AS SELECT src, COUNT(*) AS deg FROM edges GROUP BY src"); err != nil {
				return outcome{iters: -1}, err
			}
			defer ib.exec(context.Background(), "DROP TABLE IF EXISTS bench_outdeg")
		}
		res, err := ib.exec(ctx, text)
		if err != nil {
			return outcome{iters: -1}, err
		}
		out := outcome{iters: res.iters}
		if check {
			if out.ans, err = rowsAnswer(res.rows, a == algoPR); err != nil {
				return out, err
			}
		}
		return out, nil
	}
}

// iterateSQL returns w's WITH ITERATE clause and its two final queries: the
// whole answer ordered by id, and a cheap summary.
func iterateSQL(w *workload, keyed bool) (with, final, summary string) {
	key := ""
	if keyed {
		key = " KEY (id)"
	}
	switch w.algo {
	case algoCC:
		final, summary = "SELECT id, comp FROM cc ORDER BY id", "SELECT COUNT(DISTINCT comp) FROM cc"
		if keyed {
			return cc.Keyed, final, summary
		}
		return cc.Plain, final, summary
	case algoSSSP:
		final, summary = "SELECT id, dist FROM d ORDER BY id", "SELECT COUNT(*) FROM d"
		if keyed {
			return fmt.Sprintf(`WITH ITERATE d(id, dist) KEY (id) AS (
    SELECT CAST(%d AS BIGINT), CAST(0 AS BIGINT)
  ITERATE
    SELECT e.dst, MIN(x.dist) + 1
    FROM delta.d x JOIN edges e ON e.src = x.id LEFT JOIN d o ON o.id = e.dst
    GROUP BY e.dst
    HAVING MIN(o.dist) IS NULL OR MIN(x.dist) + 1 < MIN(o.dist)
  UNTIL FIXPOINT
)`, w.source), final, summary
		}
		return fmt.Sprintf(`WITH ITERATE d(id, dist) AS (
    SELECT CAST(%d AS BIGINT), CAST(0 AS BIGINT)
  ITERATE
    SELECT u.id, MIN(u.dist) FROM (
        SELECT id, dist FROM d
        UNION ALL
        SELECT e.dst, x.dist + 1 FROM d x JOIN edges e ON e.src = x.id
    ) u GROUP BY u.id
  UNTIL FIXPOINT
)`, w.source), final, summary
	default:
		// In the KEY form every vertex changes every step, so delta.pr is
		// the whole state and the step is the plain one.
		// The step is the driver loop's, word for word (out-degrees in a
		// table made before the loop, dead ends by an anti-join), so the two
		// differ only in who drives the loop.
		return fmt.Sprintf(`WITH ITERATE pr(id, rank)%s AS (
    SELECT id, CAST(1.0 AS DOUBLE) / (SELECT COUNT(*) FROM nodes) FROM nodes
  ITERATE
    SELECT n.id, 0.15 / (SELECT COUNT(*) FROM nodes)
     + 0.85 * (COALESCE(SUM(p.rank / o.deg), 0)
               + (SELECT COALESCE(SUM(q.rank), 0) FROM pr q LEFT JOIN bench_outdeg d ON d.src = q.id WHERE d.src IS NULL)
                 / (SELECT COUNT(*) FROM nodes))
    FROM nodes n
    LEFT JOIN edges e ON e.dst = n.id
    LEFT JOIN pr p ON p.id = e.src
    LEFT JOIN bench_outdeg o ON o.src = e.src
    GROUP BY n.id
  UNTIL %d ITERATIONS
)`, key, w.prIters), "SELECT id, rank FROM pr ORDER BY id", "SELECT SUM(rank) FROM pr"
	}
}

// rowsAnswer converts (id, value) result rows into an answer.
func rowsAnswer(rows [][]any, floats bool) (*answer, error) {
	ans := &answer{}
	for i, r := range rows {
		if len(r) < 2 {
			return nil, fmt.Errorf("row %d has %d columns, want 2", i, len(r))
		}
		id, err := asInt64(r[0])
		if err != nil {
			return nil, fmt.Errorf("row %d: id: %w", i, err)
		}
		ans.ids = append(ans.ids, id)
		if floats {
			f, err := asFloat64(r[1])
			if err != nil {
				return nil, fmt.Errorf("row %d: value: %w", i, err)
			}
			ans.floats = append(ans.floats, f)
		} else {
			v, err := asInt64(r[1])
			if err != nil {
				return nil, fmt.Errorf("row %d: value: %w", i, err)
			}
			ans.ints = append(ans.ints, v)
		}
	}
	return ans, nil
}

// microSession is an itersql session for the per-iteration
// microbenchmark.
type microSession struct {
	sess *exec.Session
}

// openItersqlMicro opens a session for the per-iteration microbenchmark.
func openItersqlMicro(ctx context.Context, cfg *config) (*microSession, error) {
	sess, err := exec.Open("")
	if err != nil {
		return nil, fmt.Errorf("open itersql session: %w", err)
	}
	if err := configureDuckDB(ctx, sess.DB(), cfg); err != nil {
		sess.Close()
		return nil, err
	}
	return &microSession{sess: sess}, nil
}

func (m *microSession) close() { m.sess.Close() }

// run runs one loop of n iterations and checks that it returns n.
func (m *microSession) run(ctx context.Context, text string, n int) error {
	res, err := m.sess.Exec(ctx, text, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return fmt.Errorf("itersql: %w", err)
	}
	return checkMicro(res.Rows, n)
}

// cost counts what loop sends to the engine per iteration and per run,
// from runs of short and 2*short iterations. On DuckDB short is 100: the
// recursive strategy sends statements once a chunk, and runs of 10 and
// 20 iterations are both two chunks.
func (m *microSession) cost(ctx context.Context, loop func(int) string, short int) (microloop.Cost, error) {
	return microloop.Measure(short, func(n int) error { return m.run(ctx, loop(n), n) }, func() microloop.Counts {
		c := m.sess.Counters()
		return microloop.Counts{Statements: c.Statements, Tables: c.TablesCreated}
	})
}

// checkMicro checks a micro loop's answer: one row of one value, n.
func checkMicro(rows [][]any, n int) error {
	if len(rows) != 1 || len(rows[0]) != 1 {
		return fmt.Errorf("micro: %d rows, want 1 row of 1 column", len(rows))
	}
	got, err := asInt64(rows[0][0])
	if err != nil {
		return fmt.Errorf("micro: %w", err)
	}
	if got != int64(n) {
		return fmt.Errorf("micro result %d, want %d", got, n)
	}
	return nil
}
