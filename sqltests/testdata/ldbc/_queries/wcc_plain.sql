-- LDBC Graphalytics weakly connected components, plain (whole-state) formulation.
-- Every vertex starts in its own component and repeatedly takes the smallest
-- component id among itself and its neighbours along edges in either direction.
-- Output: (id, value) with value = smallest vertex id of the component.
WITH ITERATE wcc(id, comp) AS (
    SELECT id, id FROM vertices
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM wcc c
    LEFT JOIN (SELECT src AS a, dst AS b FROM edges
               UNION ALL
               SELECT dst AS a, src AS b FROM edges) e ON e.b = c.id
    LEFT JOIN wcc n ON n.id = e.a
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT id, comp AS value FROM wcc ORDER BY id;
