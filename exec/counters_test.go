package exec

import (
	"context"
	"fmt"
	"testing"

	"github.com/itersql/itersql/internal/microloop"
	"github.com/itersql/itersql/internal/sqlscan"
)

// microCost measures what loop sends to DuckDB per iteration and per run
// on session s, checking each run's answer.
func microCost(t *testing.T, s *Session, loop func(int) string) microloop.Cost {
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
	cost, err := microloop.Measure(10, run, counts)
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
func TestStatementsPerIteration(t *testing.T) {
	for _, tc := range []struct {
		name     string
		strategy string // Session.KeyedStrategy
		loop     func(int) string
		want     microloop.Cost
	}{
		// CREATE TABLE AS (which reports its rows), DROP.
		{"plain", KeyedMerge, microloop.Plain, microloop.Cost{StatementsPerIteration: 2, StatementsPerRun: 7, TablesPerIteration: 1, TablesPerRun: 1}},
		// MERGE, count; no table per iteration.
		{"keyed merge", KeyedMerge, microloop.Keyed, microloop.Cost{StatementsPerIteration: 2, StatementsPerRun: 10, TablesPerIteration: 0, TablesPerRun: 1}},
		{"keyed tables", KeyedTables, microloop.Keyed, microloop.Cost{StatementsPerIteration: 4, StatementsPerRun: 8, TablesPerIteration: 1, TablesPerRun: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			s.KeyedStrategy = tc.strategy
			if got := microCost(t, s, tc.loop); got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
