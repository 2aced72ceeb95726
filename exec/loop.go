package exec

import (
	"time"

	"github.com/itersql/itersql/parser"
)

// strategy is how a run makes each iteration's state from the one before:
// the plain state (a new table per iteration, plainStates), or a keyed
// state on the MERGE path (keyedMerge) or the table path (keyedTables);
// or either in chunks of iterations (plainChunks, keyedRecursive).
// The one loop, run.loop, owns the rest: stop tests, checkpoints,
// statistics, progress and max_iterations.
type strategy interface {
	// advance makes iteration k from iteration k-1, and may go on up to
	// iteration limit (never further) when it can run several in one go.
	// It returns the last iteration it made, the state's rows then, the
	// rows changed by it (-1: not counted) and a note of what the engine
	// decided (the skew split's).
	advance(k, limit int) (reached int, rows, changed int64, note string, err error)
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
	for k := k0; ; {
		began := time.Now()
		reached, rows, changed, note, err := st.advance(k+1, r.chunkLimit(k+1))
		if err != nil {
			return "", err
		}
		k = reached
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

// chunkLimit is the last iteration a strategy may reach when asked for
// iteration k: the loop must see every iteration at which a stop test
// may hold, a checkpoint is due, or max_iterations ends the run.
func (r *run) chunkLimit(k int) int {
	limit := r.s.Settings.MaxIterations
	if limit < k {
		return k
	}
	for _, st := range r.p.Stops {
		switch st.Kind {
		case parser.Condition:
			return k
		case parser.Iterations:
			if st.N >= k && st.N < limit {
				limit = st.N
			}
		}
	}
	set := &r.s.Settings
	if set.CheckpointInterval > 0 {
		return k
	}
	if n := set.CheckpointEvery; n > 0 {
		if next := (k + n - 1) / n * n; next < limit {
			limit = next
		}
	}
	return limit
}
