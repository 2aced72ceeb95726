package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
)

// TestPanicIsAnInternalError: a statement that panics (forced by the
// test hook) fails with an internal error in every front end, and the
// session lives on: its in-memory table is still there for the next
// statement.
func TestPanicIsAnInternalError(t *testing.T) {
	const boom = "SELECT 'boom'"
	t.Setenv(exec.PanicEnv, boom)
	script := "CREATE TABLE kept AS SELECT 42 AS x;\n" + boom + ";\nSELECT x FROM kept;\n"
	const internal = "2:1: internal error: forced by " + exec.PanicEnv + " (please file an issue"
	check := func(name, out, errw string) {
		t.Helper()
		if !strings.Contains(errw+out, internal) {
			t.Errorf("%s: no internal error; stdout %q, stderr %q", name, out, errw)
		}
		if !strings.Contains(out, "42") {
			t.Errorf("%s: the session did not survive; stdout %q, stderr %q", name, out, errw)
		}
	}
	code, out, errw := run(t, "", "-bail=off", "--mode", "csv", "-c", script)
	check("-c", out, errw)
	if code != 1 {
		t.Errorf("-c: exit %d, want 1", code)
	}
	f := writeFile(t, t.TempDir(), "s.sql", script)
	_, out, errw = run(t, "", "-bail=off", "--mode", "csv", "-f", f)
	check("-f", out, errw)
	_, out, errw = run(t, script, "-bail=off", "--mode", "csv")
	check("stdin", out, errw)

	dir := t.TempDir()
	sql := writeFile(t, dir, "p.sql", script)
	code, out, errw = run(t, "", "test", "-update", sql)
	if code != 0 {
		t.Fatalf("itersql test -update: exit %d, %s %s", code, out, errw)
	}
	golden, err := os.ReadFile(filepath.Join(dir, "p.golden"))
	if err != nil {
		t.Fatal(err)
	}
	check("itersql test", string(golden), "")
}

// TestCommentedOutStatementRunsNothing: issue 13's script, whose block
// comment holds a nested one and a DROP, leaves the table in place.
func TestCommentedOutStatementRunsNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "g.duckdb")
	if code, out, errw := run(t, "", db, "-c", "CREATE TABLE important AS SELECT 1 AS x"); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errw)
	}
	script := writeFile(t, t.TempDir(), "s.sql", "/* old setup:\nCREATE TABLE scratch (x INTEGER);\n/* note */ DROP TABLE important;\n*/\nSELECT count(*) AS n FROM important;\n")
	code, out, errw := run(t, "", db, "--mode", "csv", "-f", script)
	if code != 0 || out != "n\n1\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errw)
	}
}
