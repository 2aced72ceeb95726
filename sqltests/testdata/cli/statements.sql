-- How a script is cut into statements.
SELECT 1 AS a; SELECT 2 AS b;
SELECT 'semi;colon' AS s, "quoted;name" FROM (SELECT 3 AS "quoted;name");
SELECT 4 AS c -- a comment; with a semicolon
;
/* a block comment; also with one */ SELECT 5 AS d;
SELECT $$dollar; quoted$$ AS e;
SELECT
  6
  AS
  f;
;;
-- Statements that print nothing: DDL, DML, itersql settings.
CREATE TABLE t(i INTEGER);
INSERT INTO t VALUES (1), (2);
SET max_iterations = 100;
-- The last statement may omit its ';'.
SELECT 'no semicolon' AS last
