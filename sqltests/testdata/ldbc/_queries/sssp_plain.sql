-- LDBC Graphalytics single-source shortest paths from {{source}} over weighted
-- directed edges, plain (whole-state) Bellman-Ford formulation. The state holds
-- the vertices reached so far with their best known distance; each step keeps
-- those and relaxes every outgoing edge, keeping the minimum per vertex.
-- Output: (id, value); unreachable vertices get +Infinity as in LDBC.
WITH ITERATE sssp(id, dist) AS (
    SELECT id, CAST(0 AS DOUBLE) FROM vertices WHERE id = {{source}}
  ITERATE
    SELECT t.id, MIN(t.dist)
    FROM (SELECT s.id AS id, s.dist AS dist FROM sssp s
          UNION ALL
          SELECT e.dst AS id, s.dist + e.weight AS dist
          FROM sssp s JOIN edges e ON e.src = s.id) t
    GROUP BY t.id
  UNTIL FIXPOINT
)
SELECT v.id, COALESCE(s.dist, CAST('Infinity' AS DOUBLE)) AS value
FROM vertices v LEFT JOIN sssp s ON s.id = v.id
ORDER BY v.id;
