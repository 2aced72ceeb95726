-- The final query may use DuckDB's whole dialect: when TiDB's parser does
-- not read it, it goes to DuckDB as written, with the name bound to the
-- final state through a CTE.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS)
SELECT i::VARCHAR || '!' AS s, [i, i * 2] AS l FROM t;

-- A final query that starts with its own WITH.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS)
WITH x AS (SELECT i * 2 AS j FROM t) SELECT j::INTEGER AS j FROM x;

-- Errors in such a final query are DuckDB's, at the final query.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS)
SELECT nope::INTEGER FROM t;
