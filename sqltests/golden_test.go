package sqltests

// Golden-file tests: every NAME.sql under testdata (except testdata/ldbc,
// which has its own checker) runs as `itersql test` runs it, and its
// output must equal NAME.golden. After a deliberate change in output, run
//
//	go test ./sqltests/ -run TestGolden -update
//
// and review the diff of the .golden files before keeping it.

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/itersql/itersql/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "ldbc" {
			paths = append(paths, filepath.Join("testdata", e.Name()))
		}
	}
	if len(paths) == 0 {
		t.Skip("no golden test folders")
	}
	var out bytes.Buffer
	passed, failed, err := golden.Run(paths, *update, &out)
	if err != nil {
		t.Fatal(err)
	}
	if failed > 0 {
		t.Errorf("%d of %d golden tests failed:\n%s", failed, passed+failed, out.String())
	} else {
		t.Log(out.String())
	}
}
