-- The tables the differential corpus (_corpus.sql) reads: NULLs, duplicates,
-- several types, names that are keywords elsewhere (groups, key, range, rows, a
-- column current_role), and a skewed join key (edges.src = 1) for the split.
-- Read by sqltests/differential_test.go and internal/sparksql/differential_test.go.
CREATE TABLE people(id INTEGER, name VARCHAR, dept VARCHAR, salary DECIMAL(10,2), born DATE, score DOUBLE, tags VARCHAR[]);
INSERT INTO people VALUES
	    (1, 'Ann', 'eng', 100.50, DATE '1990-01-15', 3.5, ['a', 'b']),
	    (2, 'Bob', 'eng', 80.00, DATE '1985-06-01', NULL, ['b']),
	    (3, 'Cid', 'ops', NULL, DATE '2000-02-29', 2.25, []),
	    (4, 'Dee', NULL, 55.25, NULL, -1.0, NULL),
	    (5, 'Eve', 'ops', 80.00, DATE '1995-12-31', 3.5, ['c', 'a']),
	    (6, NULL, 'eng', 120.00, DATE '1979-07-04', 0.0, ['a']);
CREATE TABLE depts(dept VARCHAR, floor INTEGER, budget BIGINT);
INSERT INTO depts VALUES ('eng', 3, 1000000), ('ops', 1, 250000), ('hr', 2, NULL), (NULL, 9, 1);
CREATE TABLE edges(src INTEGER, dst INTEGER);
INSERT INTO edges VALUES (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 3), (3, 1), (4, 5), (5, 1), (6, NULL);
CREATE TABLE nums(i INTEGER, t TINYINT, h HUGEINT, r REAL, d DECIMAL(18,3), b BOOLEAN);
INSERT INTO nums VALUES
	    (1, 1, 170141183460469231731687303715884105727, 0.5, 1.125, true),
	    (-7, -128, -1, 1.25, -0.001, false),
	    (NULL, NULL, NULL, NULL, NULL, NULL),
	    (100, 127, 0, -2.5, 999.999, true);
CREATE TABLE groups(id INTEGER, "group" VARCHAR, member INTEGER);
INSERT INTO groups VALUES (1, 'g1', 1), (1, 'g1', 2), (2, 'g2', 2), (2, 'g2', 2), (3, 'g3', NULL);
CREATE TABLE key(k INTEGER, v VARCHAR);
INSERT INTO key VALUES (1, 'one'), (2, 'two'), (2, 'two'), (NULL, 'none');
CREATE TABLE range(lo INTEGER, hi INTEGER);
INSERT INTO range VALUES (1, 3), (2, 2), (5, NULL);
CREATE TABLE rows(n INTEGER, current_role VARCHAR);
INSERT INTO rows VALUES (1, 'admin'), (2, NULL), (3, 'admin');
CREATE TABLE prices(ticker VARCHAR, ts TIMESTAMP, price DOUBLE);
INSERT INTO prices VALUES
	    ('A', TIMESTAMP '2024-01-01 10:00', 10.0), ('A', TIMESTAMP '2024-01-01 11:00', 11.0),
	    ('B', TIMESTAMP '2024-01-01 10:30', 20.0);
CREATE TABLE trades(ticker VARCHAR, ts TIMESTAMP, qty INTEGER);
INSERT INTO trades VALUES
	    ('A', TIMESTAMP '2024-01-01 09:00', 1), ('A', TIMESTAMP '2024-01-01 10:15', 2),
	    ('A', TIMESTAMP '2024-01-01 12:00', 3), ('B', TIMESTAMP '2024-01-01 11:00', 4);
COPY (SELECT * FROM (VALUES ('click', 1, DATE '2024-01-01'), ('view', 5, DATE '2024-01-02'),
	    ('click', 2, NULL), ('buy', NULL, DATE '2024-01-03')) v(kind, n, day)) TO 'events.parquet' (FORMAT parquet);
