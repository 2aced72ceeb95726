package checkpoint

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// write makes a complete checkpoint of iteration k with one state file.
func write(t *testing.T, s *Store, k int, fp string) *Manifest {
	t.Helper()
	p, err := s.Begin(k)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.Path("state.parquet"), []byte(strings.Repeat("x", 100+k)), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &Manifest{Statement: "cc", Fingerprint: fp, Files: []File{{Name: "state.parquet", Role: RoleState, Rows: 3}}}
	if err := p.Commit(m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCommitAndLoad(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "base", "cc-0123")}
	fp := Fingerprint("statement")
	p, err := s.Begin(7)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p.Path("state.parquet"), []byte("data"), 0o644)
	// Before the manifest, the folder is there but not a checkpoint.
	entries, _ := s.List()
	if len(entries) != 1 || entries[0].HasManifest() {
		t.Fatalf("entries %v", entries)
	}
	var d *Damaged
	if _, err := s.Load(entries[0], fp); !errors.As(err, &d) || !strings.Contains(d.Reason, "incomplete") {
		t.Fatalf("load of an uncommitted checkpoint: %v", err)
	}
	m := &Manifest{Statement: "cc", Fingerprint: fp, Files: []File{{Name: "state.parquet", Role: RoleState}}}
	if err := p.Commit(m); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p.Path(ManifestName + ".tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary manifest left: %v", err)
	}
	got, err := s.Load(Entry{Iteration: 7, Dir: p.Dir}, fp)
	if err != nil {
		t.Fatal(err)
	}
	f := got.File(RoleState)
	if got.Format != FormatVersion || got.Iteration != 7 || f.Bytes != 4 ||
		f.SHA256 != "3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7" {
		t.Errorf("manifest %+v", got)
	}
}

func TestLoadRejects(t *testing.T) {
	fp := Fingerprint("statement")
	for _, c := range []struct {
		name, reason string
		do           func(dir string, m map[string]any)
	}{
		{"checksum", "does not match its SHA-256", func(dir string, m map[string]any) {
			os.WriteFile(filepath.Join(dir, "state.parquet"), []byte(strings.Repeat("y", 105)), 0o644)
		}},
		{"size", "has 5 bytes, the manifest says 105", func(dir string, m map[string]any) {
			os.WriteFile(filepath.Join(dir, "state.parquet"), []byte("short"), 0o644)
		}},
		{"missing", "state.parquet is missing", func(dir string, m map[string]any) {
			os.Remove(filepath.Join(dir, "state.parquet"))
		}},
		{"format", "is format 99", func(dir string, m map[string]any) { m["format"] = 99 }},
		{"fingerprint", "of another statement", func(dir string, m map[string]any) { m["fingerprint"] = "beef" }},
		{"iteration", "says iteration 6", func(dir string, m map[string]any) { m["iteration"] = 6 }},
		{"no state", "lists no state file", func(dir string, m map[string]any) {
			m["files"].([]any)[0].(map[string]any)["role"] = "other"
		}},
		{"keyed without delta", "lists no delta file", func(dir string, m map[string]any) { m["keyed"] = true }},
		{"escaping name", "bad file name", func(dir string, m map[string]any) {
			m["files"].([]any)[0].(map[string]any)["name"] = "../state.parquet"
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			write(t, s, 5, fp)
			dir := filepath.Join(s.Dir, "000005")
			var m map[string]any
			data, _ := os.ReadFile(filepath.Join(dir, ManifestName))
			json.Unmarshal(data, &m)
			c.do(dir, m)
			data, _ = json.Marshal(m)
			os.WriteFile(filepath.Join(dir, ManifestName), data, 0o644)
			_, err := s.Load(Entry{Iteration: 5, Dir: dir}, fp)
			var d *Damaged
			if !errors.As(err, &d) || !strings.Contains(d.Reason, c.reason) {
				t.Errorf("got %v, want a Damaged with %q", err, c.reason)
			}
		})
	}
	t.Run("torn", func(t *testing.T) {
		s := &Store{Dir: t.TempDir()}
		write(t, s, 5, fp)
		os.Truncate(filepath.Join(s.Dir, "000005", ManifestName), 30)
		_, err := s.Load(Entry{Iteration: 5, Dir: filepath.Join(s.Dir, "000005")}, fp)
		if err == nil || !strings.Contains(err.Error(), "torn manifest.json") {
			t.Errorf("got %v", err)
		}
	})
}

func TestListPruneRemove(t *testing.T) {
	base := t.TempDir()
	s := &Store{Dir: filepath.Join(base, "cc-0123")}
	if entries, err := s.List(); err != nil || entries != nil {
		t.Fatalf("missing store: %v %v", entries, err)
	}
	fp := Fingerprint("x")
	for _, k := range []int{5, 100, 10, 1000000} {
		write(t, s, k, fp)
	}
	os.MkdirAll(filepath.Join(s.Dir, "not-an-iteration"), 0o755)
	os.WriteFile(filepath.Join(s.Dir, "000003"), nil, 0o644) // a file, not a folder
	entries, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, e := range entries {
		got = append(got, e.Iteration)
	}
	if len(got) != 4 || got[0] != 1000000 || got[1] != 100 || got[2] != 10 || got[3] != 5 {
		t.Errorf("List: %v", got)
	}
	if err := s.Prune(100, 10); err != nil {
		t.Fatal(err)
	}
	entries, _ = s.List()
	if len(entries) != 2 || entries[0].Iteration != 100 || entries[1].Iteration != 10 {
		t.Errorf("after Prune: %v", entries)
	}
	// Begin over an existing folder starts it anew.
	p, err := s.Begin(10)
	if err != nil {
		t.Fatal(err)
	}
	if des, _ := os.ReadDir(p.Dir); len(des) != 0 {
		t.Errorf("Begin kept %d files", len(des))
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	// What is not itersql's stays, and so does the folder holding it.
	if des, _ := os.ReadDir(s.Dir); len(des) != 2 {
		t.Errorf("after Remove: %v, want not-an-iteration and 000003", des)
	}
	os.Remove(filepath.Join(s.Dir, "000003"))
	os.Remove(filepath.Join(s.Dir, "not-an-iteration"))
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("empty store left: %v", err)
	}
}

func TestStatementDir(t *testing.T) {
	fp := Fingerprint("x")
	for name, want := range map[string]string{
		"cc":                    "cc-" + fp[:12],
		"my table/../x":         "my_table____x-" + fp[:12],
		strings.Repeat("a", 99): strings.Repeat("a", 40) + "-" + fp[:12],
	} {
		if got := StatementDir("base", name, fp); got != filepath.Join("base", want) {
			t.Errorf("StatementDir(%q) = %s, want %s", name, got, want)
		}
	}
}

// TestDeletesOnlyItsOwn: Prune and Remove delete the files itersql writes
// and nothing else: a user's file and folders whose names only look like
// iterations survive, and so do the folders holding them.
func TestDeletesOnlyItsOwn(t *testing.T) {
	s := &Store{Dir: filepath.Join(t.TempDir(), "cc-0123")}
	fp := Fingerprint("x")
	write(t, s, 5, fp)
	write(t, s, 10, fp)
	mine := []string{
		"notes.txt", "0000007/state.parquet", "+5/state.parquet", "7/manifest.json",
		"000005/notes.txt", // a user's file inside an iteration folder
	}
	for _, p := range mine {
		p = filepath.Join(s.Dir, p)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Prune(10); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	for _, p := range mine {
		if b, err := os.ReadFile(filepath.Join(s.Dir, p)); err != nil || string(b) != "mine" {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"000010", "000005/state.parquet", "000005/" + ManifestName} {
		if _, err := os.Lstat(filepath.Join(s.Dir, p)); !os.IsNotExist(err) {
			t.Errorf("%s left: %v", p, err)
		}
	}
}

// TestSymlinksNotFollowed: a statement folder that is a link is refused;
// an iteration folder that is a link is neither listed nor deleted
// through. The files they point to survive.
func TestSymlinksNotFollowed(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	real := &Store{Dir: target}
	write(t, real, 5, Fingerprint("x"))
	targetFiles := []string{"000005/state.parquet", "000005/" + ManifestName}

	linked := &Store{Dir: filepath.Join(base, "cc-0123")}
	if err := os.Symlink(target, linked.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := linked.List(); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("List of a linked statement folder: %v", err)
	}
	if err := linked.Remove(); err == nil {
		t.Errorf("Remove of a linked statement folder succeeded")
	}
	if _, err := linked.Begin(6); err == nil {
		t.Errorf("Begin in a linked statement folder succeeded")
	}
	if _, err := linked.Lock(); err == nil {
		t.Errorf("Lock of a linked statement folder succeeded")
	}

	s := &Store{Dir: filepath.Join(base, "cc-4567")}
	write(t, s, 1, Fingerprint("x"))
	if err := os.Symlink(filepath.Join(target, "000005"), filepath.Join(s.Dir, "000005")); err != nil {
		t.Fatal(err)
	}
	if entries, _ := s.List(); len(entries) != 1 || entries[0].Iteration != 1 {
		t.Errorf("List: %v", entries)
	}
	if _, err := s.Begin(5); err == nil {
		t.Errorf("Begin over a linked iteration folder succeeded")
	}
	// A data file that is a link is not read.
	one := filepath.Join(s.Dir, "000001")
	os.Rename(filepath.Join(one, "state.parquet"), filepath.Join(one, "real.parquet"))
	os.Symlink("real.parquet", filepath.Join(one, "state.parquet"))
	var d *Damaged
	if _, err := s.Load(Entry{Iteration: 1, Dir: one}, Fingerprint("x")); !errors.As(err, &d) || !strings.Contains(d.Reason, "not a regular file") {
		t.Errorf("Load through a linked data file: %v", err)
	}
	s.Prune()
	s.Remove()
	for _, p := range targetFiles {
		if _, err := os.Stat(filepath.Join(target, p)); err != nil {
			t.Errorf("a link's target was deleted: %v", err)
		}
	}
}

// TestLock: one run per statement folder; the second fails at once and
// names the first's process; a released folder can be taken again, and
// one the lock created is removed when released empty.
func TestLock(t *testing.T) {
	base := filepath.Join(t.TempDir(), "ckpt")
	s := &Store{Dir: filepath.Join(base, "cc-0123")}
	l, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	var inUse *InUseError
	_, err = (&Store{Dir: s.Dir}).Lock()
	if !errors.As(err, &inUse) || inUse.PID != os.Getpid() ||
		!strings.Contains(err.Error(), "checkpoint folder "+s.Dir+" is in use by process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(base); !os.IsNotExist(err) {
		t.Errorf("folders the lock created are left: %v", err)
	}
	l2, err := (&Store{Dir: s.Dir}).Lock()
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Release()
}

// TestDataFolder: a data file may be a folder of part files, as Spark
// writes them. Commit records each part; Load checks each, and refuses a
// part that changed or went, and one the manifest does not list; removing
// the checkpoint deletes Spark's files and leaves a user's.
func TestDataFolder(t *testing.T) {
	fp := Fingerprint("statement")
	spark := map[string]string{
		"part-00000-a-c000.snappy.parquet":      "rows of part 0",
		"part-00001-a-c000.snappy.parquet":      "rows of part 1",
		".part-00000-a-c000.snappy.parquet.crc": "c0",
		".part-00001-a-c000.snappy.parquet.crc": "c1",
		"_SUCCESS":                              "",
		"._SUCCESS.crc":                         "c",
	}
	commit := func(t *testing.T) (*Store, Entry) {
		s := &Store{Dir: filepath.Join(t.TempDir(), "cc-0123")}
		p, err := s.Begin(3)
		if err != nil {
			t.Fatal(err)
		}
		dir := p.Path("state.parquet")
		os.Mkdir(dir, 0o755)
		for name, data := range spark {
			os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
		}
		if err := p.Commit(&Manifest{Statement: "cc", Fingerprint: fp, Files: []File{{Name: "state.parquet", Role: RoleState}}}); err != nil {
			t.Fatal(err)
		}
		return s, Entry{Iteration: 3, Dir: p.Dir}
	}
	s, e := commit(t)
	m, err := s.Load(e, fp)
	if err != nil {
		t.Fatal(err)
	}
	f := m.File(RoleState)
	if len(f.Parts) != 2 || f.Parts[0].Name != "part-00000-a-c000.snappy.parquet" || f.Bytes != 28 {
		t.Errorf("recorded %+v", f)
	}
	for _, c := range []struct {
		name, reason string
		do           func(dir string)
	}{
		{"changed part", "state.parquet/part-00001-a-c000.snappy.parquet does not match its SHA-256", func(dir string) {
			os.WriteFile(filepath.Join(dir, "part-00001-a-c000.snappy.parquet"), []byte("rows of part 9"), 0o644)
		}},
		{"missing part", "state.parquet/part-00000-a-c000.snappy.parquet is missing", func(dir string) {
			os.Remove(filepath.Join(dir, "part-00000-a-c000.snappy.parquet"))
		}},
		{"extra part", "state.parquet holds part-00002-b.parquet, which the manifest does not list", func(dir string) {
			os.WriteFile(filepath.Join(dir, "part-00002-b.parquet"), []byte("more rows"), 0o644)
		}},
		{"folder replaced by a file", "state.parquet is not a folder of part files", func(dir string) {
			os.RemoveAll(dir)
			os.WriteFile(dir, []byte("x"), 0o644)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, e := commit(t)
			c.do(filepath.Join(e.Dir, "state.parquet"))
			var d *Damaged
			if _, err := s.Load(e, fp); !errors.As(err, &d) || !strings.Contains(d.Reason, c.reason) {
				t.Errorf("got %v, want %q", err, c.reason)
			}
		})
	}
	// A hidden file added (Spark reads none) does not damage it.
	os.WriteFile(filepath.Join(e.Dir, "state.parquet", ".notes"), nil, 0o644)
	if _, err := s.Load(e, fp); err != nil {
		t.Errorf("a hidden file damaged the checkpoint: %v", err)
	}
	// Removal deletes Spark's files; the user's file keeps its folders.
	os.WriteFile(filepath.Join(e.Dir, "state.parquet", "notes.txt"), nil, 0o644)
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	des, _ := os.ReadDir(filepath.Join(e.Dir, "state.parquet"))
	var left []string
	for _, de := range des {
		left = append(left, de.Name())
	}
	if strings.Join(left, " ") != ".notes notes.txt" {
		t.Errorf("left in the data folder: %v", left)
	}
	os.Remove(filepath.Join(e.Dir, "state.parquet", ".notes"))
	os.Remove(filepath.Join(e.Dir, "state.parquet", "notes.txt"))
	if err := s.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("statement folder left: %v", err)
	}
}
