package exec

// DuckDB's spill files (docs/checkpoints.md, "File safety"). DuckDB spills
// to one folder per database file (./.tmp in memory) and leaves gigabytes
// there when its process is killed. Each session gets its own folder
// instead, named for its process, removed when the session closes; a
// folder of a process that is gone is swept when the next session opens.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
)

// spillPrefix starts the names of the spill folders of sessions on path:
// beside the database file, in the working folder for an in-memory one,
// where DuckDB would spill too (a disk, not a RAM-backed /tmp).
func spillPrefix(path string) string {
	if path == "" || path == ":memory:" {
		return ".itersql-tmp-"
	}
	return path + ".itersql-tmp-"
}

// spillSeq numbers the sessions of this process, so that each has its own
// folder (two databases must not share spill files).
var spillSeq atomic.Int64

// newSpillDir is a fresh session's spill folder: <prefix><pid>-<n>, made
// absolute so a later chdir does not move it.
func newSpillDir(path string) (string, error) {
	return filepath.Abs(fmt.Sprintf("%s%d-%d", spillPrefix(path), os.Getpid(), spillSeq.Add(1)))
}

// removeSpillDir deletes DuckDB's spill files in dir (and only those), then
// dir if that empties it. DuckDB removes its files itself on a clean
// close; this is for those a killed process left.
func removeSpillDir(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || !fi.IsDir() {
		return err // a link or a file of that name is not ours
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, de := range des {
		if de.Type().IsRegular() && strings.HasPrefix(de.Name(), "duckdb_temp_") {
			errs = append(errs, os.Remove(filepath.Join(dir, de.Name())))
		}
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// sweepSpillDirs removes the spill folders of sessions on path whose
// process is gone. A folder whose process id is alive (its owner, or a
// process that reused the id) is left alone.
func sweepSpillDirs(path string) {
	prefix := spillPrefix(path)
	found, _ := filepath.Glob(globEscape(prefix) + "*")
	for _, dir := range found {
		pid, _, ok := strings.Cut(strings.TrimPrefix(dir, prefix), "-")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 || n == os.Getpid() || processAlive(n) {
			continue
		}
		removeSpillDir(dir) // best effort: what stays is reported by nobody and harms nothing
	}
}

// globEscape quotes the glob metacharacters of a literal path.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
