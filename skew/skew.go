// Package skew splits a skewed equi-join into balanced tasks, the way
// GraphFrames' skewedJoin and Spark's adaptive skew split do: keys with
// more rows than a threshold ("heavy" keys, a hub vertex with a million
// edges) are joined by broadcasting the other side's matching rows to
// equal chunks of the heavy rows (the broadcast path); every other key is
// hash-partitioned into P tasks (the shuffle path). The tasks run in
// parallel on a pool of DuckDB connections and append to one result
// table, which the rest of the query reads in place of the join.
//
// The whole split lives here, below the planner and exec, and reads SQL
// text (DuckDB's, with the iteration placeholders or not), never their
// types:
//
//   - Prepare (prepare.go, split.go, align.go, push.go) reads a query
//     with DuckDB's own parser (internal/duckast), finds the joins that can
//     be split or says why not, and rewrites the query to read their
//     result tables;
//   - a Runner (run.go), one per statement, is what exec calls: Plan
//     prepares a part against its inputs and checks that the rewrite
//     compiles to the same columns, Execute detects the heavy keys
//     (sql.go), lays the tasks out (newLayout) and runs them on a pool of
//     connections (pool.go), and Explain describes it all;
//   - a SparkRunner (spark.go) is the same split on Spark: one Spark SQL
//     query a part, the heavy keys' rows joined under a BROADCAST hint
//     UNION ALL the rest under REPARTITION hints, printed by
//     internal/sparksql.
package skew

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// JoinType is the kind of a split join. FULL joins are not split.
type JoinType int

const (
	Inner JoinType = iota
	Left           // LEFT [OUTER] JOIN: every left row is kept
	Right          // RIGHT [OUTER] JOIN: every right row is kept
)

func (t JoinType) String() string {
	switch t {
	case Left:
		return "LEFT JOIN"
	case Right:
		return "RIGHT JOIN"
	}
	return "JOIN"
}

// Side is one input of a split join.
type Side struct {
	// Alias is the name the ON condition and the rest of the query
	// qualify the input's columns with (unquoted).
	Alias string
	// Source is the input as SQL: a table name or a parenthesized
	// subquery. It may hold the query's placeholders; the Runner binds
	// them for each execution.
	Source string
	// Key is the join key column (unquoted).
	Key string
	// KeyType is the DuckDB type of Key, as Describe gives it.
	KeyType string
	// Cols are the columns the tasks must carry: those the ON condition
	// and the rest of the query read (unquoted, Key included).
	Cols []string
}

// Out is one column of the result table: column Col of side Side
// (0 left, 1 right), stored as Name.
type Out struct {
	Side int
	Col  string
	Name string
}

// Join is one equi-join that can be split.
type Join struct {
	Type  JoinType
	Sides [2]Side
	// On is the whole ON condition as DuckDB SQL over the two aliases:
	// every task evaluates it, so conditions beyond the key equality
	// keep their meaning.
	On  string
	Out []Out
	// Result is the placeholder that the rewritten query reads the
	// result table through (resultRef); the Runner binds it to the table
	// of each execution.
	Result string
	// Text describes the join for EXPLAIN ("c LEFT JOIN e ON ...").
	Text string
	// Where, GroupBy and Aggs are set when the query's aggregation is
	// pushed into the tasks: each task filters its joined rows by Where,
	// groups them by GroupBy (SQL over the aliases; none: one global
	// group) and returns the partial aggregates Aggs, which the query
	// merges. The result table then holds a few rows per task instead of
	// every joined row.
	Where   string
	GroupBy []string
	Aggs    []Agg
	// Upper is set with a pushed aggregation when the query joins more
	// tables above the pair: those joins (" JOIN t AS x ON ...", inner or
	// keeping the pair's rows) as SQL, which every task runs in full
	// after its part of the pair, so that each joined row is still made by
	// exactly one task and the aggregates may read those tables too.
	Upper string
}

// Agg is one partial aggregate of a pushed aggregation, stored as Name.
type Agg struct{ Name, SQL string }

// KeyText is "a.k = b.k" for messages.
func (j *Join) KeyText() string {
	return fmt.Sprintf("%s.%s = %s.%s", j.Sides[0].Alias, j.Sides[0].Key, j.Sides[1].Alias, j.Sides[1].Key)
}

// preserved reports whether side i keeps its unmatched rows.
func (j *Join) preserved(i int) bool {
	return (j.Type == Left && i == 0) || (j.Type == Right && i == 1)
}

// Limits of a split.
const (
	// maxHeavy caps the heavy keys per input: the maxHeavy keys with
	// the most rows are heavy, the rest go through the shuffle path. The
	// cap keeps the IN list of every task short.
	maxHeavy = 1000
	// MaxTasks caps the tasks of each path.
	MaxTasks = 256
	// autoFloor is the smallest threshold `auto` picks: below about a
	// thousand rows a key is never what makes a task straggle.
	autoFloor = 1000
	// autoFactor: under `auto` a key is heavy when it has more than
	// autoFactor times the median rows of a key of its input.
	autoFactor = 10
	// autoTaskShare: under `auto` a key is heavy when it has more than
	// 1/autoTaskShare of a shuffle task's rows (see autoThreshold).
	autoTaskShare = 4
	// DefaultTargetTaskRows is target_task_rows' default: the input rows
	// one task should get when partitions = auto.
	DefaultTargetTaskRows = 1000000
	// prepartitionRows: an input with more rows is written once with its
	// partition numbers before the shuffle tasks run (see Prepartition).
	prepartitionRows = 50000
	// directMaxParts: an input read in one execution only is filtered by
	// hash in each task up to this many tasks, and written partitioned
	// beyond it (see Prepartition).
	directMaxParts = 8
)

// autoThreshold is the documented rule of skew_threshold = auto: a key is
// heavy when its rows exceed max(autoFloor, autoFactor × median rows per
// key, a quarter of the rows of one shuffle task). Deterministic; on an
// unskewed input (every key about the median) nothing is heavy, and a key
// that would not make its task a straggler is not heavy either (on one
// machine the split costs more than a mildly uneven task: see
// docs/skew.md). A quarter, not a half: two keys just under the threshold
// that hash to one task then make it 1.5 times a median task, not 2
// (with half, 256 tasks over Zipf degrees measured 2.28).
func autoThreshold(median, taskRows int64) int64 {
	return max(autoFloor, autoFactor*median, taskRows/autoTaskShare)
}

// heavyKey is one heavy key.
type heavyKey struct {
	Lit  string   // the key as a SQL literal
	Text string   // the key as text, for EXPLAIN
	Rows [2]int64 // its rows in each input, as far as detected (0: not heavy there or not detected)
}

// Freq is what detection learned about one input's key.
type Freq struct {
	Rows      int64 // rows of the input
	Keys      int64 // distinct non-NULL keys
	Median    int64 // median rows of a key
	Threshold int64 // the threshold in force
	Heavy     []heavyKey
	// Skipped, when set, says why detection did not run (the key is an
	// iteration state's KEY, so unique; or EXPLAIN cannot see the input
	// before the run). Rows may still be known.
	Skipped string
}

// layout is a join laid out for one execution: its heavy keys and tasks.
type layout struct {
	Join  *Join
	Freq  [2]*Freq
	Heavy []heavyKey // union of both inputs' heavy keys, most rows first
	// Big is the side whose heavy rows are cut into chunks; the other
	// side's heavy-key rows are broadcast to every chunk.
	Big    int
	Parts  int // shuffle tasks
	Chunks int // broadcast tasks (0 without heavy keys)
	// Result is the table the tasks append to; HeavyTables hold each
	// side's heavy-key rows (set when there are heavy keys); PartTables
	// hold the other rows of the sides that Prepartition says to write
	// sorted by partition ("" for the others).
	Result      string
	HeavyTables [2]string
	PartTables  [2]string
	// heavyRows are the rows of HeavyTables when known (SetHeavyRows):
	// tasks that can only return nothing are then left out.
	// SortParts[i]: write PartTables[i] ordered by partition, so that a
	// task's scan skips the row groups of the other partitions. The sort
	// costs more than it saves in one execution; it pays when the table
	// is reused (a base table's partitions, read at every iteration).
	SortParts    [2]bool
	heavyRows    [2]int64
	heavyCounted [2]bool
	// hashCast is the type both keys are cast to before hashing ("" when
	// they already have one type): hash(1::INTEGER) differs from
	// hash(1::BIGINT), and equal keys must meet in the same task.
	hashCast string
	// oneQuery: the paths run as one query (on Spark), not as tasks that
	// each report the rows they joined, so they carry no task columns.
	oneQuery bool
}

// newLayout lays out j from both inputs' frequencies. partitions > 0 fixes
// the shuffle tasks; 0 derives them from the input rows so that each task
// gets about target rows. The heavy keys are the union of both inputs'.
func newLayout(j *Join, f [2]*Freq, partitions int, target int64) (*layout, error) {
	cast, err := hashCast(j.Sides[0].KeyType, j.Sides[1].KeyType)
	if err != nil {
		return nil, err
	}
	s := &layout{Join: j, Freq: f, hashCast: cast}
	byText := map[string]int{}
	var heavyRows [2]int64
	for i := range 2 {
		for _, h := range f[i].Heavy {
			heavyRows[i] += h.Rows[i]
			if at, ok := byText[h.Text]; ok {
				s.Heavy[at].Rows[i] = h.Rows[i]
				continue
			}
			byText[h.Text] = len(s.Heavy)
			s.Heavy = append(s.Heavy, h)
		}
	}
	sort.SliceStable(s.Heavy, func(a, b int) bool {
		ra, rb := s.Heavy[a].Rows[0]+s.Heavy[a].Rows[1], s.Heavy[b].Rows[0]+s.Heavy[b].Rows[1]
		if ra != rb {
			return ra > rb
		}
		return s.Heavy[a].Text < s.Heavy[b].Text
	})
	if heavyRows[1] > heavyRows[0] {
		s.Big = 1
	}
	rest := max(f[0].Rows+f[1].Rows-heavyRows[0]-heavyRows[1], 0)
	s.Parts = partitions
	if s.Parts <= 0 {
		s.Parts = clamp(ceilDiv(rest, max(target, 1)), 1, MaxTasks)
	}
	if len(s.Heavy) > 0 {
		// Chunks as large as a shuffle task, so no task of either path
		// outgrows the others; never below a thousand rows, which would
		// only add per-task overhead.
		per := max(ceilDiv(rest, int64(s.Parts)), autoFloor)
		s.Chunks = clamp(ceilDiv(heavyRows[s.Big], per), 1, MaxTasks)
	}
	return s, nil
}

// SetHeavyRows records that HeavyTables[i] holds n rows.
func (s *layout) SetHeavyRows(i int, n int64) { s.heavyRows[i], s.heavyCounted[i] = n, true }

// heavyEmpty reports whether side i is known to have no heavy-key rows.
func (s *layout) heavyEmpty(i int) bool { return s.heavyCounted[i] && s.heavyRows[i] == 0 }

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

func clamp(v int64, lo, hi int) int {
	if v < int64(lo) {
		return lo
	}
	if v > int64(hi) {
		return hi
	}
	return int(v)
}

// integer types DuckDB hashes by value; a key of two different ones is
// hashed after a cast to a common type.
var intTypes = map[string]int{
	"TINYINT": 1, "SMALLINT": 1, "INTEGER": 1, "BIGINT": 1,
	"UTINYINT": 1, "USMALLINT": 1, "UINTEGER": 1,
	"UBIGINT": 2, "HUGEINT": 2, "UHUGEINT": 3,
}

// hashCast returns the type to cast both keys to before hashing, "" when
// the types are equal, or an error when no cast keeps `=`'s meaning.
func hashCast(lt, rt string) (string, error) {
	lt, rt = strings.ToUpper(lt), strings.ToUpper(rt)
	if lt == rt {
		return "", nil
	}
	a, aok := intTypes[lt]
	b, bok := intTypes[rt]
	switch {
	case !aok || !bok:
		return "", fmt.Errorf("the join key has two types (%s and %s): hash partitioning needs equal keys to hash alike", lt, rt)
	case max(a, b) == 1:
		return "BIGINT", nil
	case max(a, b) == 2:
		return "HUGEINT", nil
	}
	return "", fmt.Errorf("the join key has types %s and %s, which have no common integer type", lt, rt)
}

// quote quotes a name for DuckDB.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// literal renders a key value read as text (v::VARCHAR) of DuckDB type
// typ as a SQL literal of that type.
func literal(text, typ string) string {
	typ = strings.ToUpper(typ)
	if _, ok := intTypes[typ]; ok {
		return text
	}
	q := "'" + strings.ReplaceAll(text, "'", "''") + "'"
	if typ == "VARCHAR" {
		return q
	}
	return "CAST(" + q + " AS " + typ + ")"
}

// ratio is a/b guarded for b = 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		if a == 0 {
			return 1
		}
		return math.Inf(1)
	}
	return float64(a) / float64(b)
}
