package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
)

// The hand-written driver: a Go loop that sends one SQL statement after
// another to DuckDB, materializing each step with CREATE TEMP TABLE ... AS and
// testing convergence with a query, as users write around Spark or DuckDB.
// Both variants keep the state in columns (id, v).

// loopSQL is an algorithm spelled as the statements a driver loop sends.
type loopSQL struct {
	prep  []string // run once before the loop (helper tables), timed
	clean []string // run once after it
	init  string   // SELECT of the initial state (id, v)
	// plainStep(s) selects the whole next state from state table s.
	plainStep func(s string) string
	// deltaStep(d) selects candidate rows (id, v) from the rows d changed in
	// the previous step (for PageRank: from the whole state).
	deltaStep func(d string) string
	better    string // condition on candidate r and state s: r improves s; "" = always (PageRank)
	newKeys   bool   // candidates may be vertices not yet in the state
	fixed     int    // > 0: exactly this many steps; else run to a fixpoint
	final     func(s string, check bool) string
}

// driverVariants returns the plain and delta driver loops for a.
func driverVariants(a algo) []variant {
	return []variant{
		{id: "driver-plain", name: "Go driver loop, plain (rebuild state each step)", engine: engineDuckDB,
			run: func(ctx context.Context, b backend, w *workload, check bool) (outcome, error) {
				return withConn(ctx, b.db(), func(c *sql.Conn) (outcome, error) {
					return plainLoop(ctx, c, loopFor(w), a, check)
				})
			}},
		{id: "driver-delta", name: "Go driver loop, delta (UPDATE state in place)", engine: engineDuckDB,
			run: func(ctx context.Context, b backend, w *workload, check bool) (outcome, error) {
				return withConn(ctx, b.db(), func(c *sql.Conn) (outcome, error) {
					return deltaLoop(ctx, c, loopFor(w), a, check)
				})
			}},
	}
}

// withConn runs f on one pinned connection (temp tables live per
// connection). On error the connection is discarded, with whatever temp
// tables it still holds.
func withConn(ctx context.Context, db *sql.DB, f func(*sql.Conn) (outcome, error)) (outcome, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return outcome{iters: -1}, fmt.Errorf("connection: %w", err)
	}
	out, err := f(c)
	if err != nil {
		c.Raw(func(any) error { return driver.ErrBadConn })
	}
	c.Close()
	return out, err
}

// execAll runs statements in order.
func execAll(ctx context.Context, c *sql.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			words := strings.Fields(s)
			return fmt.Errorf("%s: %w", strings.Join(words[:min(len(words), 2)], " "), err)
		}
	}
	return nil
}

// plainLoop rebuilds the whole state every step into a new temp table and
// counts the rows that differ from the previous state.
func plainLoop(ctx context.Context, c *sql.Conn, l loopSQL, a algo, check bool) (outcome, error) {
	if err := execAll(ctx, c, l.prep...); err != nil {
		return outcome{}, err
	}
	state := "bench_s0"
	if err := execAll(ctx, c, "CREATE TEMP TABLE "+state+" AS "+l.init); err != nil {
		return outcome{}, err
	}
	k := 0
	for {
		k++
		next := fmt.Sprintf("bench_s%d", k)
		if err := execAll(ctx, c, "CREATE TEMP TABLE "+next+" AS "+l.plainStep(state)); err != nil {
			return outcome{}, fmt.Errorf("step %d: %w", k, err)
		}
		changed := int64(1)
		if l.fixed == 0 {
			q := fmt.Sprintf(`SELECT COUNT(*) FROM %s a FULL JOIN %s b ON a.id = b.id WHERE a.v IS DISTINCT FROM b.v`, next, state)
			if err := c.QueryRowContext(ctx, q).Scan(&changed); err != nil {
				return outcome{}, fmt.Errorf("step %d: convergence: %w", k, err)
			}
		}
		if err := execAll(ctx, c, "DROP TABLE "+state); err != nil {
			return outcome{}, err
		}
		state = next
		if changed == 0 || k == l.fixed {
			break
		}
	}
	return finishLoop(ctx, c, l, state, k, a, check)
}

// deltaLoop is semi-naive: each step reads only the rows the previous step
// changed, the changed rows are found by a join with the state, and the
// state is updated in place (plus an insert of new keys where needed).
// Without a better condition (PageRank) every row changes every step, so
// the state is simply updated in place from each step, l.fixed times.
func deltaLoop(ctx context.Context, c *sql.Conn, l loopSQL, a algo, check bool) (outcome, error) {
	if err := execAll(ctx, c, l.prep...); err != nil {
		return outcome{}, err
	}
	if err := execAll(ctx, c, "CREATE TEMP TABLE bench_state AS "+l.init); err != nil {
		return outcome{}, err
	}
	if l.better == "" {
		for k := 1; k <= l.fixed; k++ {
			err := execAll(ctx, c,
				"CREATE TEMP TABLE bench_r AS "+l.deltaStep("bench_state"),
				"UPDATE bench_state SET v = r.v FROM bench_r r WHERE bench_state.id = r.id",
				"DROP TABLE bench_r")
			if err != nil {
				return outcome{}, fmt.Errorf("step %d: %w", k, err)
			}
		}
		return finishLoop(ctx, c, l, "bench_state", l.fixed, a, check)
	}
	if err := execAll(ctx, c, "CREATE TEMP TABLE bench_delta AS SELECT * FROM bench_state"); err != nil {
		return outcome{}, err
	}
	k := 0
	for changed := int64(1); changed > 0; {
		k++
		err := execAll(ctx, c,
			"CREATE TEMP TABLE bench_r AS "+l.deltaStep("bench_delta"),
			"DROP TABLE bench_delta",
			`CREATE TEMP TABLE bench_delta AS SELECT r.id, r.v FROM bench_r r
			 LEFT JOIN bench_state s ON s.id = r.id WHERE s.id IS NULL OR `+l.better)
		if err != nil {
			return outcome{}, fmt.Errorf("step %d: %w", k, err)
		}
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM bench_delta").Scan(&changed); err != nil {
			return outcome{}, fmt.Errorf("step %d: convergence: %w", k, err)
		}
		stmts := []string{"DROP TABLE bench_r",
			"UPDATE bench_state SET v = d.v FROM bench_delta d WHERE bench_state.id = d.id"}
		if l.newKeys {
			stmts = append(stmts, "INSERT INTO bench_state SELECT d.id, d.v FROM bench_delta d ANTI JOIN bench_state s ON s.id = d.id")
		}
		if err := execAll(ctx, c, stmts...); err != nil {
			return outcome{}, fmt.Errorf("step %d: %w", k, err)
		}
	}
	if err := execAll(ctx, c, "DROP TABLE bench_delta"); err != nil {
		return outcome{}, err
	}
	return finishLoop(ctx, c, l, "bench_state", k, a, check)
}

// finishLoop reads the result from the final state table and drops it.
func finishLoop(ctx context.Context, c *sql.Conn, l loopSQL, state string, k int, a algo, check bool) (outcome, error) {
	out, err := queryOutcome(ctx, c, l.final(state, check), a, check)
	if err != nil {
		return out, err
	}
	out.iters = k
	err = execAll(ctx, c, append([]string{"DROP TABLE " + state}, l.clean...)...)
	return out, err
}

// loopFor returns the driver statements of w's algorithm.
func loopFor(w *workload) loopSQL {
	switch w.algo {
	case algoCC:
		return loopSQL{
			init: "SELECT id, id AS v FROM nodes",
			plainStep: func(s string) string {
				return fmt.Sprintf(`SELECT c.id, LEAST(c.v, COALESCE(MIN(n.v), c.v)) AS v
FROM %[1]s c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN %[1]s n ON n.id = e.src
GROUP BY c.id, c.v`, s)
			},
			deltaStep: func(d string) string {
				return fmt.Sprintf(`SELECT e.dst AS id, MIN(d.v) AS v FROM %s d JOIN edges e ON e.src = d.id GROUP BY e.dst`, d)
			},
			better: "r.v < s.v",
			final:  finalQuery("COUNT(DISTINCT v)"),
		}
	case algoSSSP:
		return loopSQL{
			init: fmt.Sprintf("SELECT %d::BIGINT AS id, 0::BIGINT AS v", w.source),
			plainStep: func(s string) string {
				return fmt.Sprintf(`SELECT id, MIN(v) AS v FROM (
    SELECT id, v FROM %[1]s
    UNION ALL
    SELECT e.dst, x.v + 1 FROM %[1]s x JOIN edges e ON e.src = x.id
) GROUP BY id`, s)
			},
			deltaStep: func(d string) string {
				return fmt.Sprintf(`SELECT e.dst AS id, MIN(d.v) + 1 AS v FROM %s d JOIN edges e ON e.src = d.id GROUP BY e.dst`, d)
			},
			better:  "r.v < s.v",
			newKeys: true,
			final:   finalQuery("COUNT(*)"),
		}
	default:
		step := func(s string) string {
			return fmt.Sprintf(`SELECT n.id, 0.15 / (SELECT COUNT(*) FROM nodes)
     + 0.85 * (COALESCE(SUM(p.v / o.deg), 0)
               + (SELECT COALESCE(SUM(q.v), 0) FROM %[1]s q LEFT JOIN bench_outdeg d ON d.src = q.id WHERE d.src IS NULL)
                 / (SELECT COUNT(*) FROM nodes)) AS v
FROM nodes n
LEFT JOIN edges e ON e.dst = n.id
LEFT JOIN %[1]s p ON p.id = e.src
LEFT JOIN bench_outdeg o ON o.src = e.src
GROUP BY n.id`, s)
		}
		return loopSQL{
			prep:      []string{"CREATE TEMP TABLE bench_outdeg AS SELECT src, COUNT(*) AS deg FROM edges GROUP BY src"},
			clean:     []string{"DROP TABLE bench_outdeg"},
			init:      "SELECT id, 1.0::DOUBLE / (SELECT COUNT(*) FROM nodes) AS v FROM nodes",
			plainStep: step,
			deltaStep: step,
			fixed:     w.prIters,
			final:     finalQuery("SUM(v)"),
		}
	}
}

// finalQuery returns the final query of a driver loop: the whole answer when
// checking, else the given summary aggregate.
func finalQuery(summary string) func(s string, check bool) string {
	return func(s string, check bool) string {
		if check {
			return "SELECT id, v FROM " + s + " ORDER BY id"
		}
		return "SELECT " + summary + " FROM " + s
	}
}

// microTempTables sends n steps of CREATE TEMP TABLE ... AS SELECT i + 1 and
// DROP straight to DuckDB over a one-row table, the statements an iteration
// engine issues at minimum.
func microTempTables(ctx context.Context, db *sql.DB, n int) error {
	_, err := withConn(ctx, db, func(c *sql.Conn) (outcome, error) {
		if err := execAll(ctx, c, "CREATE TEMP TABLE bench_m0 AS SELECT 0 AS i"); err != nil {
			return outcome{}, err
		}
		for k := 1; k <= n; k++ {
			err := execAll(ctx, c,
				fmt.Sprintf("CREATE TEMP TABLE bench_m%d AS SELECT i + 1 AS i FROM bench_m%d", k, k-1),
				fmt.Sprintf("DROP TABLE bench_m%d", k-1))
			if err != nil {
				return outcome{}, err
			}
		}
		var got int64
		if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT i FROM bench_m%d", n)).Scan(&got); err != nil {
			return outcome{}, fmt.Errorf("micro result: %w", err)
		}
		if err := checkMicro([][]any{{got}}, n); err != nil {
			return outcome{}, err
		}
		return outcome{}, execAll(ctx, c, fmt.Sprintf("DROP TABLE bench_m%d", n))
	})
	return err
}

// microRecursive returns a micro cell that runs DuckDB's recursive CTE
// loop(n), one query, and checks its answer.
func microRecursive(loop func(int) string) func(context.Context, *sql.DB, int) error {
	return func(ctx context.Context, db *sql.DB, n int) error {
		var got int64
		if err := db.QueryRowContext(ctx, loop(n)).Scan(&got); err != nil {
			return fmt.Errorf("micro: %w", err)
		}
		return checkMicro([][]any{{got}}, n)
	}
}
