package parser

import (
	"regexp"
	"strconv"
	"strings"

	tidb "github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // literal values for the AST

	"github.com/itersql/itersql/internal/sqlscan"
)

// Part is one of the SQL parts of WITH ITERATE, parsed.
type Part struct {
	What string      // "initial query", "step", "UNTIL condition", "final query"
	Text string      // as the user wrote it
	Pos  sqlscan.Pos // where Text starts in the user's script
	// AST is a SELECT (or set operation). For an UNTIL condition it is
	// "SELECT <condition>". It is nil for a final query in DuckDB's own
	// dialect, which TiDB's parser does not read.
	AST ast.StmtNode
	// SyntaxErr is why TiDB's parser did not read a part whose AST is nil.
	SyntaxErr error
	toks      []sqlscan.Token // tokens of Text, offsets relative to Text
}

// Locate returns the position of the first occurrence of the token
// sequence words (compared case-insensitively) in the part, or the part's
// start. Used to point errors at a table reference.
func (pt *Part) Locate(words ...string) sqlscan.Pos {
	for i := 0; i+len(words) <= len(pt.toks); i++ {
		ok := true
		for j, w := range words {
			t := pt.toks[i+j]
			txt := t.Text
			if t.Kind == sqlscan.Quoted {
				txt = txt[1 : len(txt)-1]
			}
			if !strings.EqualFold(txt, w) {
				ok = false
				break
			}
		}
		if ok {
			return pt.Pos.Advance(pt.Text[:pt.toks[i].Off])
		}
	}
	return pt.Pos
}

// windowWords are reserved in TiDB's grammar (window functions) but are
// ordinary column names in DuckDB, e.g. PageRank's "rank". Used as a name
// (not followed by "(") they are quoted before TiDB sees them.
var windowWords = map[string]bool{
	"rank": true, "dense_rank": true, "row_number": true, "percent_rank": true,
	"cume_dist": true, "ntile": true, "lead": true, "lag": true,
	"first_value": true, "last_value": true, "nth_value": true,
}

// edit replaces n bytes at off in the text given to TiDB.
type edit struct {
	off, n int
	text   string
}

// part parses tokens [from, to) as one part of the statement. With raw,
// a part TiDB cannot read is returned with a nil AST instead of an error:
// the final query then goes to DuckDB as written, in its full dialect.
func (p *hparser) part(what string, from, to int, cond, raw bool) (*Part, error) {
	off, end := p.toks[from].Off, len(p.src)
	if to < len(p.toks) {
		end = p.toks[to].Off
	}
	text := strings.TrimRight(p.src[off:end], " \t\r\n")
	pt := &Part{What: what, Text: text, Pos: p.pos(off)}
	for _, t := range p.toks[from:to] {
		t.Off -= off
		pt.toks = append(pt.toks, t)
	}
	edits, err := pt.dialectEdits()
	if err != nil {
		if raw {
			pt.SyntaxErr = err
			return pt, nil
		}
		return nil, err
	}
	prefix := ""
	if cond {
		prefix = "SELECT "
	}
	src := prefix + applyEdits(text, edits)
	tp := tidb.New()
	tp.SetSQLMode(mysql.ModeANSIQuotes | mysql.ModePipesAsConcat | mysql.ModeNoBackslashEscapes)
	stmt, err := tp.ParseOneStmt(src, "", "")
	if err != nil {
		err = pt.syntaxError(err, src, len(prefix), edits)
		if raw {
			pt.SyntaxErr = err
			return pt, nil
		}
		return nil, err
	}
	switch stmt.(type) {
	case *ast.SelectStmt, *ast.SetOprStmt:
	default:
		return nil, sqlscan.Errorf(pt.Pos, "the %s must be a query (SELECT ...)", what)
	}
	pt.AST = stmt
	return pt, nil
}

// dialectEdits finds DuckDB spellings that TiDB's grammar does not take.
// Some are rewritten (with edits that keep error positions mappable);
// the others are errors that say what to write instead.
func (pt *Part) dialectEdits() ([]edit, error) {
	var edits []edit
	toks := pt.toks
	at := func(i int) sqlscan.Pos { return pt.Pos.Advance(pt.Text[:toks[i].Off]) }
	castDepth := []int{} // paren depth of each open CAST(
	depth := 0
	for i, t := range toks {
		next := func(k int) sqlscan.Token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return sqlscan.Token{}
		}
		switch {
		case t.Kind == sqlscan.Punct && t.Text == "::":
			return nil, sqlscan.Errorf(at(i), "'::' casts are DuckDB syntax, not supported inside WITH ITERATE parts: write CAST(expr AS type)")
		case t.Text == "(":
			if i > 0 && (toks[i-1].Is("CAST") || toks[i-1].Is("TRY_CAST")) {
				castDepth = append(castDepth, depth)
			}
			depth++
		case t.Text == ")":
			depth--
			if n := len(castDepth); n > 0 && castDepth[n-1] == depth {
				castDepth = castDepth[:n-1]
			}
		case t.Is("IS") && next(1).Is("NOT") && next(2).Is("DISTINCT") && next(3).Is("FROM"):
			// Same-length rewrite to MySQL's null-safe equal; the planner
			// restores it as IS NOT DISTINCT FROM.
			n := toks[i+3].Off + 4 - t.Off
			edits = append(edits, edit{t.Off, n, "<=>" + strings.Repeat(" ", n-3)})
		case t.Is("IS") && next(1).Is("DISTINCT") && next(2).Is("FROM"):
			return nil, sqlscan.Errorf(at(i), "IS DISTINCT FROM is not supported inside WITH ITERATE parts: write NOT (a IS NOT DISTINCT FROM b)")
		case t.Is("VALUES") && i > 0 && toks[i-1].Text == "(":
			return nil, sqlscan.Errorf(at(i), "VALUES lists are not supported inside WITH ITERATE parts: write SELECT ... UNION ALL SELECT ..., or load them into a table first")
		case t.Is("FILTER") && next(1).Text == "(" && next(2).Is("WHERE"):
			return nil, sqlscan.Errorf(at(i), "aggregate FILTER (WHERE ...) is not supported inside WITH ITERATE parts: write agg(CASE WHEN cond THEN x END)")
		case t.Kind == sqlscan.Word && windowWords[strings.ToLower(t.Text)] && next(1).Text != "(":
			edits = append(edits, edit{t.Off, len(t.Text), `"` + t.Text + `"`})
		case t.Kind == sqlscan.Word && len(castDepth) > 0 && castDepth[len(castDepth)-1] == depth-1 && i > 0 && toks[i-1].Is("AS"):
			// CAST(x AS INTEGER): TiDB knows SIGNED/CHAR; the planner maps
			// them back to DuckDB types.
			if r, ok := castTypes[strings.ToUpper(t.Text)]; ok {
				edits = append(edits, edit{t.Off, len(t.Text), r})
			}
		}
	}
	return edits, nil
}

// castTypes maps DuckDB type names TiDB's CAST does not know to ones it does.
var castTypes = map[string]string{
	"INTEGER": "SIGNED", "INT": "SIGNED", "INT4": "SIGNED", "BIGINT": "SIGNED",
	"INT8": "SIGNED", "SMALLINT": "SIGNED", "TINYINT": "SIGNED", "HUGEINT": "SIGNED",
	"UBIGINT": "UNSIGNED", "UINTEGER": "UNSIGNED",
	"VARCHAR": "CHAR", "TEXT": "CHAR", "STRING": "CHAR",
	"TIMESTAMP": "DATETIME", "FLOAT8": "DOUBLE", "FLOAT4": "FLOAT",
}

func applyEdits(s string, edits []edit) string {
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(s[last:e.off])
		b.WriteString(e.text)
		last = e.off + e.n
	}
	b.WriteString(s[last:])
	return b.String()
}

// unedit maps an offset in the edited text back to the user's text.
func unedit(off int, edits []edit) int {
	shift := 0
	for _, e := range edits {
		if e.off+shift >= off {
			break
		}
		if off < e.off+shift+len(e.text) { // inside the edit: point at its start
			return e.off
		}
		shift += len(e.text) - e.n
	}
	return off - shift
}

var tidbErr = regexp.MustCompile(`^line (\d+) column (\d+) near "((?s).*)"\s*$`)

// syntaxError turns TiDB's "line L column C near ..." into an error at the
// user's line:col. TiDB's column marks the end of the token it stopped
// at, so the near text (the rest of the input from the bad token) is the
// reliable anchor.
func (pt *Part) syntaxError(err error, src string, prefix int, edits []edit) error {
	msg := err.Error()
	m := tidbErr.FindStringSubmatch(msg)
	if m == nil {
		return &sqlscan.Error{Pos: pt.Pos, Msg: "syntax error in the " + pt.What + ": " + msg, Err: err}
	}
	near := m[3]
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	reported := offsetOf(src, line, col)
	off := len(src)
	if near != "" {
		best := -1
		for i := 0; i+len(near) <= len(src); i++ {
			if strings.HasPrefix(src[i:], near) && (best < 0 || abs(i-reported) < abs(best-reported)) {
				best = i
			}
		}
		if best >= 0 {
			off = best
		}
	}
	off -= prefix
	if off < 0 {
		off = 0
	}
	off = unedit(off, edits)
	if off > len(pt.Text) {
		off = len(pt.Text)
	}
	word := near
	if i := strings.IndexAny(word, " \t\n"); i >= 0 {
		word = word[:i]
	}
	what := "near " + strconv.Quote(word)
	if near == "" {
		what = "at the end"
	}
	return &sqlscan.Error{Pos: pt.Pos.Advance(pt.Text[:off]), Msg: "syntax error in the " + pt.What + " " + what, Err: err}
}

func offsetOf(s string, line, col int) int {
	l, c := 1, 1
	for i, r := range s {
		if l == line && c >= col {
			return i
		}
		if r == '\n' {
			l++
			c = 1
		} else {
			c++
		}
	}
	return len(s)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
