package exec

// Hooks the checkpoint work fills in (exec/checkpoint.go will replace this
// file). They sit at the two points where a run's state is consistent: the
// start (resume) and the end of each iteration (checkpoint).

// restore loads the newest usable checkpoint of this statement into the
// tables state (and delta, for keyed states: delta holds only the state's
// columns) and returns the iteration it holds. It must call
// r.learnColumns(state) so the run knows the state's columns and types.
// ok is false when the run starts fresh.
func (r *run) restore(state, delta string) (k int, rows int64, ok bool, err error) {
	return 0, 0, false, nil
}

// checkpointAfter is called after iteration k (done: it was the last).
// state (and delta for keyed states, "" otherwise, or after iteration 0 of
// a keyed run) are the tables that hold the run after k. It returns a note
// for the iteration's statistics ("checkpoint 12 ms").
func (r *run) checkpointAfter(k int, done bool, state, delta string) (note string, err error) {
	return "", nil
}
