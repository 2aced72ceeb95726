-- EXPLAIN shows the checkpoint policy when checkpoints or resume are on:
-- how often, where, what is kept, and the input tables whose fingerprints
-- guard a resume. EXPLAIN ANALYZE marks the iterations that wrote one.
CREATE TABLE edges AS SELECT i AS src, i + 1 AS dst FROM range(1, 8) t(i)
  UNION ALL SELECT i + 1, i FROM range(1, 8) t(i);
CREATE TABLE nodes AS SELECT i AS id FROM range(1, 9) t(i);

-- Off: no checkpoint section.
EXPLAIN WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) FROM cc;

SET checkpoint_every = 2;
SET checkpoint_keep = on;
SET resume = on;
EXPLAIN WITH ITERATE cc(id, comp) KEY (id) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT e.dst, MIN(d.comp)
    FROM delta.cc d JOIN edges e ON e.src = d.id JOIN cc c ON c.id = e.dst
    GROUP BY e.dst
    HAVING MIN(d.comp) < MIN(c.comp)
  UNTIL FIXPOINT
)
SELECT COUNT(DISTINCT comp) FROM cc;

SET checkpoint_every = '10m';
SET checkpoint_keep = off;
SET resume = off;
EXPLAIN WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp;

-- Every third iteration writes a checkpoint (the last one writes none:
-- the statement finishes and its checkpoints are removed).
SET explain_timing = off;
SET checkpoint_every = 3;
EXPLAIN ANALYZE WITH ITERATE cc(id, comp) AS (
    SELECT id, id FROM nodes
  ITERATE
    SELECT c.id, LEAST(c.comp, COALESCE(MIN(n.comp), c.comp))
    FROM cc c LEFT JOIN edges e ON e.dst = c.id LEFT JOIN cc n ON n.id = e.src
    GROUP BY c.id, c.comp
  UNTIL FIXPOINT
)
SELECT comp, COUNT(*) AS size FROM cc GROUP BY comp;
