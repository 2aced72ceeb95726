// Package cc holds the SQL of connected components, the algorithm that
// the engine's tests, the crash tests and the benchmarks all run, so that
// it is written once. Both forms read nodes(id) and edges(src, dst), with
// every edge listed both ways, and leave the final query to the caller.
package cc

// Plain is connected components by label propagation, rebuilding the
// whole state each step: the WITH ITERATE clause, without a final query.
const Plain = `WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)`

// Keyed is the keyed (semi-naive) form: each step reads only the vertices
// that changed (delta.cc) and returns only those whose label drops.
const Keyed = `WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)`
