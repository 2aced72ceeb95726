package sparksql

// The printer, case by case, in testdata/print.txt: each case is "print",
// DuckDB SQL, "----", and the Spark SQL printed (or the error, with the
// line:col the error's offset points at), up to a blank line.
// `go test ./internal/sparksql -run TestPrint -update` rewrites the file
// with what the code prints now: read the diff before committing it.

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/datadriven"
	"github.com/itersql/itersql/internal/duckast"
)

var update = flag.Bool("update", false, "rewrite testdata/print.txt with what the printer prints now")

const printFile = "testdata/print.txt"

// printCaseOutput is what a case shows: the Spark SQL, or the error with
// its position as line:col of the input.
func printCaseOutput(input string) string {
	stmts, err := duckast.Parse(input)
	if err != nil {
		return "parse error: " + err.Error()
	}
	var out []string
	for _, st := range stmts {
		sql, err := Print(st)
		var u *UnsupportedError
		switch {
		case errors.As(err, &u):
			line, col := lineCol(input, u.Offset)
			out = append(out, fmt.Sprintf("error at %d:%d: %s has no Spark SQL equivalent", line, col, u.Construct))
		case err != nil:
			out = append(out, "error: "+err.Error())
		default:
			out = append(out, sql)
		}
	}
	return strings.Join(out, "\n")
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(text string, off int) (int, int) {
	if off < 0 || off > len(text) {
		return 0, 0
	}
	line := 1 + strings.Count(text[:off], "\n")
	col := off - strings.LastIndex(text[:off], "\n")
	return line, col
}

func TestPrint(t *testing.T) {
	cases, err := datadriven.Read(printFile)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(cases))
	for i, c := range cases {
		if c.Cmd != "print" {
			t.Fatalf("%s:%d: want a case starting with \"print\", got %q", printFile, c.Line, c.Cmd)
		}
		got[i] = printCaseOutput(c.Input)
		if !*update && got[i] != c.Want {
			t.Errorf("%s:%d:\n%s\n got: %s\nwant: %s", printFile, c.Line, c.Input, got[i], c.Want)
		}
	}
	if *update {
		if err := datadriven.Rewrite(printFile, got); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnsupportedErrorCarriesOffset(t *testing.T) {
	q := "SELECT a\nFROM t ASOF JOIN u ON t.k = u.k AND t.ts >= u.ts"
	st, err := duckast.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Print(st[0])
	var u *UnsupportedError
	if !errors.As(err, &u) {
		t.Fatalf("want an UnsupportedError, got %v", err)
	}
	if u.Construct != "ASOF JOIN" || u.Offset < len("SELECT a\n") {
		t.Fatalf("got %+v", u)
	}
}

// TestMarks: the place of each expression and table in the printed Spark
// SQL leads back to its place in DuckDB's text.
func TestMarks(t *testing.T) {
	q := "SELECT a + 1 AS x,\n  upper(name) AS u\nFROM people AS p\nWHERE p.id > 3 AND name LIKE 'A%'"
	st, err := duckast.Parse(q)
	if err != nil {
		t.Fatal(err)
	}
	out, marks, err := PrintMarked(st[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ printed, source string }{
		{"`a`", "a + 1"},
		{"upper(", "upper(name)"},
		{"`name`", "name)"},
		{"`people`", "people"},
		{"`p`.`id`", "p.id"},
		// A constant has no location in DuckDB's AST: it leads to the
		// expression it is in, whose location is its operator.
		{"'A%'", "LIKE"},
		// So does what the printer writes of its own.
		{" LIKE ", "LIKE"},
		{" AND ", "AND"},
	} {
		at := strings.Index(out, c.printed)
		if at < 0 {
			t.Fatalf("%q not in %s", c.printed, out)
		}
		if got, want := marks.Source(at), strings.Index(q, c.source); got != want {
			t.Errorf("%s at %d in the Spark SQL: source %d, want %d (%q)\n%s", c.printed, at, got, want, c.source, out)
		}
	}
	if got := marks.Source(-1); got != -1 {
		t.Errorf("before any node: %d, want -1", got)
	}
}
