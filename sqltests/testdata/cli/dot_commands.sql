-- Dot commands: at the start of a line, when no statement is pending.
.tables
CREATE TABLE nodes(id INTEGER PRIMARY KEY, name VARCHAR);
CREATE TABLE edges(src INTEGER, dst INTEGER);
CREATE VIEW sources AS SELECT DISTINCT src FROM edges;
CREATE INDEX edges_src ON edges(src);
CREATE SCHEMA other;
CREATE TABLE other.things(x DOUBLE);
-- The engine's own per-iteration tables never show up in .tables.
WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 2 ITERATIONS) SELECT i FROM t;
.tables
.schema
.schema edges
.schema SOURCES
.schema other.things
.schema missing
.bail
.timer
.maxrows
.mode
.read _helper.sql
.read no_such_file.sql
    .tables
.nope
.
.mode one two
.timer maybe
.maxrows lots
.help
-- A line starting with '.' inside a statement is SQL, not a command.
SELECT 1 +
.5 AS sum;
-- .exit stops the script; nothing after it runs.
.exit
SELECT 'not reached';
