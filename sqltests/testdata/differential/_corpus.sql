-- The corpus of TestDifferential (sqltests/differential_test.go): DuckDB
-- queries that must mean the same inside WITH ITERATE as run directly.
--
-- Each query ends with ';' and has, on the line just above it, a comment
-- "-- category: what it tests". The tables (people, depts, edges, nums,
-- groups, key, range, rows, prices, trades) and the files people.csv and
-- events.parquet are made by the test (diffFixtures). A query whose
-- result depends on row order has ORDER BY on unique keys; rows are
-- otherwise compared as multisets. A scalar query (SELECT of one
-- expression, no alias, no clause) is also tried as an UNTIL condition.

-- join: INNER JOIN with ON
SELECT p.id, p.name, d.floor FROM people p INNER JOIN depts d ON p.dept = d.dept;

-- join: LEFT JOIN keeps people without a matching department
SELECT p.id, d.floor FROM people p LEFT JOIN depts d ON p.dept = d.dept;

-- join: RIGHT JOIN keeps departments without people
SELECT p.id, d.dept, d.floor FROM people p RIGHT JOIN depts d ON p.dept = d.dept;

-- join: FULL OUTER JOIN
SELECT p.id, d.dept FROM people p FULL OUTER JOIN depts d ON p.dept = d.dept;

-- join: CROSS JOIN
SELECT p.id, d.floor FROM people p CROSS JOIN depts d WHERE p.id <= 2;

-- join: comma join with an equality in WHERE, on a skewed key
SELECT e.src, e.dst, p.name FROM edges e, people p WHERE e.src = p.id;

-- join: self join on a skewed key, grouped
SELECT a.src, count(*) AS n FROM edges a JOIN edges b ON a.dst = b.src GROUP BY a.src;

-- join: SEMI JOIN
SELECT p.id, p.name FROM people p SEMI JOIN depts d ON p.dept = d.dept;

-- join: ANTI JOIN with USING
SELECT id, name FROM people ANTI JOIN depts USING (dept);

-- join: POSITIONAL JOIN pairs rows by position
SELECT people.id, depts.dept FROM people POSITIONAL JOIN depts;

-- join: ASOF JOIN takes the latest price at or before each trade
SELECT t.ticker, t.ts, t.qty, p.price FROM trades t ASOF JOIN prices p ON t.ticker = p.ticker AND t.ts >= p.ts;

-- join: ASOF LEFT JOIN keeps trades before any price
SELECT t.ticker, t.ts, p.price FROM trades t ASOF LEFT JOIN prices p ON t.ticker = p.ticker AND t.ts >= p.ts;

-- join: NATURAL JOIN on the shared column dept
SELECT * FROM people NATURAL JOIN depts;

-- join: USING, the merged column read unqualified
SELECT dept, id, floor FROM people JOIN depts USING (dept);

-- join: LEFT JOIN USING with SELECT *, one dept column
SELECT * FROM depts LEFT JOIN people USING (dept);

-- join: LATERAL subquery reading the outer row
SELECT p.id, l.x FROM people p, LATERAL (SELECT p.id * 10 AS x) l;

-- join: LATERAL unnest of a list column
SELECT p.id, t.tag FROM people p, LATERAL unnest(p.tags) AS t(tag);

-- join: LEFT JOIN LATERAL ... ON true with an aggregate
SELECT p.id, l.n FROM people p LEFT JOIN LATERAL (SELECT count(*) AS n FROM groups g WHERE g.member = p.id) l ON true;

-- join: range join on BETWEEN, against a table named range
SELECT p.id, r.lo, r.hi FROM people p JOIN range r ON p.id BETWEEN r.lo AND r.hi;

-- join: SELECT * over a join keeps both dept columns
SELECT * FROM people p JOIN depts d ON p.dept = d.dept;

-- join: INNER JOIN on a skewed key, grouped by the other side
SELECT p.dept, count(*) AS n FROM people p JOIN edges e ON e.src = p.id GROUP BY p.dept;

-- join: LEFT JOIN on a skewed key with a sum
SELECT e.src, sum(p.id) AS s FROM edges e LEFT JOIN people p ON p.id = e.dst GROUP BY e.src;

-- join: RIGHT JOIN with a count per department
SELECT d.dept, count(p.id) AS n FROM people p RIGHT JOIN depts d ON p.dept = d.dept GROUP BY d.dept;

-- join: a two-hop path over a skewed key
SELECT e.src, f.dst FROM edges e JOIN edges f ON e.dst = f.src WHERE f.dst = 1;

-- join: a scalar count over an ANTI JOIN
SELECT (SELECT count(*) FROM people ANTI JOIN depts USING (dept));

-- join: a scalar count over a POSITIONAL JOIN
SELECT (SELECT count(*) FROM people POSITIONAL JOIN depts);

-- literal: VALUES with column aliases and NULLs
SELECT * FROM (VALUES (1, 'a'), (2, NULL), (NULL, 'c')) v(n, s);

-- literal: a bare VALUES statement (columns col0, col1)
VALUES (1, 2.5), (3, 4.25);

-- literal: a list with a NULL
SELECT [1, 2, NULL, 4];

-- literal: a nested list, indexed from 1
SELECT [[1, 2], [3]][2][1];

-- literal: a struct
SELECT {'a': 1, 'b': 'x'};

-- literal: struct field access with dots
SELECT {'a': 1, 'b': {'c': 2.5}}.b.c;

-- literal: a map
SELECT MAP {'k1': 1, 'k2': 2};

-- literal: a map lookup
SELECT MAP {'k1': 10, 'k2': 20}['k2'];

-- literal: a dollar-quoted string with quotes inside
SELECT $$it's a "test"$$;

-- literal: an E'' string with escapes
SELECT E'a\tb\\c';

-- literal: a backslash in a plain string is literal
SELECT 'a\nb';

-- literal: an interval
SELECT INTERVAL 3 DAY;

-- literal: an interval from a string
SELECT INTERVAL '1 year 2 months';

-- literal: a date and a timestamp
SELECT DATE '2024-02-29', TIMESTAMP '2024-02-29 12:34:56';

-- literal: an 80-digit decimal literal
SELECT 12345678901234567890123456789012345678901234567890123456789012345678901234567890.5;

-- literal: a decimal literal is DECIMAL, not DOUBLE
SELECT 0.1 + 0.2;

-- literal: scientific notation is DOUBLE
SELECT 1e3;

-- literal: a bare NULL
SELECT NULL;

-- literal: boolean literals
SELECT true AND NOT false;

-- cast: :: to INTEGER
SELECT '42'::INTEGER;

-- cast: CAST AS INTEGER keeps a 32-bit INTEGER
SELECT CAST(id AS INTEGER) AS i FROM people;

-- cast: CAST AS DECIMAL is DECIMAL(18,3)
SELECT CAST(1.23456 AS DECIMAL);

-- cast: CAST AS DECIMAL(p,s) rounds
SELECT id, CAST(salary AS DECIMAL(6,1)) AS s FROM people;

-- cast: CAST AS TINYINT
SELECT CAST(100 AS TINYINT);

-- cast: CAST AS TINYINT overflows (an error)
SELECT CAST(300 AS TINYINT);

-- cast: :: TINYINT overflows on table rows (an error)
SELECT (id * 100)::TINYINT FROM people;

-- cast: CAST AS HUGEINT beyond BIGINT
SELECT CAST(9223372036854775807 AS HUGEINT) + 1;

-- cast: BIGINT addition overflows (an error)
SELECT 9223372036854775807::BIGINT + 1;

-- cast: INTEGER addition overflows (an error)
SELECT 2147483647::INTEGER + 1::INTEGER;

-- cast: CAST AS REAL is single precision
SELECT CAST(0.1 AS REAL);

-- cast: TRY_CAST of a non-number is NULL
SELECT TRY_CAST('abc' AS INTEGER);

-- cast: TRY_CAST overflow is NULL
SELECT TRY_CAST(300 AS TINYINT);

-- cast: a failing cast (an error)
SELECT 'abc'::INTEGER;

-- cast: a string to a list type
SELECT '[1,2,3]'::INTEGER[];

-- cast: typeof of literals
SELECT typeof(1), typeof(1.5), typeof(2147483648), typeof(1e0);

-- cast: / on integers is a DOUBLE division
SELECT 7 / 2;

-- cast: the types of a table's columns survive
SELECT i, t, h, r, d, b FROM nums;

-- operator: || with NULL is NULL
SELECT 'a' || NULL;

-- operator: || over columns with NULLs
SELECT id, name || '-' || dept AS label FROM people;

-- operator: || concatenates lists
SELECT [1, 2] || [3];

-- operator: // integer division, rounding down
SELECT 7 // 2;

-- operator: // and % with negative numbers
SELECT -7 // 2, -7 % 3;

-- operator: ~ is bitwise NOT
SELECT ~5;

-- operator: ^ is power, not XOR
SELECT 2 ^ 10;

-- operator: bitwise & | <<
SELECT 6 & 3, 6 | 3, 1 << 4;

-- operator: - -x is double negation
SELECT - -5;

-- operator: - -x on a column
SELECT id, - -id AS same FROM people;

-- operator: GLOB
SELECT id, name FROM people WHERE name GLOB '?e*';

-- operator: GLOB as a scalar
SELECT 'data.csv' GLOB '*.csv';

-- operator: LIKE is case-sensitive
SELECT 'Abc' LIKE 'a%';

-- operator: ILIKE
SELECT id FROM people WHERE name ILIKE '%E%';

-- operator: IS DISTINCT FROM with NULL on one side
SELECT 1 IS DISTINCT FROM NULL;

-- operator: IS NOT DISTINCT FROM with NULL on both sides
SELECT NULL IS NOT DISTINCT FROM NULL;

-- operator: IS NOT DISTINCT FROM in a join matches NULL keys
SELECT p.id, d.floor FROM people p JOIN depts d ON p.dept IS NOT DISTINCT FROM d.dept;

-- operator: date - INTERVAL
SELECT DATE '2024-03-31' - INTERVAL 1 MONTH;

-- operator: date - date is a number of days
SELECT DATE '2024-03-01' - DATE '2024-02-01';

-- operator: date - integer is a date
SELECT DATE '2024-03-01' - 1;

-- operator: string slicing
SELECT 'hello'[2:3];

-- operator: integer division by zero
SELECT 1 // 0;

-- operator: comparison chains with BETWEEN and NULL
SELECT 2 BETWEEN 1 AND NULL;

-- tablefn: range() excludes the stop, its column is named range
SELECT * FROM range(5);

-- tablefn: range with a step
SELECT range FROM range(0, 10, 3);

-- tablefn: generate_series includes the stop
SELECT * FROM generate_series(1, 3);

-- tablefn: generate_series of timestamps
SELECT * FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-03', INTERVAL 1 DAY);

-- tablefn: read_csv of a file, types sniffed
SELECT * FROM read_csv('people.csv');

-- tablefn: read_csv with named options
SELECT * FROM read_csv('people.csv', header = true, columns = {'id': 'INTEGER', 'name': 'VARCHAR', 'amount': 'DOUBLE'});

-- file: a CSV file as a table
SELECT count(*), count(DISTINCT id) FROM 'people.csv';

-- file: a Parquet file as a table
SELECT * FROM 'events.parquet';

-- file: read_parquet, grouped
SELECT kind, sum(n) AS total FROM read_parquet('events.parquet') GROUP BY kind;

-- tablefn: unnest in the select list
SELECT unnest([1, 2, 3]);

-- tablefn: unnest of a list column, one row per element
SELECT id, unnest(tags) AS tag FROM people;

-- tablefn: unnest in FROM with an alias
SELECT * FROM unnest([10, 20]) AS u(v);

-- clause: QUALIFY
SELECT id, dept, row_number() OVER (PARTITION BY dept ORDER BY id) AS rn FROM people QUALIFY rn = 1;

-- clause: GROUP BY ALL
SELECT dept, count(*) AS n FROM people GROUP BY ALL;

-- clause: ORDER BY ALL
SELECT dept, id FROM people ORDER BY ALL;

-- clause: SELECT * EXCLUDE
SELECT * EXCLUDE (tags, born) FROM people;

-- clause: SELECT * REPLACE
SELECT * REPLACE (upper(name) AS name) FROM people;

-- clause: COLUMNS with a regular expression
SELECT COLUMNS('^(id|name)$') FROM people;

-- clause: an aggregate over COLUMNS(*)
SELECT max(COLUMNS(* EXCLUDE (tags))) FROM people;

-- clause: DISTINCT ON
SELECT DISTINCT ON (dept) dept, id FROM people ORDER BY dept, id;

-- clause: FROM-first with SELECT after
FROM people SELECT id, name WHERE id > 3;

-- clause: FROM alone
FROM depts;

-- clause: ORDER BY NULLS FIRST
SELECT id, score FROM people ORDER BY score NULLS FIRST, id;

-- clause: ORDER BY DESC NULLS LAST
SELECT id, dept FROM people ORDER BY dept DESC NULLS LAST, id;

-- clause: LIMIT and OFFSET
SELECT id FROM people ORDER BY id LIMIT 2 OFFSET 1;

-- clause: LIMIT as a percentage
SELECT id FROM people ORDER BY id LIMIT 50%;

-- clause: SELECT without FROM, WHERE false
SELECT 1 AS x WHERE 1 = 0;

-- clause: SELECT without FROM, WHERE true
SELECT 'yes' AS answer WHERE 2 > 1;

-- clause: UNION removes duplicates
SELECT dept FROM people UNION SELECT dept FROM depts;

-- clause: UNION ALL keeps duplicates, over tables named key and groups
SELECT k FROM key UNION ALL SELECT member FROM groups;

-- clause: UNION ALL BY NAME
SELECT 1 AS a, 2 AS b UNION ALL BY NAME SELECT 3 AS b, 4 AS a;

-- clause: EXCEPT
SELECT dept FROM depts EXCEPT SELECT dept FROM people;

-- clause: a select alias used in WHERE
SELECT id * 2 AS dbl FROM people WHERE dbl > 6;

-- clause: GROUP BY a select alias
SELECT upper(dept) AS d, count(*) AS n FROM people GROUP BY d;

-- clause: GROUP BY ROLLUP
SELECT dept, count(*) AS n FROM people GROUP BY ROLLUP (dept);

-- clause: ORDER BY position
SELECT id AS x, name FROM people ORDER BY 1 DESC;

-- aggregate: stddev is the sample one, stddev_pop the population one
SELECT stddev(score), stddev_samp(score), stddev_pop(score) FROM people;

-- aggregate: variance is the sample one, var_pop the population one
SELECT variance(score), var_samp(score), var_pop(score) FROM people;

-- aggregate: list with ORDER BY
SELECT list(name ORDER BY id DESC) FROM people;

-- aggregate: string_agg with ORDER BY
SELECT dept, string_agg(name, ',' ORDER BY name) AS names FROM people GROUP BY dept;

-- aggregate: FILTER (WHERE ...)
SELECT count(*) FILTER (WHERE score > 1) AS high, sum(id) FILTER (WHERE dept = 'eng') AS eng FROM people;

-- aggregate: mode
SELECT mode(dept) FROM people;

-- aggregate: arg_min and arg_max
SELECT arg_min(name, born), arg_max(id, salary) FROM people;

-- aggregate: count(*), count(col) and count(DISTINCT col)
SELECT count(*), count(dept), count(DISTINCT dept) FROM people;

-- aggregate: avg of integers is DOUBLE, sum of INTEGER is HUGEINT
SELECT avg(id), sum(id) FROM people;

-- aggregate: sum of a DECIMAL stays DECIMAL
SELECT sum(salary), avg(salary) FROM people;

-- aggregate: median and quantile_cont
SELECT median(salary), quantile_cont(score, 0.5) FROM people;

-- aggregate: first with ORDER BY
SELECT dept, first(name ORDER BY id) AS first_name FROM people GROUP BY dept;

-- aggregate: aggregates over no rows
SELECT sum(id), count(*), max(name) FROM people WHERE false;

-- aggregate: GROUP BY a key with NULLs and duplicates
SELECT k, count(*) AS n FROM key GROUP BY k;

-- aggregate: bool_and and bool_or with NULLs
SELECT bool_and(b), bool_or(b) FROM nums;

-- window: rank and dense_rank with ties
SELECT id, rank() OVER (ORDER BY salary DESC NULLS LAST) AS r, dense_rank() OVER (ORDER BY salary DESC NULLS LAST) AS dr FROM people;

-- window: a ROWS frame
SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM people;

-- window: lag with a default and lead
SELECT id, lag(id, 1, 0) OVER (ORDER BY id) AS prev, lead(name) OVER (ORDER BY id) AS next FROM people;

-- window: a named WINDOW
SELECT id, min(id) OVER w AS lo, max(id) OVER w AS hi FROM people WINDOW w AS (PARTITION BY dept);

-- window: a RANGE frame over dates with an interval
SELECT id, count(*) OVER (ORDER BY born RANGE BETWEEN INTERVAL 10 YEAR PRECEDING AND CURRENT ROW) AS n FROM people;

-- window: a GROUPS frame
SELECT id, sum(id) OVER (ORDER BY dept GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM people;

-- window: ntile and percent_rank
SELECT id, ntile(2) OVER (ORDER BY id) AS half, percent_rank() OVER (ORDER BY id) AS pr FROM people;

-- cte: a CTE
WITH e AS (SELECT * FROM people WHERE dept = 'eng') SELECT count(*) AS n FROM e;

-- cte: a CTE named it, like the iterated table, shadows it
WITH it AS (SELECT 42 AS answer) SELECT * FROM it;

-- cte: a CTE named it over a base table
WITH it AS (SELECT id FROM people WHERE id < 3) SELECT id FROM it;

-- cte: a scalar subquery reading a CTE named it
SELECT (WITH it AS (SELECT 7 AS v) SELECT v FROM it);

-- cte: a scalar recursive CTE
SELECT (WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) FROM r);

-- cte: recursive CTE counting
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r;

-- cte: recursive CTE for reachability with UNION
WITH RECURSIVE reach(v) AS (SELECT 1 UNION SELECT e.dst FROM reach JOIN edges e ON e.src = reach.v WHERE e.dst IS NOT NULL) SELECT v FROM reach;

-- cte: a MATERIALIZED CTE
WITH m AS MATERIALIZED (SELECT dept, count(*) AS n FROM people GROUP BY dept) SELECT * FROM m;

-- cte: an inner CTE shadows an outer one of the same name
WITH a AS (SELECT 1 AS v) SELECT * FROM (WITH a AS (SELECT 2 AS v) SELECT v FROM a) UNION ALL SELECT v FROM a;

-- null: NOT IN a list with NULL is NULL
SELECT 1 NOT IN (2, NULL);

-- null: IN a list with NULL is true when found
SELECT 2 IN (2, NULL);

-- null: NOT IN a subquery with a NULL keeps no row
SELECT id FROM people WHERE id NOT IN (SELECT k FROM key);

-- null: NULL = NULL is NULL
SELECT NULL = NULL;

-- null: coalesce, nullif and ifnull
SELECT coalesce(NULL, NULL, 3), nullif(1, 1), ifnull(NULL, 'x');

-- null: three-valued AND
SELECT NULL AND false;

-- null: three-valued OR
SELECT NULL OR true;

-- null: ORDER BY puts NULLs last by default
SELECT id, dept FROM people ORDER BY dept, id;

-- null: CASE NULL WHEN NULL does not match
SELECT CASE NULL WHEN NULL THEN 'eq' ELSE 'ne' END;

-- null: greatest and least ignore NULLs
SELECT greatest(1, NULL, 3), least(NULL, 2);

-- null: concat() skips NULLs
SELECT concat('a', NULL, 'b');

-- null: > ALL over a set with a NULL
SELECT id FROM people WHERE salary > ALL (SELECT salary FROM people WHERE dept = 'ops');

-- lambda: list_transform with an arrow lambda
SELECT list_transform([1, 2, 3], x -> x * 2);

-- lambda: list_filter
SELECT list_filter([1, 2, 3, 4], x -> x % 2 = 0);

-- lambda: list_reduce with two parameters
SELECT list_reduce([1, 2, 3, 4], (a, b) -> a + b);

-- lambda: a lambda over a list column
SELECT id, list_transform(tags, t -> upper(t)) AS up FROM people;

-- lambda: a list comprehension
SELECT [x * x FOR x IN [1, 2, 3] IF x > 1];

-- list: list functions
SELECT list_sort([3, 1, 2]), len([1, 2]), list_contains([1, 2], 2), list_sort(list_distinct([1, 1, 2]));

-- list: a slice
SELECT [1, 2, 3, 4][2:3];

-- list: indexes start at 1
SELECT [10, 20, 30][1];

-- name: a column named current_role, in a table named rows
SELECT n, current_role FROM rows;

-- name: tables named groups and key
SELECT g.id, g.member, k.v FROM groups g JOIN key k ON g.id = k.k;

-- name: a table named range, not the range() function
SELECT * FROM range;

-- name: a table named rows, counted
SELECT count(*) FROM rows WHERE current_role = 'admin';

-- name: a column named group, quoted
SELECT "group", count(*) AS n FROM groups GROUP BY "group";

-- name: duplicate column names in the result
SELECT id, id FROM people;

-- name: expression columns named by DuckDB
SELECT id + 1, upper(name) FROM people;

-- name: a mixed-case quoted alias
SELECT 1 AS "MiXeD";

-- function: string functions on multibyte text
SELECT upper('abc'), substring('héllo', 2, 3), length('héllo'), strlen('héllo');

-- function: regexp_replace with the g option
SELECT regexp_replace('a1b2', '[0-9]', 'X', 'g');

-- function: date functions
SELECT date_trunc('month', DATE '2024-02-29'), extract(year FROM DATE '2024-02-29'), dayofweek(DATE '2024-02-29');

-- function: round half away from zero
SELECT round(2.5), round(-2.5), round(1.2345, 2);

-- function: a searched CASE over a table
SELECT id, CASE WHEN score > 3 THEN 'high' WHEN score > 0 THEN 'low' ELSE 'none' END AS band FROM people;

-- aggregate: a scalar stddev (the sample one)
SELECT (SELECT stddev(score) FROM people);

-- aggregate: a condition on variance (the sample one is above 4)
SELECT (SELECT variance(score) FROM people) > 4;

-- aggregate: a condition on a FILTER count
SELECT (SELECT count(*) FILTER (WHERE score > 1) FROM people) = 3;

-- window: a scalar over a window function
SELECT (SELECT max(r) FROM (SELECT rank() OVER (ORDER BY salary DESC NULLS LAST) AS r FROM people));

-- tablefn: a scalar over range()
SELECT (SELECT sum(range) FROM range(5));

-- file: a scalar over a Parquet file
SELECT (SELECT sum(n) FROM 'events.parquet');

-- name: a scalar over the table rows and its column current_role
SELECT (SELECT count(*) FROM rows WHERE current_role IS NOT NULL);

-- name: EXISTS over tables named groups and key
SELECT EXISTS (SELECT 1 FROM groups g JOIN key k ON g.id = k.k);

-- clause: a scalar FROM-first subquery
SELECT (FROM people SELECT max(id));

-- clause: a scalar count over QUALIFY
SELECT (SELECT count(*) FROM (SELECT id FROM people QUALIFY row_number() OVER (PARTITION BY dept ORDER BY id) = 1));

-- null: a typed NULL IS NULL
SELECT NULL::INTEGER IS NULL;

-- operator: date - INTERVAL compared with a date
SELECT DATE '2024-03-31' - INTERVAL 1 MONTH = DATE '2024-02-29';

-- literal: list equality
SELECT [1, 2, 3] = [1, 2, 3];

-- lambda: a condition on a lambda's result
SELECT list_sum(list_transform([1, 2, 3], x -> x * 2)) = 12;

-- subquery: a correlated scalar subquery
SELECT id, (SELECT floor FROM depts d WHERE d.dept = p.dept) AS floor FROM people p;

-- subquery: EXISTS
SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM edges e WHERE e.src = p.id);

-- subquery: a scalar subquery as an expression
SELECT (SELECT max(floor) FROM depts) > 5;

-- error: an unknown column
SELECT nope FROM people;

-- error: an unknown table
SELECT * FROM no_such_table;

-- error: a scalar subquery returning more than one row
SELECT (SELECT id FROM people) > 0;
