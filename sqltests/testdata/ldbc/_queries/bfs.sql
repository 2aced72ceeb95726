-- LDBC Graphalytics breadth-first search: hop depth from {{source}} along
-- directed edges, KEY (semi-naive) formulation. The state holds the vertices
-- reached so far; each step expands only the frontier reached by the previous
-- step (delta.bfs) to vertices not yet in the state.
-- Output: (id, value); unreachable vertices get 9223372036854775807 as in LDBC.
WITH ITERATE bfs(id, depth) KEY (id) AS (
    SELECT id, CAST(0 AS BIGINT) FROM vertices WHERE id = {{source}}
  ITERATE
    SELECT e.dst, MIN(d.depth) + 1
    FROM delta.bfs d
    JOIN edges e ON e.src = d.id
    LEFT JOIN bfs s ON s.id = e.dst
    WHERE s.id IS NULL
    GROUP BY e.dst
  UNTIL FIXPOINT
)
SELECT v.id, COALESCE(b.depth, 9223372036854775807) AS value
FROM vertices v LEFT JOIN bfs b ON b.id = v.id
ORDER BY v.id;
