package main

import (
	"slices"
)

// The floor: each algorithm written directly in Go over in-memory arrays, as
// fast as a single thread reasonably gets. Its answers are the reference every
// other variant is checked against, and its times are the lower bound.

// answer is a workload's result with one value per vertex, sorted by vertex id.
// Exactly one of ints (component labels, distances) and floats (ranks) is set.
type answer struct {
	ids    []int64
	ints   []int64
	floats []float64
}

// vertexIndex maps the vertex ids of an edge list to dense indices 0..n-1,
// assigned in increasing id order.
type vertexIndex struct {
	ids   []int64 // ids[i] is the vertex of index i, ascending
	min   int64
	dense []int32         // dense[id-min] = index, or -1; used when ids are compact
	spare map[int64]int32 // used otherwise
}

// newVertexIndex indexes every endpoint of g.
func newVertexIndex(g *graph) *vertexIndex {
	vi := &vertexIndex{}
	if len(g.src) == 0 {
		return vi
	}
	lo, hi := g.src[0], g.src[0]
	for _, col := range [][]int64{g.src, g.dst} {
		for _, v := range col {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	vi.min = lo
	if span := hi - lo + 1; span <= int64(4*len(g.src)+1024) {
		vi.dense = make([]int32, span)
		for _, col := range [][]int64{g.src, g.dst} {
			for _, v := range col {
				vi.dense[v-lo] = 1
			}
		}
		for off, mark := range vi.dense {
			if mark == 1 {
				vi.dense[off] = int32(len(vi.ids))
				vi.ids = append(vi.ids, lo+int64(off))
			} else {
				vi.dense[off] = -1
			}
		}
		return vi
	}
	all := make([]int64, 0, 2*len(g.src))
	all = append(append(all, g.src...), g.dst...)
	slices.Sort(all)
	vi.ids = slices.Compact(all)
	vi.spare = make(map[int64]int32, len(vi.ids))
	for i, v := range vi.ids {
		vi.spare[v] = int32(i)
	}
	return vi
}

// index returns the dense index of vertex id v, which must be an endpoint.
func (vi *vertexIndex) index(v int64) int32 {
	if vi.dense != nil {
		return vi.dense[v-vi.min]
	}
	return vi.spare[v]
}

// csr is a compressed sparse row adjacency: the neighbours of vertex i are
// adj[off[i]:off[i+1]].
type csr struct {
	off []int32
	adj []int32
}

// buildCSR builds the adjacency from[i] -> to[i] over n vertices.
func buildCSR(n int, from, to []int32) csr {
	c := csr{off: make([]int32, n+1), adj: make([]int32, len(from))}
	for _, f := range from {
		c.off[f+1]++
	}
	for i := range n {
		c.off[i+1] += c.off[i]
	}
	next := slices.Clone(c.off[:n])
	for i, f := range from {
		c.adj[next[f]] = to[i]
		next[f]++
	}
	return c
}

// denseEdges translates g's edges to dense indices.
func denseEdges(g *graph, vi *vertexIndex) (from, to []int32) {
	from, to = make([]int32, len(g.src)), make([]int32, len(g.src))
	for i := range g.src {
		from[i], to[i] = vi.index(g.src[i]), vi.index(g.dst[i])
	}
	return from, to
}

// floorCC labels the connected components of g (edges taken as undirected)
// by union-find; each vertex gets the smallest id of its component.
func floorCC(g *graph) *answer {
	vi := newVertexIndex(g)
	parent := make([]int32, len(vi.ids))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	for i := range g.src {
		a, b := find(vi.index(g.src[i])), find(vi.index(g.dst[i]))
		// Linking the larger root under the smaller keeps every root the
		// smallest index, hence the smallest id, of its component.
		if a < b {
			parent[b] = a
		} else if b < a {
			parent[a] = b
		}
	}
	ans := &answer{ids: vi.ids, ints: make([]int64, len(vi.ids))}
	for i := range parent {
		ans.ints[i] = vi.ids[find(int32(i))]
	}
	return ans
}

// floorPageRank runs iters power iterations of PageRank with LDBC
// semantics over the directed edge rows of g: ranks start at 1/|V|, damping
// is 0.85, and the rank of dead ends (no out-edges) is spread evenly over
// all vertices. Duplicate edge rows count as parallel edges.
func floorPageRank(g *graph, iters int) *answer {
	vi := newVertexIndex(g)
	n := len(vi.ids)
	from, to := denseEdges(g, vi)
	in := buildCSR(n, to, from) // in-neighbours, for a pull-style sweep
	outdeg := make([]float64, n)
	for _, f := range from {
		outdeg[f]++
	}
	rank, share := make([]float64, n), make([]float64, n)
	for i := range rank {
		rank[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for range iters {
		dangling := 0.0
		for i, r := range rank {
			if outdeg[i] == 0 {
				dangling += r
				share[i] = 0
			} else {
				share[i] = r / outdeg[i]
			}
		}
		base := 0.15/float64(n) + 0.85*dangling/float64(n)
		for v := range n {
			sum := 0.0
			for _, u := range in.adj[in.off[v]:in.off[v+1]] {
				sum += share[u]
			}
			next[v] = base + 0.85*sum
		}
		rank, next = next, rank
	}
	return &answer{ids: vi.ids, floats: rank}
}

// floorBFS computes unit-weight shortest path lengths from source over g's
// edges taken as undirected. The answer holds only reached vertices. rounds
// is the number of frontier expansions including the last, empty one (the
// step count of a fixpoint loop).
func floorBFS(g *graph, source int64) (ans *answer, rounds int) {
	vi := newVertexIndex(g)
	n := len(vi.ids)
	from, to := denseEdges(g, vi)
	adj := buildCSR(n, slices.Concat(from, to), slices.Concat(to, from))
	dist := make([]int64, n)
	for i := range dist {
		dist[i] = -1
	}
	s := vi.index(source)
	dist[s] = 0
	frontier := []int32{s}
	for len(frontier) > 0 {
		rounds++
		var next []int32
		for _, u := range frontier {
			for _, v := range adj.adj[adj.off[u]:adj.off[u+1]] {
				if dist[v] < 0 {
					dist[v] = dist[u] + 1
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	ans = &answer{}
	for i, d := range dist {
		if d >= 0 {
			ans.ids = append(ans.ids, vi.ids[i])
			ans.ints = append(ans.ints, d)
		}
	}
	return ans, rounds
}

// minVertex returns the smallest endpoint id of g (the SSSP source).
func minVertex(g *graph) int64 {
	m := g.src[0]
	for _, col := range [][]int64{g.src, g.dst} {
		for _, v := range col {
			m = min(m, v)
		}
	}
	return m
}
