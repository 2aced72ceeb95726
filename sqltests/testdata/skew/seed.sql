-- The field note's example (a skewed join in two queries): users (a) and
-- their groups (b); users 7, 42 and 99 are in 2,000 to 3,000 groups each,
-- everyone else in about three. Top 5 cities by number of groups, unsplit
-- and split: the same answer, and EXPLAIN names the heavy users.
SET explain_timing = off;
-- Tasks of 2,000 rows: on tables this small, the hubs would make such a
-- task straggle, so skew_threshold = auto counts them heavy (with the
-- default 1M-row tasks nothing here is).
SET target_task_rows = 2000;
CREATE TABLE a AS
  SELECT i AS user_id, 'user ' || i AS name, 'city' || (hash(i) % 40) AS city,
         'st' || (hash(i) % 5) AS state
  FROM range(1, 4001) t(i);
CREATE TABLE b AS
  SELECT CASE WHEN i < 2000 THEN 7 WHEN i < 4500 THEN 42 WHEN i < 7500 THEN 99
              ELSE 1 + hash(i) % 4000 END AS user_id,
         i AS group_id
  FROM range(0, 20000) t(i);

-- DuckDB's single query.
SET skew_join = off;
SELECT a.city, count(*) AS group_count
FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5;

-- Split: heavy users (more than max(1000, 10 x median groups, task rows / 4) rows)
-- through the broadcast path, everyone else hash-partitioned.
SET skew_join = on;
SELECT a.city, count(*) AS group_count
FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5;

EXPLAIN SELECT a.city, count(*) AS group_count
FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5;

-- More tasks: a fixed partition count and smaller tasks.
SET partitions = 4;
SET target_task_rows = 2000;
EXPLAIN ANALYZE SELECT a.city, count(*) AS group_count
FROM a JOIN b ON a.user_id = b.user_id
GROUP BY a.city ORDER BY group_count DESC, a.city LIMIT 5;

-- A LEFT JOIN keeps users without groups, split or not.
SELECT count(*) AS users, count(b.group_id) AS memberships, count(DISTINCT a.user_id) AS distinct_users
FROM a LEFT JOIN b ON b.user_id = a.user_id;
SET skew_join = off;
SELECT count(*) AS users, count(b.group_id) AS memberships, count(DISTINCT a.user_id) AS distinct_users
FROM a LEFT JOIN b ON b.user_id = a.user_id;

-- Settings take quoted or bare values, and say what they accept.
SET skew_threshold = '500';
SET skew_join = 'sometimes';
SET partitions = 0;
