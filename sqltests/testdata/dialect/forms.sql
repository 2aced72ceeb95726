-- WITH ITERATE stands wherever DuckDB takes a query. (forms.out.csv is
-- written beside this file; .gitignore keeps it out.)
CREATE TABLE kept AS
WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 3 ITERATIONS)
SELECT i FROM c;
SELECT * FROM kept;

CREATE OR REPLACE TEMP TABLE kept2 AS WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 2 FROM c UNTIL 2 ITERATIONS) SELECT i AS j FROM c;
SELECT * FROM kept2;

INSERT INTO kept WITH ITERATE c(i) AS (SELECT 10 ITERATE SELECT i + 1 FROM c UNTIL 3 ITERATIONS) SELECT i FROM c;
INSERT INTO kept BY NAME WITH ITERATE c(x) AS (SELECT 20 ITERATE SELECT x + 1 FROM c UNTIL 3 ITERATIONS) SELECT x AS i FROM c;
SELECT * FROM kept ORDER BY i;

COPY (WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 5 ITERATIONS) SELECT i, 'done' AS s FROM c) TO 'forms.out.csv' (HEADER);
SELECT * FROM read_csv('forms.out.csv');

SELECT x.i * 2 AS twice, y.n
FROM (WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 5 ITERATIONS) SELECT i FROM c) AS x,
     (SELECT 7 AS n) AS y;

-- EXPLAIN shows the plan with the statement around the final query;
-- EXPLAIN ANALYZE runs it.
EXPLAIN INSERT INTO kept WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 1 ITERATIONS) SELECT i FROM c;
SELECT count(*) AS rows_still_3 FROM kept;
SET explain_timing = off;
EXPLAIN ANALYZE CREATE TABLE kept3 AS WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 2 ITERATIONS) SELECT i FROM c;
SELECT * FROM kept3;

-- A view would run the loop on every read: refused, with what to write.
CREATE VIEW v AS WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 3 ITERATIONS) SELECT i FROM c;
-- One WITH ITERATE per statement.
SELECT * FROM (WITH ITERATE a(i) AS (SELECT 0 ITERATE SELECT i FROM a UNTIL 1 ITERATIONS) SELECT i FROM a),
              (WITH ITERATE b(i) AS (SELECT 0 ITERATE SELECT i FROM b UNTIL 1 ITERATIONS) SELECT i FROM b);
-- An error in the statement around the query is found before iteration 1.
INSERT INTO missing_table WITH ITERATE c(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM c UNTIL 1000000 ITERATIONS) SELECT i FROM c;
SELECT count(*) AS leftover_tables FROM duckdb_tables() WHERE table_name LIKE '__itersql%';
