// Package checkpoint stores the durable checkpoints of WITH ITERATE runs,
// so that a crash late in a long run costs only the iterations since the
// last checkpoint.
//
// Layout: one folder per statement (its name and a prefix of its
// fingerprint) under the checkpoint directory, and in it one folder per
// checkpointed iteration that holds Parquet files and a manifest:
//
//	.itersql/cc-3f9a1b2c4d5e/000040/state.parquet
//	.itersql/cc-3f9a1b2c4d5e/000040/delta.parquet   (keyed states only)
//	.itersql/cc-3f9a1b2c4d5e/000040/manifest.json
//
// A checkpoint exists only once its manifest does. The files are written
// and synced first, the manifest is written to a temporary name, synced and
// renamed into place, then the folders are synced: a crash at any moment
// leaves either a complete checkpoint or a folder without a manifest, which
// readers report and never use. Each manifest records a SHA-256 of every
// file, so a file damaged later is caught before it is read.
//
// The package knows files, not SQL: exec writes the Parquet files through
// its engine and fills in the manifest's facts about the statement and its
// inputs. DuckDB writes each data file as one file; Spark writes a folder
// of part files under the same name (state.parquet/part-00000-...), whose
// parts the manifest lists one by one.
package checkpoint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FormatVersion is the manifest format this package writes and reads. A
// manifest of another version is not used (it is reported as unusable).
const FormatVersion = 1

// ManifestName is the file whose presence makes a checkpoint visible.
const ManifestName = "manifest.json"

// Roles of the files of a checkpoint.
const (
	RoleState = "state" // the whole state after the iteration
	RoleDelta = "delta" // keyed states: the rows the iteration added or changed
)

// Column is one column of the state, with its type in the engine's SQL.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// File is one data file of a checkpoint, or one folder of part files.
type File struct {
	Name string `json:"name"` // relative to the checkpoint's folder
	Role string `json:"role"` // RoleState or RoleDelta
	Rows int64  `json:"rows"`
	// Content is a digest of the rows (the engine's hashes,
	// order-independent), taken from the table before it was written; a
	// restore compares the table it reads back with it, so a lossy round
	// trip is caught too.
	Content string `json:"content"`
	Bytes   int64  `json:"bytes"`  // filled by Commit (a folder's: its parts')
	SHA256  string `json:"sha256"` // filled by Commit ("" for a folder)
	// Parts are the files of a folder (Spark's part files), filled by
	// Commit; nil for a file.
	Parts []Part `json:"parts,omitempty"`
}

// Part is one part file of a data folder.
type Part struct {
	Name   string `json:"name"` // relative to the data folder
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Input is the fingerprint of one table the statement reads.
type Input struct {
	Table   string `json:"table"`   // as DuckDB reads it, quoted
	Columns string `json:"columns"` // "name TYPE, ..."
	Rows    int64  `json:"rows"`
	Hash    string `json:"hash"` // order-independent digest of the rows
}

// Manifest describes one checkpoint.
type Manifest struct {
	Format      int    `json:"format"`
	Statement   string `json:"statement"`   // the iterated table's name
	Fingerprint string `json:"fingerprint"` // SHA-256 of Normalized
	// Normalized is the statement as the engine runs it (compiled SQL of
	// every part the state depends on, key and columns): what the
	// fingerprint is taken of, kept for people reading the manifest.
	Normalized string    `json:"normalized"`
	Iteration  int       `json:"iteration"`
	Keyed      bool      `json:"keyed"`
	Key        []string  `json:"key,omitempty"`
	Columns    []Column  `json:"columns"`
	Rows       int64     `json:"rows"` // rows in the state
	Files      []File    `json:"files"`
	Inputs     []Input   `json:"inputs"`
	DuckDB     string    `json:"duckdb"`          // version that wrote the files and hashes
	Spark      string    `json:"spark,omitempty"` // the same when Spark wrote them (DuckDB is "" then)
	Written    time.Time `json:"written"`
}

// File returns the manifest's file of role, or nil.
func (m *Manifest) File(role string) *File {
	for i := range m.Files {
		if m.Files[i].Role == role {
			return &m.Files[i]
		}
	}
	return nil
}

// Fingerprint is the hex SHA-256 of text.
func Fingerprint(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// StatementDir is the folder of one statement's checkpoints under base:
// its name (made safe for a file name) and the start of its fingerprint,
// so that different statements never share checkpoints.
func StatementDir(base, name, fingerprint string) string {
	var b strings.Builder
	for _, r := range name {
		if plainChar(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	fp := fingerprint
	if len(fp) > 12 {
		fp = fp[:12]
	}
	return filepath.Join(base, b.String()+"-"+fp)
}

// Store is the checkpoint folder of one statement.
//
// What it deletes (docs/checkpoints.md, "File safety"): only files it
// writes, by name (the manifest, its temporary, and the data files a
// manifest or a checkpoint being written names), in iteration folders
// named exactly as it names them; a folder only once it is empty, and the
// folders above the statement's only if this process created them. It
// never removes a tree, and never follows a symbolic link: a statement
// or iteration folder that is a link is refused or left alone.
type Store struct {
	Dir string
	// created are the folders above Dir (Dir's parent first) that this
	// process created, so the last cleanup may remove them when empty.
	created []string
}

// Entry is one iteration folder of a store, complete or not.
type Entry struct {
	Iteration int
	Dir       string
}

// HasManifest reports whether the entry's manifest exists (it may still
// be damaged: Load says).
func (e Entry) HasManifest() bool {
	_, err := os.Stat(filepath.Join(e.Dir, ManifestName))
	return err == nil
}

func iterName(k int) string { return fmt.Sprintf("%06d", k) }

// iteration reads a folder name written by iterName. Names it would not
// write ("0000007", "+5", "7") are someone else's, and never touched.
func iteration(name string) (int, bool) {
	k, err := strconv.Atoi(name)
	if err != nil || k < 0 || iterName(k) != name {
		return 0, false
	}
	return k, true
}

// dataFiles are the names of the data files a checkpoint may hold: what
// Pending.Path is asked for by exec, one per role.
var dataFiles = []string{RoleState + ".parquet", RoleDelta + ".parquet"}

// checkDir refuses a statement folder that is a symbolic link or not a
// folder: its files would be written, read and deleted somewhere else.
// One that does not exist yet is fine.
func (s *Store) checkDir() error {
	fi, err := os.Lstat(s.Dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("checkpoint folder: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("checkpoint folder %s is a symbolic link; itersql does not follow links in its checkpoint folders (remove it, or set checkpoint_dir to where it points)", s.Dir)
	case !fi.IsDir():
		return fmt.Errorf("checkpoint folder %s is not a folder", s.Dir)
	}
	return nil
}

// mkdir creates the statement folder and what is missing above it,
// remembering which of those folders this process created.
func (s *Store) mkdir() error {
	if err := s.checkDir(); err != nil {
		return err
	}
	var missing []string
	for d := filepath.Dir(s.Dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil || d == filepath.Dir(d) {
			break
		}
		missing = append(missing, d)
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return fmt.Errorf("create checkpoint folder: %w", err)
	}
	s.created = append(s.created, missing...)
	return nil
}

// Tidy removes the statement folder if it is empty, then the folders
// above it that this process created, if they are empty too. A folder
// holding anything (another statement's checkpoints, a user's file) stays.
func (s *Store) Tidy() {
	for _, d := range append([]string{s.Dir}, s.created...) {
		if os.Remove(d) != nil {
			return
		}
	}
	s.created = nil
}

// List returns the store's iteration folders, newest first. A store that
// does not exist has none.
func (s *Store) List() ([]Entry, error) {
	if err := s.checkDir(); err != nil {
		return nil, err
	}
	des, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	var out []Entry
	for _, de := range des {
		if !de.IsDir() { // a file, or a link (ReadDir does not follow it)
			continue
		}
		k, ok := iteration(de.Name())
		if !ok {
			continue
		}
		out = append(out, Entry{Iteration: k, Dir: filepath.Join(s.Dir, de.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Iteration > out[j].Iteration })
	return out, nil
}

// Damaged explains why a checkpoint folder cannot be used.
type Damaged struct {
	Dir    string
	Reason string
	Err    error
}

func (d *Damaged) Error() string { return d.Dir + ": " + d.Reason }
func (d *Damaged) Unwrap() error { return d.Err }

// Load reads and checks the checkpoint in e: the manifest must be whole,
// of this format, of the statement with this fingerprint and of e's
// iteration, and every file must be present with the size and SHA-256 the
// manifest records. Any failure is a *Damaged.
func (s *Store) Load(e Entry, fingerprint string) (*Manifest, error) {
	bad := func(err error, format string, args ...any) error {
		return &Damaged{Dir: e.Dir, Reason: fmt.Sprintf(format, args...), Err: err}
	}
	data, err := os.ReadFile(filepath.Join(e.Dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, bad(err, "incomplete: no %s (its write was interrupted)", ManifestName)
	}
	if err != nil {
		return nil, bad(err, "cannot read %s: %v", ManifestName, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, bad(err, "torn %s: %v", ManifestName, err)
	}
	switch {
	case m.Format != FormatVersion:
		return nil, bad(nil, "%s is format %d; this itersql reads format %d", ManifestName, m.Format, FormatVersion)
	case m.Fingerprint != fingerprint:
		return nil, bad(nil, "%s is of another statement (fingerprint %.12s, expected %.12s)", ManifestName, m.Fingerprint, fingerprint)
	case m.Iteration != e.Iteration:
		return nil, bad(nil, "%s says iteration %d, its folder %d", ManifestName, m.Iteration, e.Iteration)
	case m.File(RoleState) == nil:
		return nil, bad(nil, "%s lists no state file", ManifestName)
	case m.Keyed && m.File(RoleDelta) == nil:
		return nil, bad(nil, "%s of a keyed state lists no delta file", ManifestName)
	}
	if err := checkStrings(&m); err != nil {
		return nil, bad(nil, "%s: %v", ManifestName, err)
	}
	for _, f := range m.Files {
		why, err := checkFile(filepath.Join(e.Dir, f.Name), f.Name, f.Bytes, f.SHA256)
		if f.Parts != nil {
			why, err = checkFolder(e.Dir, f)
		}
		if why != "" {
			return nil, bad(err, "%s", why)
		}
	}
	return &m, nil
}

// checkFile checks that the data file path (name, as messages call it) is
// a regular file of the size and SHA-256 the manifest records. why says
// what is wrong ("" if nothing), err is the cause if there is one.
func checkFile(path, name string, bytes int64, sha string) (why string, err error) {
	// A link could point the engine at any file the user can read.
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return name + " is not a regular file (itersql follows no links in its checkpoint folders)", nil
	}
	size, sum, err := hashFile(path, false)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return name + " is missing", err
	case err != nil:
		return fmt.Sprintf("cannot read %s: %v", name, err), err
	case size != bytes:
		return fmt.Sprintf("%s has %d bytes, the manifest says %d", name, size, bytes), nil
	case sum != sha:
		return name + " does not match its SHA-256 checksum", nil
	}
	return "", nil
}

// checkFolder checks a data folder: a folder (not a link) holding every
// part the manifest lists, each whole, and no other file that a Parquet
// reader would read with them (Spark skips names starting with '.' or
// '_', such as its _SUCCESS and .crc files).
func checkFolder(dir string, f File) (why string, err error) {
	path := filepath.Join(dir, f.Name)
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f.Name + " is missing", err
	case err != nil:
		return fmt.Sprintf("cannot read %s: %v", f.Name, err), err
	case !fi.IsDir():
		return f.Name + " is not a folder of part files (itersql follows no links in its checkpoint folders)", nil
	}
	listed := map[string]bool{}
	for _, p := range f.Parts {
		listed[p.Name] = true
		if why, err := checkFile(filepath.Join(path, p.Name), f.Name+"/"+p.Name, p.Bytes, p.SHA256); why != "" {
			return why, err
		}
	}
	des, err := os.ReadDir(path)
	if err != nil {
		return fmt.Sprintf("cannot read %s: %v", f.Name, err), err
	}
	for _, de := range des {
		if n := de.Name(); !hidden(n) && !listed[n] {
			return fmt.Sprintf("%s holds %s, which the manifest does not list", f.Name, n), nil
		}
	}
	return "", nil
}

// hidden reports whether a Parquet reader (Spark's, Hadoop's) skips the
// file name in a data folder.
func hidden(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// checkStrings checks the manifest's strings that reach a file path or
// SQL: a manifest is data anyone who can write the folder may have written.
// File names are plain base names of this folder (no path, no glob that
// read_parquet would expand, no dot file); column and key names are
// names (they are always quoted where used); the column types are checked
// against DuckDB's type grammar by the reader, which knows SQL.
func checkStrings(m *Manifest) error {
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !safeFileName(f.Name) || f.Name == ManifestName || seen[f.Name] {
			return fmt.Errorf("bad file name %q", f.Name)
		}
		seen[f.Name] = true
		if f.Role != RoleState && f.Role != RoleDelta {
			return fmt.Errorf("file %s has an unknown role %q", f.Name, f.Role)
		}
		parts := map[string]bool{}
		for _, p := range f.Parts {
			if !safeFileName(p.Name) || hidden(p.Name) || parts[p.Name] {
				return fmt.Errorf("bad part name %q in %s", p.Name, f.Name)
			}
			parts[p.Name] = true
		}
	}
	cols := map[string]bool{}
	for _, c := range m.Columns {
		if !safeName(c.Name) {
			return fmt.Errorf("bad column name %q", c.Name)
		}
		if !safeName(c.Type) {
			return fmt.Errorf("bad type %q of column %s", c.Type, c.Name)
		}
		cols[c.Name] = true
	}
	for _, k := range m.Key {
		if !cols[k] {
			return fmt.Errorf("KEY column %q is not one of its columns", k)
		}
	}
	return nil
}

// safeFileName reports whether name is a file name itersql could have
// written into a checkpoint folder: letters, digits, '_', '-', '.', not
// starting with '.'.
func safeFileName(name string) bool {
	if name == "" || name[0] == '.' || len(name) > 255 {
		return false
	}
	for _, r := range name {
		if !plainChar(r) && r != '.' {
			return false
		}
	}
	return true
}

// plainChar reports whether r may appear in a file name itersql makes:
// ASCII letters and digits, '_' and '-', which mean nothing to a shell, a
// glob or a path on any system.
func plainChar(r rune) bool {
	return r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// safeName reports whether a name or type string can be passed to DuckDB
// at all: valid UTF-8, no NUL (the driver's C string would end there).
func safeName(s string) bool {
	return s != "" && utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Pending is a checkpoint being written: invisible until Commit.
type Pending struct {
	store *Store
	iter  int
	Dir   string
}

// Begin starts the checkpoint of iteration k in a fresh folder (a folder
// left by an interrupted write of the same iteration is removed first).
func (s *Store) Begin(k int) (*Pending, error) {
	if err := s.mkdir(); err != nil {
		return nil, err
	}
	dir := filepath.Join(s.Dir, iterName(k))
	if err := removeCheckpoint(dir); err != nil {
		return nil, err
	}
	// The folder may stay because a file that is not itersql's is in it.
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create checkpoint folder: %w", err)
	}
	return &Pending{store: s, iter: k, Dir: dir}, nil
}

// Path is where the file name of the checkpoint goes.
func (p *Pending) Path(name string) string { return filepath.Join(p.Dir, name) }

// Abort removes what was written of the checkpoint, and the folders
// above it if that leaves them empty (a first checkpoint that fails
// leaves no empty statement folder).
func (p *Pending) Abort() error {
	err := removeCheckpoint(p.Dir)
	p.store.Tidy()
	return err
}

// Commit makes the checkpoint durable and visible: it syncs every file of
// m and records its size and checksum, then writes the manifest under a
// temporary name, syncs it, renames it into place and syncs the folders.
// The rename is the moment the checkpoint starts to exist.
func (p *Pending) Commit(m *Manifest) error {
	m.Format = FormatVersion
	m.Iteration = p.iter
	var folders []string
	for i := range m.Files {
		f := &m.Files[i]
		path := p.Path(f.Name)
		if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
			if err := hashFolder(path, f); err != nil {
				return fmt.Errorf("checkpoint folder %s: %w", f.Name, err)
			}
			folders = append(folders, path)
			continue
		}
		size, sum, err := hashFile(path, true)
		if err != nil {
			return fmt.Errorf("checkpoint file %s: %w", f.Name, err)
		}
		f.Bytes, f.SHA256 = size, sum
	}
	fault("before-manifest", p.iter)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", ManifestName, err)
	}
	tmp := p.Path(ManifestName + ".tmp")
	if err := writeSynced(tmp, append(data, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", ManifestName, err)
	}
	if err := os.Rename(tmp, p.Path(ManifestName)); err != nil {
		return fmt.Errorf("publish %s: %w", ManifestName, err)
	}
	// The rename is durable once the folder holding it is synced; the
	// folder's own entry (new at Begin) once its parents are, up to the
	// checkpoint directory's entry in its own parent.
	base := filepath.Dir(p.store.Dir)
	for _, dir := range append(folders, p.Dir, p.store.Dir, base, filepath.Dir(base)) {
		if err := syncDir(dir); err != nil {
			return fmt.Errorf("sync %s: %w", dir, err)
		}
	}
	fault("after-manifest", p.iter)
	return nil
}

// hashFolder records the part files of the data folder path in f (the
// files a Parquet reader reads: not hidden ones) and syncs each; Commit
// syncs the folder.
func hashFolder(path string, f *File) error {
	des, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	f.Parts, f.Bytes, f.SHA256 = []Part{}, 0, ""
	for _, de := range des {
		name := de.Name()
		if hidden(name) {
			continue
		}
		if !de.Type().IsRegular() || !safeFileName(name) {
			return fmt.Errorf("%s is not a part file itersql can record", name)
		}
		size, sum, err := hashFile(filepath.Join(path, name), true)
		if err != nil {
			return err
		}
		f.Parts = append(f.Parts, Part{Name: name, Bytes: size, SHA256: sum})
		f.Bytes += size
	}
	return nil
}

// Prune removes every iteration folder but those of keep.
func (s *Store) Prune(keep ...int) error {
	entries, err := s.List()
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		kept := false
		for _, k := range keep {
			kept = kept || e.Iteration == k
		}
		if !kept {
			errs = append(errs, removeCheckpoint(e.Dir))
		}
	}
	return errors.Join(errs...)
}

// Remove deletes all the store's checkpoints, then the statement folder
// if nothing else is in it (see Tidy).
func (s *Store) Remove() error {
	entries, err := s.List()
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := removeCheckpoint(e.Dir); err != nil {
			return err
		}
	}
	s.Tidy()
	return nil
}

// removeCheckpoint deletes the files of the checkpoint folder dir that
// itersql writes, then the folder if that empties it. The manifest goes
// first, so a crash halfway leaves an incomplete folder (ignored) rather
// than a manifest without its files. A folder that is a link, or not a
// folder, is left alone.
func removeCheckpoint(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove checkpoint: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("remove checkpoint: %s is not a folder (a link or a file is not itersql's)", dir)
	}
	names := []string{ManifestName}
	if data, err := os.ReadFile(filepath.Join(dir, ManifestName)); err == nil {
		var m Manifest
		if json.Unmarshal(data, &m) == nil && checkStrings(&m) == nil {
			for _, f := range m.Files {
				names = append(names, f.Name)
			}
		}
	}
	names = append(names, ManifestName+".tmp")
	names = append(names, dataFiles...)
	for _, name := range names {
		path := filepath.Join(dir, name)
		if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
			if err := removeDataFolder(path); err != nil {
				return fmt.Errorf("remove checkpoint: %w", err)
			}
			continue
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove checkpoint: %w", err)
		}
	}
	// Only if empty: a file itersql did not write keeps its folder.
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) && !holdsFiles(dir) {
		return fmt.Errorf("remove checkpoint: %w", err)
	}
	return nil
}

// removeDataFolder deletes the files Spark writes into a data folder
// (part-*, _SUCCESS and their .crc checksums), then the folder if that
// empties it. Anything else (a user's file, the _temporary folder of a
// write Spark never finished) keeps it: it is never removed as a tree.
func removeDataFolder(path string) error {
	des, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	for _, de := range des {
		if de.Type().IsRegular() && sparkFile(de.Name()) {
			if err := os.Remove(filepath.Join(path, de.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) && !holdsFiles(path) {
		return err
	}
	return nil
}

// sparkFile reports whether name is one Spark writes into the folder of
// an INSERT OVERWRITE DIRECTORY: a part file, the _SUCCESS marker, or the
// .crc checksum of either (Hadoop's local file system writes those).
func sparkFile(name string) bool {
	if n, ok := strings.CutPrefix(name, "."); ok {
		if n, ok = strings.CutSuffix(n, ".crc"); ok {
			name = n
		}
	}
	return name == "_SUCCESS" || strings.HasPrefix(name, "part-") && safeFileName(name)
}

// holdsFiles reports whether the folder dir has anything in it (the
// error of removing such a folder differs between systems).
func holdsFiles(dir string) bool {
	des, err := os.ReadDir(dir)
	return err == nil && len(des) > 0
}

// hashFile returns the size and hex SHA-256 of a file; sync also flushes
// it to disk (neither DuckDB's COPY nor Spark's writer promises to).
func hashFile(path string, sync bool) (int64, string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if !sync {
		f, err = os.Open(path)
	}
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return 0, "", err
		}
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
