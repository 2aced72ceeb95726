-- EXPLAIN prints the compiled DuckDB SQL of each part, the stop tests and the settings.
CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,1)) t(src, dst);
CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;
EXPLAIN WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) FROM cc;

-- The keyed strategy, and why: a step that keeps the key and reads no
-- join runs chunks of iterations in one recursive query; one that may
-- yield a key twice takes the MERGE path.
EXPLAIN WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT k, v + 1 FROM t WHERE v < 5 UNTIL FIXPOINT) SELECT v FROM t;
EXPLAIN WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT k % 2, v + 1 FROM t WHERE v < 5 UNTIL FIXPOINT) SELECT v FROM t;

EXPLAIN WITH ITERATE t(x) AS (SELECT 1.0 ITERATE SELECT x / 2 FROM t UNTIL 10 ITERATIONS OR (SELECT ABS(c.x - p.x) FROM t c, previous.t p) < 0.01) SELECT x FROM t;

-- EXPLAIN ANALYZE runs it: one row per iteration (milliseconds hidden here
-- so the output is stable).
SET explain_timing = off;
EXPLAIN ANALYZE WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) FROM cc;
EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT LEAST(i + 1, 3) FROM t UNTIL FIXPOINT) SELECT i FROM t;
