package sqltests

import (
	"bytes"
	"testing"

	"github.com/itersql/itersql/internal/golden"
)

// TestExamples runs the README's examples (connected components, PageRank,
// shortest paths on SNAP's Facebook graph) as golden tests, so what a new
// user runs first is checked on every change.
func TestExamples(t *testing.T) {
	var out bytes.Buffer
	passed, failed, err := golden.Run([]string{"../examples"}, *update, &out)
	if err != nil {
		t.Fatal(err)
	}
	if passed+failed != 3 || failed > 0 {
		t.Errorf("%d passed, %d failed (want 3 examples):\n%s", passed, failed, out.String())
	}
}
