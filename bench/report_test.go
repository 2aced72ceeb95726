package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestKeptSections: regenerating the report keeps the Soak section, which
// this command does not measure, and nothing else of the old file.
func TestKeptSections(t *testing.T) {
	p := filepath.Join(t.TempDir(), "RESULTS.md")
	if got := keptSections(p); got != "" {
		t.Errorf("no file: %q", got)
	}
	os.WriteFile(p, []byte("# old\n\n## cc/x\n\nold table\n\n## Soak\n\nfigures\n\n## Later\n\nmore\n"), 0o644)
	if got, want := keptSections(p), "\n## Soak\n\nfigures\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
