package skew

import (
	"database/sql"
	"fmt"
	"strings"
)

// detectSQL is the one aggregate query that measures side's key: rows,
// distinct keys, the median rows of a key, the threshold in force
// (threshold < 0: auto, see autoThreshold) and the heavy keys above it,
// at most maxHeavy of them. Read it with readFreq. taskRows is what one
// shuffle task is to hold: a number of rows (> 0), or -P for the input's
// rows over P partitions; under auto a key is heavy only when it would
// take more than a quarter of such a task (autoTaskShare).
func detectSQL(s Side, threshold, taskRows int64) string {
	a := quote(s.Alias)
	thr := fmt.Sprint(threshold)
	if threshold < 0 {
		task := fmt.Sprintf("least(%d, total)", taskRows)
		if taskRows < 0 {
			task = fmt.Sprintf("total // %d", -taskRows)
		}
		thr = fmt.Sprintf("greatest(%d, %d * med, %s // %d)", autoFloor, autoFactor, task, autoTaskShare)
	}
	return fmt.Sprintf(`WITH f AS (SELECT %s.%s AS k, count(*) AS n FROM %s AS %s GROUP BY 1), `+
		`s AS (SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS total, count(k) AS keys, `+
		`CAST(coalesce(quantile_disc(n, 0.5) FILTER (WHERE k IS NOT NULL), 0) AS BIGINT) AS med FROM f), `+
		`t AS (SELECT total, keys, med, CAST(%s AS BIGINT) AS thr FROM s), `+
		`h AS (SELECT k, n FROM f, t WHERE k IS NOT NULL AND n > t.thr ORDER BY n DESC, k LIMIT %d) `+
		`SELECT t.total, t.keys, t.med, t.thr, CAST(h.k AS VARCHAR), typeof(h.k), h.n FROM t LEFT JOIN h ON true ORDER BY h.n DESC, 5`,
		a, quote(s.Key), s.Source, a, thr, maxHeavy)
}

// readFreq reads the result of detectSQL for side i (0 left, 1 right).
func readFreq(rows *sql.Rows, i int) (*Freq, error) {
	defer rows.Close()
	f := &Freq{}
	for rows.Next() {
		var key, typ sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&f.Rows, &f.Keys, &f.Median, &f.Threshold, &key, &typ, &n); err != nil {
			return nil, fmt.Errorf("read key frequencies: %w", err)
		}
		if key.Valid {
			h := heavyKey{Lit: literal(key.String, typ.String), Text: key.String}
			h.Rows[i] = n.Int64
			f.Heavy = append(f.Heavy, h)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read key frequencies: %w", err)
	}
	return f, nil
}

// key is side i's key column, qualified by its alias.
func (s *layout) key(i int) string {
	sd := s.Join.Sides[i]
	return quote(sd.Alias) + "." + quote(sd.Key)
}

// inHeavy is "a.k IN (heavy keys)" for side i.
func (s *layout) inHeavy(i int) string {
	lits := make([]string, len(s.Heavy))
	for n, h := range s.Heavy {
		lits[n] = h.Lit
	}
	return s.key(i) + " IN (" + strings.Join(lits, ", ") + ")"
}

// cols lists side i's columns for a SELECT.
func (s *layout) cols(i int) string {
	sd := s.Join.Sides[i]
	q := make([]string, len(sd.Cols))
	for n, c := range sd.Cols {
		q[n] = quote(c)
	}
	return strings.Join(q, ", ")
}

// Pushed reports whether the tasks compute the query's aggregation.
func (s *layout) Pushed() bool { return len(s.Join.Aggs) > 0 || len(s.Join.GroupBy) > 0 }

// The columns by which a pushed aggregation's tasks report the joined
// rows they processed (their output is only a few partial rows).
const (
	taskCol = `"__itersql_task"`
	rowsCol = `"__itersql_rows"`
)

// taskID numbers a task within its split (see RowsSQL).
func taskID(p taskPath, n int) string {
	switch p {
	case broadcast:
		return index(n, "c")
	case unmatched:
		return "100000"
	}
	return "200000 + " + index(n, "i")
}

// proj is the select list of task id: the result columns, then the
// partial aggregates of a pushed aggregation.
func (s *layout) proj(id string) string {
	var out []string
	for _, o := range s.Join.Out {
		out = append(out, quote(s.Join.Sides[o.Side].Alias)+"."+quote(o.Col)+" AS "+quote(o.Name))
	}
	for _, a := range s.Join.Aggs {
		out = append(out, a.SQL+" AS "+quote(a.Name))
	}
	if s.Pushed() && !s.oneQuery {
		out = append(out, "CAST("+id+" AS INTEGER) AS "+taskCol, "count(*) AS "+rowsCol)
	}
	return strings.Join(out, ", ")
}

// RowsSQL is, for a pushed aggregation, the query of each task's joined
// rows from the result table: (task id, rows). "" otherwise: a task's
// appended rows are its joined rows.
func (s *layout) RowsSQL() string {
	if !s.Pushed() {
		return ""
	}
	return fmt.Sprintf("SELECT %s, CAST(sum(%s) AS BIGINT) FROM %s GROUP BY 1", taskCol, rowsCol, s.Result)
}

// taskNumber is the id RowsSQL reports task t by.
func taskNumber(t task) int {
	switch t.Path {
	case broadcast:
		return t.Index
	case unmatched:
		return 100000
	}
	return 200000 + t.Index
}

// tail is what follows a task's FROM: a pushed aggregation's WHERE and
// GROUP BY.
func (s *layout) tail() string {
	q := ""
	if s.Join.Where != "" {
		q += " WHERE " + s.Join.Where
	}
	if len(s.Join.GroupBy) > 0 {
		q += " GROUP BY " + strings.Join(s.Join.GroupBy, ", ")
	}
	return q
}

// input is side i filtered by where, named by its alias.
func (s *layout) input(i int, where string) string {
	return "(" + s.inputSelect(i, where) + ") AS " + quote(s.Join.Sides[i].Alias)
}

// inputSelect is the query of side i's columns the tasks carry, filtered
// by where.
func (s *layout) inputSelect(i int, where string) string {
	sd := s.Join.Sides[i]
	q := fmt.Sprintf("SELECT %s FROM %s AS %s", s.cols(i), sd.Source, quote(sd.Alias))
	if where != "" {
		q += " WHERE " + where
	}
	return q
}

// taskSelect is the query of one task (id from taskID): sides joined by tp
// with the join's ON condition, projected to the result columns.
func (s *layout) taskSelect(id string, sides [2]string, tp JoinType) string {
	return fmt.Sprintf("SELECT %s FROM %s%s", s.proj(id), s.join(sides, tp), s.tail())
}

// join writes "left TYPE right ON cond" with the sides in their order.
func (s *layout) join(sides [2]string, tp JoinType) string {
	return fmt.Sprintf("%s %s %s ON %s%s", sides[0], tp, sides[1], s.Join.On, s.Join.Upper)
}

// ResultSelect is the query to create the (empty) result table from: the
// result columns with the types the join gives them.
func (s *layout) ResultSelect() string {
	sides := [2]string{s.input(0, "false"), s.input(1, "false")}
	return fmt.Sprintf("SELECT %s FROM %s%s LIMIT 0", s.proj("0"), s.join(sides, s.Join.Type), s.tail())
}

// HeavySQL is the query of side i's heavy-key rows, materialized once (in
// HeavyTables[i]) so that every broadcast task reads only those rows and
// the big side's rows get dense row ids to cut chunks by.
func (s *layout) HeavySQL(i int) string {
	sd := s.Join.Sides[i]
	return fmt.Sprintf("SELECT %s FROM %s AS %s WHERE %s", s.cols(i), sd.Source, quote(sd.Alias), s.inHeavy(i))
}

// hashKey is the partition number expression of side i.
func (s *layout) hashKey(i int) string {
	k := s.key(i)
	if s.hashCast != "" {
		k = "CAST(" + k + " AS " + s.hashCast + ")"
	}
	return fmt.Sprintf("hash(%s) %% %d", k, s.Parts)
}

// taskPath names the two paths of a split (and the unmatched rows of an outer
// join whose kept side is the broadcast one).
type taskPath string

const (
	broadcast taskPath = "broadcast"
	shuffle   taskPath = "shuffle"
	unmatched taskPath = "unmatched"
)

// task is one query of a split: it appends its part of the join to the
// result table.
type task struct {
	Path  taskPath
	Index int
	SQL   string
}

// index renders a task number, or the {i} of a template (n < 0).
func index(n int, name string) string {
	if n < 0 {
		return "{" + name + "}"
	}
	return fmt.Sprint(n)
}

// partCol is the partition number column of a PartTables table.
const partCol = `"__itersql_p"`

// notHeavy is side n's filter for the rows of the shuffle path, "" when
// no key is heavy.
func (s *layout) notHeavy(n int) string {
	if len(s.Heavy) == 0 {
		return ""
	}
	// coalesce: a NULL key is not heavy; it stays here so that an outer
	// join keeps its row.
	return "NOT coalesce(" + s.inHeavy(n) + ", false)"
}

// Prepartition reports whether side i should be written once with its
// partition numbers (PartSQL) before the shuffle tasks, instead of every
// task filtering the input by hash itself. reused: the copy would serve
// many executions (an input that does not change, in a WITH ITERATE), so
// it is worth writing (sorted) for any large input split two or more ways.
// Otherwise the copy costs one write of the input, which only pays when
// there are many tasks, each reading and hashing the whole input.
func (s *layout) Prepartition(i int, reused bool) bool {
	if s.Freq[i] == nil || s.Freq[i].Rows <= prepartitionRows {
		return false
	}
	if reused {
		return s.Parts >= 2
	}
	return s.Parts > directMaxParts
}

// PartSQL is the query of side i's shuffle-path rows with their partition
// number. A task then reads its rows by comparing one small integer per
// row, and fetches the other columns of the matching rows only; with
// SortParts, zone maps let it skip the other partitions' row groups.
func (s *layout) PartSQL(i int) string {
	sd := s.Join.Sides[i]
	q := fmt.Sprintf("SELECT %s, CAST(%s AS USMALLINT) AS %s FROM %s AS %s", s.cols(i), s.hashKey(i), partCol, sd.Source, quote(sd.Alias))
	if w := s.notHeavy(i); w != "" {
		q += " WHERE " + w
	}
	if s.SortParts[i] {
		q += " ORDER BY " + partCol
	}
	return q
}

// shuffleSelect is shuffle task i (i < 0: the template): the keys of
// partition i that are not heavy, joined as the query joins them.
func (s *layout) shuffleSelect(i int) string {
	var sides [2]string
	for n := range 2 {
		if s.PartTables[n] != "" {
			a := quote(s.Join.Sides[n].Alias)
			sides[n] = fmt.Sprintf("(SELECT %s FROM %s WHERE %s = %s) AS %s", s.cols(n), s.PartTables[n], partCol, index(i, "i"), a)
			continue
		}
		var conds []string
		if s.Parts > 1 {
			conds = append(conds, s.hashKey(n)+" = "+index(i, "i"))
		}
		if w := s.notHeavy(n); w != "" {
			conds = append(conds, w)
		}
		sides[n] = s.input(n, strings.Join(conds, " AND "))
	}
	return s.taskSelect(taskID(shuffle, i), sides, s.Join.Type)
}

// broadcastSelect is broadcast task c (c < 0: the template): chunk c of
// the big side's heavy rows joined with all of the other side's
// heavy-key rows.
func (s *layout) broadcastSelect(c int) string {
	var sides [2]string
	big, small := s.Big, 1-s.Big
	bigAlias := quote(s.Join.Sides[big].Alias)
	sides[big] = s.HeavyTables[big] + " AS " + bigAlias
	if s.Chunks > 1 {
		// rowid % chunks deals every key's rows round-robin, so a key
		// heavy on both sides is spread as evenly as one heavy on one.
		sides[big] = fmt.Sprintf("(SELECT * FROM %s WHERE rowid %% %d = %s) AS %s", s.HeavyTables[big], s.Chunks, index(c, "c"), bigAlias)
	}
	sides[small] = s.HeavyTables[small] + " AS " + quote(s.Join.Sides[small].Alias)
	return s.taskSelect(taskID(broadcast, c), sides, s.broadcastType())
}

// broadcastType is the join of a broadcast task: the query's, or inner
// when the kept side of an outer join is the one broadcast (its rows that
// match no heavy row of the big side come from unmatchedSelect).
func (s *layout) broadcastType() JoinType {
	if s.Join.Type != Inner && !s.Join.preserved(s.Big) {
		return Inner
	}
	return s.Join.Type
}

// unmatchedSelect is the rows of the broadcast side that an outer join
// keeps because no heavy row of the big side matches them; "" when the
// join needs none.
func (s *layout) unmatchedSelect() string {
	big, small := s.Big, 1-s.Big
	if len(s.Heavy) == 0 || s.Join.Type == Inner || s.Join.preserved(big) {
		return ""
	}
	// The kept rows that no heavy row matches, joined to an empty big side
	// so that its columns read NULL, as the outer join gives them.
	sa, ba := quote(s.Join.Sides[small].Alias), quote(s.Join.Sides[big].Alias)
	kept := fmt.Sprintf("(SELECT * FROM %s AS %s WHERE NOT EXISTS (SELECT 1 FROM %s AS %s WHERE %s)) AS %s",
		s.HeavyTables[small], sa, s.HeavyTables[big], ba, s.Join.On, sa)
	none := fmt.Sprintf("(SELECT * FROM %s WHERE false) AS %s", s.HeavyTables[big], ba)
	return fmt.Sprintf("SELECT %s FROM %s LEFT JOIN %s ON true%s%s", s.proj(taskID(unmatched, 0)), kept, none, s.Join.Upper, s.tail())
}

func (s *layout) insert(q string) string {
	return "INSERT INTO " + s.Result + " BY NAME " + q
}

// Tasks lists the split's tasks, broadcast ones first (they are the
// likelier stragglers, so they should start first).
func (s *layout) Tasks() []task {
	var ts []task
	if len(s.Heavy) > 0 {
		big, small := s.Big, 1-s.Big
		// A chunk returns rows only if its big side has some and, unless
		// the big side is kept, the broadcast side has matches to offer
		// (a keyed state's delta often holds none of a hub's rows).
		if !s.heavyEmpty(big) && !(s.heavyEmpty(small) && !s.Join.preserved(big)) {
			for c := range s.Chunks {
				ts = append(ts, task{broadcast, c, s.insert(s.broadcastSelect(c))})
			}
		}
		if q := s.unmatchedSelect(); q != "" && !s.heavyEmpty(small) {
			ts = append(ts, task{unmatched, 0, s.insert(q)})
		}
	}
	for i := range s.Parts {
		ts = append(ts, task{shuffle, i, s.insert(s.shuffleSelect(i))})
	}
	return ts
}

// Explain describes the split: the key, the heavy keys, the task counts
// and both paths as SQL templates. Lines are indented by indent.
func (s *layout) Explain(indent string) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(indent)
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\n")
	}
	s.explainKeys(line)
	j := s.Join
	if len(s.Heavy) > 0 {
		line("broadcast path: %d chunk(s) of %s's heavy rows, %s's heavy-key rows sent to each:", s.Chunks, j.Sides[s.Big].Alias, j.Sides[1-s.Big].Alias)
		line("  %s AS %s: %s", s.HeavyTables[s.Big], quote(j.Sides[s.Big].Alias), s.HeavySQL(s.Big))
		line("  %s AS %s: %s", s.HeavyTables[1-s.Big], quote(j.Sides[1-s.Big].Alias), s.HeavySQL(1-s.Big))
		line("  task {c}: %s", s.broadcastSelect(-1))
		if q := s.unmatchedSelect(); q != "" {
			line("  unmatched rows: %s", q)
		}
	} else {
		line("broadcast path: none (no heavy keys)")
	}
	line("shuffle path: %d task(s), hash-partitioned by the key:", s.Parts)
	for i := range 2 {
		if s.PartTables[i] != "" {
			line("  %s: %s", s.PartTables[i], s.PartSQL(i))
		}
	}
	line("  task {i}: %s", s.shuffleSelect(-1))
	return strings.TrimRight(b.String(), "\n")
}

// explainKeys writes EXPLAIN's lines on the key, each input's detection
// and the heavy keys, on either engine.
func (s *layout) explainKeys(line func(format string, args ...any)) {
	j := s.Join
	line("key: %s", j.KeyText())
	for i := range 2 {
		f := s.Freq[i]
		if f.Skipped != "" {
			line("input %s: %s", j.Sides[i].Alias, f.Skipped)
			continue
		}
		line("input %s: %d rows, %d keys, median %d rows a key, threshold %d", j.Sides[i].Alias, f.Rows, f.Keys, f.Median, f.Threshold)
	}
	if len(s.Heavy) == 0 {
		line("heavy keys: none")
	} else {
		var hs []string
		for n, h := range s.Heavy {
			if n == 10 {
				hs = append(hs, fmt.Sprintf("... %d more", len(s.Heavy)-n))
				break
			}
			var parts []string
			for i := range 2 {
				if h.Rows[i] > 0 {
					parts = append(parts, fmt.Sprintf("%d rows in %s", h.Rows[i], j.Sides[i].Alias))
				}
			}
			hs = append(hs, fmt.Sprintf("%s (%s)", h.Text, strings.Join(parts, ", ")))
		}
		line("heavy keys (%d): %s", len(s.Heavy), strings.Join(hs, "; "))
	}
}

// collationPairs are strings that compare equal only under a collation
// that is not binary: case (NOCASE), composed against decomposed é (NFC,
// and every ICU collation), accents (NOACCENT), and an ignorable
// zero-width space (ICU).
const collationPairs = `(VALUES ('a', 'A'), (chr(233), 'e' || chr(769)), (chr(233), 'e'), ('a', 'a' || chr(8203))) AS p(l, r)`

// CollationSQL is a query that returns true when the join's key does not
// compare as plain binary strings: a column collation (COLLATE NOCASE),
// an NFC or ICU collation, or SET default_collation. Equal keys could then
// hash to different tasks, so such a join must not be split. It compares
// values of the keys' own types (a scalar subquery keeps its column's
// collation) and reads no row of the inputs. "" when the keys are not
// strings.
func (j *Join) CollationSQL() string {
	if !strings.EqualFold(j.Sides[0].KeyType, "VARCHAR") && !strings.EqualFold(j.Sides[1].KeyType, "VARCHAR") {
		return ""
	}
	typed := func(i int, v string) string {
		sd := j.Sides[i]
		a := quote(sd.Alias)
		return fmt.Sprintf("coalesce((SELECT %s.%s FROM %s AS %s LIMIT 0), %s)", a, quote(sd.Key), sd.Source, a, v)
	}
	return fmt.Sprintf("SELECT coalesce(bool_or(%s = %s), false) FROM %s", typed(0, "p.l"), typed(1, "p.r"), collationPairs)
}
