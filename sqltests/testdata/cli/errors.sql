-- Every error is reported as FILE:LINE:COL and, in a test, the script
-- carries on (bail is off).
SELECT 1 AS before;
SELECT nope;
SELECT * FROM missing_table;
SELECT 1 +;
  SELECT 'indented', nope2;
WITH ITERATE t AS (SELECT 1
  ITERATE SELECT 2 UNTIL BANANAS) SELECT * FROM t;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT x FROM t UNTIL FIXPOINT) SELECT i FROM t;
WITH ITERATE t(i, j) AS (SELECT 0, 0 ITERATE SELECT i FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;
SET max_iterations = 0;
SET max_iterations = 5;
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT i FROM t;
SET progress = 'sometimes';
SELECT 2 AS after;
-- An unterminated string at the end of the script.
SELECT 'never closed;
