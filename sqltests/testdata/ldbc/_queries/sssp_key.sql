-- LDBC Graphalytics single-source shortest paths from {{source}} over weighted
-- directed edges, KEY (semi-naive) formulation: only vertices whose distance
-- was set or lowered by the previous step (delta.sssp) relax their outgoing
-- edges, and a target is updated only if the new distance is smaller.
-- Output: (id, value); unreachable vertices get +Infinity as in LDBC.
WITH ITERATE sssp(id, dist) KEY (id) AS (
    SELECT id, CAST(0 AS DOUBLE) FROM vertices WHERE id = {{source}}
  ITERATE
    SELECT e.dst, MIN(d.dist + e.weight)
    FROM delta.sssp d
    JOIN edges e ON e.src = d.id
    LEFT JOIN sssp s ON s.id = e.dst
    GROUP BY e.dst
    HAVING MIN(s.dist) IS NULL OR MIN(d.dist + e.weight) < MIN(s.dist)
  UNTIL FIXPOINT
)
SELECT v.id, COALESCE(s.dist, CAST('Infinity' AS DOUBLE)) AS value
FROM vertices v LEFT JOIN sssp s ON s.id = v.id
ORDER BY v.id;
