-- One row holding every DuckDB type, in every mode. The text is DuckDB's
-- own (its cast to VARCHAR, to_json in json mode), so TIMESTAMPTZ follows
-- SET TimeZone, 'infinity' stays infinity, 1.0 keeps its .0 and structs
-- keep their field order. internal/repl's TestValuesAsDuckDB compares the
-- same values with DuckDB's functions, one by one.
SET TimeZone = 'Asia/Kolkata';
CREATE TABLE all_types AS
SELECT
  true AS bool,
  -7::TINYINT AS tinyint,
  300::SMALLINT AS smallint,
  (-2147483648)::INTEGER AS int,
  9223372036854775807::BIGINT AS bigint,
  170141183460469231731687303715884105727::HUGEINT AS hugeint,
  255::UTINYINT AS utinyint,
  65535::USMALLINT AS usmallint,
  4294967295::UINTEGER AS uinteger,
  18446744073709551615::UBIGINT AS ubigint,
  340282366920938463463374607431768211455::UHUGEINT AS uhugeint,
  0.1::FLOAT AS float,
  1.0::DOUBLE AS double_whole,
  1e20::DOUBLE AS double_big,
  '-inf'::DOUBLE AS double_inf,
  'nan'::DOUBLE AS double_nan,
  2.50::DECIMAL(18,2) AS decimal,
  -12345678901234567890.1234567890::DECIMAL(38,10) AS decimal_wide,
  '123456789012345678901234567890123456789012'::BIGNUM AS bignum,
  'héllo, 日本 🦆' AS varchar,
  '\x00\xFFa''b'::BLOB AS blob,
  '10110'::BIT AS bit,
  DATE '2024-02-29' AS date,
  'infinity'::DATE AS date_inf,
  DATE '0044-03-15 (BC)' AS date_bc,
  TIME '13:45:01.5' AS time,
  TIMETZ '13:45:01+05:30' AS timetz,
  TIMESTAMP '2024-02-29 13:45:01.123456' AS timestamp,
  TIMESTAMP_S '2024-02-29 13:45:01' AS timestamp_s,
  TIMESTAMP_MS '2024-02-29 13:45:01.123' AS timestamp_ms,
  TIMESTAMP_NS '2024-02-29 13:45:01.123456789' AS timestamp_ns,
  '-infinity'::TIMESTAMP AS timestamp_ninf,
  TIMESTAMPTZ '2024-02-29 12:00:00+00' AS timestamptz,
  INTERVAL '1 year 2 months 3 days 04:05:06.5' AS interval,
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID AS uuid,
  '{"a": [1, 2.0, null]}'::JSON AS json,
  'sad'::ENUM('sad', 'ok', 'happy') AS enum,
  ['a,b', 'c"d', NULL] AS list,
  []::INTEGER[] AS list_empty,
  [1.0, 2.5]::DOUBLE[2] AS array,
  {'x': 1.0, 'b': 'it''s', 'n': NULL} AS struct,
  {'ids': [1, 2], 'at': {'d': DATE '2024-01-01'}} AS struct_nested,
  MAP {'k1': [1], 'k0': NULL} AS map,
  1.5::UNION(i INTEGER, d DOUBLE) AS union,
  NULL::INTEGER AS null_int;

-- A second row of NULLs: NULL in every column of every type.
INSERT INTO all_types DEFAULT VALUES;
.mode duckbox
SELECT * FROM all_types;
.mode box
SELECT * FROM all_types;
.mode table
SELECT * FROM all_types;
.mode csv
SELECT * FROM all_types;
.mode json
SELECT * FROM all_types;
.mode markdown
SELECT * FROM all_types;
.mode line
SELECT * FROM all_types;
.mode list
SELECT * FROM all_types;

-- Newlines and tabs inside values, and a column name that repeats.
.mode duckbox
SELECT 'two' || chr(10) || 'lines' AS a, 'tab' || chr(9) || 'bed' AS a;
.mode json
SELECT 'two' || chr(10) || 'lines' AS a, 'tab' || chr(9) || 'bed' AS a;
