package sqltests

// The skew split's differential test over every golden script: each
// statement runs in two sessions, one with the split off and one with it
// forced on with a threshold of one row (every key with two rows or more
// takes the broadcast path, the rest three shuffle tasks), and the two
// must agree: both fail, or both give the same rows.

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/sqlscan"
)

// forced are the settings of the split session; they are applied again
// after every SET, since some scripts switch the split off themselves.
var forced = []string{"SET skew_join = on", "SET skew_threshold = 1", "SET partitions = 3", "SET target_task_rows = 1000"}

func TestSkewDifferential(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every golden script twice")
	}
	scripts, err := filepath.Glob("testdata/*/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("../examples/*.sql")
	scripts = append(scripts, examples...)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	split := 0
	for _, script := range scripts {
		// ldbc has its own checker; _ files are not scripts (differential/_corpus.sql
		// is the queries of TestDifferential, which needs its fixtures).
		if strings.HasPrefix(filepath.Base(script), "_") || strings.Contains(script, string(filepath.Separator)+"ldbc"+string(filepath.Separator)) {
			continue
		}
		t.Run(strings.TrimSuffix(script, ".sql"), func(t *testing.T) {
			src, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			// Scripts read files relative to their folder, and some leave
			// checkpoints there: each runs in a copy of its folder.
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS(filepath.Dir(script))); err != nil {
				t.Fatal(err)
			}
			if err := os.Chdir(dir); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := os.Chdir(wd); err != nil {
					t.Fatal(err)
				}
			}()
			n := compareScript(t, withoutDotCommands(string(src)))
			t.Logf("%d statements split", n)
			split += n
		})
	}
	t.Logf("%d statements were split", split)
	// The test means something only if splits really happened.
	if split < 10 {
		t.Errorf("only %d statements were split", split)
	}
}

// compareScript runs src in both sessions and returns how many statements
// the split session really split.
func compareScript(t *testing.T, src string) int {
	off, on := open(t), open(t)
	for _, q := range forced {
		mustExec(context.Background(), t, on, q)
	}
	stmts, rest, restPos := sqlscan.Split(src, sqlscan.Pos{Line: 1, Col: 1})
	if strings.TrimSpace(rest) != "" {
		stmts = append(stmts, sqlscan.Statement{Text: rest, Pos: restPos})
	}
	split := 0
	for _, st := range stmts {
		first := strings.ToUpper(strings.Fields(st.Text + " x")[0])
		if first == "EXPLAIN" {
			continue // EXPLAIN shows the split by design
		}
		want, werr := off.Exec(context.Background(), st.Text, st.Pos)
		got, gerr := on.Exec(context.Background(), st.Text, st.Pos)
		if first == "SET" {
			for _, q := range forced {
				mustExec(context.Background(), t, on, q)
			}
		}
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%d:%d: split off: %v; forced on: %v\n%s", st.Pos.Line, st.Pos.Col, werr, gerr, st.Text)
			continue
		}
		if werr != nil {
			continue
		}
		if w, g := rowsOf(want), rowsOf(got); w != g {
			t.Errorf("%d:%d: results differ\n%s\nsplit off:\n%s\nforced on:\n%s", st.Pos.Line, st.Pos.Col, st.Text, w, g)
		}
		if first == "SELECT" || first == "WITH" {
			if res, err := on.Exec(context.Background(), "EXPLAIN ANALYZE "+st.Text, st.Pos); err == nil && strings.Contains(res.Text+rowsOf(res), "skew ") {
				split++
			}
		}
	}
	return split
}

func open(t *testing.T) *exec.Session {
	s, err := exec.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// withoutDotCommands blanks the lines that are dot commands (.timer on),
// keeping line numbers.
func withoutDotCommands(src string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), ".") {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// rowsOf renders a result's columns and rows, rows sorted (a split may
// return rows of equal sort keys, or of a query without ORDER BY, in
// another order) and floats to 9 significant digits (a split adds
// floating-point sums in another order).
func rowsOf(r *exec.Result) string {
	if r == nil {
		return ""
	}
	rows := make([]string, len(r.Rows))
	for i, row := range r.Rows {
		cells := make([]string, len(row))
		for j, v := range row {
			cells[j] = cellText(v)
		}
		rows[i] = strings.Join(cells, "|")
	}
	sort.Strings(rows)
	return strings.Join(r.Columns, "|") + "\n" + strings.Join(rows, "\n")
}

// cellText renders one value, floats to 9 significant digits (a split adds
// floating-point sums in another order).
func cellText(v any) string {
	switch f := v.(type) {
	case float64:
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Sprint(f)
		}
		return fmt.Sprintf("%.9g", f)
	case float32:
		return fmt.Sprintf("%.6g", f)
	}
	return fmt.Sprint(v)
}
