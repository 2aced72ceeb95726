package sqltests

import (
	"testing"

	"github.com/itersql/itersql/internal/spark/sparktest"
)

// TestExamples runs the README's examples (connected components, PageRank,
// shortest paths on SNAP's Facebook graph) as golden tests, so what a new
// user runs first is checked on every change; each is its own subtest
// (-run TestExamples/examples/components).
func TestExamples(t *testing.T) {
	if n := runGoldenFolder(t, "../examples"); n != 3 {
		t.Errorf("%d examples, want 3", n)
	}
}

// TestExamplesSpark runs the same examples on Spark: the answers, and the
// whole output, must be the same goldens.
func TestExamplesSpark(t *testing.T) {
	remote := sparktest.Remote(t)
	if n := runGoldenFolderOn(t, "../examples", remote); n != 3 {
		t.Errorf("%d examples, want 3", n)
	}
}
