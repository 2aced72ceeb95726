// Package cli is the itersql command: flag parsing and choosing between
// the interactive shell, script mode and the golden test runner. All of
// it runs through Do with explicit streams, so tests run the whole command
// in process; the main package only calls Do and exits with its status.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/chzyer/readline"
	"github.com/mattn/go-isatty"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/golden"
	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/repl"
)

// Version is the itersql version; release builds set it with
// -ldflags "-X github.com/itersql/itersql/internal/cli.Version=v1.2.3".
var Version = ""

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // a statement, command or file failed
	exitUsage = 2 // the command line itself is wrong
)

const usage = `Usage:
  itersql [flags] [DBFILE]              interactive shell (stdin is a terminal)
  itersql [flags] [DBFILE] -c SQL       run SQL, then exit
  itersql [flags] [DBFILE] -f FILE      run a script file, then exit
  itersql [flags] [DBFILE] < FILE       run the script piped on stdin, then exit
  itersql [flags] sc://HOST:PORT ...    the same on Apache Spark, through Spark Connect
  itersql test [-update] [--remote sc://HOST:PORT] PATH...
                                        run golden tests: each NAME.sql against NAME.golden

DBFILE is a DuckDB database file, created if missing. Without it the
database lives in memory and is gone at exit. sc://HOST:PORT (or
--remote sc://HOST:PORT) runs every statement on a Spark Connect server
instead (docs/spark.md). Flags may come before or after DBFILE, with one
dash or two.

Flags:
  -c SQL, -s SQL          run SQL (statements separated by ';', dot commands allowed);
                          may be repeated, each runs in turn
  -f FILE                 run the script FILE (- for stdin)
  -cmd SQL                run SQL first, before the script or the shell; may be repeated
  -init FILE              run FILE before anything else (default: ~/.itersqlrc, if it
                          exists)
  --mode MODE             output mode: duckbox, box, table, csv, json, markdown, line,
                          list (default duckbox)
  -duckbox -box -table -csv -json -markdown -line -list
                          the same, DuckDB's way
  -bail, -bail=off        scripts stop at the first error (default on); with off every
                          statement runs and the exit status is 1 if any failed
  -echo                   print each statement and dot command before running it
  -readonly               open DBFILE read-only (DuckDB's access_mode=read_only); not
                          while another process writes it (DuckDB's lock)
  --remote sc://HOST:PORT run on a Spark Connect server (same as giving sc://HOST:PORT)
  --max-iterations N      WITH ITERATE runaway guard (SET max_iterations; default 10000)
  --max-state-rows N      error when an iteration state exceeds N rows (0 = no limit)
  --progress auto|on|off  live progress on stderr while iterating: a bar with ETA for
                          n ITERATIONS, a spinner for FIXPOINT, and the engine's progress
                          of any statement running past DuckDB's progress_bar_time, 2 s
                          (default auto: only when stderr is a terminal, and not in csv
                          or json mode)
  --checkpoint-every N|D  durable checkpoint every N iterations or every duration D
                          (e.g. 2m); SET checkpoint_every (default 0, off)
  --checkpoint-dir DIR    where checkpoints go (default: beside DBFILE, or ./.itersql)
  --resume                start a statement from its newest valid checkpoint
  --skew-join auto|on|off split skewed equi-joins into broadcast and shuffle tasks
                          (SET skew_join; default auto: only when heavy keys exist;
                          on: also plain SELECTs)
  --skew-threshold N|auto rows above which a join key is heavy (SET skew_threshold)
  --set NAME=VALUE        any itersql setting (.settings lists them), e.g.
                          --set skew_join=on
  -h, --help              show this help
  --version               show the version

In the shell, statements end with ';' and may span lines; lines starting
with '.' are dot commands (.help lists them). Ctrl-C cancels the running
statement or clears the one being typed; Ctrl-D exits. History is kept in
~/.itersql_history. In the shell, duckbox mode fits the terminal's width and
shows at most 40 rows, the first and last ones (.maxrows); scripts and pipes
get all rows with full values.

Scripts run each statement as soon as its ';' is read. Text after the last
';' runs as a final statement. An empty script does nothing and succeeds.
Errors print to stderr as FILE:LINE:COL: message, where FILE is the script,
-c or <stdin>.

Exit status: 0 success, 1 a statement or file failed, 2 bad command line,
N after .exit N.
`

// interactiveMaxRows keeps an accidental huge SELECT from flooding the
// terminal (DuckDB's default); scripts print everything because their
// output is data.
const interactiveMaxRows = 40

// options are the parsed command line.
type options struct {
	commands      []string // -c and -s, run in order
	hasCommand    bool     // -c was given, even as -c "" (an empty script)
	file          string
	cmds          []string // -cmd: run before the script or the shell
	init          string   // -init FILE; "" means ~/.itersqlrc if it exists
	initGiven     bool
	dbfile        string
	mode          render.Mode
	bail          bool
	readonly      bool
	echo          bool
	settings      [][2]string // itersql settings to apply, in order
	help, version bool
}

// errUsage marks command-line mistakes (exit status 2).
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &errUsage{fmt.Sprintf(format, args...)}
}

// modeFlags are DuckDB's one-word mode flags (-csv, -json, ...).
var modeFlags = []render.Mode{render.ModeDuckbox, render.ModeBox, render.ModeTable, render.ModeCSV,
	render.ModeJSON, render.ModeMarkdown, render.ModeLine, render.ModeList}

// parse reads the command line. Go's flag package stops at the first
// positional argument; parsing again after it lets flags follow DBFILE.
func parse(args []string) (*options, error) {
	o := &options{mode: render.ModeDuckbox, bail: true}
	fs := flag.NewFlagSet("itersql", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by Do
	command := func(v string) error {
		o.commands = append(o.commands, v)
		o.hasCommand = true
		return nil
	}
	fs.Func("c", "", command)
	fs.Func("s", "", command) // DuckDB's name for -c
	fs.StringVar(&o.file, "f", "", "")
	fs.Func("cmd", "", func(v string) error {
		o.cmds = append(o.cmds, v)
		return nil
	})
	fs.Func("init", "", func(v string) error {
		o.init, o.initGiven = v, true
		return nil
	})
	fs.Func("mode", "", func(v string) error {
		m, err := render.ParseMode(v)
		o.mode = m
		return err
	})
	for _, m := range modeFlags {
		fs.BoolFunc(string(m), "", func(string) error {
			o.mode = m
			return nil
		})
	}
	// -bail is a switch, as in DuckDB's CLI: it never takes the next
	// argument; -bail=off turns it off.
	fs.BoolFunc("bail", "", func(v string) error {
		b, err := repl.ParseOnOff(v)
		o.bail = b
		return err
	})
	fs.BoolVar(&o.readonly, "readonly", false, "")
	fs.Func("remote", "", func(v string) error {
		if !strings.HasPrefix(v, "sc://") {
			return fmt.Errorf("want --remote sc://host:port, not %q", v)
		}
		o.dbfile = v
		return nil
	})
	fs.BoolVar(&o.echo, "echo", false, "")
	fs.Func("max-iterations", "", settingFlag(o, "max_iterations"))
	fs.Func("max-state-rows", "", settingFlag(o, "max_state_rows"))
	fs.Func("progress", "", settingFlag(o, "progress"))
	fs.Func("checkpoint-every", "", settingFlag(o, "checkpoint_every"))
	fs.Func("checkpoint-dir", "", settingFlag(o, "checkpoint_dir"))
	fs.Func("skew-join", "", settingFlag(o, "skew_join"))
	fs.Func("skew-threshold", "", settingFlag(o, "skew_threshold"))
	fs.BoolFunc("resume", "", func(v string) error {
		o.settings = append(o.settings, [2]string{"resume", v})
		return nil
	})
	fs.Func("set", "", func(v string) error {
		name, value, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("want --set name=value, not %q", v)
		}
		o.settings = append(o.settings, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		return nil
	})
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.version, "version", false, "")

	// Before -bail became a switch it took on|off: say so rather than
	// open a database file named "off".
	for i := 0; i+1 < len(args); i++ {
		if (args[i] == "-bail" || args[i] == "--bail") && isOnOff(args[i+1]) {
			return nil, usageErrorf("-bail takes no value: write -bail, or -bail=%s", args[i+1])
		}
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	if o.help || o.version {
		return o, nil
	}
	switch len(positional) {
	case 0:
	case 1:
		if o.dbfile != "" {
			return nil, usageErrorf("both --remote %s and DBFILE %s: give one", o.dbfile, positional[0])
		}
		o.dbfile = positional[0]
	default:
		return nil, usageErrorf("too many arguments: %s (one DBFILE at most; SQL goes in -c \"...\")", strings.Join(positional, " "))
	}
	if o.hasCommand && o.file != "" {
		return nil, usageErrorf("-c and -f cannot be used together")
	}
	if o.readonly && strings.HasPrefix(o.dbfile, "sc://") {
		return nil, usageErrorf("-readonly opens a DuckDB file; it has no meaning on Spark (%s)", o.dbfile)
	}
	return o, nil
}

func isOnOff(s string) bool {
	_, err := repl.ParseOnOff(s)
	return err == nil
}

// flagError turns the flag package's error into one line: an unknown
// flag is named with the nearest known one.
func flagError(fs *flag.FlagSet, err error) error {
	const unknown = "flag provided but not defined: "
	msg := err.Error()
	if !strings.HasPrefix(msg, unknown) {
		return &errUsage{msg}
	}
	name := strings.TrimLeft(strings.TrimPrefix(msg, unknown), "-")
	best, bestDist := "", -1
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(name, f.Name); bestDist < 0 || d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return usageErrorf("unknown flag -%s (did you mean -%s?)", name, best)
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// settingFlag checks a setting flag's value at parse time, on a scratch
// Settings, so a bad value is a usage error before any database opens.
func settingFlag(o *options, name string) func(string) error {
	return func(v string) error {
		s := exec.DefaultSettings()
		if err := s.Set(name, v); err != nil {
			return err
		}
		o.settings = append(o.settings, [2]string{name, v})
		return nil
	}
}

// Do runs the itersql command with the given arguments (without the
// program name) and streams, and returns the exit status.
func Do(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "test" {
		return doTest(args[1:], stdout, stderr)
	}
	o, err := parse(args)
	if err != nil {
		// One line: the mistake, and where help is. The whole usage
		// would push the mistake off the screen.
		fmt.Fprintf(stderr, "itersql: %v; itersql -h lists the flags\n", err)
		return exitUsage
	}
	if o.help {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if o.version {
		fmt.Fprintf(stdout, "itersql %s\n", version())
		return exitOK
	}

	// Open the scripts before the database: a mistyped -f or -init must
	// not leave a freshly created DBFILE behind.
	type source struct {
		name string
		r    io.Reader
	}
	var pre, main []source // pre: -init and -cmd, before the script or the shell
	initFile := o.init
	if !o.initGiven {
		initFile = defaultInitFile()
	}
	if initFile != "" {
		f, err := os.Open(initFile)
		switch {
		case err == nil:
			defer f.Close()
			pre = append(pre, source{initFile, f})
		case o.initGiven || !errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stderr, "itersql: -init: %v\n", err)
			return exitError
		}
	}
	for _, c := range o.cmds {
		pre = append(pre, source{"-cmd", strings.NewReader(c)})
	}
	switch {
	case o.file == "-":
		main = append(main, source{"<stdin>", stdin})
	case o.file != "":
		f, err := os.Open(o.file)
		if err != nil {
			fmt.Fprintf(stderr, "itersql: %v\n", err)
			return exitError
		}
		defer f.Close()
		main = append(main, source{o.file, f})
	case o.hasCommand:
		for _, c := range o.commands {
			main = append(main, source{"-c", strings.NewReader(c)})
		}
	case !isTerminal(stdin):
		main = append(main, source{"<stdin>", stdin})
	}

	dsn := o.dbfile
	if o.readonly && dsn != "" {
		// DuckDB's own option: other read-only processes may open the
		// file too, and nothing can be written to it.
		dsn += "?access_mode=read_only"
	}
	sess, err := exec.Open(dsn)
	if err != nil {
		fmt.Fprintf(stderr, "itersql: %v\n", err)
		if o.readonly && strings.Contains(err.Error(), "Conflicting lock") {
			// What a user who hoped to watch a running job needs to
			// know: DuckDB's CLI is refused the same way.
			fmt.Fprintf(stderr, "itersql: -readonly: another process is writing %s, and DuckDB lets a database file be written by one process or read by many, never both; read it once that process has closed it, or have that process write what you want to read (COPY ... TO, checkpoint_dir)\n", o.dbfile)
		}
		return exitError
	}
	if n := len(sess.Swept); n > 0 {
		fmt.Fprintf(stderr, "itersql: dropped %d tables that itersql processes of this machine left on %s when they died: %s\n", n, dsn, strings.Join(sess.Swept, ", "))
	}
	for _, s := range o.settings {
		if err := sess.Settings.Set(s[0], s[1]); err != nil {
			fmt.Fprintf(stderr, "itersql: %v\n", err)
			sess.Close()
			return exitUsage
		}
	}
	h := &repl.Handler{
		Sess:     sess,
		Out:      stdout,
		Err:      stderr,
		Mode:     o.mode,
		Bail:     o.bail,
		Terminal: isTerminal(stderr),
	}
	if o.echo {
		h.Echo = repl.EchoPlain
	}
	// .open may have replaced the session; close the current one.
	defer func() {
		if err := h.Sess.Close(); err != nil {
			fmt.Fprintf(stderr, "itersql: close database: %v\n", err)
		}
	}()

	// Sources run in order, each as a script. .exit N ends the run with
	// N; with bail, the first failure ends it, except that the shell
	// still starts after a failing -init or -cmd (as in DuckDB's CLI).
	failed := false
	for i, src := range append(pre, main...) {
		ok := h.RunScript(src.name, src.r)
		failed = failed || !ok
		if n, exited := h.Exit(); exited {
			if n >= 0 {
				return n
			}
			break
		}
		if !ok && h.Bail && (i >= len(pre) || len(main) > 0) {
			return exitError
		}
	}
	if _, exited := h.Exit(); len(main) > 0 || exited {
		if failed {
			return exitError
		}
		return exitOK
	}
	return shell(h, stdin.(*os.File), stdout, stderr)
}

// defaultInitFile is ~/.itersqlrc, run before anything else when it
// exists, as DuckDB runs ~/.duckdbrc; "" without a home directory.
func defaultInitFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".itersqlrc")
}

// shell runs the interactive shell on the terminal.
func shell(h *repl.Handler, stdin *os.File, stdout, stderr io.Writer) int {
	h.MaxRows = interactiveMaxRows
	h.Width = readline.GetScreenWidth
	ed, err := repl.NewEditor(stdin, stdout, stderr, repl.HistoryFile())
	if err != nil {
		fmt.Fprintf(stderr, "itersql: %v\n", err)
		return exitError
	}
	defer ed.Close()
	fmt.Fprintf(stdout, "itersql %s: SQL statements end with ';'. .help for help, Ctrl-D to exit.\n", version())
	if err := h.Interact(ed); err != nil {
		fmt.Fprintf(stderr, "itersql: %v\n", err)
		return exitError
	}
	if n, _ := h.Exit(); n >= 0 {
		return n
	}
	return exitOK
}

// doTest is `itersql test [-update] PATH...`.
func doTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("itersql test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	update := fs.Bool("update", false, "")
	remote := fs.String("remote", "", "")
	help := fs.Bool("h", false, "")
	fs.BoolVar(help, "help", false, "")
	// Allow -update after the paths too, as with the main flags.
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			fmt.Fprintf(stderr, "itersql test: %v\n\n%s", err, usage)
			return exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		paths = append(paths, args[0])
		args = args[1:]
	}
	if *help {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "itersql test: no PATH given (a NAME.sql file or a folder of them)\n\n%s", usage)
		return exitUsage
	}
	if *remote != "" && !strings.HasPrefix(*remote, "sc://") {
		fmt.Fprintf(stderr, "itersql test: want --remote sc://host:port, not %q\n", *remote)
		return exitUsage
	}
	_, failed, err := golden.Run(paths, *update, *remote, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "itersql test: %v\n", err)
		return exitError
	}
	if failed > 0 {
		return exitError
	}
	return exitOK
}

// isTerminal reports whether a stream is a terminal; anything that is not
// an *os.File (a test's buffer) is not.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	fd := f.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// version is Version, or else the module version Go stamped into the
// binary (go install ...@v1.2.3), or "dev".
func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
