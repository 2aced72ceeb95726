-- DuckDB's dialect inside the parts means what it means in DuckDB: each
-- of these was changed or refused when the parts went through a MySQL
-- grammar. (sqltests/differential_test.go checks a larger corpus, each
-- query in every part, against DuckDB run directly.)
CREATE TABLE l AS SELECT * FROM (VALUES (1, 'a'), (2, NULL), (3, 'c')) v(k, s);
CREATE TABLE r AS SELECT * FROM (VALUES (1), (3)) v(k);
CREATE TABLE groups AS SELECT range AS user_id, range % 3 AS group_id FROM range(6);

-- ANTI and SEMI joins, || with NULL, sample stddev, DECIMAL casts, types kept.
WITH ITERATE t(k, s) AS (
    SELECT l.k, l.s FROM l ANTI JOIN r ON l.k = r.k
  ITERATE
    SELECT t.k, t.s || 'x' FROM t SEMI JOIN l ON l.k = t.k
  UNTIL 1 ITERATIONS
)
SELECT k, s, stddev(k) OVER () AS sd, CAST(2.5 AS DECIMAL) AS d FROM t;
-- A TINYINT overflow is an error, as in DuckDB.
WITH ITERATE t(x) AS (SELECT 1 ITERATE SELECT x FROM t UNTIL 1 ITERATIONS) SELECT CAST(300 AS TINYINT) FROM t;

WITH ITERATE t(x) AS (SELECT CAST(2.5 AS DECIMAL) ITERATE SELECT x + 1 FROM t UNTIL 1 ITERATIONS)
SELECT x, typeof(x) AS type FROM t;
WITH ITERATE t(x) AS (SELECT 1::HUGEINT ITERATE SELECT x * 170141183460469231731687303715884105727 FROM t UNTIL 1 ITERATIONS)
SELECT x, typeof(x) AS type FROM t;
WITH ITERATE t(x) AS (SELECT 1::TINYINT ITERATE SELECT x + 127 FROM t UNTIL 1 ITERATIONS) SELECT x FROM t;

-- Files, table functions, lists, structs, lambdas, QUALIFY, GROUP BY ALL,
-- a table named groups.
WITH ITERATE t AS (
    SELECT range AS i, [range, range * 2] AS l, {'a': range} AS st FROM range(3)
  ITERATE
    SELECT i + 1, list_transform(l, x -> x + 1), {'a': st.a + 1} FROM t
    QUALIFY row_number() OVER (ORDER BY i) <= 3
  UNTIL 2 ITERATIONS
)
SELECT i, l, st, count(*) AS n FROM t GROUP BY ALL ORDER BY ALL;

WITH ITERATE g(group_id, members) KEY (group_id) AS (
    SELECT group_id, count(*) FROM groups GROUP BY ALL
  ITERATE
    SELECT group_id, members + 1 FROM delta.g WHERE members < 3
  UNTIL FIXPOINT
)
FROM g SELECT * EXCLUDE (members), members::VARCHAR AS m ORDER BY group_id NULLS FIRST;

-- A CTE named like the iterated table shadows it, as in DuckDB.
WITH ITERATE t(i) AS (SELECT 1 ITERATE WITH t AS (SELECT 100 AS i) SELECT i + 1 FROM t UNTIL 2 ITERATIONS) SELECT i FROM t;
-- A quoted name in another case is the same name, as in DuckDB.
WITH ITERATE "Foo"(i) AS (SELECT 1 ITERATE SELECT i + 1 FROM foo UNTIL 2 ITERATIONS) SELECT i FROM "FOO";
-- Names MySQL reserves, and - -x.
WITH ITERATE t(current_role, key) AS (SELECT 1, 2 ITERATE SELECT - -current_role, key FROM t UNTIL 1 ITERATIONS) SELECT * FROM t;
-- An 80-digit decimal literal is DuckDB's to judge.
WITH ITERATE t(x) AS (SELECT 12345678901234567890123456789012345678901234567890123456789012345678901234567890.5 ITERATE SELECT x FROM t UNTIL 1 ITERATIONS) SELECT typeof(x) FROM t;
-- SELECT without FROM, with WHERE; date arithmetic.
WITH ITERATE t(d) AS (SELECT DATE '2024-03-01' WHERE TRUE ITERATE SELECT d - INTERVAL 1 DAY FROM t UNTIL 1 ITERATIONS) SELECT d FROM t;
