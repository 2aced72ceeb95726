package repl

import (
	"bytes"
	imagepng "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/render"
)

// fakeEditor feeds scripted lines to the shell, as if typed, and records
// the prompts it was shown. An entry of "^C" is a Ctrl-C at the prompt;
// the end of the lines is Ctrl-D.
type fakeEditor struct {
	lines   []string
	prompts []string
	closed  bool
}

func (f *fakeEditor) Readline(prompt string) (string, error) {
	f.prompts = append(f.prompts, prompt)
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	line := f.lines[0]
	f.lines = f.lines[1:]
	if line == "^C" {
		return "", ErrInterrupt
	}
	return line, nil
}

func (f *fakeEditor) Close() error { f.closed = true; return nil }

// newHandler returns a handler on a fresh in-memory session, writing
// results and errors to separate buffers.
func newHandler(t *testing.T) (h *Handler, out, errw *bytes.Buffer) {
	t.Helper()
	sess, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	out, errw = &bytes.Buffer{}, &bytes.Buffer{}
	h = &Handler{Sess: sess, Out: out, Err: errw, Mode: render.ModeCSV}
	t.Cleanup(func() { h.Sess.Close() })
	return h, out, errw
}

func interact(t *testing.T, h *Handler, lines ...string) *fakeEditor {
	t.Helper()
	ed := &fakeEditor{lines: lines}
	if err := h.Interact(ed); err != nil {
		t.Fatalf("Interact: %v", err)
	}
	return ed
}

func TestInteractMultiLine(t *testing.T) {
	h, out, errw := newHandler(t)
	ed := interact(t, h,
		"SELECT 1 AS a,",
		"  'x;y' AS b",
		";",
		"SELECT 2 AS c; SELECT",
		"3 AS d;",
	)
	if got, want := out.String(), "a,b\n1,x;y\nc\n2\nd\n3\n"; got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if errw.Len() != 0 {
		t.Errorf("stderr: %s", errw)
	}
	want := []string{Prompt, ContinuationPrompt, ContinuationPrompt, Prompt, ContinuationPrompt, Prompt}
	if strings.Join(ed.prompts, "|") != strings.Join(want, "|") {
		t.Errorf("prompts %q, want %q", ed.prompts, want)
	}
}

func TestInteractErrorThenContinue(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Bail = true // the shell carries on whatever bail says
	interact(t, h,
		"SELECT 1 AS a;",
		"WITH ITERATE t AS (SELECT 1",
		"  ITERATE SELECT 2 UNTIL BANANAS) SELECT * FROM t;",
		"SELECT 2 AS b;",
	)
	if got, want := out.String(), "a\n1\nb\n2\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	// The position counts from the entry's first line, and the line is
	// shown with a caret under the error.
	e := errw.String()
	if !strings.HasPrefix(e, "2:26: ") || !strings.Contains(e, "BANANAS") {
		t.Errorf("stderr %q, want an error at 2:26 naming the stop test", e)
	}
	if !strings.Contains(e, "\n    ITERATE SELECT 2 UNTIL BANANAS) SELECT * FROM t;\n"+strings.Repeat(" ", 27)+"^\n") {
		t.Errorf("stderr %q lacks the line with a caret", e)
	}
	if h.Failures() != 1 {
		t.Errorf("Failures() = %d, want 1", h.Failures())
	}
}

func TestInteractExit(t *testing.T) {
	h, out, _ := newHandler(t)
	ed := interact(t, h, "SELECT 1 AS a;", ".exit", "SELECT 2 AS b;")
	if got := out.String(); got != "a\n1\n" {
		t.Errorf("output %q: .exit did not stop the shell", got)
	}
	if len(ed.lines) != 1 {
		t.Errorf("%d lines left unread, want 1", len(ed.lines))
	}
}

func TestInteractInterruptClearsBuffer(t *testing.T) {
	h, out, errw := newHandler(t)
	ed := interact(t, h, "SELECT 'half", "^C", ".mode line", "SELECT 1 AS a;")
	if got := out.String(); got != "a = 1\n" {
		t.Errorf("output %q, want the statement after Ctrl-C only", got)
	}
	if errw.Len() != 0 {
		t.Errorf("stderr: %s", errw)
	}
	// After Ctrl-C the prompt is the main one again.
	if ed.prompts[2] != Prompt {
		t.Errorf("prompt after Ctrl-C %q", ed.prompts[2])
	}
}

func TestInteractUnknownDotCommand(t *testing.T) {
	h, out, errw := newHandler(t)
	interact(t, h, ".nope", "SELECT 1 AS a;")
	// An error at the start of what was typed gets no caret line.
	if errw.String() != "1:1: unknown command .nope (.help lists the commands)\n" {
		t.Errorf("stderr %q", errw)
	}
	if out.String() != "a\n1\n" {
		t.Errorf("output %q", out)
	}
}

func TestScriptPositionsAndBail(t *testing.T) {
	src := "-- a comment\n.mode csv\nSELECT 1 AS a;\n\n  SELECT x;\nSELECT 2 AS b;\n"
	for _, bail := range []bool{true, false} {
		h, out, errw := newHandler(t)
		h.Bail = bail
		if h.RunScript("s.sql", strings.NewReader(src)) {
			t.Errorf("bail=%v: RunScript reported success", bail)
		}
		// DuckDB's error points at the bad name, mapped into the script.
		if !strings.HasPrefix(errw.String(), "s.sql:5:10: ") {
			t.Errorf("bail=%v: stderr %q, want s.sql:5:10: ...", bail, errw)
		}
		want := "a\n1\n"
		if !bail {
			want += "b\n2\n"
		}
		if out.String() != want {
			t.Errorf("bail=%v: output %q, want %q", bail, out, want)
		}
	}
}

func TestScriptLastStatementWithoutSemicolon(t *testing.T) {
	h, out, errw := newHandler(t)
	if !h.RunScript("-c", strings.NewReader("SELECT 1 AS a; SELECT 2 AS b")) {
		t.Fatalf("failed: %s", errw)
	}
	if out.String() != "a\n1\nb\n2\n" {
		t.Errorf("output %q", out)
	}
}

func TestScriptUnterminatedString(t *testing.T) {
	h, _, errw := newHandler(t)
	if h.RunScript("u.sql", strings.NewReader("SELECT 1;\nSELECT 'open;\n")) {
		t.Fatal("RunScript reported success")
	}
	if !strings.HasPrefix(errw.String(), "u.sql:2:8: unterminated string") {
		t.Errorf("stderr %q", errw)
	}
}

func TestScriptEmptyAndComments(t *testing.T) {
	for _, src := range []string{"", "\n\n", "-- only a comment\n", "/* a\nb */\n", ";;\n"} {
		h, out, errw := newHandler(t)
		if !h.RunScript("e.sql", strings.NewReader(src)) || out.Len() != 0 || errw.Len() != 0 {
			t.Errorf("%q: out %q err %q", src, out, errw)
		}
	}
}

func TestScriptExitStopsWithoutFailure(t *testing.T) {
	h, out, _ := newHandler(t)
	if !h.RunScript("x.sql", strings.NewReader("SELECT 1 AS a;\n.exit\nSELECT 2 AS b;\n")) {
		t.Error(".exit made the script fail")
	}
	if out.String() != "a\n1\n" {
		t.Errorf("output %q", out)
	}
}

func TestScriptBOM(t *testing.T) {
	h, _, errw := newHandler(t)
	h.RunScript("b.sql", strings.NewReader("\ufeffSELECT 'x"))
	if !strings.HasPrefix(errw.String(), "b.sql:1:8: ") {
		t.Errorf("stderr %q, want column 8 (BOM not counted)", errw)
	}
}

func TestReadNestedFileBails(t *testing.T) {
	dir := t.TempDir()
	inner := filepath.Join(dir, "inner.sql")
	if err := os.WriteFile(inner, []byte("SELECT 1 AS a;\nSELECT oops;\nSELECT 2 AS b;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, out, errw := newHandler(t)
	h.Bail = true
	h.RunScript("outer.sql", strings.NewReader(".read '"+inner+"'\nSELECT 3 AS c;\n"))
	if out.String() != "a\n1\n" {
		t.Errorf("output %q: bail inside .read must stop the outer script too", out)
	}
	// DuckDB's own errors point at the bad name in the read file.
	if !strings.HasPrefix(errw.String(), inner+":2:8: ") {
		t.Errorf("stderr %q, want the error in the read file's name", errw)
	}
}

func TestReadSelf(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "self.sql")
	if err := os.WriteFile(self, []byte(".read "+self+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, _, errw := newHandler(t)
	h.RunScript("start", strings.NewReader(".read "+self+"\n"))
	if !strings.Contains(errw.String(), "nested more than") {
		t.Errorf("stderr %q", errw)
	}
}

func TestDotCommands(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Mode = render.ModeTable
	script := strings.Join([]string{
		"CREATE TABLE edges(src INT, dst INT);",
		"CREATE VIEW v AS SELECT src FROM edges;",
		".mode csv",
		".tables",
		".schema edges",
		".maxrows 1",
		".mode duckbox",
		"SELECT * FROM range(3) r(i);",
		".bail",
		".timer on",
		"SELECT 1 AS t;",
		".timer off",
		".mode bogus",
		".maxrows -1",
		".timer maybe",
	}, "\n")
	h.RunScript("d.sql", strings.NewReader(script))
	o := out.String()
	for _, want := range []string{
		"edges  v\n",
		"CREATE TABLE edges(src INTEGER, dst INTEGER);\n",
		"│         0 │\n│         … │\n",
		"│  3 rows   │\n│ (1 shown) │\n",
		"bail: off\n",
		"Run Time: ",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q:\n%s", want, o)
		}
	}
	e := errw.String()
	for _, want := range []string{
		"d.sql:13:1: .mode: unknown output mode",
		"d.sql:14:1: .maxrows: want a whole number",
		"d.sql:15:1: .timer: want on or off",
	} {
		if !strings.Contains(e, want) {
			t.Errorf("stderr lacks %q:\n%s", want, e)
		}
	}
}

func TestOpenReplacesSession(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.duckdb")
	h, out, errw := newHandler(t)
	h.Sess.Settings.MaxIterations = 7
	old := h.Sess
	ok := h.RunScript("o.sql", strings.NewReader(".open "+db+"\nCREATE TABLE kept AS SELECT 42 AS v;\n.open\nSELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'kept';\n.open "+db+"\nSELECT v FROM kept;\n"))
	if !ok {
		t.Fatalf("stderr: %s", errw)
	}
	if h.Sess == old || h.Sess.Settings.MaxIterations != 7 {
		t.Errorf("session not replaced or settings lost: %+v", h.Sess.Settings)
	}
	if !strings.HasSuffix(out.String(), "n\n0\nv\n42\n") {
		t.Errorf("output %q", out)
	}
}

func TestSplitArgs(t *testing.T) {
	got, err := splitArgs(` read 'my file.sql'  "x y"z  `)
	if err != nil || strings.Join(got, "|") != "read|my file.sql|x yz" {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := splitArgs(`read 'open`); err == nil {
		t.Error("unterminated quote accepted")
	}
}

func TestFormatProgress(t *testing.T) {
	st := exec.IterStat{Iteration: 12, Rows: 1234, Changed: 56}
	if got, want := formatProgress("cc", st, true), "cc: iteration 12  rows 1,234  changed 56"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	st.Changed = -1
	if got, want := formatProgress("cc", st, false), "cc: rows 1,234"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567"} {
		if got := render.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for q, want := range map[string]int{
		"WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL 30 ITERATIONS) SELECT 1":                30,
		"EXPLAIN ANALYZE WITH ITERATE t AS (SELECT 1 ITERATE SELECT 2 UNTIL FIXPOINT OR 7 ITERATIONS) SELECT 1": 7,
		"WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL FIXPOINT) SELECT 5 AS iterations":       0,
		"WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL (SELECT max(i) > 9 FROM t)) SELECT 1":   0,
		"SELECT '3 ITERATIONS' AS s": 0,
	} {
		if got := iterationLimit(q); got != want {
			t.Errorf("iterationLimit(%q) = %d, want %d", q, got, want)
		}
	}
}

func TestProgressLineErased(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Sess.Settings.Progress = "on"
	q := "WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;"
	if !h.RunScript("p.sql", strings.NewReader(q)) {
		t.Fatal(errw)
	}
	if out.String() != "i\n3\n" {
		t.Errorf("output %q", out)
	}
	// n ITERATIONS: a bar with percent and ETA, erased at the end.
	e := errw.String()
	if !strings.Contains(e, "t: rows 1") || !strings.Contains(e, "100%") || !strings.Contains(e, "(3/3") ||
		!strings.HasSuffix(e, "\r") || strings.Contains(e, "\n") {
		t.Errorf("progress output %q: want a bar rewritten with \\r, erased at the end", e)
	}
	// FIXPOINT: a spinner with the iteration, rows and rate.
	errw.Reset()
	fix := "WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i+1 FROM t WHERE i < 3 UNTIL FIXPOINT) SELECT count(*) AS n FROM t;"
	if !h.RunScript("p.sql", strings.NewReader(fix)) {
		t.Fatal(errw)
	}
	e = errw.String()
	if !strings.Contains(e, "t: iteration ") || !strings.Contains(e, " it/s)") || strings.Contains(e, "%") ||
		!strings.HasSuffix(e, "\r") || strings.Contains(e, "\n") {
		t.Errorf("progress output %q: want a spinner, erased at the end", e)
	}
	if h.Sess.Progress != nil {
		t.Error("progress callback left on the session")
	}
	// Off, and auto without a terminal, draw nothing; nor does auto on a
	// terminal in csv or json mode.
	for _, c := range []struct {
		progress string
		terminal bool
		mode     render.Mode
	}{{"off", true, ""}, {"auto", false, ""}, {"auto", true, render.ModeCSV}, {"auto", true, render.ModeJSON}} {
		errw.Reset()
		h.Sess.Settings.Progress, h.Terminal, h.Mode = c.progress, c.terminal, c.mode
		h.RunScript("p.sql", strings.NewReader(q))
		if errw.Len() != 0 {
			t.Errorf("%+v drew %q", c, errw)
		}
	}
}

// TestQueryProgressBar: a plain statement that runs longer than DuckDB's
// progress_bar_time shows DuckDB's measure of its progress as a bar on
// stderr, erased before its result prints; a statement that ends sooner,
// or runs with DuckDB's bar turned off, draws nothing.
func TestQueryProgressBar(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Sess.Settings.Progress = "on"
	setup := "CREATE TABLE t AS SELECT i FROM range(4000000) r(i);\nSET progress_bar_time = 0;\n"
	slow := "SELECT count(*) > 0 AS found FROM t WHERE md5(i::VARCHAR) LIKE '%ab%';\n"
	if !h.RunScript("p.sql", strings.NewReader(setup+slow)) {
		t.Fatal(errw)
	}
	if out.String() != "found\ntrue\n" {
		t.Errorf("output %q", out)
	}
	e := errw.String()
	if !regexp.MustCompile(`\d+% \|[█ ]+\| +\[`).MatchString(e) || !strings.HasSuffix(e, "\r") || strings.Contains(e, "\n") {
		t.Errorf("progress output %q: want DuckDB's progress as a bar rewritten with \\r, erased at the end", e)
	}
	// A long iteration shows how far its running statement is beside
	// the iteration's figures (an UNTIL condition keeps each iteration a
	// statement of its own).
	errw.Reset()
	long := "WITH ITERATE s(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM s WHERE (SELECT count(*) FROM t WHERE md5(t.i::VARCHAR) LIKE '%ab%') > 0 UNTIL (SELECT max(i) >= 2 FROM s)) SELECT i FROM s;\n"
	if !h.RunScript("p.sql", strings.NewReader(long)) {
		t.Fatal(errw)
	}
	if e := errw.String(); !regexp.MustCompile(`s: iteration 1  rows 1  query \d+%`).MatchString(e) {
		t.Errorf("progress output %q: want the running query's progress beside the last iteration's figures", e)
	}
	for _, script := range []string{"SET progress_bar_time = 60000;\n" + slow, "SET progress_bar_time = 0;\nSET enable_progress_bar = false;\n" + slow} {
		errw.Reset()
		if !h.RunScript("p.sql", strings.NewReader(script)) {
			t.Fatal(errw)
		}
		if errw.Len() != 0 {
			t.Errorf("%q drew %q", script, errw)
		}
	}
}

func TestTablesInColumns(t *testing.T) {
	h, out, errw := newHandler(t)
	var script strings.Builder
	for _, n := range []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"} {
		script.WriteString("CREATE TABLE " + n + "(x INT);\n")
	}
	script.WriteString("CREATE VIEW v_alpha AS SELECT 1;\n.tables\n.tables %ta\n.tables nothing%\n")
	h.Width = func() int { return 30 }
	if !h.RunScript("t.sql", strings.NewReader(script.String())) {
		t.Fatal(errw)
	}
	// Down then across, as many 9-wide columns as fit in 30.
	want := "alpha    epsilon  v_alpha\n" +
		"beta     eta      zeta\n" +
		"delta    gamma\n" +
		"beta   delta  eta    zeta\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestReadFollowsBail(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.sql")
	if err := os.WriteFile(inc, []byte("SELECT nope;\nSELECT 'after' AS s;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, bail := range []bool{true, false} {
		h, out, errw := newHandler(t)
		h.Bail = bail
		// In the shell, where a failure never ends the session itself.
		interact(t, h, ".read "+inc, "SELECT 'next' AS s;")
		ran := strings.Contains(out.String(), "after")
		if ran == bail {
			t.Errorf("bail %v: the statement after the error ran: %v (out %q)", bail, ran, out)
		}
		if !strings.Contains(out.String(), "next") || !strings.Contains(errw.String(), "inc.sql:1:8: ") {
			t.Errorf("bail %v: out %q, err %q", bail, out, errw)
		}
	}
}

// historyEditor is a fakeEditor that keeps the history it is given.
type historyEditor struct {
	fakeEditor
	entries []string
}

func (e *historyEditor) AddHistory(entry string) { e.entries = append(e.entries, entry) }

func TestHistoryHoldsWholeEntries(t *testing.T) {
	h, out, errw := newHandler(t)
	ed := &historyEditor{fakeEditor: fakeEditor{lines: []string{
		"SELECT 1", "  AS one;", ".mode csv", "", "SELECT 'a;b' AS x; SELECT", "2 AS two;", "SELECT 'unfinished",
	}}}
	if err := h.Interact(ed); err != nil {
		t.Fatal(err)
	}
	want := []string{"SELECT 1\n  AS one;", ".mode csv", "", "SELECT 'a;b' AS x; SELECT\n2 AS two;"}
	if strings.Join(ed.entries, "|") != strings.Join(want, "|") {
		t.Errorf("history entries %q, want %q", ed.entries, want)
	}
	// The input ended (Ctrl-D) in the middle of a statement: it is
	// dropped, and the user is told.
	if !strings.Contains(errw.String(), "discarded the unfinished statement") {
		t.Errorf("stderr %q", errw)
	}
	if !strings.HasSuffix(out.String(), "two\n2\n") {
		t.Errorf("out %q", out)
	}
	// A recalled entry of many lines runs as it was typed.
	h2, out2, _ := newHandler(t)
	interact(t, h2, "SELECT 40 + 2\n  AS answer;")
	if out2.String() != "answer\n42\n" {
		t.Errorf("recalled entry: %q", out2)
	}
}

func TestConvergenceSummaryAndPlot(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Mode = render.ModeDuckbox
	svg := filepath.Join(t.TempDir(), "cc.svg")
	script := `.plot ` + svg + `
SET explain_timing = off;
EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t WHERE i < 3 UNTIL FIXPOINT) SELECT i FROM t;
.plot ` + svg + `
`
	h.RunScript("c.sql", strings.NewReader(script))
	if !strings.Contains(errw.String(), "c.sql:1:1: .plot: no WITH ITERATE has run yet") {
		t.Errorf("stderr %q", errw)
	}
	if !strings.HasSuffix(out.String(), "─┘\n"+
		"changed  ▅▅▅▅·  1 → 0 rows an iteration (log scale, · = 0)\n"+
		"5 iterations, 0 rows, 4 changed\n") {
		t.Errorf("EXPLAIN ANALYZE does not end with the summary:\n%s", out)
	}
	if data, err := os.ReadFile(svg); err != nil || !strings.Contains(string(data), "<svg") {
		t.Errorf(".plot wrote %d bytes, %v", len(data), err)
	}
	// EXPLAIN ANALYZE ... TO 'file' writes the same chart.
	png := filepath.Join(t.TempDir(), "cc.png")
	if !h.RunScript("c.sql", strings.NewReader("EXPLAIN ANALYZE WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t WHERE i < 3 UNTIL FIXPOINT) SELECT i FROM t TO '"+png+"';")) {
		t.Fatal(errw)
	}
	if f, err := os.Open(png); err != nil {
		t.Error(err)
	} else {
		if _, err := imagepng.Decode(f); err != nil {
			t.Errorf("EXPLAIN ANALYZE ... TO %s: %v", png, err)
		}
		f.Close()
	}
	// .timer adds the summary, with times, to a WITH ITERATE; csv never.
	out.Reset()
	h.Timer = true
	h.RunScript("c.sql", strings.NewReader("WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;"))
	if !strings.Contains(out.String(), "Run Time: ") || !strings.Contains(out.String(), "\nms       ") || !strings.Contains(out.String(), "4 iterations, 1 row") {
		t.Errorf(".timer on:\n%s", out)
	}
	out.Reset()
	h.Mode = render.ModeCSV
	h.RunScript("c.sql", strings.NewReader("WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 3 ITERATIONS) SELECT i FROM t;"))
	if strings.Contains(out.String(), "iterations") {
		t.Errorf("csv mode got the summary:\n%s", out)
	}
}
