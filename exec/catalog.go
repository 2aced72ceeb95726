package exec

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// The catalog as the shell's .tables and .schema show it, from the
// session's engine. The engine's own tables (__itersql_*) are left out.

// Tables lists the names of the user's tables and views that match the
// SQL LIKE pattern, sorted.
func (s *Session) Tables(ctx context.Context, pattern string) ([]string, error) {
	switch e := s.eng.(type) {
	case *duckEngine:
		return e.strings(ctx, "SELECT DISTINCT name FROM ("+duckObjects+") WHERE name LIKE $1 OR bare LIKE $1 ORDER BY name", pattern)
	case *sparkEngine:
		names, err := e.tables(ctx)
		if err != nil {
			return nil, err
		}
		like := likeRegexp(pattern)
		var out []string
		for _, n := range names {
			if like.MatchString(n) {
				out = append(out, n)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("no catalog on %s", s.Engine())
}

// Schema returns the statements that create table or view name (every
// one when name is ""), each ending in ';'. A name that matches nothing
// is an error.
func (s *Session) Schema(ctx context.Context, name string) ([]string, error) {
	var stmts []string
	var err error
	switch e := s.eng.(type) {
	case *duckEngine:
		stmts, err = e.strings(ctx, "SELECT sql FROM ("+duckObjects+`
  UNION ALL
  SELECT table_name, table_name, sql, 2 FROM duckdb_indexes() WHERE sql IS NOT NULL
) WHERE $1 = '' OR lower(bare) = lower($1) OR lower(name) = lower($1) ORDER BY kind, name`, name)
	case *sparkEngine:
		names := []string{name}
		if name == "" {
			names, err = e.tables(ctx)
		}
		for _, n := range names {
			if err != nil {
				break
			}
			var res *Result
			if res, err = e.query(ctx, "SHOW CREATE TABLE "+e.quote(n)); err == nil && len(res.Rows) > 0 {
				stmts = append(stmts, fmt.Sprint(res.Rows[0][0]))
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("query catalog: %w", err)
	}
	if name != "" && len(stmts) == 0 {
		return nil, fmt.Errorf("no table or view named %q", name)
	}
	for i, st := range stmts {
		if st = strings.TrimSpace(st); !strings.HasSuffix(st, ";") {
			st += ";"
		}
		stmts[i] = st
	}
	return stmts, nil
}

// duckObjects lists the user's tables and views, without DuckDB's
// internal catalog objects.
const duckObjects = `
SELECT CASE WHEN schema_name = 'main' THEN name ELSE schema_name || '.' || name END AS name, name AS bare, sql, kind
FROM (
  SELECT schema_name, table_name AS name, sql, 0 AS kind FROM duckdb_tables()
  WHERE NOT internal AND table_name NOT LIKE '\_\_itersql\_%' ESCAPE '\'
  UNION ALL
  SELECT schema_name, view_name, sql, 1 FROM duckdb_views() WHERE NOT internal
)`

// strings runs a catalog query of one text column with one parameter.
func (d *duckEngine) strings(ctx context.Context, q string, arg string) ([]string, error) {
	rows, err := d.conn.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("query catalog: %w", err)
	}
	res, err := ReadRows(rows)
	if err != nil {
		return nil, fmt.Errorf("query catalog: %w", err)
	}
	out := make([]string, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = fmt.Sprint(r[0])
	}
	return out, nil
}

// tables lists the tables and views of Spark's current database, and its
// temporary views.
func (e *sparkEngine) tables(ctx context.Context) ([]string, error) {
	res, err := e.query(ctx, "SHOW TABLES")
	if err != nil {
		return nil, fmt.Errorf("query catalog: %w", err)
	}
	var out []string
	for _, r := range res.Rows {
		if n := fmt.Sprint(r[1]); !strings.HasPrefix(n, "__itersql_") {
			out = append(out, n)
		}
	}
	return out, nil
}

// likeRegexp is SQL's LIKE pattern (% and _, case-insensitive, as
// DuckDB's .tables matches names) as a regular expression.
func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?is)^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
