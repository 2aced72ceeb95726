package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestKeptSections: regenerating the report keeps the Per-iteration
// overhead, Soak and Spark or DuckDB sections, which this command does
// not measure, and nothing else of the old file.
func TestKeptSections(t *testing.T) {
	p := filepath.Join(t.TempDir(), "RESULTS.md")
	if got := keptSections(p); got != "" {
		t.Errorf("no file: %q", got)
	}
	os.WriteFile(p, []byte("# old\n\n## Spark or DuckDB\n\nmodel\n\n## cc/x\n\nold table\n\n## Soak\n\nfigures\n\n## Per-iteration overhead\n\nprofile\n\n## Later\n\nmore\n"), 0o644)
	if got, want := keptSections(p), "\n## Per-iteration overhead\n\nprofile\n\n## Soak\n\nfigures\n\n## Spark or DuckDB\n\nmodel\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
