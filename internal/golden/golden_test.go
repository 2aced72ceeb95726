package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Helpers named _*.sql are skipped, folders are searched recursively, and
// each script runs in its own folder (so its .read finds the helper).
func TestRunFoldersAndHelpers(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "sub", "_setup.sql"), "CREATE TABLE t AS SELECT 1 AS x;\n")
	write(t, filepath.Join(root, "sub", "uses.sql"), ".read _setup.sql\n.mode csv\nSELECT x FROM t;\n")
	// Each statement and command is echoed after the prompt; the .read
	// file's statements too, so the transcript shows where rows came from.
	write(t, filepath.Join(root, "sub", "uses.golden"), "itersql> .read _setup.sql\nitersql> CREATE TABLE t AS SELECT 1 AS x;\nitersql> .mode csv\nitersql> SELECT x FROM t;\nx\n1\n")
	write(t, filepath.Join(root, ".hidden", "x.sql"), "SELECT broken;\n")
	wd, _ := os.Getwd()
	var out bytes.Buffer
	passed, failed, err := Run([]string{root}, false, "", &out)
	if err != nil || passed != 1 || failed != 0 {
		t.Fatalf("passed %d failed %d err %v:\n%s", passed, failed, err, out.String())
	}
	if out.String() != "ok: 1 passed, 0 failed\n" {
		t.Errorf("output %q", out.String())
	}
	if now, _ := os.Getwd(); now != wd {
		t.Errorf("working directory left at %s", now)
	}
}

func TestRunBadPaths(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "notes.txt"), "")
	for _, p := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "notes.txt")} {
		if _, _, err := Run([]string{p}, false, "", &bytes.Buffer{}); err == nil || !strings.HasPrefix(err.Error(), "golden: ") {
			t.Errorf("%s: err %v", p, err)
		}
	}
}
