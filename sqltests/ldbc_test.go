package sqltests

// LDBC Graphalytics correctness tests: the queries in testdata/ldbc/queries
// (one WITH ITERATE statement per algorithm) run on LDBC's validation graphs
// and are checked against LDBC's reference outputs by LDBC's rules:
//   - WCC: equal up to renaming the component ids (a bijection);
//   - BFS, CDLP: exactly equal;
//   - PageRank, SSSP: relative error at most 1e-4 per vertex, and
//     unreachable vertices (+Infinity) match exactly.
// The plain and KEY formulations of WCC and SSSP must also agree exactly,
// and every query must meet the reference again with the skew split forced
// on.
// Graphs, formats and parameters: testdata/ldbc/NOTICE.

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ldbcTol is LDBC's accepted relative error for PageRank and SSSP.
const ldbcTol = 1e-4

// ldbcCase is one validation graph with its per-algorithm parameters.
type ldbcCase struct {
	name     string
	directed bool
	// graph reads the input for an algorithm ("bfs", "wcc", ...).
	graph func(t testing.TB, alg string) ldbcGraph
	// reference is the path of the reference output for an algorithm.
	reference func(alg string) string
	params    map[string]map[string]string
}

// ldbcValidationGraph is one of LDBC's per-algorithm graphs <alg>/<name>-*.
// SSSP graphs are weighted (.v/.e); the others are adjacency lists.
func ldbcValidationGraph(name string, directed bool, params map[string]map[string]string) ldbcCase {
	return ldbcCase{
		name:     name,
		directed: directed,
		graph: func(t testing.TB, alg string) ldbcGraph {
			base := filepath.Join(ldbcDir, alg, name+"-input")
			if alg == "sssp" {
				return ldbcReadVE(t, base+".v", base+".e", directed)
			}
			return ldbcReadAdjacency(t, base, directed)
		},
		reference: func(alg string) string { return filepath.Join(ldbcDir, alg, name+"-output") },
		params:    params,
	}
}

// ldbcExampleGraph is one of LDBC's example graphs, shared by all
// algorithms: example/<name>.{v,e} and example/<name>-<ALG>.
func ldbcExampleGraph(name string, directed bool, params map[string]map[string]string) ldbcCase {
	return ldbcCase{
		name:     name,
		directed: directed,
		graph: func(t testing.TB, alg string) ldbcGraph {
			base := filepath.Join(ldbcDir, "example", name)
			return ldbcReadVE(t, base+".v", base+".e", directed)
		},
		reference: func(alg string) string {
			return filepath.Join(ldbcDir, "example", name+"-"+strings.ToUpper(alg))
		},
		params: params,
	}
}

// ldbcCases lists the graphs with LDBC's parameters for each algorithm.
var ldbcCases = []ldbcCase{
	ldbcValidationGraph("dir", true, map[string]map[string]string{
		"bfs":  {"source": "1"},
		"sssp": {"source": "1"},
		"cdlp": {"iterations": "5"},
		"pr":   {"iterations": "14", "damping": "0.85"},
	}),
	ldbcValidationGraph("undir", false, map[string]map[string]string{
		"bfs":  {"source": "1"},
		"sssp": {"source": "1"},
		"cdlp": {"iterations": "5"},
		"pr":   {"iterations": "26", "damping": "0.85"},
	}),
	ldbcExampleGraph("example-directed", true, map[string]map[string]string{
		"bfs":  {"source": "1"},
		"sssp": {"source": "1"},
		"cdlp": {"iterations": "2"},
		"pr":   {"iterations": "2", "damping": "0.85"},
	}),
	ldbcExampleGraph("example-undirected", false, map[string]map[string]string{
		"bfs":  {"source": "2"},
		"sssp": {"source": "2"},
		"cdlp": {"iterations": "2"},
		"pr":   {"iterations": "2", "damping": "0.85"},
	}),
}

// ldbcAlgorithm is an algorithm's queries (more than one: formulations
// that must agree exactly) and LDBC's rule for comparing its output.
type ldbcAlgorithm struct {
	name    string
	queries []string
	compare func(t testing.TB, path string, rows []ldbcRow, ref map[int64]string)
}

// ldbcAlgorithms are the algorithms checked on every engine.
var ldbcAlgorithms = []ldbcAlgorithm{
	{"wcc", []string{"wcc_plain", "wcc_key"}, ldbcCompareRelabel},
	{"bfs", []string{"bfs"}, ldbcCompareExact},
	{"sssp", []string{"sssp_plain", "sssp_key"}, ldbcCompareTol},
	{"pr", []string{"pr"}, ldbcCompareTol},
	{"cdlp", []string{"cdlp"}, ldbcCompareExact},
}

// ldbcCompareTol compares with LDBC's tolerance (PageRank, SSSP).
func ldbcCompareTol(t testing.TB, path string, rows []ldbcRow, ref map[int64]string) {
	t.Helper()
	ldbcCompareRelative(t, path, rows, ref, ldbcTol)
}

func TestLDBC(t *testing.T) {
	for _, alg := range ldbcAlgorithms {
		t.Run(alg.name, func(t *testing.T) {
			for _, c := range ldbcCases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer cancel()
					g := c.graph(t, alg.name)
					refPath := c.reference(alg.name)
					ref := ldbcReference(t, refPath)
					sess := ldbcSession(ctx, t, g)
					var first []ldbcRow
					for i, q := range alg.queries {
						ok := t.Run(q, func(t *testing.T) {
							rows := ldbcRun(ctx, t, sess, q, c.params[alg.name])
							alg.compare(t, refPath, rows, ref)
							if i == 0 {
								first = rows
							} else if first != nil {
								ldbcSameRows(t, alg.queries[0], first, q, rows)
							}
						})
						if !ok && i == 0 {
							first = nil
						}
					}
					// The same queries with the skew split forced on (every
					// key of two rows or more heavy, three shuffle tasks) must
					// meet the same reference.
					for _, q := range forced {
						mustExec(ctx, t, sess, q)
					}
					for _, q := range alg.queries {
						t.Run(q+"_split", func(t *testing.T) {
							rows := ldbcRun(ctx, t, sess, q, c.params[alg.name])
							alg.compare(t, refPath, rows, ref)
							res := mustExec(ctx, t, sess, "EXPLAIN ANALYZE "+ldbcQuery(t, q, c.params[alg.name]))
							if !strings.Contains(fmt.Sprint(res.Rows), "skew ") {
								t.Errorf("%s was not split: %v", q, res.Rows)
							}
						})
					}
				})
			}
		})
	}
}
