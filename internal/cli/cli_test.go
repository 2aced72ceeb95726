package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// run calls Do in process with stdin as a pipe-like reader (not a
// terminal, so no shell) and returns the exit status and both streams.
// HOME is a fresh folder, so no ~/.itersqlrc of the machine's runs.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if os.Getenv("ITERSQL_TEST_KEEP_HOME") == "" {
		t.Setenv("HOME", t.TempDir())
	}
	var out, errw bytes.Buffer
	code = Do(args, strings.NewReader(stdin), &out, &errw)
	return code, out.String(), errw.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCommand(t *testing.T) {
	code, out, errw := run(t, "", "-c", "SELECT 40 + 2 AS answer")
	if code != 0 || errw != "" {
		t.Fatalf("code %d, stderr %q", code, errw)
	}
	want := `┌──────────┐
│  answer  │
│  int32   │
├──────────┤
│       42 │
├──────────┤
│  1 row   │
│ 1 column │
└──────────┘
`
	if out != want {
		t.Errorf("output:\n%s\nwant:\n%s", out, want)
	}
}

func TestModeCSV(t *testing.T) {
	for _, args := range [][]string{
		{"--mode", "csv", "-c", "SELECT 1 AS a, 'x,y' AS b"},
		{"-c", "SELECT 1 AS a, 'x,y' AS b", "-mode=CSV"},
	} {
		code, out, errw := run(t, "", args...)
		if code != 0 || out != "a,b\n1,\"x,y\"\n" {
			t.Errorf("%q: code %d, out %q, err %q", args, code, out, errw)
		}
	}
}

func TestScriptFileErrorPosition(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "s.sql", "SELECT 1 AS a;\n\nWITH ITERATE t AS (SELECT 1\n  ITERATE SELECT 2 UNTIL BANANAS) SELECT * FROM t;\nSELECT 2 AS b;\n")
	code, out, errw := run(t, "", "--mode", "csv", "-f", f)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if out != "a\n1\n" {
		t.Errorf("output %q: bail is on by default", out)
	}
	if !strings.HasPrefix(errw, f+":4:26: unknown stop test BANANAS") {
		t.Errorf("stderr %q", errw)
	}
}

func TestBailOff(t *testing.T) {
	code, out, errw := run(t, "", "-c", "SELECT x; SELECT 'y;' AS b; SELECT z", "--bail=off", "--mode", "csv")
	if code != 1 {
		t.Errorf("exit %d, want 1 (errors happened)", code)
	}
	if out != "b\ny;\n" {
		t.Errorf("output %q: every statement must run", out)
	}
	if n := strings.Count(errw, "-c:1:"); n != 2 {
		t.Errorf("stderr %q: want 2 errors at -c:1:", errw)
	}
}

func TestPipedStdin(t *testing.T) {
	code, out, errw := run(t, "SELECT 1 AS a;\n.mode line\nSELECT 2 AS b;\nSELECT 'open\n", "--mode", "csv")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	if out != "a\n1\nb = 2\n" {
		t.Errorf("output %q", out)
	}
	if errw != "<stdin>:4:8: unterminated string\n" {
		t.Errorf("stderr %q", errw)
	}
}

func TestScriptFromStdinDash(t *testing.T) {
	code, out, errw := run(t, "SELECT 5 AS five;\nSELECT x;\n", "-f", "-", "--mode=csv")
	if code != 1 || out != "five\n5\n" || !strings.HasPrefix(errw, "<stdin>:2:8: ") {
		t.Errorf("code %d, out %q, err %q", code, out, errw)
	}
}

func TestEmptyScript(t *testing.T) {
	for _, args := range [][]string{{"-c", ""}, {"-c", "-- nothing"}, {}} {
		code, out, errw := run(t, "", args...)
		if code != 0 || out != "" || errw != "" {
			t.Errorf("%q: code %d out %q err %q", args, code, out, errw)
		}
	}
}

func TestMissingFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db.duckdb")
	code, out, errw := run(t, "", db, "-f", filepath.Join(dir, "nope.sql"))
	if code != 1 || out != "" {
		t.Errorf("code %d out %q", code, out)
	}
	if want := "itersql: open " + filepath.Join(dir, "nope.sql") + ": no such file or directory\n"; errw != want {
		t.Errorf("stderr %q, want %q", errw, want)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a database file was created although the script was missing")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--nope"},
		{"--mode", "xml", "-c", "SELECT 1"},
		{"--bail=maybe"},
		{"a.db", "b.db"},
		{"-c", "SELECT 1", "-f", "x.sql"},
		{"--max-iterations", "0"},
		{"--progress", "sometimes"},
	} {
		code, out, errw := run(t, "", args...)
		// One line that points to -h, not the whole usage.
		if code != 2 || out != "" || strings.Count(errw, "\n") != 1 || !strings.Contains(errw, "itersql -h") {
			t.Errorf("%q: code %d, out %q, stderr %q", args, code, out, errw)
		}
	}
	code, _, errw := run(t, "", "test")
	if code != 2 || !strings.Contains(errw, "Usage:") {
		t.Errorf("test without PATH: code %d, stderr %q", code, errw)
	}
}

func TestUnknownFlagNamesTheNearest(t *testing.T) {
	for flag, want := range map[string]string{
		"-jsno":     "unknown flag -jsno (did you mean -json?)",
		"--readonl": "unknown flag -readonl (did you mean -readonly?)",
		"-ech":      "unknown flag -ech (did you mean -echo?)",
	} {
		code, _, errw := run(t, "", flag)
		if code != 2 || !strings.HasPrefix(errw, "itersql: "+want+"; itersql -h lists the flags\n") {
			t.Errorf("%s: code %d, stderr %q", flag, code, errw)
		}
	}
}

func TestModeFlags(t *testing.T) {
	for flag, want := range map[string]string{
		"-csv":      "a,b\n1,x\n",
		"-json":     `[{"a":1,"b":"x"}]` + "\n",
		"-line":     "a = 1\nb = x\n",
		"-markdown": "| a | b |\n|---|---|\n| 1 | x |\n",
		"-list":     "a|b\n1|x\n",
		"-table":    "+---+---+\n| a | b |\n+---+---+\n| 1 | x |\n+---+---+\n",
		"-box":      "┌───┬───┐\n│ a │ b │\n├───┼───┤\n│ 1 │ x │\n└───┴───┘\n",
	} {
		code, out, errw := run(t, "", flag, "-c", "SELECT 1 AS a, 'x' AS b")
		if code != 0 || out != want {
			t.Errorf("%s: code %d, err %q, out:\n%s\nwant:\n%s", flag, code, errw, out, want)
		}
	}
	// The last mode given wins, whichever way it was given.
	if _, out, _ := run(t, "", "-json", "--mode", "csv", "-c", "SELECT 1 AS a"); out != "a\n1\n" {
		t.Errorf("-json --mode csv: %q", out)
	}
}

func TestRepeatedCommandsRunInOrder(t *testing.T) {
	code, out, errw := run(t, "", "-csv", "-c", "CREATE TABLE t AS SELECT 1 AS n", "-s", "INSERT INTO t VALUES (2)", "-c", "SELECT sum(n) AS s FROM t")
	if code != 0 || out != "s\n3\n" {
		t.Errorf("code %d, out %q, err %q", code, out, errw)
	}
	// With bail (the default) the first failing -c ends the run.
	code, out, _ = run(t, "", "-csv", "-c", "SELECT nope", "-c", "SELECT 2 AS two")
	if code != 1 || out != "" {
		t.Errorf("bail: code %d, out %q", code, out)
	}
	code, out, _ = run(t, "", "-csv", "-bail=off", "-c", "SELECT nope", "-c", "SELECT 2 AS two")
	if code != 1 || out != "two\n2\n" {
		t.Errorf("-bail=off: code %d, out %q", code, out)
	}
}

func TestBailIsASwitch(t *testing.T) {
	// -bail takes nothing after it: the DBFILE that follows stays one.
	db := filepath.Join(t.TempDir(), "b.duckdb")
	code, _, errw := run(t, "", "-bail", db, "-c", "CREATE TABLE t(x INT)")
	if code != 0 {
		t.Fatalf("code %d, err %q", code, errw)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the argument after -bail was not taken as DBFILE: %v", err)
	}
	code, _, errw = run(t, "", "-bail", "off")
	if code != 2 || !strings.Contains(errw, "-bail=off") {
		t.Errorf("-bail off: code %d, stderr %q", code, errw)
	}
}

func TestInitCmdAndEcho(t *testing.T) {
	home := t.TempDir()
	t.Setenv("ITERSQL_TEST_KEEP_HOME", "1")
	t.Setenv("HOME", home)
	writeFile(t, home, ".itersqlrc", ".mode csv\nCREATE TABLE rc AS SELECT 'home' AS src;\n")
	code, out, errw := run(t, "", "-c", "SELECT src FROM rc")
	if code != 0 || out != "src\nhome\n" {
		t.Errorf("~/.itersqlrc: code %d, out %q, err %q", code, out, errw)
	}
	other := writeFile(t, t.TempDir(), "init.sql", ".mode line\nCREATE TABLE rc AS SELECT 'init' AS src;\n")
	code, out, errw = run(t, "", "-init", other, "-cmd", "INSERT INTO rc VALUES ('cmd')", "-echo", "-c", "SELECT src FROM rc ORDER BY src")
	want := ".mode line\nCREATE TABLE rc AS SELECT 'init' AS src;\nINSERT INTO rc VALUES ('cmd');\nSELECT src FROM rc ORDER BY src;\nsrc = cmd\n\nsrc = init\n"
	if code != 0 || out != want {
		t.Errorf("-init -cmd -echo: code %d, err %q, out:\n%s\nwant:\n%s", code, errw, out, want)
	}
	code, _, errw = run(t, "", "-init", filepath.Join(home, "missing.sql"), "-c", "SELECT 1")
	if code != 1 || !strings.Contains(errw, "-init: open ") {
		t.Errorf("missing -init: code %d, stderr %q", code, errw)
	}
}

func TestExitStatus(t *testing.T) {
	code, out, _ := run(t, "", "-csv", "-c", "SELECT 1 AS a;\n.exit 7\nSELECT 2 AS b;", "-c", "SELECT 3 AS c")
	if code != 7 || out != "a\n1\n" {
		t.Errorf(".exit 7: code %d, out %q", code, out)
	}
	code, _, _ = run(t, "", "-c", ".exit", "-c", "SELECT nope")
	if code != 0 {
		t.Errorf(".exit: code %d, want 0 (nothing failed)", code)
	}
	code, _, errw := run(t, "", "-c", ".exit 300")
	if code != 1 || !strings.Contains(errw, "0 to 255") {
		t.Errorf(".exit 300: code %d, stderr %q", code, errw)
	}
}

func TestReadonly(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.duckdb")
	if code, _, errw := run(t, "", db, "-c", "CREATE TABLE t AS SELECT 1 AS x"); code != 0 {
		t.Fatal(errw)
	}
	code, out, errw := run(t, "", db, "-readonly", "-csv", "-bail=off", "-c", "SELECT x FROM t; CREATE TABLE u(y INT)")
	if code != 1 || out != "x\n1\n" || !strings.Contains(errw, "read-only") {
		t.Errorf("code %d, out %q, stderr %q", code, out, errw)
	}
}

// TestReadonlyWhileWritten: a file another process writes cannot be read
// (DuckDB's lock), and the error says why and what to do instead.
func TestReadonlyWhileWritten(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	writer := osexec.Command(os.Args[0], "-test.run=^TestHelperHold$")
	writer.Env = append(os.Environ(), "ITERSQL_TEST_HOLD="+db)
	stdin, err := writer.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := writer.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = writer.Wait()
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "holding\n" {
		t.Fatalf("writer: %q, %v", line, err)
	}
	code, _, errw := run(t, "", db, "-readonly", "-c", "SELECT 1")
	if code != 1 || !strings.Contains(errw, "Conflicting lock") ||
		!strings.Contains(errw, "written by one process or read by many, never both") {
		t.Errorf("code %d, stderr %q", code, errw)
	}
}

// TestHelperHold is not a test: TestReadonlyWhileWritten runs it in a
// child process to hold a database file open for writing until its stdin
// closes.
func TestHelperHold(t *testing.T) {
	path := os.Getenv("ITERSQL_TEST_HOLD")
	if path == "" {
		t.Skip("run by TestReadonlyWhileWritten")
	}
	s, err := exec.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Exec(context.Background(), "CREATE TABLE t AS SELECT 1 AS x", sqlscan.Pos{Line: 1, Col: 1}); err != nil {
		t.Fatal(err)
	}
	fmt.Println("holding")
	_, _ = io.ReadAll(os.Stdin)
}

func TestScriptPathsHint(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "ex")
	if err := os.MkdirAll(filepath.Join(sub, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(sub, "data"), "n.csv", "x\n1\n")
	writeFile(t, sub, "s.sql", "SELECT * FROM read_csv('data/n.csv');\n")
	t.Chdir(dir)
	code, _, errw := run(t, "", "-f", filepath.Join("ex", "s.sql"))
	if code != 1 || !strings.Contains(errw, "relative to the working directory, not to the script: data/n.csv is in ex") {
		t.Errorf("code %d, stderr %q", code, errw)
	}
	t.Chdir(sub)
	if code, _, errw := run(t, "", "-f", "s.sql"); code != 0 {
		t.Errorf("from the script's folder: code %d, stderr %q", code, errw)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, a := range []string{"-h", "--help", "-help"} {
		code, out, errw := run(t, "", a)
		if code != 0 || !strings.HasPrefix(out, "Usage:") || errw != "" {
			t.Errorf("%s: code %d, out %q", a, code, out)
		}
	}
	code, out, _ := run(t, "", "--version")
	if code != 0 || !strings.HasPrefix(out, "itersql ") {
		t.Errorf("--version: code %d, out %q", code, out)
	}
}

func TestDBFileAndFlagsAfterIt(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.duckdb")
	code, _, errw := run(t, "", db, "-c", "CREATE TABLE nodes AS SELECT range AS id FROM range(5)")
	if code != 0 {
		t.Fatalf("create: %s", errw)
	}
	code, out, errw := run(t, "", db, "--mode", "csv", "-c", "SELECT count(*) AS n FROM nodes")
	if code != 0 || out != "n\n5\n" {
		t.Errorf("reopen: code %d, out %q, err %q", code, out, errw)
	}
}

func TestSettingFlags(t *testing.T) {
	q := "WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL FIXPOINT) SELECT i FROM t"
	code, _, errw := run(t, "", "--max-iterations", "3", "-c", q)
	if code != 1 || !strings.Contains(errw, "max_iterations = 3") {
		t.Errorf("code %d, stderr %q", code, errw)
	}
	code, out, _ := run(t, "", "--max-state-rows=9", "--progress", "off", "--mode", "csv", "-c", ".settings")
	if code != 0 || !strings.Contains(out, "max_state_rows,9,") || !strings.Contains(out, "progress,off,") {
		t.Errorf("code %d, out %q", code, out)
	}
	code, out, _ = run(t, "", "--skew-join", "on", "--skew-threshold=500", "--mode", "csv", "-c", ".settings")
	if code != 0 || !strings.Contains(out, "skew_join,on,") || !strings.Contains(out, "skew_threshold,500,") {
		t.Errorf("code %d, out %q", code, out)
	}
	code, _, errw = run(t, "", "--skew-join", "sometimes", "-c", "SELECT 1")
	if code == 0 || !strings.Contains(errw, "skew_join") {
		t.Errorf("a bad --skew-join: code %d, stderr %q", code, errw)
	}
}

func TestDotCommandsInScript(t *testing.T) {
	script := `CREATE TABLE edges(src INT, dst INT);
.tables
.schema edges
.bogus
SELECT 1 AS after;
`
	code, out, errw := run(t, script, "--mode", "csv", "--bail=off")
	if code != 1 {
		t.Errorf("exit %d, want 1 for the unknown command", code)
	}
	if !strings.Contains(out, "edges\n") || !strings.Contains(out, "CREATE TABLE edges(src INTEGER, dst INTEGER);\n") || !strings.HasSuffix(out, "after\n1\n") {
		t.Errorf("output %q", out)
	}
	if errw != "<stdin>:4:1: unknown command .bogus (.help lists the commands)\n" {
		t.Errorf("stderr %q", errw)
	}
}

func TestReadRelativeToWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "inc.sql", "SELECT 7 AS seven;\n")
	t.Chdir(dir)
	code, out, errw := run(t, "", "--mode", "csv", "-c", ".read inc.sql")
	if code != 0 || out != "seven\n7\n" {
		t.Errorf("code %d, out %q, err %q", code, out, errw)
	}
}

func TestGoldenSubcommand(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.sql", ".mode csv\nSELECT 1 AS a;\nSELECT nope;\n")
	// No golden yet: a failure with a hint.
	code, out, _ := run(t, "", "test", dir)
	if code != 1 || !strings.Contains(out, "missing "+filepath.Join(dir, "a.golden")) || !strings.HasSuffix(out, "FAIL: 0 passed, 1 failed\n") {
		t.Fatalf("code %d, out %q", code, out)
	}
	code, out, _ = run(t, "", "test", "-update", dir)
	if code != 0 || !strings.HasSuffix(out, "ok: 1 passed, 0 failed\n") {
		t.Fatalf("update: code %d, out %q", code, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "a.golden"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(got), "itersql> .mode csv\nitersql> SELECT 1 AS a;\na\n1\nitersql> SELECT nope;\na.sql:3:8: ") {
		t.Errorf("golden %q: want each statement echoed, output and errors interleaved, errors named a.sql", got)
	}
	code, out, _ = run(t, "", "test", dir)
	if code != 0 || out != "ok: 1 passed, 0 failed\n" {
		t.Errorf("rerun: code %d, out %q", code, out)
	}
	writeFile(t, dir, "a.golden", "a\n2\n")
	code, out, _ = run(t, "", "test", filepath.Join(dir, "a.sql"))
	if code != 1 || !strings.Contains(out, "-2\n+1\n") || !strings.HasSuffix(out, "FAIL: 0 passed, 1 failed\n") {
		t.Errorf("mismatch: code %d, out %q", code, out)
	}
}
