-- Stop tests: FIXPOINT, n ITERATIONS, conditions with previous and delta,
-- and their combinations.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 5 ITERATIONS) SELECT i FROM t;

-- 0 ITERATIONS: the initial state is the result.
WITH ITERATE t(i) AS (SELECT 42 ITERATE SELECT i + 1 FROM t UNTIL 0 ITERATIONS) SELECT i FROM t;

-- A condition on the new state.
WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i * 2 FROM t UNTIL (SELECT i FROM t) > 100) SELECT i FROM t;

-- A condition on the new and previous state.
WITH ITERATE t(x) AS (
    SELECT CAST(1.0 AS DOUBLE)
  ITERATE
    SELECT (x + 2.0 / x) / 2 FROM t
  UNTIL (SELECT ABS(c.x - p.x) FROM t c, previous.t p) < 1e-12
)
SELECT ROUND(x, 10) AS sqrt2 FROM t;

-- The first stop that holds ends the loop.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 100 ITERATIONS OR (SELECT i >= 3 FROM t) OR FIXPOINT) SELECT i FROM t;

-- FIXPOINT of a plain state compares multisets: a saturating counter.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT LEAST(i + 1, 4) FROM t UNTIL FIXPOINT) SELECT i FROM t;

-- Keyed: delta in an UNTIL condition (stop when fewer than 2 rows changed).
WITH ITERATE t(k, v) KEY (k) AS (
    SELECT 1, 0 UNION ALL SELECT 2, 0 UNION ALL SELECT 3, 0
  ITERATE
    SELECT k, v + 1 FROM t WHERE v < k
  UNTIL (SELECT COUNT(*) FROM delta.t) < 2
)
SELECT k, v FROM t ORDER BY k;

-- Keyed: new keys are inserted, existing ones replaced.
WITH ITERATE t(k, v) KEY (k) AS (
    SELECT 1, 'a'
  ITERATE
    SELECT k + 1, 'b' FROM delta.t WHERE k < 3
    UNION ALL SELECT 1, 'z' FROM delta.t WHERE k = 1
  UNTIL FIXPOINT
)
SELECT k, v FROM t ORDER BY k;

-- Column names from the initial query; the types from it too.
WITH ITERATE t AS (SELECT 1 AS n, 'x' AS s ITERATE SELECT n + 1, s || 'x' FROM t UNTIL 2 ITERATIONS) SELECT n, s, typeof(n) AS tn FROM t;

-- String literals, DuckDB's spellings, LIMIT ... OFFSET.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS)
SELECT i, 'it''s' || ' ok' AS s, CAST(i AS INTEGER) AS c, 7 // 2 AS d, i IS NOT DISTINCT FROM 3 AS same FROM t LIMIT 1 OFFSET 0;
