-- The dialect differences the printer handles, checked on both engines
-- by TestDifferential over the corpus's fixture tables (same format as
-- sqltests/testdata/differential/_corpus.sql).

-- order: NULLs last when ascending, as DuckDB sorts
SELECT id, salary FROM people ORDER BY salary, id;

-- order: NULLs last when descending
SELECT id, salary FROM people ORDER BY salary DESC, id;

-- order: NULLS FIRST asked for
SELECT dept, id FROM people ORDER BY dept NULLS FIRST, id;

-- order: a window's ORDER BY over NULLs
SELECT id, row_number() OVER (ORDER BY dept, id) AS r FROM people ORDER BY id;

-- order: LIMIT and OFFSET after a NULL-bearing sort
SELECT id FROM people ORDER BY dept, id LIMIT 2 OFFSET 3;

-- operator: // and % truncate toward zero
SELECT i, i // 2, i % 3 FROM nums ORDER BY i;

-- operator: // and % by zero are NULL
SELECT i, i // 0, i % 0 FROM nums ORDER BY i;

-- operator: dividing decimals gives a DOUBLE
SELECT id, salary / 3 FROM people ORDER BY id;

-- operator: || is NULL on a NULL
SELECT id, name || '-' || dept FROM people ORDER BY id;

-- function: concat skips NULLs
SELECT id, concat(name, '-', dept), concat(NULL, NULL) FROM people ORDER BY id;

-- literal: a backslash is no escape in DuckDB
SELECT 'a\b', 'it''s', length('a\b');

-- operator: LIKE has no escape character in DuckDB
SELECT 'a\b' LIKE 'a\b', 'a%' LIKE 'a\%', 'a\xyz' LIKE 'a\%', 'ABC' ILIKE 'a_c';

-- cast: a DOUBLE rounds half to even, a DECIMAL half away from zero
SELECT CAST(2.5::DOUBLE AS INTEGER), CAST(-2.5::DOUBLE AS INTEGER), CAST(3.5::DOUBLE AS INTEGER), CAST(2.5 AS INTEGER), CAST(salary AS INTEGER), CAST(score AS BIGINT) FROM people ORDER BY id;

-- cast: to the types Spark names differently
SELECT CAST(id AS VARCHAR), CAST(salary AS DOUBLE), CAST(born AS VARCHAR), CAST(CAST(born AS TIMESTAMP) AS VARCHAR) FROM people ORDER BY id;

-- aggregate: arg_max and arg_min skip NULL values
SELECT dept, arg_max(name, salary), arg_min(name, born) FROM people GROUP BY dept;

-- join: ANTI JOIN keeps the NULL key
SELECT k, v FROM key ANTI JOIN edges ON key.k = edges.src;

-- join: SEMI JOIN with duplicates on the right keeps one row each
SELECT k, v FROM key SEMI JOIN groups ON key.k = groups.id;

-- subquery: NOT IN with a NULL in the list is never true
SELECT id FROM people WHERE dept NOT IN (SELECT dept FROM depts);

-- operator: IS DISTINCT FROM
SELECT id FROM people WHERE dept IS DISTINCT FROM 'eng';

-- list: indexing counts from 1 and is NULL out of range
SELECT id, tags[1], tags[2], tags[-1], len(tags), list_contains(tags, 'a') FROM people ORDER BY id;

-- set: EXCEPT is distinct and EXCEPT ALL is not
SELECT member FROM groups EXCEPT SELECT 1;

-- set: EXCEPT ALL
SELECT member FROM groups EXCEPT ALL SELECT 2;

-- window: frames and offsets
SELECT id, sum(score) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), lag(name, 2, 'none') OVER (ORDER BY id), lead(id) OVER (PARTITION BY dept ORDER BY id) FROM people ORDER BY id;

-- aggregate: GROUP BY ALL and ROLLUP
SELECT dept, count(*), sum(salary) FROM people GROUP BY ROLLUP (dept);

-- cte: names that are keywords, backquoted
WITH "group" AS (SELECT "group", member FROM groups) SELECT "group", count(member) FROM "group" GROUP BY ALL;
