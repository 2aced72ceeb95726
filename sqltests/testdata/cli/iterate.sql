-- WITH ITERATE through the CLI: results print like any other query.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL 5 ITERATIONS) SELECT i FROM t;

CREATE TABLE nodes AS SELECT range AS id FROM range(1, 8);
CREATE TABLE edges(src INTEGER, dst INTEGER);
INSERT INTO edges VALUES (1, 2), (2, 3), (4, 5), (5, 6), (6, 4);
-- Connected components (7 is alone), both directions of each edge.
CREATE VIEW uedges AS SELECT src, dst FROM edges UNION SELECT dst, src FROM edges;

WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN uedges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size, MAX(id) AS last FROM cc GROUP BY comp ORDER BY comp;

WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN uedges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) AS components FROM cc;

.mode csv
-- A convergence test with previous.
WITH ITERATE h(x) AS (
    SELECT CAST(1.0 AS DOUBLE)
  ITERATE
    SELECT x / 2 FROM h
  UNTIL (SELECT abs(c.x - p.x) FROM h c, previous.h p) < 0.01
)
SELECT x FROM h;
.mode table


-- EXPLAIN ANALYZE runs the loop and prints one row per iteration;
-- explain_timing = off leaves out the milliseconds so the output is stable.
SET explain_timing = off;
EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
