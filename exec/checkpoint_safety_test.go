package exec_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/itersql/itersql/checkpoint"
	"github.com/itersql/itersql/internal/sqlscan"
)

// editManifest rewrites the manifest in dir through edit, as someone who
// can write the checkpoint folder could.
func editManifest(t *testing.T, dir string, edit func(m *checkpoint.Manifest)) {
	t.Helper()
	p := filepath.Join(dir, checkpoint.ManifestName)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m checkpoint.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	if b, err = json.Marshal(&m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHostileManifest: a manifest is data, never SQL. Strings that would
// run SQL or read other files are refused; the checkpoint is skipped with
// a warning and the run resumes from the one before.
func TestHostileManifest(t *testing.T) {
	pwned := filepath.Join(t.TempDir(), "pwned.csv")
	copyTo := "COPY (SELECT 42) TO '" + pwned + "'"
	for _, c := range []struct {
		name, warning string
		edit          func(m *checkpoint.Manifest)
	}{
		{"type with statements", "not one DuckDB type", func(m *checkpoint.Manifest) {
			// Before the check, the driver ran all three statements.
			m.Columns[0].Type = "BIGINT) AS id FROM (SELECT 1 AS id); " + copyTo + "; SELECT CAST(1 AS BIGINT"
		}},
		{"type with a subquery", "not one DuckDB type", func(m *checkpoint.Manifest) {
			m.Columns[0].Type = "BIGINT) AS id, (SELECT 1"
		}},
		{"type ending in a comment", "not one DuckDB type", func(m *checkpoint.Manifest) {
			m.Columns[0].Type = "BIGINT --"
		}},
		{"glob file name", `bad file name "*.parquet"`, func(m *checkpoint.Manifest) {
			m.Files[0].Name = "*.parquet"
		}},
		{"file outside the folder", `bad file name "../000005/state.parquet"`, func(m *checkpoint.Manifest) {
			m.Files[0].Name = "../000005/state.parquet"
		}},
		{"NUL in a name", `bad column name`, func(m *checkpoint.Manifest) {
			m.Columns[0].Name = "id\x00"
		}},
		{"key not a column", `KEY column "x" is not one of its columns`, func(m *checkpoint.Manifest) {
			m.Key = []string{"x"}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, "")
			e.crash(ccKey)
			editManifest(t, filepath.Join(e.store(), "000010"), c.edit)
			e.must("SET resume = on")
			res := e.must(ccKey)
			if !e.noticed("warning: the checkpoint of cc at iteration 10 is not used: ") || !e.noticed(c.warning) {
				t.Errorf("notices %q, want a warning with %q", e.notices, c.warning)
			}
			if res.Stats[0].Iteration != 5 {
				t.Errorf("resumed at %d, want 5", res.Stats[0].Iteration)
			}
			if _, err := os.Stat(pwned); err == nil {
				t.Errorf("the manifest ran SQL: %s exists", pwned)
			}
		})
	}
	// A valid type of another spelling is accepted.
	t.Run("valid type", func(t *testing.T) {
		e := newEnv(t, "")
		e.crash(ccKey)
		editManifest(t, filepath.Join(e.store(), "000010"), func(m *checkpoint.Manifest) { m.Columns[1].Type = "int8" })
		e.must("SET resume = on")
		if res := e.must(ccKey); res.Stats[0].Iteration != 10 || strings.Contains(strings.Join(e.notices, "\n"), "warning") {
			t.Errorf("resumed at %d, notices %q", res.Stats[0].Iteration, e.notices)
		}
	})
}

// TestCheckpointFolderInUse: a second run of a statement whose folder is
// held fails at once, naming the holder's process.
func TestCheckpointFolderInUse(t *testing.T) {
	e := newEnv(t, "")
	e.crash(ccKey)
	held, err := (&checkpoint.Store{Dir: e.store()}).Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	e.must("SET resume = on")
	_, err = e.exec(ccKey)
	want := "checkpoint folder " + e.store() + " is in use by process " + strconv.Itoa(os.Getpid())
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
	if e.iterations() == nil {
		t.Errorf("the refused run touched the checkpoints")
	}
}

// TestFailedRunLeavesNoFolder: a run that fails before its first
// checkpoint leaves no statement folder, nor the checkpoint folder it
// created.
func TestFailedRunLeavesNoFolder(t *testing.T) {
	e := newEnv(t, "")
	base := filepath.Join(e.dir, "new")
	e.must("SET checkpoint_dir = '" + base + "'; SET checkpoint_every = 5; SET max_iterations = 3")
	if _, err := e.exec(ccKey); err == nil {
		t.Fatal("want the max_iterations error")
	}
	if _, err := os.Stat(base); !os.IsNotExist(err) {
		t.Errorf("%s left: %v", base, err)
	}
}

// TestOneStatementPerCall: SQL the engine hands DuckDB is one statement;
// a second one in the string is an error, not run.
func TestOneStatementPerCall(t *testing.T) {
	e := newEnv(t, "")
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned.csv")
	_, err := e.s.Exec(t.Context(), "SELECT 1; COPY (SELECT 42) TO '"+pwned+"'", sqlscan.Pos{Line: 1, Col: 1})
	if err == nil || !strings.Contains(err.Error(), "refused to run 2 statements given as one") {
		t.Errorf("got %v", err)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Errorf("the second statement ran")
	}
	e.must("SELECT 1; -- a comment after the only statement")
}
