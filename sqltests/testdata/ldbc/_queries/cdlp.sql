-- LDBC Graphalytics community detection by label propagation (CDLP).
-- Every vertex starts with its own id as label; in each of {{iterations}}
-- iterations all vertices update together to the most frequent label among
-- their neighbours, ties going to the smallest label. Neighbours are taken
-- along out- and in-edges, counted with multiplicity (a vertex linked in both
-- directions counts twice); on undirected graphs, loaded with both directions,
-- this doubles every count and leaves the choice unchanged. A vertex without
-- neighbours keeps its label.
-- Output: (id, value).
WITH ITERATE cdlp(id, lbl) AS (
    SELECT id, id FROM vertices
  ITERATE
    SELECT v.id, COALESCE(m.lbl, v.lbl)
    FROM cdlp v
    LEFT JOIN (
        -- per vertex: smallest label among those with the highest count
        SELECT t.id, MIN(t.lbl) AS lbl
        FROM (SELECT e.a AS id, n.lbl AS lbl, COUNT(*) AS cnt
              FROM (SELECT src AS a, dst AS b FROM edges
                    UNION ALL
                    SELECT dst AS a, src AS b FROM edges) e
              JOIN cdlp n ON n.id = e.b
              GROUP BY e.a, n.lbl) t
        JOIN (SELECT u.id, MAX(u.cnt) AS cnt
              FROM (SELECT e.a AS id, n.lbl AS lbl, COUNT(*) AS cnt
                    FROM (SELECT src AS a, dst AS b FROM edges
                          UNION ALL
                          SELECT dst AS a, src AS b FROM edges) e
                    JOIN cdlp n ON n.id = e.b
                    GROUP BY e.a, n.lbl) u
              GROUP BY u.id) mx ON mx.id = t.id AND mx.cnt = t.cnt
        GROUP BY t.id
    ) m ON m.id = v.id
  UNTIL {{iterations}} ITERATIONS
)
SELECT id, lbl AS value FROM cdlp ORDER BY id;
