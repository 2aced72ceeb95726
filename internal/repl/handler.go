// Package repl is itersql's line-oriented front end: it reads SQL and dot
// commands line by line, runs each ';'-terminated statement on an
// exec.Session and prints its result or its error.
//
// The interactive shell and script mode (-c, -f, piped stdin, .read, the
// golden test runner) share one loop, Handler.feed, so a script behaves
// exactly as if its lines were typed at the prompt. Only what must differ
// differs: the line source (a line editor or a reader), Ctrl-C handling,
// and whether an error ends the run (bail) or the shell carries on.
package repl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/sqlscan"
)

// Handler holds what the user can change while a session runs: the
// database session itself (.open replaces it), the output mode, and the
// dot-command switches. The zero values of the options mean: table mode,
// all rows, no bail, no timer.
type Handler struct {
	// Sess is the session statements run on. .open replaces it (and closes
	// the old one), so whoever made the Handler must close h.Sess, not the
	// session it started with.
	Sess *exec.Session
	// Out receives results, Err receives error lines and the progress line.
	// They may be the same writer (the golden runner wants one ordered
	// stream).
	Out, Err io.Writer
	Mode     render.Mode
	MaxRows  int // duckbox shows at most this many rows; 0 = all
	// Width, when set, gives the terminal's width for duckbox to fit (it
	// is asked at each result, so a resized window is followed); nil
	// means no limit, as scripts and pipes want.
	Width func() int
	Bail  bool // a script stops at its first error
	Timer bool // print "Run Time: 0.012s" after each statement
	// Terminal tells whether Err is a terminal: progress "auto" draws the
	// live progress line only then, so scripts and pipes stay clean.
	Terminal bool

	// Echo, when set, writes each statement and dot command to Out
	// before it runs, so a log shows what produced each result:
	// EchoPlain as DuckDB's -echo does, EchoPrompt as a shell transcript.
	Echo func(w io.Writer, text string)

	lastStats   []exec.IterStat // the iterations of the last WITH ITERATE, for .plot
	exited      bool            // .exit ran
	exitStatus  int             // its N, or -1
	interactive bool            // inside Interact: Ctrl-C cancels, errors show context
	failures    int
	depth       int // .read nesting, to stop a file that reads itself
}

// Failures is the number of statements and commands that failed so far.
func (h *Handler) Failures() int { return h.failures }

// Exit reports whether .exit ended the run, and the N of .exit N (-1 for
// a plain .exit, whose status is the run's own).
func (h *Handler) Exit() (n int, exited bool) {
	return h.exitStatus, h.exited
}

// Control-flow sentinels passed up through feed and .read. They are not
// user errors: they have already been reported (or are not errors at all).
var (
	errExit = errors.New("exit requested") // .exit / .quit
	errBail = errors.New("stopped at first error")
)

// input is one source of lines being fed to the handler: a script file,
// -c text, piped stdin, a .read file, or the REPL.
type input struct {
	name  string      // for error lines: FILE, "-c", "<stdin>"; "" for the shell's own input
	line  int         // number of the last line read
	buf   string      // unfinished statement text
	pos   sqlscan.Pos // where buf starts
	lines []string    // shell input only: the lines of the current entry, for error context
}

// RunScript runs a script read from r as script mode does: statements run
// as soon as their ';' is read (so piped input streams), dot commands work
// as in the shell, text after the last ';' runs as a final statement, and
// errors print as "name:LINE:COL: message". With Bail set it stops at the
// first error. It reports whether the script ran without any failure;
// .exit ends it early without being a failure.
func (h *Handler) RunScript(name string, r io.Reader) bool {
	before := h.failures
	_ = h.script(name, r)
	return h.failures == before
}

// script is RunScript returning the control-flow sentinel, so that .read
// can pass a bail or an .exit up to the script that read it.
func (h *Handler) script(name string, r io.Reader) error {
	in := &input{name: name}
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if line != "" {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
			if in.line == 0 {
				// Editors on Windows may start a file with a BOM; it is
				// not SQL and would shift column numbers.
				line = strings.TrimPrefix(line, "\ufeff")
			}
			if ferr := h.feed(in, line); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return h.fail(in, sqlscan.Pos{Line: in.line + 1, Col: 1}, fmt.Errorf("read %s: %w", name, err))
		}
	}
	return h.finish(in)
}

// finish runs what is left in the buffer when the input ends: a last
// statement without its ';' (or an open string, which the parser reports).
func (h *Handler) finish(in *input) error {
	if in.buf == "" {
		return nil
	}
	st := sqlscan.Statement{Text: strings.TrimRight(in.buf, " \t\r\n"), Pos: in.pos}
	in.buf = ""
	return h.statement(in, st)
}

// feed handles one line of input: a dot command when no statement is
// pending, otherwise more statement text, running every statement it
// completes. It returns errExit or errBail when the run must stop.
func (h *Handler) feed(in *input, line string) error {
	in.line++
	if in.name == "" {
		in.lines = append(in.lines, line)
	}
	if in.buf == "" {
		trimmed := strings.TrimLeft(line, " \t")
		if strings.HasPrefix(trimmed, ".") {
			if h.Echo != nil {
				h.Echo(h.Out, strings.TrimSpace(trimmed))
			}
			col := len([]rune(line[:len(line)-len(trimmed)])) + 1
			return h.dot(in, strings.TrimSpace(trimmed), sqlscan.Pos{Line: in.line, Col: col})
		}
		in.pos = sqlscan.Pos{Line: in.line, Col: 1}
	}
	in.buf += line + "\n"
	// Only a ';' can complete a statement; skipping Split otherwise keeps
	// a long multi-line statement linear to read.
	if strings.Contains(line, ";") {
		stmts, rest, restPos := sqlscan.Split(in.buf, in.pos)
		in.buf, in.pos = rest, restPos
		for _, st := range stmts {
			if err := h.statement(in, st); err != nil {
				in.buf = ""
				return err
			}
		}
	}
	// A buffer of blanks and finished comments is no statement: dropping
	// it lets a dot command follow a comment line, and the REPL go back to
	// its main prompt.
	if in.buf != "" {
		if toks, err := sqlscan.Tokens(in.buf, in.pos); err == nil && len(toks) == 0 {
			in.buf = ""
		}
	}
	return nil
}

// statement runs one statement and prints its result, or reports its error.
func (h *Handler) statement(in *input, st sqlscan.Statement) error {
	if h.Echo != nil {
		h.Echo(h.Out, st.Text+";")
	}
	ctx, stop := h.context()
	defer stop()
	prog := h.startProgress(ctx, st.Text)
	began := time.Now()
	// Notices (resuming from a checkpoint, a damaged checkpoint skipped)
	// go where errors go, between the results they explain.
	h.Sess.Notice = func(msg string) { fmt.Fprintln(h.Err, msg) }
	run, types := st, []string(nil)
	h.Sess.ValueText = exec.ValuesVarchar
	if h.Mode == render.ModeJSON {
		h.Sess.ValueText = exec.ValuesJSON
	}
	tq, isText := h.asText(ctx, st)
	if isText {
		run = tq.stmt
	}
	res, err := h.Sess.Exec(ctx, run.Text, run.Pos)
	elapsed := time.Since(began)
	prog.stop()
	var pe *sqlscan.Error
	if isText && errors.As(err, &pe) && (pe.Pos.Line < st.Pos.Line || pe.Pos.Line == st.Pos.Line && pe.Pos.Col < st.Pos.Col) {
		pe.Pos = st.Pos // in the wrapper around the statement: its start
	}
	if err != nil {
		return h.fail(in, st.Pos, err)
	}
	if isText && len(res.Columns) == len(tq.columns) {
		res.Columns, res.Rows, types = tq.columns, tq.cells(res.Rows), tq.types
	} else if res.ValueText {
		res.Rows, types = textQuery{json: h.Mode == render.ModeJSON}.cells(res.Rows), res.Types
	}
	if err := h.print(res, types); err != nil {
		return h.fail(in, st.Pos, err)
	}
	if h.Timer {
		fmt.Fprintf(h.Out, "Run Time: %.3fs\n", elapsed.Seconds())
	}
	if len(res.Stats) > 0 {
		h.lastStats = res.Stats
		if analyze := isExplainAnalyze(st); (analyze || h.Timer) && h.forPeople() {
			// EXPLAIN ANALYZE's times follow explain_timing (off in
			// golden files); .timer is about time.
			timing := h.Timer || h.Sess.Settings.ExplainTiming
			if err := render.Convergence(h.Out, res.Stats, timing); err != nil {
				return h.fail(in, st.Pos, err)
			}
		}
	}
	if res.Plot != "" {
		if err := writePlot(res.Plot, res.Stats); err != nil {
			return h.fail(in, res.PlotPos, err)
		}
	}
	return nil
}

// isExplainAnalyze reports whether a statement is EXPLAIN ANALYZE.
func isExplainAnalyze(st sqlscan.Statement) bool {
	toks, err := sqlscan.Tokens(st.Text, st.Pos)
	return err == nil && len(toks) > 1 && toks[0].Is("EXPLAIN") && toks[1].Is("ANALYZE")
}

// forPeople reports whether the output mode is read by people: the
// convergence summary would break csv, json or list output for programs.
func (h *Handler) forPeople() bool {
	switch h.Mode {
	case render.ModeCSV, render.ModeJSON, render.ModeList:
		return false
	}
	return true
}

// context is the context a statement runs under. In the shell, Ctrl-C
// cancels it (DuckDB stops the query) instead of killing the program; the
// signal is caught only while the statement runs, because at the prompt
// the line editor reads Ctrl-C as a key. Scripts keep the default: Ctrl-C
// ends the program.
func (h *Handler) context() (context.Context, func()) {
	if !h.interactive {
		return context.Background(), func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			cancel()
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(done)
		cancel()
	}
}

// print writes a statement's result. A statement without result columns
// (CREATE, SET, ...) prints nothing, as in DuckDB's shell. types are the
// DuckDB types of the columns, nil when only the Go values are known.
func (h *Handler) print(res *exec.Result, types []string) error {
	if res.Text != "" {
		text := res.Text
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		_, err := io.WriteString(h.Out, text)
		return err
	}
	if len(res.Columns) == 0 {
		return nil
	}
	return h.render(res.Columns, types, res.Rows)
}

// render writes a table of values in the current mode.
func (h *Handler) render(columns, types []string, rows [][]any) error {
	opts := render.Options{Mode: h.Mode, MaxRows: h.MaxRows, Types: types}
	if h.Width != nil {
		opts.Width = h.Width()
	}
	if err := render.Write(h.Out, opts, columns, rows); err != nil {
		return fmt.Errorf("print result: %w", err)
	}
	return nil
}

// fail reports err, counts it, and tells the caller whether to stop.
// Engine errors carry their own position (a *sqlscan.Error in the user's
// text); anything else is reported at pos, the start of what failed.
func (h *Handler) fail(in *input, pos sqlscan.Pos, err error) error {
	h.failures++
	start := pos
	msg := err.Error()
	var se *sqlscan.Error
	if errors.As(err, &se) {
		pos, msg = se.Pos, se.Msg
	}
	msg = strings.TrimRight(msg, "\n") + scriptHint(in.name, msg)
	if in.name != "" {
		fmt.Fprintf(h.Err, "%s:%d:%d: %s\n", in.name, pos.Line, pos.Col, msg)
	} else {
		fmt.Fprintf(h.Err, "%d:%d: %s\n", pos.Line, pos.Col, msg)
		// In the shell there is no file to open at the position, so show
		// the line with a caret; unless the error is at the very start of
		// what failed, where a caret adds nothing.
		if pos != start {
			h.showPosition(in, pos)
		}
	}
	if h.Bail {
		return errBail
	}
	return nil
}

// showPosition prints the typed line pos is on, with a caret under pos.
func (h *Handler) showPosition(in *input, pos sqlscan.Pos) {
	if pos.Line < 1 || pos.Line > len(in.lines) {
		return
	}
	src := []rune(in.lines[pos.Line-1])
	if pos.Col < 1 || pos.Col > len(src)+1 {
		return
	}
	// Keep tabs so the caret lines up under tabbed input.
	pad := strings.Map(func(r rune) rune {
		if r == '\t' {
			return '\t'
		}
		return ' '
	}, string(src[:pos.Col-1]))
	fmt.Fprintf(h.Err, "  %s\n  %s^\n", string(src), pad)
}

// quotedPath finds the file names DuckDB quotes in its errors
// (No files found that match the pattern "data/x.csv").
var quotedPath = regexp.MustCompile(`"([^"\n]+)"`)

// scriptHint explains the usual reason a script that works in its own
// folder fails elsewhere: like DuckDB's and sqlite's, a script's relative
// paths are relative to the working directory, not to the script. It
// returns "" unless a path in msg is missing here but is there beside the
// script.
func scriptHint(script, msg string) string {
	if script == "" || script == "-c" || script == "<stdin>" {
		return ""
	}
	dir := filepath.Dir(script)
	if dir == "." {
		return ""
	}
	for _, m := range quotedPath.FindAllStringSubmatch(msg, -1) {
		p := m[1]
		if filepath.IsAbs(p) {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return fmt.Sprintf("\n(paths in a script are relative to the working directory, not to the script: %s is in %s; run the script from there)", p, dir)
		}
	}
	return ""
}

// EchoPlain writes text as it is (DuckDB's -echo).
func EchoPlain(w io.Writer, text string) {
	fmt.Fprintln(w, text)
}

// EchoPrompt writes text as the shell shows it being typed, after its
// prompts, so a golden file reads as a session: input after the prompt,
// output below it.
func EchoPrompt(w io.Writer, text string) {
	for i, line := range strings.Split(text, "\n") {
		prompt := ContinuationPrompt
		if i == 0 {
			prompt = Prompt
		}
		fmt.Fprintln(w, strings.TrimRight(prompt+line, " "))
	}
}
