package skew

// The rewrite, case by case, in testdata/prepare.txt: each case is a
// command, its SQL, "----" and what the command gives, up to a blank
// line. `go test ./skew -run TestSkewPrepare -update` writes what the code
// gives now into the file (read the diff before committing it).
//
//	exec                 statements run on the test database (the inputs)
//	prepare [nopush]     the query as split, each split join with its
//	                     task templates, and the joins declined with why
//
// The inputs are described by the real DuckDB the statements ran on, so
// a table "__itersql_state__" stands in for an iteration's state.

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/datadriven"
)

var update = flag.Bool("update", false, "rewrite testdata/prepare.txt with the output the code gives")

func TestSkewPrepare(t *testing.T) {
	const path = "testdata/prepare.txt"
	db, conn := openDB(t)
	_ = db
	ctx := context.Background()
	describe := func(source string) ([]Column, error) {
		rows, err := conn.QueryContext(ctx, "DESCRIBE SELECT * FROM "+source+" AS __itersql_d")
		if err != nil {
			// DuckDB's first line: the file's cases end at a blank line.
			return nil, errors.New(strings.SplitN(err.Error(), "\n", 2)[0])
		}
		defer rows.Close()
		var cols []Column
		for rows.Next() {
			var name, typ string
			var null, key, def, extra sql.NullString
			if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
				return nil, err
			}
			cols = append(cols, Column{name, typ})
		}
		return cols, rows.Err()
	}
	cases, err := datadriven.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	outputs := make([]string, len(cases))
	for i, c := range cases {
		var got string
		switch c.Cmd {
		case "exec":
			if _, err := conn.ExecContext(ctx, c.Input); err != nil {
				got = "error: " + err.Error()
			}
		case "prepare":
			got = prepared(t, c.Input, describe, Options{PushAggregates: !hasArg(c.Args, "nopush")})
		default:
			t.Fatalf("%s:%d: unknown command %q", path, c.Line, c.Cmd)
		}
		outputs[i] = got
		if !*update && got != c.Want {
			t.Errorf("%s:%d: %s\n%s\n----\ngot:\n%s\nwant:\n%s", path, c.Line, c.Cmd, c.Input, got, c.Want)
		}
	}
	if *update {
		if err := datadriven.Rewrite(path, outputs); err != nil {
			t.Fatal(err)
		}
	}
}

func hasArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}

// prepared prints what Prepare makes of query: the query as split, and
// for each split its join, key, result columns and task templates (with
// one heavy key, so that the broadcast path shows).
func prepared(t *testing.T, query string, describe Describe, opt Options) string {
	p, err := Prepare(query, describe, opt)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	if p.SQL != "" {
		fmt.Fprintf(&b, "query: %s\n", p.SQL)
	}
	for n, j := range p.Joins {
		fmt.Fprintf(&b, "split %d: %s\n", n+1, j.Text)
		var outs []string
		for _, o := range j.Out {
			outs = append(outs, fmt.Sprintf("%s.%s AS %s", j.Sides[o.Side].Alias, o.Col, o.Name))
		}
		if len(outs) == 0 {
			outs = []string{"no column"}
		}
		fmt.Fprintf(&b, "  key: %s (%s, %s); carries %s\n", j.KeyText(), j.Sides[0].KeyType, j.Sides[1].KeyType, strings.Join(outs, ", "))
		heavy := []heavyKey{{Lit: "1", Text: "1", Rows: [2]int64{0, 5000}}}
		sp, err := newLayout(j, [2]*Freq{{Rows: 1000}, {Rows: 9000, Heavy: heavy}}, 4, 1000)
		if err != nil {
			fmt.Fprintf(&b, "  error: %v\n", err)
			continue
		}
		sp.Result = resultRef(n + 1)
		for i := range 2 {
			sp.HeavyTables[i] = quote("heavy_" + j.Sides[i].Alias)
		}
		fmt.Fprintf(&b, "  broadcast {c}: %s\n", sp.broadcastSelect(-1))
		if q := sp.unmatchedSelect(); q != "" {
			fmt.Fprintf(&b, "  unmatched: %s\n", q)
		}
		fmt.Fprintf(&b, "  shuffle {i}: %s\n", sp.shuffleSelect(-1))
	}
	for _, d := range p.Declined {
		fmt.Fprintf(&b, "not split: %s\n", d)
	}
	if b.Len() == 0 {
		return "no join"
	}
	return strings.TrimRight(b.String(), "\n")
}
