package exec

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpillFolder: DuckDB spills into the session's own folder, named for
// its process, which Close removes; the folder of a process that is gone
// is swept when a session opens, except for files that are not DuckDB's.
func TestSpillFolder(t *testing.T) {
	t.Chdir(t.TempDir())
	dead := osexec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no true to get a dead process id:", err)
	}
	db := "g.duckdb"
	stale := fmt.Sprintf("%s.itersql-tmp-%d-1", db, dead.Process.Pid)
	staleWithNote := fmt.Sprintf("%s.itersql-tmp-%d-2", db, dead.Process.Pid)
	live := fmt.Sprintf("%s.itersql-tmp-%d-1", db, os.Getppid())
	for _, f := range []string{stale + "/duckdb_temp_storage_DEFAULT-0.tmp", staleWithNote + "/duckdb_temp_block-1.block", staleWithNote + "/notes.txt", live + "/duckdb_temp_storage_DEFAULT-0.tmp"} {
		os.MkdirAll(filepath.Dir(f), 0o755)
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale spill folder not swept: %v", err)
	}
	if des, _ := os.ReadDir(staleWithNote); len(des) != 1 || des[0].Name() != "notes.txt" {
		t.Errorf("stale folder with a user's file: %v", des)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a live process's spill folder was swept: %v", err)
	}
	mustExec(t, s, "SET memory_limit = '20MB'")
	mustExec(t, s, "SET threads = 1")
	mustExec(t, s, "SET preserve_insertion_order = false")
	mustExec(t, s, "CREATE TEMP TABLE big AS SELECT i, md5(CAST(i AS VARCHAR)) AS h FROM range(2000000) r(i)")
	res := mustExec(t, s, "SELECT current_setting('temp_directory')")
	dir := fmt.Sprint(res.Rows[0][0])
	if !strings.Contains(dir, fmt.Sprintf("g.duckdb.itersql-tmp-%d-", os.Getpid())) {
		t.Errorf("temp_directory %s", dir)
	}
	if des, err := os.ReadDir(dir); err != nil || len(des) == 0 {
		t.Errorf("nothing spilled into %s: %v", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("spill folder left after Close: %v", err)
	}
}
