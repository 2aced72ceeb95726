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
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/prepare.txt with the output the code gives")

// testCase is one case of a datadriven file.
type testCase struct {
	cmd, input, want string
	args             []string
}

func readCases(t *testing.T, path string) []testCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []testCase
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		c := testCase{cmd: f[0], args: f[1:]}
		var in, out []string
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			in = append(in, lines[i])
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			out = append(out, lines[i])
		}
		c.input, c.want = strings.Join(in, "\n"), strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases
}

func writeCases(t *testing.T, path string, cases []testCase) {
	t.Helper()
	// Keep the file's comments: rewrite each case's output in place.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	lines := strings.Split(string(data), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			b.WriteString(lines[i] + "\n")
			continue
		}
		for ; i < len(lines) && lines[i] != "----"; i++ {
			b.WriteString(lines[i] + "\n")
		}
		b.WriteString("----\n")
		for i++; i < len(lines) && lines[i] != ""; i++ {
		}
		if out := cases[n].want; out != "" {
			b.WriteString(out + "\n")
		}
		b.WriteString("\n")
		n++
	}
	if err := os.WriteFile(path, []byte(strings.TrimRight(b.String(), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

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
	cases := readCases(t, path)
	for i := range cases {
		c := &cases[i]
		var got string
		switch c.cmd {
		case "exec":
			if _, err := conn.ExecContext(ctx, c.input); err != nil {
				got = "error: " + err.Error()
			}
		case "prepare":
			got = prepared(t, c.input, describe, Options{PushAggregates: !hasArg(c.args, "nopush")})
		default:
			t.Fatalf("unknown command %q", c.cmd)
		}
		if *update {
			c.want = got
			continue
		}
		if got != c.want {
			t.Errorf("%s\n%s\n----\ngot:\n%s\nwant:\n%s", c.cmd, c.input, got, c.want)
		}
	}
	if *update {
		writeCases(t, path, cases)
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
