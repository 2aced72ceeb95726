// Package golden runs itersql's golden-file tests: each NAME.sql script
// runs in a fresh in-memory database and everything it prints must equal
// NAME.golden next to it.
//
// A script runs exactly as `itersql -f NAME.sql` would (the same
// repl.Handler.RunScript), with three differences that make a test
// useful: bail is off, so every statement runs and one test file can show
// many errors; stdout and stderr go to one writer, so errors appear in the
// golden file where they happened; and each statement and dot command is
// echoed after the shell's prompt before its output (as sqllogictest and
// datadriven files show their input), so the golden file reads as a
// session and a diff points at the statement that changed. Scripts run one after another with
// their own folder as the working directory, so they can .read or COPY
// files next to them by relative path.
package golden

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/render"
	"github.com/itersql/itersql/internal/repl"
)

// Run runs the golden tests in paths: NAME.sql files, or folders searched
// recursively for them. Files and folders whose names start with '_' or
// '.' are skipped when searching a folder, so a test can .read a helper
// script (_setup.sql) that is not a test itself.
//
// A test passes when its output equals NAME.golden; otherwise Run prints a
// unified diff to out. A missing golden file is a failure. With update,
// golden files are (re)written from the output instead and every test
// that ran counts as passed. Run ends with a summary line
// "ok: N passed, M failed" (or "FAIL: ..."). err is for problems that stop
// the run before any test: a path that does not exist, or is not .sql.
//
// target is where the scripts run: "" for a fresh in-memory DuckDB each,
// or a Spark Connect server (sc://host:port), where each script gets a
// fresh database of its own, dropped after it.
func Run(paths []string, update bool, target string, out io.Writer) (passed, failed int, err error) {
	files, err := Collect(paths)
	if err != nil {
		return 0, 0, err
	}
	for _, file := range files {
		if RunOne(file, update, target, out) {
			passed++
		} else {
			failed++
		}
	}
	status := "ok"
	if failed > 0 {
		status = "FAIL"
	}
	fmt.Fprintf(out, "%s: %d passed, %d failed\n", status, passed, failed)
	return passed, failed, nil
}

// Collect expands paths to the list of test scripts, in a stable order:
// NAME.sql files, and those found in folders (see Run).
func Collect(paths []string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("golden: %w", err)
		}
		if !info.IsDir() {
			if filepath.Ext(p) != ".sql" {
				return nil, fmt.Errorf("golden: %s: not a .sql file", p)
			}
			add(filepath.Clean(p))
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && filepath.Ext(name) == ".sql" {
				add(path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("golden: %w", err)
		}
	}
	return files, nil
}

// goldenPath is the expected-output file of a test script.
func goldenPath(script string) string {
	return strings.TrimSuffix(script, ".sql") + ".golden"
}

// RunOne runs one test script, reports any failure to out (a diff, or
// "updated" with update), and says if it passed. On Spark the output is
// compared with NAME.spark.golden where that exists: what differs from
// DuckDB's output, in a file a person reviews (update writes it only when
// the output differs from NAME.golden).
func RunOne(script string, update bool, target string, out io.Writer) bool {
	got, err := runScript(script, target)
	if err != nil {
		fmt.Fprintf(out, "--- FAIL: %s\n%v\n", script, err)
		return false
	}
	gp := goldenPath(script)
	if strings.HasPrefix(target, "sc://") {
		// Spark's own expected output, where it differs from DuckDB's.
		sp := strings.TrimSuffix(script, ".sql") + ".spark.golden"
		duck, derr := os.ReadFile(gp)
		if update && derr == nil && bytes.Equal(duck, got) {
			// No difference left to record.
			if err := os.Remove(sp); err == nil {
				fmt.Fprintf(out, "removed %s (the output is DuckDB's again)\n", sp)
			}
			return true
		}
		if _, err := os.Stat(sp); err == nil || update {
			gp = sp
		}
	}
	want, err := os.ReadFile(gp)
	if update {
		if err == nil && bytes.Equal(want, got) {
			return true
		}
		if err := os.WriteFile(gp, got, 0o644); err != nil {
			fmt.Fprintf(out, "--- FAIL: %s\n%v\n", script, err)
			return false
		}
		fmt.Fprintf(out, "updated %s\n", gp)
		return true
	}
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(out, "--- FAIL: %s\nmissing %s (run `itersql test -update %s` to create it, then review it)\n", script, gp, script)
		return false
	}
	if err != nil {
		fmt.Fprintf(out, "--- FAIL: %s\n%v\n", script, err)
		return false
	}
	if bytes.Equal(want, got) {
		return true
	}
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(want)),
		B:        difflib.SplitLines(string(got)),
		FromFile: gp,
		ToFile:   script + " (output)",
		Context:  3,
	})
	if err != nil {
		diff = fmt.Sprintf("(no diff: %v)\n", err)
	}
	fmt.Fprintf(out, "--- FAIL: %s\n%s", script, diff)
	if !strings.HasSuffix(diff, "\n") {
		fmt.Fprintln(out)
	}
	return false
}

// runScript runs a test script in a fresh session on target (see Run), in
// its own folder, and returns its combined output.
func runScript(script, target string) (out []byte, err error) {
	abs, err := filepath.Abs(script)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	dir, base := filepath.Split(abs)
	wd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	if err := os.Chdir(dir); err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	defer func() {
		if cerr := os.Chdir(wd); cerr != nil && err == nil {
			err = fmt.Errorf("golden: restore working directory: %w", cerr)
		}
	}()
	f, err := os.Open(base)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	defer f.Close()
	sess, err := exec.Open(target)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	db, drop := "", func() error { return nil }
	if sess.Engine() == "spark" {
		// Spark's catalog outlives sessions; each golden test expects a
		// fresh, empty one.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		db, drop, err = sess.UseOwnDatabase(ctx, "itersql_golden")
		cancel()
		if err != nil {
			sess.Close()
			return nil, fmt.Errorf("golden: %w", err)
		}
	}
	var buf bytes.Buffer
	h := &repl.Handler{Sess: sess, Out: &buf, Err: &buf, Mode: render.ModeDuckbox, Echo: repl.EchoPrompt}
	defer func() {
		// The database goes before its session closes. (A script that
		// .opens another session has closed this one: the drop fails,
		// and says so.)
		if derr := drop(); derr != nil && err == nil {
			err = fmt.Errorf("golden: %w", derr)
		}
		if cerr := h.Sess.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("golden: close session: %w", cerr)
		}
	}()
	h.RunScript(base, f)
	if db != "" {
		// The database's random name shows in Spark's errors; the golden
		// reads the same on every run.
		return bytes.ReplaceAll(buf.Bytes(), []byte(db), []byte("itersql_golden")), nil
	}
	return buf.Bytes(), nil
}
