// Package microloop holds the one-row loops that measure the fixed cost of
// an iteration, written once for the benchmark (bench, "micro" cells) and
// for the engine's statement-count guard (exec's TestStatementsPerIteration):
// itersql's loop, plain and keyed, and DuckDB's own recursive CTE running
// the same loop. Each final query returns one value, n.
package microloop

import "fmt"

// Plain is a plain WITH ITERATE over a one-row state, n iterations.
func Plain(n int) string {
	return fmt.Sprintf("WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL %d ITERATIONS) SELECT i FROM t", n)
}

// Keyed is the keyed WITH ITERATE of the same loop: one key, one row, every
// step changes it.
func Keyed(n int) string {
	return fmt.Sprintf("WITH ITERATE t(k, i) KEY (k) AS (SELECT 0, 0 ITERATE SELECT k, i + 1 FROM t UNTIL %d ITERATIONS) SELECT i FROM t", n)
}

// RecursiveUnionAll is DuckDB's WITH RECURSIVE ... UNION ALL running the
// loop with a counter: it keeps every step's row.
func RecursiveUnionAll(n int) string {
	return fmt.Sprintf("WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t WHERE i < %d) SELECT max(i) FROM t", n)
}

// RecursiveUsingKey is DuckDB's WITH RECURSIVE ... USING KEY running the
// loop: the one row is replaced by key each step.
func RecursiveUsingKey(n int) string {
	return fmt.Sprintf("WITH RECURSIVE t(k, i) USING KEY (k) AS (SELECT 0, 0 UNION SELECT k, i + 1 FROM t WHERE i < %d) SELECT i FROM t", n)
}

// Cost is what one loop sends to DuckDB: the statements of one iteration,
// and those (and tables) of the run outside its iterations.
type Cost struct {
	StatementsPerIteration float64 `json:"statements_per_iteration"`
	StatementsPerRun       float64 `json:"statements_per_run"` // outside the iterations
	TablesPerIteration     float64 `json:"tables_per_iteration"`
	TablesPerRun           float64 `json:"tables_per_run"` // outside the iterations
}

// Counts is a snapshot of a session's counters: statements sent, tables
// created.
type Counts struct{ Statements, Tables int64 }

// Measure runs loop(n) for n = short and 2*short, reading counts before
// and after each, and splits the counts into a per-iteration part and a
// per-run part (what the difference between the two runs does not
// explain). Counting, not timing, so it is exact on a busy machine.
func Measure(short int, loop func(n int) error, counts func() Counts) (Cost, error) {
	var used [2]Counts
	for i, n := range []int{short, 2 * short} {
		before := counts()
		if err := loop(n); err != nil {
			return Cost{}, err
		}
		after := counts()
		used[i] = Counts{after.Statements - before.Statements, after.Tables - before.Tables}
	}
	var c Cost
	c.StatementsPerIteration = float64(used[1].Statements-used[0].Statements) / float64(short)
	c.TablesPerIteration = float64(used[1].Tables-used[0].Tables) / float64(short)
	c.StatementsPerRun = float64(used[0].Statements) - c.StatementsPerIteration*float64(short)
	c.TablesPerRun = float64(used[0].Tables) - c.TablesPerIteration*float64(short)
	return c, nil
}
