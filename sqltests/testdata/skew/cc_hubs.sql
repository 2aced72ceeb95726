-- Connected components on a graph with hub vertices (vertex 1 has 1,500
-- neighbours, vertex 2 has 1,200): the same components with the
-- skewed-join split off and forced on, for the plain and the keyed
-- (semi-naive) forms of ITERATE.md.
SET explain_timing = off;
-- Tasks of 2,000 rows: on tables this small, the hubs would make such a
-- task straggle, so skew_threshold = auto counts them heavy (with the
-- default 1M-row tasks nothing here is).
SET target_task_rows = 2000;
CREATE TABLE e0 AS
  SELECT 1 AS src, i AS dst FROM range(10, 1510) t(i)
  UNION ALL SELECT 2, i FROM range(1510, 2710) t(i)
  UNION ALL SELECT i, i + 1 FROM range(3000, 3300) t(i) WHERE i % 25 <> 0
  UNION ALL SELECT 3, 1;
CREATE TABLE edges AS
  SELECT CAST(src AS BIGINT) AS src, CAST(dst AS BIGINT) AS dst FROM e0
  UNION SELECT dst, src FROM e0;
CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;

SET skew_join = off;
WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;

-- auto: the hubs are heavy (over 1000 rows), so the step is split.
SET skew_join = auto;
EXPLAIN ANALYZE WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;

SET skew_join = on;
SET skew_threshold = 100;
SET partitions = 3;
WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;

-- Keyed: the delta side's key is the state's KEY (unique), so only the
-- edges are measured, once for the whole run.
EXPLAIN WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;

EXPLAIN ANALYZE WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;

SET skew_join = off;
WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC, comp LIMIT 5;
