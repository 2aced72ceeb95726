-- The three examples of the language brief, as written, on a small graph:
-- two components {1,2,3,4} and {5,6}, edges in both directions, vertex 4 a
-- dead end for PageRank's dead-end rule (no out-edge in `edges_pr`).
CREATE TABLE edges AS SELECT * FROM (VALUES (1,2),(2,3),(3,4),(5,6),(2,1),(3,2),(4,3),(6,5)) t(src, dst);
CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;

WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC LIMIT 5;

WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) FROM cc;

DELETE FROM edges WHERE src = 4;
WITH ITERATE pr(id, rank) AS (
    SELECT id, 1.0 / (SELECT COUNT(*) FROM nodes) FROM nodes
  ITERATE
    SELECT n.id,
           0.15 / (SELECT COUNT(*) FROM nodes)
         + 0.85 * (COALESCE(SUM(p.rank / o.deg), 0)
                   + (SELECT COALESCE(SUM(q.rank), 0) FROM pr q
                      WHERE q.id NOT IN (SELECT src FROM edges)) / (SELECT COUNT(*) FROM nodes))
    FROM nodes n
    LEFT JOIN edges e ON e.dst = n.id
    LEFT JOIN pr p ON p.id = e.src
    LEFT JOIN (SELECT src, COUNT(*) AS deg FROM edges GROUP BY src) o ON o.src = e.src
    GROUP BY n.id
  UNTIL 20 ITERATIONS
     OR (SELECT MAX(ABS(c.rank - p.rank)) FROM pr c JOIN previous.pr p ON p.id = c.id) < 1e-12
)
SELECT id, ROUND(rank, 6) AS rank FROM pr ORDER BY rank DESC, id LIMIT 10;

-- PageRank's ranks sum to 1 after every step.
WITH ITERATE pr(id, rank) AS (
    SELECT id, 1.0 / (SELECT COUNT(*) FROM nodes) FROM nodes
  ITERATE
    SELECT n.id,
           0.15 / (SELECT COUNT(*) FROM nodes)
         + 0.85 * (COALESCE(SUM(p.rank / o.deg), 0)
                   + (SELECT COALESCE(SUM(q.rank), 0) FROM pr q
                      WHERE q.id NOT IN (SELECT src FROM edges)) / (SELECT COUNT(*) FROM nodes))
    FROM nodes n
    LEFT JOIN edges e ON e.dst = n.id
    LEFT JOIN pr p ON p.id = e.src
    LEFT JOIN (SELECT src, COUNT(*) AS deg FROM edges GROUP BY src) o ON o.src = e.src
    GROUP BY n.id
  UNTIL 20 ITERATIONS
)
SELECT ROUND(SUM(rank), 9) AS total FROM pr;

SELECT count(*) AS leftover_tables FROM duckdb_tables() WHERE table_name LIKE '__itersql%';
