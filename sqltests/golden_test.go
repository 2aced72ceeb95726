package sqltests

// Golden-file tests: every NAME.sql under testdata (except testdata/ldbc,
// which has its own checker) runs as `itersql test` runs it, and its
// output must equal NAME.golden. Each file is its own subtest, named by
// its folder and name, so one runs alone:
//
//	go test ./sqltests -run TestGolden/engine/stops
//
// After a deliberate change in output, run
//
//	go test ./sqltests/ -run TestGolden -update
//
// and review the diff of the .golden files before keeping it.

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/golden"
	"github.com/itersql/itersql/internal/spark/sparktest"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() && e.Name() != "ldbc" {
			n += runGoldenFolder(t, filepath.Join("testdata", e.Name()))
		}
	}
	if n == 0 {
		t.Skip("no golden tests")
	}
}

// runGoldenFolder runs each golden test under dir as a subtest named by
// its path below dir's parent, a level per folder (engine/stops), and
// returns how many there were.
func runGoldenFolder(t *testing.T, dir string) int { return runGoldenFolderOn(t, dir, "") }

// runGoldenFolderOn is runGoldenFolder on target ("" for DuckDB, or a
// Spark Connect server: see golden.Run).
func runGoldenFolderOn(t *testing.T, dir, target string) int {
	t.Helper()
	files, err := golden.Collect([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	tests := make([]goldenTest, len(files))
	for i, file := range files {
		rel, err := filepath.Rel(filepath.Dir(dir), file)
		if err != nil {
			t.Fatal(err)
		}
		tests[i] = goldenTest{strings.Split(filepath.ToSlash(strings.TrimSuffix(rel, ".sql")), "/"), file}
	}
	runTree(t, tests, target)
	return len(files)
}

// goldenTest is a test script and its subtest name, a part per level.
type goldenTest struct {
	name []string
	file string
}

// runTree runs tests as nested subtests, one t.Run per folder holding
// all the tests in it, so that -run matches each level as go test
// splits it. Collect's order keeps a folder's tests together.
func runTree(t *testing.T, tests []goldenTest, target string) {
	for len(tests) > 0 {
		head := tests[0].name[0]
		if len(tests[0].name) == 1 {
			file := tests[0].file
			t.Run(head, func(t *testing.T) {
				var out bytes.Buffer
				if !golden.RunOne(file, *update, target, &out) {
					t.Errorf("%s", out.String())
				} else if out.Len() > 0 {
					t.Log(out.String())
				}
			})
			tests = tests[1:]
			continue
		}
		var sub []goldenTest
		for len(tests) > 0 && len(tests[0].name) > 1 && tests[0].name[0] == head {
			sub = append(sub, goldenTest{tests[0].name[1:], tests[0].file})
			tests = tests[1:]
		}
		t.Run(head, func(t *testing.T) { runTree(t, sub, target) })
	}
}

// TestGoldenSpark runs the engine goldens on Spark: each script's output
// must equal its NAME.spark.golden where the engines differ (reviewed
// files: their diff against NAME.golden is what differs on Spark), and
// NAME.golden otherwise.
func TestGoldenSpark(t *testing.T) {
	remote := sparktest.Remote(t)
	if n := runGoldenFolderOn(t, "testdata/engine", remote); n == 0 {
		t.Fatal("no engine goldens")
	}
}
