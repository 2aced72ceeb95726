-- LDBC Graphalytics weakly connected components, KEY (semi-naive) formulation.
-- Only vertices whose component changed in the previous step (delta.wcc) push
-- their component id to their neighbours (edges in either direction); a
-- neighbour is updated only when the pushed id is smaller than its own.
-- Output: (id, value) with value = smallest vertex id of the component.
WITH ITERATE wcc(id, comp) KEY (id) AS (
    SELECT id, id FROM vertices
  ITERATE
    SELECT e.b, MIN(d.comp)
    FROM delta.wcc d
    JOIN (SELECT src AS a, dst AS b FROM edges
          UNION ALL
          SELECT dst AS a, src AS b FROM edges) e ON e.a = d.id
    JOIN wcc c ON c.id = e.b
    GROUP BY e.b
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT id, comp AS value FROM wcc ORDER BY id;
