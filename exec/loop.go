package exec

import "time"

// strategy is how a run makes each iteration's state from the one before:
// the plain state (a new table per iteration, plainStates), or a keyed
// state on the MERGE path (keyedMerge) or the table path (keyedTables).
// The one loop, run.loop, owns the rest: stop tests, checkpoints,
// statistics, progress and max_iterations.
type strategy interface {
	// advance makes iteration k from iteration k-1. It returns the
	// state's rows, the rows changed (-1: not counted) and a note of
	// what the engine decided (the skew split's).
	advance(k int) (rows, changed int64, note string, err error)
	// views are the tables of the iteration just made.
	views() views
	// settle drops what only the stop tests needed (the previous state).
	settle() error
	// result is the state the final query reads.
	result() string
	close()
}

// views are what reads a state after an iteration: the stop tests bind
// state, previous ("" unless a test reads it) and delta ("" for plain
// states); a checkpoint writes ckState and ckDelta (its tables, or views
// of them).
type views struct {
	state, previous, delta string
	ckState, ckDelta       string
}

// loop runs st from iteration k0 + 1 until a stop test holds, an error,
// or max_iterations, and returns the state the final query reads.
func (r *run) loop(st strategy, k0 int) (string, error) {
	defer st.close()
	for k := k0 + 1; ; k++ {
		began := time.Now()
		rows, changed, note, err := st.advance(k)
		if err != nil {
			return "", err
		}
		v := st.views()
		done, err := r.stop(k, changed, v.state, v.previous, v.delta)
		if err != nil {
			return "", err
		}
		if err := st.settle(); err != nil {
			return "", err
		}
		if finished, err := r.endIteration(k, done, rows, changed, began, note, v.ckState, v.ckDelta); finished || err != nil {
			return st.result(), err
		}
	}
}
