package sqltests

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/spark/sparktest"
)

// TestLDBCSpark runs LDBC's queries (WCC, SSSP, PageRank, BFS, CDLP: the same files
// as TestLDBC) on Spark through Spark Connect, on the same validation
// graphs, against the same reference outputs and rules. The plain and KEY
// formulations must agree exactly, as on DuckDB.
func TestLDBCSpark(t *testing.T) {
	remote := sparktest.Remote(t)
	for _, alg := range ldbcAlgorithms {
		t.Run(alg.name, func(t *testing.T) {
			for _, c := range ldbcCases {
				t.Run(c.name, func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
					defer cancel()
					g := c.graph(t, alg.name)
					refPath := c.reference(alg.name)
					ref := ldbcReference(t, refPath)
					sess := ldbcSparkSession(ctx, t, remote, g)
					var first []ldbcRow
					for i, q := range alg.queries {
						t.Run(q, func(t *testing.T) {
							rows := ldbcRun(ctx, t, sess, q, c.params[alg.name])
							alg.compare(t, refPath, rows, ref)
							if i == 0 {
								first = rows
							} else if first != nil {
								ldbcSameRows(t, alg.queries[0], first, q, rows)
							}
						})
					}
				})
			}
		})
	}
}

// ldbcSparkSession opens a Spark session holding g as vertices(id BIGINT)
// and edges(src BIGINT, dst BIGINT, weight DOUBLE) in a database of its
// own (Spark's catalog is shared by every session of the server), loaded
// with DuckDB SQL that itersql translates. The database is dropped when
// the test ends.
func ldbcSparkSession(ctx context.Context, t testing.TB, remote string, g ldbcGraph) *exec.Session {
	t.Helper()
	sess, err := exec.Open(remote)
	if err != nil {
		t.Fatal(err)
	}
	_, drop, err := sess.UseOwnDatabase(ctx, "itersql_ldbc")
	if err != nil {
		sess.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
		sess.Close()
	})
	rows := make([]string, len(g.Vertices))
	for i, v := range g.Vertices {
		rows[i] = fmt.Sprintf("(%d)", v)
	}
	mustExec(ctx, t, sess, "CREATE TABLE vertices AS SELECT CAST(id AS BIGINT) AS id FROM (VALUES "+strings.Join(rows, ", ")+") AS v(id)")
	edges := "SELECT CAST(NULL AS BIGINT) AS src, CAST(NULL AS BIGINT) AS dst, CAST(NULL AS DOUBLE) AS weight WHERE false"
	if len(g.Edges) > 0 {
		rows = make([]string, len(g.Edges))
		for i, e := range g.Edges {
			rows[i] = fmt.Sprintf("(%d, %d, %s)", e.Src, e.Dst, strconv.FormatFloat(e.Weight, 'g', -1, 64))
		}
		edges = "SELECT CAST(src AS BIGINT) AS src, CAST(dst AS BIGINT) AS dst, CAST(weight AS DOUBLE) AS weight FROM (VALUES " + strings.Join(rows, ", ") + ") AS e(src, dst, weight)"
	}
	mustExec(ctx, t, sess, "CREATE TABLE edges AS "+edges)
	res := mustExec(ctx, t, sess, "SELECT (SELECT COUNT(*) FROM vertices), (SELECT COUNT(*) FROM edges)")
	if len(res.Rows) != 1 || ldbcAsInt(t, res.Rows[0][0]) != int64(len(g.Vertices)) || ldbcAsInt(t, res.Rows[0][1]) != int64(len(g.Edges)) {
		t.Fatalf("loaded %v, want %d vertices and %d edges", res.Rows, len(g.Vertices), len(g.Edges))
	}
	return sess
}
