package exec

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/microloop"
	"github.com/itersql/itersql/internal/sqlscan"
)

// microCost measures what loop sends to DuckDB per iteration and per run
// on session s, checking each run's answer.
func microCost(t *testing.T, s *Session, short int, loop func(int) string) microloop.Cost {
	t.Helper()
	run := func(n int) error {
		res, err := s.Exec(context.Background(), loop(n), sqlscan.Pos{Line: 1, Col: 1})
		if err != nil {
			return err
		}
		if got := fmt.Sprint(res.Rows); got != fmt.Sprintf("[[%d]]", n) {
			return fmt.Errorf("%d iterations gave %s", n, got)
		}
		return nil
	}
	counts := func() microloop.Counts {
		c := s.Counters()
		return microloop.Counts{Statements: c.Statements, Tables: c.TablesCreated}
	}
	cost, err := microloop.Measure(short, run, counts)
	if err != nil {
		t.Fatal(err)
	}
	return cost
}

// TestStatementsPerIteration guards the fixed cost of an iteration by what
// it sends to DuckDB, which is exact where a timing is not: the one-row
// loops of the benchmark's micro cells, plain and keyed. A change that
// adds a statement or a table to every iteration fails here; if it is
// meant, change the figures here and in bench/RESULTS.md together.
//
// The recursive strategies send statements once a chunk of iterations,
// and their chunks double while they are fast (exec/recursive.go): here
// every chunk counts as fast, so 100 iterations are chunks of 8, 16, 32
// and 44, and 200 are 8 to 64 and 80.
func TestStatementsPerIteration(t *testing.T) {
	defer func(fast time.Duration) { chunkFast = fast }(chunkFast)
	chunkFast = time.Hour
	for _, tc := range []struct {
		name     string
		strategy string // Session.KeyedStrategy
		loop     func(int) string
		short    int // iterations of the shorter measured run
		want     microloop.Cost
	}{
		// CREATE TABLE AS (which reports its rows), DROP.
		{"plain", KeyedMerge, microloop.Plain, 10, microloop.Cost{StatementsPerIteration: 2, StatementsPerRun: 7, TablesPerIteration: 1, TablesPerRun: 1}},
		// Five statements a chunk (CREATE TABLE AS of the chunk, its
		// iterations' counts, CREATE TABLE AS of the new state, two
		// DROPs) and two tables; the run's own 7 statements and 1 table,
		// and 3 of the 4 chunks of 100 iterations.
		{"plain recursive", KeyedRecursive, microloop.Plain, 100, microloop.Cost{StatementsPerIteration: 0.05, StatementsPerRun: 22, TablesPerIteration: 0.02, TablesPerRun: 7}},
		// MERGE, count; no table per iteration.
		{"keyed merge", KeyedMerge, microloop.Keyed, 10, microloop.Cost{StatementsPerIteration: 2, StatementsPerRun: 10, TablesPerIteration: 0, TablesPerRun: 1}},
		{"keyed tables", KeyedTables, microloop.Keyed, 10, microloop.Cost{StatementsPerIteration: 4, StatementsPerRun: 8, TablesPerIteration: 1, TablesPerRun: 1}},
		// Three statements a chunk (CREATE TABLE AS, the chunk's last
		// stamp, DROP) and a table; the run's own 9 statements and 1
		// table, and 3 of the 4 chunks of 100 iterations.
		{"keyed recursive", KeyedRecursive, microloop.Keyed, 100, microloop.Cost{StatementsPerIteration: 0.03, StatementsPerRun: 18, TablesPerIteration: 0.01, TablesPerRun: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			s.KeyedStrategy = tc.strategy
			if got := microCost(t, s, tc.short, tc.loop); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
