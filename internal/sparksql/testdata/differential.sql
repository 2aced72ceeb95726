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

-- function: substring from positions 0 and below
SELECT substring('abcdef', 0, 2), substring('abcdef', -2, 2), substring('abcdef', 2), substring('abcdef', 3, 100), substring(name, id - 2, 2) FROM people ORDER BY id;

-- function: round half away from zero, and to digits
SELECT round(2.5), round(-2.5), round(2.5::DOUBLE), round(-0.5::DOUBLE), round(1.005, 2), round(123.456, -1), round(score, 1) FROM people ORDER BY id;

-- function: greatest and least skip NULLs
SELECT id, greatest(salary, 90), least(score, 1.0), greatest(NULL::INTEGER, NULL::INTEGER) FROM people ORDER BY id;

-- function: string functions on NULLs and edges
SELECT id, upper(name), lower(dept), length(name), left(name, 2), right(name, 2), lpad(name, 5, '*'), rpad(name, 2, '*'), trim('  x  '), replace(name, 'e', 'E'), reverse(name), repeat(name, 2) FROM people ORDER BY id;

-- function: left and right with a negative count
SELECT left('abcdef', -2), right('abcdef', -2), left(name, id - 4), right(name, 2 - id) FROM people ORDER BY id;

-- function: starts_with, contains, instr
SELECT id, starts_with(name, 'E'), contains(name, 'e'), instr(name, 'e'), strpos(name, 'x') FROM people ORDER BY id;

-- function: NULL handling
SELECT id, coalesce(dept, 'none'), ifnull(salary, 0), nullif(dept, 'eng') FROM people ORDER BY id;

-- function: math
SELECT abs(-3), ceil(2.1), floor(-2.1), sqrt(16), exp(0), ln(1), log10(100), log2(8), power(2, 10), sign(-3), 7 % -3, -7 % 3;

-- function: dates
SELECT id, year(born), month(born), day(born), extract(year FROM born), date_part('month', born) FROM people ORDER BY id;

-- aggregate: statistics
SELECT dept, stddev_samp(score), stddev_pop(score), var_samp(score), var_pop(score), avg(salary), median(score), quantile_cont(score, 0.25), bool_and(score > 0), bool_or(score > 3) FROM people GROUP BY dept;

-- aggregate: count forms over NULLs
SELECT count(*), count(dept), count(DISTINCT dept), sum(score), min(name), max(born) FROM people;

-- window: ranking with ties
SELECT id, salary, rank() OVER (ORDER BY salary), dense_rank() OVER (ORDER BY salary), percent_rank() OVER (ORDER BY salary), cume_dist() OVER (ORDER BY salary), ntile(4) OVER (ORDER BY id) FROM people ORDER BY id;

-- window: first_value, last_value, nth_value
SELECT id, first_value(name) OVER (PARTITION BY dept ORDER BY id), last_value(name) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), nth_value(name, 2) OVER (ORDER BY id) FROM people ORDER BY id;

-- window: a RANGE frame with an offset
SELECT id, sum(id) OVER (ORDER BY id RANGE BETWEEN 2 PRECEDING AND CURRENT ROW), avg(salary) OVER (PARTITION BY dept) FROM people ORDER BY id;

-- subquery: correlated scalar and EXISTS
SELECT id, (SELECT max(floor) FROM depts d WHERE d.dept = p.dept) FROM people p WHERE EXISTS (SELECT 1 FROM edges e WHERE e.src = p.id) ORDER BY id;

-- join: LEFT JOIN LATERAL reading the left row
SELECT p.id, x.n FROM people p LEFT JOIN LATERAL (SELECT count(*) AS n FROM edges e WHERE e.src = p.id) x ON true ORDER BY p.id;

-- literal: numbers of every width
SELECT 1, 2147483648, -9223372036854775808, 1.5, 0.001, 1e3, 12345678901234567890.5;

-- cast: strings to numbers and dates
SELECT CAST('42' AS INTEGER), CAST('1.5' AS DOUBLE), CAST('2024-02-29' AS DATE), CAST('12.345' AS DECIMAL(10,2)), TRY_CAST('x' AS INTEGER);

-- cast: booleans to strings and numbers to strings
SELECT CAST(true AS VARCHAR), CAST(1.5::DOUBLE AS VARCHAR), CAST(100.50 AS VARCHAR);

-- cast: a BOOLEAN column to an integer (Spark refuses it, see differential_test.go)
SELECT CAST(b AS INTEGER) FROM nums ORDER BY i;
