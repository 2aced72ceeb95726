package exec

import (
	"fmt"
	"strings"
)

// KeyedReplace is the keyed strategy of engines whose tables take no
// UPDATE (Spark's Parquet tables), and the one Spark sessions use. On
// DuckDB it runs only when asked for (KeyedStrategyEnv), so that every
// suite can check it against the other strategies on DuckDB.
const KeyedReplace = "replace"

// keyedReplace makes two tables an iteration, and updates none: the delta
// (the step's rows that are new or differ from the state), then the new
// state (the old state's rows whose key is not in the delta, and the
// delta). The old state is dropped once the stop tests have read it (it is
// previous.name). An iteration that changes nothing makes no new state.
type keyedReplace struct {
	r                  *run
	state, prev, delta string // tables; delta is "" before the first iteration
	deltaView          string
	rows               int64
}

func (r *run) keyedReplace(state, delta string, rows int64, resumed bool) *keyedReplace {
	kr := &keyedReplace{r: r, state: state, rows: rows, deltaView: state} // delta.name after iteration 0 is the whole state
	if resumed {
		kr.delta = delta
		kr.deltaView = fmt.Sprintf("(SELECT %s FROM %s)", strings.Join(r.cols, ", "), delta)
	}
	return kr
}

func (kr *keyedReplace) advance(k, _ int) (reached int, rows, changed int64, note string, err error) {
	r, p := kr.r, kr.r.p
	cols := strings.Join(r.cols, ", ")
	step := r.bind(p.Step, kr.state, "", kr.deltaView)
	next, changed, note, err := r.makeDelta(k, step, kr.state, kr.deltaView, "")
	if err != nil {
		return 0, 0, 0, "", err
	}
	if err := r.drop(kr.delta); err != nil {
		return 0, 0, 0, "", err
	}
	kr.delta, kr.deltaView, kr.prev = next, fmt.Sprintf("(SELECT %s FROM %s)", cols, next), ""
	if changed == 0 {
		return k, kr.rows, 0, note, nil
	}
	state := r.table("state", k)
	rows, err = r.create(state, r.replaceKeys(kr.state, next)+r.limit())
	if err != nil {
		return 0, 0, 0, "", r.partErr(p.Step, k, err)
	}
	if err := r.checkRows(k, rows); err != nil {
		return 0, 0, 0, "", err
	}
	kr.prev, kr.state, kr.rows = kr.state, state, rows
	if !p.UsesPrevious {
		if err := r.drop(kr.prev); err != nil {
			return 0, 0, 0, "", err
		}
	}
	return k, rows, changed, note, nil
}

// replaceKeys is the query of state with delta's rows in place of its
// rows of the same key. On Spark the delta is broadcast to the state's
// partitions (it is the small side); DuckDB chooses its join itself.
func (r *run) replaceKeys(state, delta string) string {
	cols := make([]string, len(r.cols))
	for i, c := range r.cols {
		cols[i] = "s." + c
	}
	on := r.keyOn("d")
	if r.s.Engine() == "spark" {
		return fmt.Sprintf("SELECT /*+ BROADCAST(d) */ %s FROM %s AS s LEFT ANTI JOIN %s AS d ON %s UNION ALL SELECT %s FROM %s",
			strings.Join(cols, ", "), state, delta, on, strings.Join(r.cols, ", "), delta)
	}
	return fmt.Sprintf("SELECT %s FROM %s AS s WHERE NOT EXISTS (SELECT 1 FROM %s AS d WHERE %s) UNION ALL SELECT %s FROM %s",
		strings.Join(cols, ", "), state, delta, on, strings.Join(r.cols, ", "), delta)
}

func (kr *keyedReplace) views() views {
	prev := kr.prev
	if prev == "" { // nothing changed: the state is the one before
		prev = kr.state
	}
	return views{state: kr.state, previous: prev, delta: kr.deltaView, ckState: kr.state, ckDelta: kr.delta}
}

func (kr *keyedReplace) settle() error  { return kr.r.drop(kr.prev) }
func (kr *keyedReplace) result() string { return kr.state }
func (kr *keyedReplace) close()         {}
