package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// graph is an edge list held in Go memory, exactly as read from its file or
// generated: one (src[i], dst[i]) pair per row, duplicates and self-loops kept.
type graph struct {
	name     string
	src, dst []int64
}

// edges reports the number of edge rows.
func (g *graph) edges() int { return len(g.src) }

// readGraph reads a gzip CSV edge list with header "src,dst".
func readGraph(path string) (*graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open graph: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("gunzip %s: %w", path, err)
	}
	defer zr.Close()
	name := strings.TrimSuffix(filepath.Base(path), ".csv.gz")
	g := &graph{name: name}
	sc := bufio.NewScanner(bufio.NewReaderSize(zr, 1<<20))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 && strings.HasPrefix(text, "src") {
			continue
		}
		a, b, ok := strings.Cut(text, ",")
		if !ok {
			return nil, fmt.Errorf("%s:%d: no comma in %q", path, line, text)
		}
		s, err1 := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		g.src = append(g.src, s)
		g.dst = append(g.dst, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return g, nil
}

// R-MAT quadrant probabilities (d = 1-a-b-c = 0.05).
const rmatA, rmatB, rmatC = 0.57, 0.19, 0.19

// rmatGraph generates a deterministic R-MAT graph with the given number of
// edge rows over 2^scale vertex ids. The same (edges, scale, seed) always
// yields the same edge list.
func rmatGraph(name string, edges, scale int, seed uint64) *graph {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	g := &graph{name: name, src: make([]int64, edges), dst: make([]int64, edges)}
	for i := range edges {
		var s, d int64
		for bit := scale - 1; bit >= 0; bit-- {
			r := rng.Float64()
			switch {
			case r < rmatA:
			case r < rmatA+rmatB:
				d |= 1 << bit
			case r < rmatA+rmatB+rmatC:
				s |= 1 << bit
			default:
				s |= 1 << bit
				d |= 1 << bit
			}
		}
		g.src[i], g.dst[i] = s, d
	}
	return g
}

// Table layouts a workload asks for in DuckDB. Both create tables
// edges(src, dst) and nodes(id), BIGINT, from the raw edge list.
const (
	// undirectedSetup loads edges in both directions without duplicates
	// (UNION); the vertices are all endpoints.
	undirectedSetup = `CREATE TABLE edges AS SELECT src, dst FROM raw UNION SELECT dst, src FROM raw;
CREATE TABLE nodes AS SELECT DISTINCT src AS id FROM edges;
DROP TABLE raw;`
	// directedSetup keeps the edge rows as they are; the vertices are all endpoints.
	directedSetup = `ALTER TABLE raw RENAME TO edges;
CREATE TABLE nodes AS SELECT src AS id FROM edges UNION SELECT dst FROM edges;`
)

// loadGraph copies g into db as table raw through DuckDB's appender, then
// runs setup (one of the *Setup constants) to build edges and nodes.
func loadGraph(ctx context.Context, db *sql.DB, g *graph, setup string) error {
	if _, err := db.ExecContext(ctx, `CREATE OR REPLACE TABLE raw(src BIGINT, dst BIGINT)`); err != nil {
		return fmt.Errorf("create raw: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("load %s: %w", g.name, err)
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("driver connection %T is not a driver.Conn", dc)
		}
		app, err := duckdb.NewAppenderFromConn(c, "", "raw")
		if err != nil {
			return fmt.Errorf("appender: %w", err)
		}
		for i := range g.src {
			if err := app.AppendRow(g.src[i], g.dst[i]); err != nil {
				app.Close()
				return fmt.Errorf("append row %d: %w", i, err)
			}
		}
		return app.Close()
	})
	conn.Close()
	if err != nil {
		return fmt.Errorf("load %s: %w", g.name, err)
	}
	for _, stmt := range strings.Split(setup, ";") {
		if stmt = strings.TrimSpace(stmt); stmt == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("load %s: %s: %w", g.name, stmt, err)
		}
	}
	return nil
}
