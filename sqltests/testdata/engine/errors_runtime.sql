-- Errors found while running: each names the part, the iteration and what
-- to do, leaves no temp table behind, and the session goes on.
CREATE TABLE nodes AS SELECT * FROM range(3) r(id);

-- Unknown table and unknown column.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM nodez UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT j + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT missing FROM nodes ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT nope FROM t;

-- Every part is bound before iteration 1: a typo in the final query or a
-- condition of a loop of a million iterations costs none of them, and the
-- error points at the bad token.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 1000000 ITERATIONS)
SELECT i,
       i + nope AS bad
FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL (SELECT max(i) FROM t) > 1000000 OR (SELECT max(j) FROM previous.t) > 3) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 1000000 ITERATIONS) SELECT i FROM t JOIN nodez USING (i);

-- A step with the wrong number of columns; an initial query likewise.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1, 2 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i, j) AS (SELECT 0 ITERATE SELECT i + 1, 2 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT 0, 1 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;

-- A step value that cannot be cast to the state's type (INTEGER, from the initial query).
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT 'seven' FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
-- A value that can be cast is cast.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT '7' FROM t UNTIL 1 ITERATIONS) SELECT i, typeof(i) AS type FROM t;

-- Two rows with one key, in a step and in the initial query.
WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 ITERATE SELECT 1, v + 1 FROM t UNION ALL SELECT 1, 9 UNTIL FIXPOINT) SELECT * FROM t;
WITH ITERATE t(k, v) KEY (k) AS (SELECT 1, 0 UNION ALL SELECT 1, 1 ITERATE SELECT k, v FROM t UNTIL FIXPOINT) SELECT * FROM t;

-- previous.x and delta.x where they do not exist.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM previous.t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM delta.t UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) KEY (i) AS (SELECT 0 ITERATE SELECT i + 1 FROM delta.u UNTIL 3 ITERATIONS) SELECT i FROM t;
WITH ITERATE t(i) KEY (i) AS (SELECT 0 ITERATE SELECT i + 1 FROM delta.t UNTIL 3 ITERATIONS) SELECT i FROM delta.t;
WITH ITERATE t(i) AS (SELECT i FROM t ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;

-- A loop that never stops hits max_iterations.
SET max_iterations = 50;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT i FROM t;
SET max_iterations = 'many';
SET max_iterations = 10000;

-- A diverging state stops at max_state_rows, before it is materialized.
SET max_state_rows = 1000;
WITH ITERATE t(i) AS (SELECT 1 ITERATE SELECT i FROM t UNION ALL SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT count(*) FROM t;
WITH ITERATE t(k) KEY (k) AS (SELECT 1 ITERATE SELECT k * 2 FROM delta.t UNION ALL SELECT k * 2 + 1 FROM delta.t UNTIL FIXPOINT) SELECT count(*) FROM t;
SET max_state_rows = 0;

-- The session is still usable, and nothing leaked.
SELECT 'still here' AS status;
SELECT count(*) AS leftover_tables FROM duckdb_tables() WHERE table_name LIKE '__itersql%';
