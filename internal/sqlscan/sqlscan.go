// Package sqlscan is the lexical layer shared by the script reader and the
// WITH ITERATE parser: it knows SQL strings, quoted names and comments, so a
// ';' or a keyword inside them is never mistaken for structure, and it keeps
// the line:col of everything so errors point into the user's text.
//
// Where a string, name or comment ends follows DuckDB's lexer (PostgreSQL's
// scan.l), because DuckDB runs what this package splits off: block comments
// nest, '--' comments end at a newline or carriage return, $$ and $tag$
// strings end at the same tag, E'...' strings take backslash escapes and plain
// ones do not. FuzzSplit checks the split against DuckDB's own parser.
package sqlscan

import (
	"fmt"
	"strings"
)

// Pos is a 1-based line and column in the user's text.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Advance returns the position reached after reading text starting at p.
func (p Pos) Advance(text string) Pos {
	for _, r := range text {
		if r == '\n' {
			p.Line++
			p.Col = 1
		} else {
			p.Col++
		}
	}
	return p
}

// Error is an error at a position in the user's text.
type Error struct {
	Pos Pos
	Msg string
	Err error // the underlying error, if any
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a positioned error.
func Errorf(p Pos, format string, args ...any) *Error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...)}
}

// Kind classifies a token.
type Kind int

const (
	Word   Kind = iota // keyword or bare name
	Quoted             // "quoted name"
	String             // 'string' (also E'..', $$..$$)
	Number
	Punct // ( ) , ; . and operators
)

// Token is one lexical unit with its byte offset in the scanned text.
type Token struct {
	Kind Kind
	Text string
	Off  int
}

// Is reports whether t is the bare word w (case-insensitive).
func (t Token) Is(w string) bool { return t.Kind == Word && strings.EqualFold(t.Text, w) }

// Scanner walks SQL text token by token.
type scanner struct {
	src string
	i   int
}

// unterminated is returned when a string, quoted name or comment is still
// open at the end of the text; the REPL uses it to ask for more lines.
type unterminated struct {
	what string
	off  int
}

func (u *unterminated) Error() string { return "unterminated " + u.what }

// next returns the next token, or ok=false at the end of the text.
func (s *scanner) next() (tok Token, ok bool, err error) {
	src := s.src
	for s.i < len(src) {
		c := src[s.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.i++
		case c == '-' && s.i+1 < len(src) && src[s.i+1] == '-':
			for s.i < len(src) && src[s.i] != '\n' && src[s.i] != '\r' {
				s.i++
			}
		case c == '/' && s.i+1 < len(src) && src[s.i+1] == '*':
			if err := s.blockComment(); err != nil {
				return Token{}, false, err
			}
		default:
			return s.token()
		}
	}
	return Token{}, false, nil
}

func (s *scanner) token() (Token, bool, error) {
	src, start := s.src, s.i
	c := src[start]
	tok := func(k Kind) (Token, bool, error) { return Token{k, src[start:s.i], start}, true, nil }
	switch {
	case c == '\'' || ((c == 'E' || c == 'e') && start+1 < len(src) && src[start+1] == '\''):
		if c != '\'' {
			s.i++
		}
		if err := s.quoted('\'', "string", c != '\''); err != nil {
			return Token{}, false, err
		}
		return tok(String)
	case c == '"':
		if err := s.quoted('"', "quoted name", false); err != nil {
			return Token{}, false, err
		}
		return tok(Quoted)
	case c == '$' && dollarTag(src[start:]) != "":
		tag := dollarTag(src[start:])
		end := strings.Index(src[start+len(tag):], tag)
		if end < 0 {
			return Token{}, false, &unterminated{tag + " string", start}
		}
		s.i = start + len(tag) + end + len(tag)
		return tok(String)
	case isDigit(c) || (c == '.' && start+1 < len(src) && isDigit(src[start+1])):
		for s.i < len(src) && (isDigit(src[s.i]) || src[s.i] == '.' || src[s.i] == '_') {
			s.i++
		}
		if s.i < len(src) && (src[s.i] == 'e' || src[s.i] == 'E') {
			j := s.i + 1
			if j < len(src) && (src[j] == '+' || src[j] == '-') {
				j++
			}
			if j < len(src) && isDigit(src[j]) {
				s.i = j
				for s.i < len(src) && isDigit(src[s.i]) {
					s.i++
				}
			}
		}
		return tok(Number)
	case isWordStart(c):
		for s.i < len(src) && isWordPart(src[s.i]) {
			s.i++
		}
		return tok(Word)
	}
	// Operators: group runs of operator characters so "::", "<=", "||" are one token.
	const ops = "<>=!|:&+-*/%^~@"
	if strings.IndexByte(ops, c) >= 0 {
		for s.i < len(src) && strings.IndexByte(ops, src[s.i]) >= 0 {
			// Stop before a comment start so "x--y" reads as x and a comment.
			if s.i+1 < len(src) && ((src[s.i] == '-' && src[s.i+1] == '-') || (src[s.i] == '/' && src[s.i+1] == '*')) && s.i > start {
				break
			}
			s.i++
		}
		return tok(Punct)
	}
	s.i++
	return tok(Punct)
}

// blockComment skips a /* comment */ starting at s.i. Comments nest, as
// in DuckDB: "/* a /* b */ c */" is one comment, and a ';' in it ends
// nothing.
func (s *scanner) blockComment() error {
	start := s.i
	depth := 0
	for s.i+1 < len(s.src) {
		switch {
		case s.src[s.i] == '*' && s.src[s.i+1] == '/':
			s.i += 2
			if depth--; depth == 0 {
				return nil
			}
		case s.src[s.i] == '/' && s.src[s.i+1] == '*':
			s.i += 2
			depth++
		default:
			s.i++
		}
	}
	s.i = len(s.src)
	return &unterminated{"comment", start}
}

// dollarTag returns the opening delimiter of a dollar-quoted string at
// the start of src ("$$" or "$tag$", the tag a name that does not start
// with a digit), or "" if src does not start with one ($1 is a parameter).
func dollarTag(src string) string {
	if len(src) < 2 || src[0] != '$' {
		return ""
	}
	i := 1
	if isWordStart(src[i]) {
		for i < len(src) && (isWordStart(src[i]) || isDigit(src[i])) {
			i++
		}
	}
	if i < len(src) && src[i] == '$' {
		return src[:i+1]
	}
	return ""
}

// quoted reads a quoted run whose quote is doubled to escape it.
func (s *scanner) quoted(q byte, what string, backslash bool) error {
	start := s.i
	s.i++
	for s.i < len(s.src) {
		c := s.src[s.i]
		if backslash && c == '\\' {
			s.i += 2
			continue
		}
		if c == q {
			if s.i+1 < len(s.src) && s.src[s.i+1] == q {
				s.i += 2
				continue
			}
			s.i++
			return nil
		}
		s.i++
	}
	return &unterminated{what, start}
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isWordStart(c byte) bool { return c == '_' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isWordPart(c byte) bool  { return isWordStart(c) || isDigit(c) || c == '$' }

// Tokens scans all of src. An unterminated string, name or comment is an
// error at its start.
func Tokens(src string, base Pos) ([]Token, error) {
	s := &scanner{src: src}
	var out []Token
	for {
		t, ok, err := s.next()
		if err != nil {
			u := err.(*unterminated)
			return out, Errorf(base.Advance(src[:u.off]), "unterminated %s", u.what)
		}
		if !ok {
			return out, nil
		}
		out = append(out, t)
	}
}

// Statement is one ';'-terminated statement of a script.
type Statement struct {
	Text string // without the trailing ';'
	Pos  Pos    // where its first token starts
}

// Split cuts src into statements at top-level semicolons. Text after the
// last ';' that holds a token is returned as rest (the REPL keeps it in its
// buffer; a script runs it as a last statement). Statements made only of
// comments are dropped.
func Split(src string, base Pos) (stmts []Statement, rest string, restPos Pos) {
	s := &scanner{src: src}
	first := -1
	from := 0
	for {
		t, ok, err := s.next()
		if err != nil || !ok {
			break
		}
		if t.Kind == Punct && t.Text == ";" {
			if first >= 0 {
				stmts = append(stmts, Statement{
					Text: strings.TrimRight(src[first:t.Off], " \t\r\n"),
					Pos:  base.Advance(src[:first]),
				})
			}
			first = -1
			from = t.Off + 1
			continue
		}
		if first < 0 {
			first = t.Off
		}
	}
	if first < 0 {
		// Nothing but comments or blanks after the last ';' — unless a
		// comment or string is still open, which the caller must keep.
		if _, _, err := (&scanner{src: src[from:]}).drain(); err == nil {
			return stmts, "", Pos{}
		}
		first = from
	}
	return stmts, src[first:], base.Advance(src[:first])
}

func (s *scanner) drain() (Token, bool, error) {
	for {
		t, ok, err := s.next()
		if err != nil || !ok {
			return t, ok, err
		}
	}
}

// Complete reports whether text ends a statement: its last token is a ';'
// outside any string or comment. The REPL reads lines until it is.
func Complete(text string) bool {
	s := &scanner{src: text}
	var last Token
	for {
		t, ok, err := s.next()
		if err != nil {
			return false
		}
		if !ok {
			return last.Kind == Punct && last.Text == ";"
		}
		last = t
	}
}
