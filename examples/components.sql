-- Connected components of the Facebook ego network, keyed and semi-naive:
-- each step only looks at the vertices whose label changed last time.
-- Run from this folder: go run ../cmd/itersql -f components.sql
CREATE OR REPLACE TABLE edges AS
    SELECT src, dst FROM read_csv('data/facebook.csv.gz')
    UNION SELECT dst, src FROM read_csv('data/facebook.csv.gz');
CREATE OR REPLACE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;

WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp ORDER BY size DESC LIMIT 5;
