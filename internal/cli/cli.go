// Package cli is the itersql command: flag parsing and choosing between
// the interactive shell, script mode and the golden test runner. All of
// it runs through Do with explicit streams, so tests run the whole command
// in process; the main package only calls Do and exits with its status.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
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
  itersql test [-update] PATH...        run golden tests: each NAME.sql against NAME.golden

DBFILE is a DuckDB database file, created if missing. Without it the
database lives in memory and is gone at exit. Flags may come before or
after DBFILE, with one dash or two.

Flags:
  -c SQL                  run SQL (statements separated by ';', dot commands allowed)
  -f FILE                 run the script FILE (- for stdin)
  --mode MODE             output mode: duckbox, box, table, csv, json, markdown, line,
                          list (default duckbox)
  --bail on|off           scripts stop at the first error (default on); with off every
                          statement runs and the exit status is 1 if any failed
  --max-iterations N      WITH ITERATE runaway guard (SET max_iterations; default 10000)
  --max-state-rows N      error when an iteration state exceeds N rows (0 = no limit)
  --progress auto|on|off  live progress line on stderr while iterating (default auto:
                          only when stderr is a terminal)
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

Exit status: 0 success, 1 a statement or file failed, 2 bad command line.
`

// interactiveMaxRows keeps an accidental huge SELECT from flooding the
// terminal (DuckDB's default); scripts print everything because their
// output is data.
const interactiveMaxRows = 40

// options are the parsed command line.
type options struct {
	command, file string
	hasCommand    bool // -c was given, even as -c "" (an empty script)
	dbfile        string
	mode          render.Mode
	bail          bool
	settings      [][2]string // itersql settings to apply, in order
	help, version bool
}

// errUsage marks command-line mistakes (exit status 2).
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &errUsage{fmt.Sprintf(format, args...)}
}

// parse reads the command line. Go's flag package stops at the first
// positional argument; parsing again after it lets flags follow DBFILE.
func parse(args []string) (*options, error) {
	o := &options{mode: render.ModeDuckbox, bail: true}
	fs := flag.NewFlagSet("itersql", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, by Do, with the usage
	fs.StringVar(&o.command, "c", "", "")
	fs.StringVar(&o.file, "f", "", "")
	mode := fs.String("mode", "duckbox", "")
	bail := fs.String("bail", "on", "")
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

	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &errUsage{err.Error()}
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
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "c" {
			o.hasCommand = true
		}
	})
	switch len(positional) {
	case 0:
	case 1:
		o.dbfile = positional[0]
	default:
		return nil, usageErrorf("too many arguments: %s (one DBFILE at most; SQL goes in -c \"...\")", strings.Join(positional, " "))
	}
	if o.hasCommand && o.file != "" {
		return nil, usageErrorf("-c and -f cannot be used together")
	}
	m, err := render.ParseMode(*mode)
	if err != nil {
		return nil, &errUsage{"--mode: " + err.Error()}
	}
	o.mode = m
	if o.bail, err = repl.ParseOnOff(*bail); err != nil {
		return nil, &errUsage{"--bail: " + err.Error()}
	}
	return o, nil
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
		fmt.Fprintf(stderr, "itersql: %v\n\n%s", err, usage)
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

	// Open the script before the database: a mistyped -f must not leave
	// a freshly created DBFILE behind.
	var script io.Reader
	name := ""
	switch {
	case o.file == "-":
		script, name = stdin, "<stdin>"
	case o.file != "":
		f, err := os.Open(o.file)
		if err != nil {
			fmt.Fprintf(stderr, "itersql: %v\n", err)
			return exitError
		}
		defer f.Close()
		script, name = f, o.file
	case o.hasCommand:
		script, name = strings.NewReader(o.command), "-c"
	case !isTerminal(stdin):
		script, name = stdin, "<stdin>"
	}

	sess, err := exec.Open(o.dbfile)
	if err != nil {
		fmt.Fprintf(stderr, "itersql: %v\n", err)
		return exitError
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
	// .open may have replaced the session; close the current one.
	defer func() {
		if err := h.Sess.Close(); err != nil {
			fmt.Fprintf(stderr, "itersql: close database: %v\n", err)
		}
	}()

	if script != nil {
		if !h.RunScript(name, script) {
			return exitError
		}
		return exitOK
	}
	return shell(h, stdin.(*os.File), stdout, stderr)
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
	return exitOK
}

// doTest is `itersql test [-update] PATH...`.
func doTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("itersql test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	update := fs.Bool("update", false, "")
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
	_, failed, err := golden.Run(paths, *update, stdout)
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
