package repl

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/sqlscan"
)

// command is one dot command. They are a table rather than a switch so
// that .help is generated from the same entries that run, and cannot drift.
type command struct {
	name string // without the dot
	args string // argument synopsis for .help
	help string
	run  func(h *Handler, in *input, args []string) error
}

// maxReadDepth bounds .read nesting so a file that reads itself fails
// with a message instead of exhausting the stack.
const maxReadDepth = 16

// commands is filled in init because .help reads it.
var commands []command

func init() {
	commands = []command{
		{"help", "", "show this help", cmdHelp},
		{"exit", "[N]", "leave the shell (in a script: stop it), with exit status N", cmdExit},
		{"quit", "", "same as .exit", cmdExit},
		{"tables", "[PATTERN]", "list tables and views (names LIKE PATTERN), in columns", cmdTables},
		{"schema", "[TABLE]", "show CREATE statements, of all tables or of TABLE", cmdSchema},
		{"mode", "[MODE]", "set the output mode: duckbox, box, table, csv, json, markdown, line, list", cmdMode},
		{"timer", "on|off", "print the run time after each statement", cmdTimer},
		{"read", "FILE", "run a script file", cmdRead},
		{"open", "[FILE]", "close the database and open FILE (none: a new in-memory one)", cmdOpen},
		{"maxrows", "[N]", "show at most N rows in duckbox mode, the first and last ones (0 = all)", cmdMaxRows},
		{"bail", "on|off", "stop a script at its first error", cmdBail},
		{"settings", "", "show the itersql settings (change them with SET name = value)", cmdSettings},
		{"plot", "FILE.svg|FILE.png", "chart the last WITH ITERATE's convergence (rows changed, ms per iteration)", cmdPlot},
	}
}

// dot runs a dot command line (starting with '.'), which began at pos.
func (h *Handler) dot(in *input, line string, pos sqlscan.Pos) error {
	words, err := splitArgs(line[1:])
	if err != nil {
		return h.fail(in, pos, err)
	}
	if len(words) == 0 {
		return h.fail(in, pos, fmt.Errorf("missing command name after '.' (.help lists the commands)"))
	}
	name := words[0]
	for _, c := range commands {
		if c.name == name {
			if err := c.run(h, in, words[1:]); err != nil {
				if err == errExit || err == errBail {
					return err
				}
				return h.fail(in, pos, fmt.Errorf(".%s: %w", name, err))
			}
			return nil
		}
	}
	return h.fail(in, pos, fmt.Errorf("unknown command .%s (.help lists the commands)", name))
}

// splitArgs splits a command line into words; single or double quotes
// group a word with spaces in it (a file name, say).
func splitArgs(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// wantArgs checks the argument count of a command.
func wantArgs(args []string, min, max int, synopsis string) error {
	if len(args) < min || len(args) > max {
		return fmt.Errorf("usage: %s", synopsis)
	}
	return nil
}

func cmdHelp(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 0, ".help"); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("SQL statements end with ';'. WITH ITERATE runs iterative queries; SET max_iterations = N\n")
	b.WriteString("and the other .settings change the engine. Dot commands (at the start of a line):\n")
	width := 0
	for _, c := range commands {
		width = max(width, len(c.name)+1+len(c.args))
	}
	for _, c := range commands {
		syn := "." + c.name
		if c.args != "" {
			syn += " " + c.args
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width+1, syn, c.help)
	}
	_, err := fmt.Fprint(h.Out, b.String())
	return err
}

func cmdExit(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".exit [N]"); err != nil {
		return err
	}
	h.exitStatus = -1
	if len(args) == 1 {
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 || n > 255 {
			return fmt.Errorf("want an exit status from 0 to 255, not %q", args[0])
		}
		h.exitStatus = n
	}
	h.exited = true
	return errExit
}

// cmdTables lists names in columns, down then across, as DuckDB's and
// sqlite's .tables do; whatever the output mode, since it is a listing
// for people, not a result.
func cmdTables(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".tables [PATTERN]"); err != nil {
		return err
	}
	pattern := "%"
	if len(args) == 1 {
		pattern = args[0]
	}
	ctx, stop := h.context()
	defer stop()
	names, err := h.Sess.Tables(ctx, pattern)
	if err != nil {
		return err
	}
	width := 80
	if h.Width != nil {
		width = h.Width()
	}
	_, err = io.WriteString(h.Out, columns(names, width))
	return err
}

// columns lays names out down then across in as many columns as fit in
// width, two spaces apart.
func columns(names []string, width int) string {
	if len(names) == 0 {
		return ""
	}
	colWidth := 0
	for _, n := range names {
		colWidth = max(colWidth, utf8.RuneCountInString(n)+2)
	}
	nCols := max(1, (width+2)/colWidth)
	nRows := (len(names) + nCols - 1) / nCols
	var b strings.Builder
	for r := 0; r < nRows; r++ {
		var line strings.Builder
		for c := 0; c*nRows+r < len(names); c++ {
			n := names[c*nRows+r]
			line.WriteString(n)
			line.WriteString(strings.Repeat(" ", colWidth-utf8.RuneCountInString(n)))
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

func cmdSchema(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".schema [TABLE]"); err != nil {
		return err
	}
	name := ""
	if len(args) == 1 {
		name = args[0]
	}
	ctx, stop := h.context()
	defer stop()
	stmts, err := h.Sess.Schema(ctx, name)
	if err != nil {
		return err
	}
	for _, st := range stmts {
		if _, err := fmt.Fprintln(h.Out, st); err != nil {
			return err
		}
	}
	return nil
}

func cmdMode(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".mode [duckbox|box|table|csv|json|markdown|line|list]"); err != nil {
		return err
	}
	if len(args) == 0 {
		mode := h.Mode
		if mode == "" {
			mode = render.ModeDuckbox
		}
		_, err := fmt.Fprintf(h.Out, "mode: %s\n", mode)
		return err
	}
	m, err := render.ParseMode(args[0])
	if err != nil {
		return err
	}
	h.Mode = m
	return nil
}

// onOff parses a switch argument; with none it prints the current value.
func (h *Handler) onOff(args []string, name string, v *bool) error {
	if err := wantArgs(args, 0, 1, "."+name+" on|off"); err != nil {
		return err
	}
	if len(args) == 0 {
		state := "off"
		if *v {
			state = "on"
		}
		_, err := fmt.Fprintf(h.Out, "%s: %s\n", name, state)
		return err
	}
	b, err := ParseOnOff(args[0])
	if err != nil {
		return err
	}
	*v = b
	return nil
}

// ParseOnOff reads on/off (also true/false, yes/no, 1/0) as typed by hand.
func ParseOnOff(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "on", "true", "yes", "1":
		return true, nil
	case "off", "false", "no", "0":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, not %q", s)
}

func cmdTimer(h *Handler, _ *input, args []string) error { return h.onOff(args, "timer", &h.Timer) }
func cmdBail(h *Handler, _ *input, args []string) error  { return h.onOff(args, "bail", &h.Bail) }

func cmdMaxRows(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".maxrows [N]"); err != nil {
		return err
	}
	if len(args) == 0 {
		_, err := fmt.Fprintf(h.Out, "maxrows: %d\n", h.MaxRows)
		return err
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return fmt.Errorf("want a whole number >= 0 (0 = all rows), not %q", args[0])
	}
	h.MaxRows = n
	return nil
}

func cmdSettings(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 0, ".settings"); err != nil {
		return err
	}
	return h.render([]string{"name", "value", "description"}, nil, h.Sess.Settings.Describe())
}

// cmdRead runs a file through the same loop, under its own name so its
// errors point into it. A bail or .exit inside it stops the reader too.
func cmdRead(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 1, 1, ".read FILE"); err != nil {
		return err
	}
	if h.depth >= maxReadDepth {
		return fmt.Errorf("%s: .read nested more than %d deep", args[0], maxReadDepth)
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	h.depth++
	defer func() { h.depth-- }()
	return h.script(args[0], f)
}

// cmdOpen replaces the session. The itersql settings carry over: they came
// from flags or SET for this shell, not from the database file.
func cmdOpen(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 0, 1, ".open [FILE]"); err != nil {
		return err
	}
	path := ""
	if len(args) == 1 {
		path = args[0]
	}
	sess, err := exec.Open(path)
	if err != nil {
		return err
	}
	sess.Settings = h.Sess.Settings
	if err := h.Sess.Close(); err != nil {
		// The new session is good; a failed close of the old one is
		// worth telling but not worth refusing the switch.
		fmt.Fprintf(h.Err, "itersql: closing the previous database: %v\n", err)
	}
	h.Sess = sess
	return nil
}

// cmdPlot writes the convergence chart of the last statement that
// iterated.
func cmdPlot(h *Handler, _ *input, args []string) error {
	if err := wantArgs(args, 1, 1, ".plot FILE.svg|FILE.png"); err != nil {
		return err
	}
	if len(h.lastStats) == 0 {
		return fmt.Errorf("no WITH ITERATE has run yet: nothing to plot")
	}
	return writePlot(args[0], h.lastStats)
}

// writePlot writes the convergence chart of stats to path, an SVG or a
// PNG by its extension; nothing is left of the file when that fails.
func writePlot(path string, stats []exec.IterStat) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := render.Plot(f, path, stats); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
