package main

import (
	"fmt"
	"math"
)

// maxRelErr is the largest relative error a PageRank value may have.
const maxRelErr = 1e-6

// compareAnswers checks got against the floor's reference answer for the
// given algorithm and returns a short reason when they differ.
func compareAnswers(a algo, ref, got *answer) error {
	if got == nil {
		return fmt.Errorf("no answer")
	}
	if len(got.ids) != len(ref.ids) {
		return fmt.Errorf("%d vertices, want %d", len(got.ids), len(ref.ids))
	}
	for i := range ref.ids {
		if got.ids[i] != ref.ids[i] {
			return fmt.Errorf("vertex #%d is %d, want %d", i, got.ids[i], ref.ids[i])
		}
	}
	switch a {
	case algoCC:
		return samePartition(ref, got)
	case algoSSSP:
		for i := range ref.ids {
			if got.ints[i] != ref.ints[i] {
				return fmt.Errorf("distance of %d is %d, want %d", ref.ids[i], got.ints[i], ref.ints[i])
			}
		}
	case algoPR:
		worst, at := 0.0, 0
		for i := range ref.ids {
			rel := math.Abs(got.floats[i]-ref.floats[i]) / math.Abs(ref.floats[i])
			if math.IsNaN(rel) {
				return fmt.Errorf("rank of %d is %g, want %g", ref.ids[i], got.floats[i], ref.floats[i])
			}
			if rel > worst {
				worst, at = rel, i
			}
		}
		if worst > maxRelErr {
			return fmt.Errorf("rank of %d is %g, want %g (relative error %.2g)",
				ref.ids[at], got.floats[at], ref.floats[at], worst)
		}
	}
	return nil
}

// samePartition checks that two component labelings of the same vertices
// describe the same partition, up to renaming the labels.
func samePartition(ref, got *answer) error {
	fwd := make(map[int64]int64) // got label -> ref label
	back := make(map[int64]int64)
	for i := range ref.ids {
		g, r := got.ints[i], ref.ints[i]
		if want, ok := fwd[g]; ok && want != r {
			return fmt.Errorf("label %d spans components %d and %d", g, want, r)
		}
		if want, ok := back[r]; ok && want != g {
			return fmt.Errorf("component of %d is split (labels %d and %d)", ref.ids[i], want, g)
		}
		fwd[g], back[r] = r, g
	}
	return nil
}

// components counts the distinct labels of a CC answer.
func components(a *answer) int {
	seen := make(map[int64]struct{})
	for _, l := range a.ints {
		seen[l] = struct{}{}
	}
	return len(seen)
}

// asInt64 converts an integer result value to int64.
func asInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case int:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	}
	return 0, fmt.Errorf("value %v of type %T is not an integer", v, v)
}

// asFloat64 converts a numeric result value to float64.
func asFloat64(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	}
	if i, err := asInt64(v); err == nil {
		return float64(i), nil
	}
	return 0, fmt.Errorf("value %v of type %T is not a number", v, v)
}
