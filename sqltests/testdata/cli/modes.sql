-- The output modes on one result with awkward values: NULL, a comma,
-- a quote, a newline, a negative and a fractional number.
CREATE TABLE v AS
SELECT * FROM (VALUES
  (1, 'plain', 2.5),
  (2, 'comma, "quote"', -1.0),
  (3, NULL, NULL),
  (4, 'two
lines', 0.125)
) t(id, label, x);

.mode duckbox
SELECT * FROM v ORDER BY id;
.mode box
SELECT * FROM v ORDER BY id;
.mode table
SELECT * FROM v ORDER BY id;
.mode list
SELECT * FROM v ORDER BY id;
.mode csv
SELECT * FROM v ORDER BY id;
.mode json
SELECT * FROM v ORDER BY id;
.mode markdown
SELECT * FROM v ORDER BY id;
.mode line
SELECT * FROM v ORDER BY id;
.mode
-- Mode names are not case-sensitive.
.mode TABLE
.mode

-- maxrows limits duckbox only: the first and last rows, and the footer
-- says how many are shown.
.mode duckbox
.maxrows 2
SELECT * FROM range(5) r(i);
.mode csv
SELECT * FROM range(5) r(i);
.mode duckbox
.maxrows 0
SELECT * FROM range(3) r(i);

-- No rows, and a result with no rows at all in each mode.
SELECT 1 AS a WHERE false;
.mode csv
SELECT 1 AS a WHERE false;
.mode json
SELECT 1 AS a WHERE false;
