-- Hop distances from vertex 0 of the Facebook ego network (single-source
-- shortest paths with unit weights), keyed: a vertex enters the delta when
-- a shorter path to it is found.
CREATE OR REPLACE TABLE edges AS
    SELECT src, dst FROM read_csv('data/facebook.csv.gz')
    UNION SELECT dst, src FROM read_csv('data/facebook.csv.gz');

WITH ITERATE sp(id, dist) KEY (id) AS (
    SELECT 0, 0
  ITERATE
    SELECT e.dst, MIN(d.dist + 1)
    FROM delta.sp d JOIN edges e ON e.src = d.id
    LEFT JOIN sp s ON s.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.dist + 1) < COALESCE(MIN(s.dist), 9223372036854775807)
  UNTIL FIXPOINT
)
SELECT dist, COUNT(*) AS vertices FROM sp GROUP BY dist ORDER BY dist;
