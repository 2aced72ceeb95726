package exec

// The skewed-join split on Spark (docs/skew.md, "On Spark"): package skew
// prepares each part with the DuckDB split's rewrite and detection rules
// and gives back one Spark SQL query, the heavy keys' rows joined under a
// BROADCAST hint UNION ALL the rest under REPARTITION hints. Here: the
// calls of the run loop and EXPLAIN, with the part's placeholders bound
// to the Spark tables of each iteration.

import (
	"context"
	"fmt"
	"strings"

	"github.com/itersql/itersql/planner"
	"github.com/itersql/itersql/skew"
)

// sparkSkew is a run's split on Spark.
type sparkSkew struct {
	k           *skew.SparkRunner
	step, final *skew.SparkPart
}

// sparkSplitRan, when set (by tests), sees every split query a run sends
// to Spark in place of a part.
var sparkSplitRan func(query string)

// newSparkSkewRunner returns the split runner of one statement on Spark.
func (s *Session) newSparkSkewRunner(ctx context.Context, p *planner.Plan) *skew.SparkRunner {
	return skew.NewSparkRunner(ctx, skew.SparkEnv{
		Query: func(ctx context.Context, q string) ([][]any, error) {
			res, err := s.query(ctx, q)
			if err != nil {
				return nil, err
			}
			return res.Rows, nil
		},
		Describe: s.eng.describe,
		Settings: s.Settings.skew(),
		Unique:   uniqueKey(p),
	})
}

// sparkBind binds printed Spark SQL to an iteration's tables.
func (s *Session) sparkBind(state, previous, delta string) func(string) string {
	e := s.eng.(*sparkEngine)
	return func(q string) string { return e.template(q)(state, previous, delta) }
}

// sparkSkewStep is skewStep on Spark: the step as one split query when
// it is split in iteration k, else step (the bound unsplit one).
func (r *run) sparkSkewStep(k int, step, state, previous, delta string) (string, string, error) {
	sk := r.skew.spark
	bind := r.s.sparkBind(state, previous, delta)
	if sk.step == nil {
		p, err := sk.k.Plan(r.p.Step.SQL, bind)
		if err != nil {
			return "", "", r.partErr(r.p.Step, k, err)
		}
		sk.step = p
	}
	q, note, err := sk.k.Execute(sk.step, bind)
	if err != nil {
		return "", "", r.skewErr(r.p.Step, k, err)
	}
	if q == "" {
		return step, note, nil
	}
	if sparkSplitRan != nil {
		sparkSplitRan(q)
	}
	return q, note, nil
}

// sparkSkewFinal is skewFinal on Spark: the final query (final, bound
// and unsplit) split if it can be.
func (r *run) sparkSkewFinal(final, state string) (string, error) {
	sk := r.skew.spark
	bind := r.s.sparkBind(state, "", "")
	p, err := sk.k.Plan(r.p.Final.SQL, bind)
	if err != nil {
		return "", r.skewErr(r.p.Final, -1, err)
	}
	sk.final = p
	q, note, err := sk.k.Execute(p, bind)
	if err != nil {
		return "", r.skewErr(r.p.Final, -1, err)
	}
	if note != "" && len(r.stats) > 0 {
		last := &r.stats[len(r.stats)-1]
		last.Note = joinNotes(last.Note, "final "+note)
	}
	if q == "" {
		return final, nil
	}
	if sparkSplitRan != nil {
		sparkSplitRan(q)
	}
	return q, nil
}

// sparkSkewExplain is skewExplain on Spark: the states stand in as the
// initial query, printed for Spark.
func (s *Session) sparkSkewExplain(ctx context.Context, p *planner.Plan, text string) string {
	e := s.eng.(*sparkEngine)
	initial, err := e.compile(ctx, p.Initial)
	if err != nil {
		return text + "\nskew split: " + err.Error()
	}
	stand := "(SELECT * FROM (" + initial.bind("", "", "") + ") AS __itersql_i"
	if len(p.Columns) > 0 {
		cols := make([]string, len(p.Columns))
		for i, c := range p.Columns {
			cols[i] = e.quote(c)
		}
		stand += "(" + strings.Join(cols, ", ") + ")"
	}
	stand += ")"
	bind := s.sparkBind(stand, stand, stand)
	k := s.newSparkSkewRunner(ctx, p)
	var out []string
	for _, part := range []struct {
		label string
		q     planner.Query
	}{
		{"step", p.Step},
		{"final query", p.Final},
	} {
		sp, err := k.Plan(part.q.SQL, bind)
		if err == nil {
			var t string
			if t, err = k.Explain(s.Settings.skewTitle(part.label), part.label, sp, bind); t != "" {
				out = append(out, strings.TrimRight(t, "\n"))
			}
		}
		if err != nil {
			out = append(out, fmt.Sprintf("skew split of the %s: %v", part.label, err))
		}
	}
	if len(out) == 0 {
		return text
	}
	return text + "\n" + strings.Join(out, "\n")
}
