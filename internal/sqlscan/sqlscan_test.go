package sqlscan

import (
	"strings"
	"testing"
)

var start = Pos{Line: 1, Col: 1}

func TestSplit(t *testing.T) {
	src := "SELECT 'a;b' AS \"x;y\"; -- c;omment\n" +
		"/* block; comment */ SELECT $$dollar;$$;\n" +
		"  SELECT E'it\\'s;'  ;\n" +
		"-- only a comment;\n" +
		";;SELECT 1 -- trailing"
	stmts, rest, restPos := Split(src, start)
	want := []Statement{
		{`SELECT 'a;b' AS "x;y"`, Pos{1, 1}},
		{`SELECT $$dollar;$$`, Pos{2, 22}},
		{`SELECT E'it\'s;'`, Pos{3, 3}},
	}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements: %q", len(stmts), stmts)
	}
	for i := range want {
		if stmts[i] != want[i] {
			t.Errorf("statement %d: got %+v, want %+v", i, stmts[i], want[i])
		}
	}
	if rest != "SELECT 1 -- trailing" || restPos != (Pos{5, 3}) {
		t.Errorf("rest %q at %v", rest, restPos)
	}
}

func TestSplitOpenComment(t *testing.T) {
	// An unterminated comment after the last ';' is kept as rest, so the
	// REPL keeps reading and a script reports it.
	_, rest, _ := Split("SELECT 1; /* open", start)
	if rest != " /* open" {
		t.Errorf("rest %q", rest)
	}
	_, rest, _ = Split("SELECT 1; -- done\n", start)
	if rest != "" {
		t.Errorf("rest %q", rest)
	}
}

func TestComplete(t *testing.T) {
	for text, want := range map[string]bool{
		"SELECT 1;":             true,
		"SELECT 1; -- note":     true,
		"SELECT 1":              false,
		"SELECT ';":             false,
		"SELECT 1 /* ; */":      false,
		"SELECT \"a;\" FROM t;": true,
		"":                      false,
	} {
		if got := Complete(text); got != want {
			t.Errorf("Complete(%q) = %v", text, got)
		}
	}
}

func TestTokens(t *testing.T) {
	toks, err := Tokens("SELECT x::int, 1.5e-3, a<=b, 'q''s' FROM \"T\"", start)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, tk.Text)
	}
	want := "SELECT x :: int , 1.5e-3 , a <= b , 'q''s' FROM \"T\""
	if strings.Join(got, " ") != want {
		t.Errorf("tokens %q", got)
	}
	if _, err := Tokens("SELECT 1,\n  'open", start); err == nil || err.Error() != "2:3: unterminated string" {
		t.Errorf("unterminated: %v", err)
	}
}

func TestAdvance(t *testing.T) {
	if p := (Pos{2, 5}).Advance("ab\ncdé"); p != (Pos{3, 4}) {
		t.Errorf("advance: %v", p)
	}
}
