package main

import (
	"math"
	"slices"
	"testing"
)

// edgesOf builds a graph from (src, dst) pairs.
func edgesOf(pairs ...[2]int64) *graph {
	g := &graph{name: "test"}
	for _, p := range pairs {
		g.src = append(g.src, p[0])
		g.dst = append(g.dst, p[1])
	}
	return g
}

// both adds the reverse of every pair, for undirected graphs.
func both(pairs ...[2]int64) []([2]int64) {
	var out [][2]int64
	for _, p := range pairs {
		out = append(out, p, [2]int64{p[1], p[0]})
	}
	return out
}

// ldbcDirected and ldbcUndirected are LDBC Graphalytics' example validation
// graphs (Apache-2.0); every vertex is an endpoint of some edge.
var (
	ldbcDirected = [][2]int64{{1, 3}, {1, 5}, {2, 4}, {2, 5}, {2, 10}, {3, 1}, {3, 5}, {3, 8}, {3, 10},
		{5, 3}, {5, 4}, {5, 8}, {6, 3}, {6, 4}, {7, 4}, {8, 1}, {9, 4}}
	ldbcUndirected = [][2]int64{{2, 3}, {2, 4}, {3, 4}, {3, 5}, {3, 8}, {5, 6}, {5, 8}, {6, 7}, {6, 8},
		{6, 9}, {6, 10}, {7, 9}}
)

func TestFloorCC(t *testing.T) {
	// Two components, a self-loop, a duplicate edge, and one vertex alone
	// with its self-loop.
	g := edgesOf([2]int64{5, 3}, [2]int64{3, 9}, [2]int64{9, 3}, [2]int64{7, 7},
		[2]int64{2, 8}, [2]int64{8, 4}, [2]int64{4, 4}, [2]int64{11, 11})
	got := floorCC(g)
	want := &answer{ids: []int64{2, 3, 4, 5, 7, 8, 9, 11}, ints: []int64{2, 3, 2, 3, 7, 2, 3, 11}}
	if !slices.Equal(got.ids, want.ids) || !slices.Equal(got.ints, want.ints) {
		t.Fatalf("floorCC = %v %v, want %v %v", got.ids, got.ints, want.ids, want.ints)
	}
	if n := components(got); n != 4 {
		t.Errorf("components = %d, want 4", n)
	}
}

func TestFloorCCSparseIDs(t *testing.T) {
	// Ids far apart take the map path of vertexIndex.
	const big = int64(1) << 40
	g := edgesOf([2]int64{big, 1}, [2]int64{-5, big + 7}, [2]int64{big + 7, 3})
	got := floorCC(g)
	want := []int64{-5, 1, -5, 1, -5} // ids -5, 1, 3, big, big+7
	if !slices.Equal(got.ids, []int64{-5, 1, 3, big, big + 7}) || !slices.Equal(got.ints, want) {
		t.Fatalf("floorCC = %v %v", got.ids, got.ints)
	}
}

func TestFloorCCLDBC(t *testing.T) {
	got := floorCC(edgesOf(ldbcUndirected...))
	if n := components(got); n != 1 || got.ints[0] != 2 {
		t.Fatalf("LDBC example-undirected: %d components, label %d; want 1 component labeled 2", n, got.ints[0])
	}
}

func TestFloorPageRankTwoVertices(t *testing.T) {
	// 1 -> 2 and 2 is a dead end: after one step
	// r1 = 0.15/2 + 0.85*(0 + 0.5/2), r2 = 0.15/2 + 0.85*(0.5 + 0.5/2).
	got := floorPageRank(edgesOf([2]int64{1, 2}), 1)
	want := []float64{0.2875, 0.7125}
	for i := range want {
		if math.Abs(got.floats[i]-want[i]) > 1e-15 {
			t.Errorf("rank[%d] = %v, want %v", i, got.floats[i], want[i])
		}
	}
}

func TestFloorPageRankLDBC(t *testing.T) {
	// Reference outputs of LDBC's example graphs, 2 iterations, d = 0.85.
	cases := []struct {
		name  string
		g     *graph
		ids   []int64
		ranks []float64
	}{
		{"example-directed", edgesOf(ldbcDirected...), []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
			[]float64{1.477629166666667e-01, 4.753375000000000e-02, 1.550469444444444e-01, 1.597573611111111e-01,
				1.462400000000000e-01, 4.753375000000000e-02, 4.753375000000000e-02, 1.135740277777778e-01,
				4.753375000000000e-02, 8.748375000000001e-02}},
		{"example-undirected", edgesOf(both(ldbcUndirected...)...), []int64{2, 3, 4, 5, 6, 7, 8, 9, 10},
			[]float64{9.084490740740739e-02, 1.424089506172839e-01, 9.084490740740739e-02, 1.249891975308642e-01,
				1.686172839506173e-01, 9.749537037037037e-02, 1.249891975308642e-01, 9.749537037037037e-02,
				6.231481481481481e-02}},
	}
	for _, c := range cases {
		ref := &answer{ids: c.ids, floats: c.ranks}
		if err := compareAnswers(algoPR, ref, floorPageRank(c.g, 2)); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestFloorPageRankSumsToOne(t *testing.T) {
	g := rmatGraph("tiny", 2000, 8, 1)
	sum := 0.0
	for _, r := range floorPageRank(g, 20).floats {
		sum += r
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("ranks sum to %v, want 1", sum)
	}
}

func TestFloorBFS(t *testing.T) {
	got, rounds := floorBFS(edgesOf(ldbcUndirected...), 2)
	wantIDs := []int64{2, 3, 4, 5, 6, 7, 8, 9, 10}
	wantDist := []int64{0, 1, 1, 2, 3, 4, 2, 4, 4} // LDBC example-undirected-BFS
	if !slices.Equal(got.ids, wantIDs) || !slices.Equal(got.ints, wantDist) {
		t.Fatalf("floorBFS = %v %v, want %v %v", got.ids, got.ints, wantIDs, wantDist)
	}
	if rounds != 5 {
		t.Errorf("rounds = %d, want 5 (eccentricity 4, plus the empty step)", rounds)
	}
	// Unreached vertices are left out.
	got, _ = floorBFS(edgesOf([2]int64{1, 2}, [2]int64{3, 4}), 1)
	if !slices.Equal(got.ids, []int64{1, 2}) || !slices.Equal(got.ints, []int64{0, 1}) {
		t.Errorf("floorBFS with an unreachable part = %v %v", got.ids, got.ints)
	}
}

func TestCompareAnswers(t *testing.T) {
	ref := &answer{ids: []int64{1, 2, 3, 4}, ints: []int64{1, 1, 3, 3}}
	relabeled := &answer{ids: []int64{1, 2, 3, 4}, ints: []int64{9, 9, 0, 0}}
	if err := compareAnswers(algoCC, ref, relabeled); err != nil {
		t.Errorf("relabeled partition rejected: %v", err)
	}
	merged := &answer{ids: []int64{1, 2, 3, 4}, ints: []int64{1, 1, 1, 1}}
	if compareAnswers(algoCC, ref, merged) == nil {
		t.Error("merged components accepted")
	}
	split := &answer{ids: []int64{1, 2, 3, 4}, ints: []int64{1, 2, 3, 3}}
	if compareAnswers(algoCC, ref, split) == nil {
		t.Error("split component accepted")
	}
	if compareAnswers(algoSSSP, ref, &answer{ids: ref.ids, ints: []int64{1, 1, 3, 4}}) == nil {
		t.Error("wrong distance accepted")
	}
	pr := &answer{ids: []int64{1, 2}, floats: []float64{0.25, 0.75}}
	if err := compareAnswers(algoPR, pr, &answer{ids: pr.ids, floats: []float64{0.25 * (1 + 1e-9), 0.75}}); err != nil {
		t.Errorf("rank within 1e-6 rejected: %v", err)
	}
	if compareAnswers(algoPR, pr, &answer{ids: pr.ids, floats: []float64{0.25 * (1 + 1e-5), 0.75}}) == nil {
		t.Error("rank off by 1e-5 accepted")
	}
	if compareAnswers(algoPR, pr, &answer{ids: pr.ids, floats: []float64{math.NaN(), 0.75}}) == nil {
		t.Error("NaN rank accepted")
	}
	if compareAnswers(algoCC, ref, &answer{ids: []int64{1, 2, 3}, ints: []int64{1, 1, 3}}) == nil {
		t.Error("missing vertex accepted")
	}
}

func TestRMATDeterministic(t *testing.T) {
	a, b := rmatGraph("a", 1000, 10, 7), rmatGraph("b", 1000, 10, 7)
	if !slices.Equal(a.src, b.src) || !slices.Equal(a.dst, b.dst) {
		t.Fatal("same seed, different graphs")
	}
	for i := range a.src {
		if a.src[i] < 0 || a.src[i] >= 1<<10 || a.dst[i] < 0 || a.dst[i] >= 1<<10 {
			t.Fatalf("edge %d = (%d, %d) outside 2^10 ids", i, a.src[i], a.dst[i])
		}
	}
	if c := rmatGraph("c", 1000, 10, 8); slices.Equal(a.src, c.src) {
		t.Error("different seeds, same graph")
	}
}
