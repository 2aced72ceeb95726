-- PageRank on the Facebook ego network (LDBC semantics: start at 1/|V|,
-- damping 0.85, the rank of dead ends spread evenly), 20 iterations or
-- until no rank moves by more than 1e-12.
CREATE OR REPLACE TABLE edges AS
    SELECT src, dst FROM read_csv('data/facebook.csv.gz')
    UNION SELECT dst, src FROM read_csv('data/facebook.csv.gz');
CREATE OR REPLACE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;

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
SELECT id, ROUND(rank, 8) AS rank FROM pr ORDER BY rank DESC, id LIMIT 10;
