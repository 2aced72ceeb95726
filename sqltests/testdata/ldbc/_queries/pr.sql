-- LDBC Graphalytics PageRank: every vertex starts at 1/|V|; each iteration
--   PR(v) = (1 - d)/|V| + d * ( sum over in-edges u->v of PR(u)/outdeg(u)
--                               + (sum of PR(w) over dead ends w)/|V| )
-- with d = {{damping}}, for exactly {{iterations}} iterations. Dead ends are
-- vertices without out-edges; their rank is spread evenly over all vertices.
-- Output: (id, value).
WITH ITERATE pr(id, pagerank) AS (
    SELECT id, CAST(1 AS DOUBLE) / (SELECT COUNT(*) FROM vertices) FROM vertices
  ITERATE
    SELECT v.id,
           (1 - {{damping}}) / (SELECT COUNT(*) FROM vertices)
         + {{damping}} * (COALESCE(SUM(p.pagerank / o.deg), 0)
                          + (SELECT COALESCE(SUM(q.pagerank), 0) FROM pr q
                             WHERE q.id NOT IN (SELECT src FROM edges))
                            / (SELECT COUNT(*) FROM vertices))
    FROM vertices v
    LEFT JOIN edges e ON e.dst = v.id
    LEFT JOIN pr p ON p.id = e.src
    LEFT JOIN (SELECT src, COUNT(*) AS deg FROM edges GROUP BY src) o ON o.src = e.src
    GROUP BY v.id
  UNTIL {{iterations}} ITERATIONS
)
SELECT id, pagerank AS value FROM pr ORDER BY id;
