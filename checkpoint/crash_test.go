package checkpoint_test

// Real-process crash tests: the test binary re-executes itself as the
// child (TestMain, selected by an environment variable), which runs a
// script on an in-memory session with checkpoints on. The test SIGKILLs it
// (or the fault hook kills it in the middle of a checkpoint write), runs
// the script again with resume on and compares the output with an
// uninterrupted run's.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/itersql/itersql/checkpoint"
	"github.com/itersql/itersql/exec"
	"github.com/itersql/itersql/internal/cc"
	"github.com/itersql/itersql/internal/sqlscan"
)

const (
	childEnv = "ITERSQL_CHECKPOINT_TEST_SCRIPT" // the child runs this script
	slowEnv  = "ITERSQL_CHECKPOINT_TEST_SLOW"   // and pauses this long per iteration
)

func TestMain(m *testing.M) {
	if script := os.Getenv(childEnv); script != "" {
		os.Exit(child(script))
	}
	os.Exit(m.Run())
}

// child runs a script the way the CLI's script mode would: results on
// stdout (one line per row), notices and errors on stderr, plus a line
// "iterations A..B" per WITH ITERATE, for the test to see where it began.
func child(path string) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	s, err := exec.Open("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		return 2
	}
	defer s.Close()
	s.Notice = func(msg string) { fmt.Fprintln(os.Stderr, "notice:", msg) }
	if d, err := time.ParseDuration(os.Getenv(slowEnv)); err == nil {
		s.Progress = func(string, exec.IterStat, time.Duration) { time.Sleep(d) }
	}
	stmts, rest, rp := sqlscan.Split(string(src), sqlscan.Pos{Line: 1, Col: 1})
	if strings.TrimSpace(rest) != "" {
		stmts = append(stmts, sqlscan.Statement{Text: rest, Pos: rp})
	}
	for _, st := range stmts {
		res, err := s.Exec(context.Background(), st.Text, st.Pos)
		if err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			return 1
		}
		if n := len(res.Stats); n > 0 {
			fmt.Fprintf(os.Stderr, "iterations %d..%d\n", res.Stats[0].Iteration, res.Stats[n-1].Iteration)
		}
		for _, row := range res.Rows {
			fmt.Println(row...)
		}
	}
	return 0
}

// graph: 2,400 vertices in 24 paths of 100 (edges both ways), so that
// label propagation takes 99 steps and one to see the fixpoint.
const graph = `
CREATE TABLE edges AS
  SELECT i AS src, i + 1 AS dst FROM range(1, 2400) t(i) WHERE i % 100 <> 0
  UNION ALL SELECT i + 1, i FROM range(1, 2400) t(i) WHERE i % 100 <> 0;
CREATE TABLE nodes AS SELECT i AS id FROM range(1, 2401) t(i);
`

const ccPlain = cc.Plain + "\nSELECT id, comp FROM cc ORDER BY id;\n"

const ccKey = cc.Keyed + "\nSELECT id, comp FROM cc ORDER BY id;\n"

// proc is one run of the child.
type proc struct {
	cmd            *osexec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{} // closed when the child has ended
	err            error         // its Wait error, once done
}

// lockedBuffer is a buffer the test reads while the child writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) wait() error {
	<-p.done
	return p.err
}

func start(t *testing.T, dir, script string, env ...string) *proc {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("script-%d.sql", time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: osexec.Command(os.Args[0], "-test.run=^$")}
	p.cmd.Env = append(append(os.Environ(), childEnv+"="+path), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan struct{})
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if !p.exited() {
			p.cmd.Process.Kill()
			p.wait()
		}
	})
	return p
}

// run runs the child to the end; it must succeed.
func run(t *testing.T, dir, script string, env ...string) *proc {
	t.Helper()
	p := start(t, dir, script, env...)
	if err := p.wait(); err != nil {
		t.Fatalf("child failed: %v\nstderr:\n%s", err, p.stderr.String())
	}
	return p
}

// killed checks that the child died of SIGKILL.
func killed(t *testing.T, p *proc) {
	t.Helper()
	err := p.wait()
	var ee *osexec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child was not killed: %v\nstderr:\n%s", err, p.stderr.String())
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && (!ws.Signaled() || ws.Signal() != syscall.SIGKILL) {
		t.Fatalf("child ended with %v, not SIGKILL\nstderr:\n%s", err, p.stderr.String())
	}
}

// complete lists the iterations of the complete checkpoints under base,
// newest first.
func complete(t *testing.T, base string) []int {
	t.Helper()
	stores, _ := filepath.Glob(filepath.Join(base, "cc-*"))
	var out []int
	for _, dir := range stores {
		entries, err := (&checkpoint.Store{Dir: dir}).List()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.HasManifest() {
				out = append(out, e.Iteration)
			}
		}
	}
	return out
}

var iterationsLine = regexp.MustCompile(`iterations (\d+)\.\.(\d+)`)

// resumedAt checks the notice and the statistics of a resumed run.
func resumedAt(t *testing.T, p *proc, base string, k int) {
	t.Helper()
	stderr := p.stderr.String()
	if !strings.Contains(stderr, fmt.Sprintf("notice: resuming cc at iteration %d from %s", k, base)) {
		t.Errorf("no resume notice for iteration %d:\n%s", k, stderr)
	}
	m := iterationsLine.FindStringSubmatch(stderr)
	if m == nil || m[1] != strconv.Itoa(k) {
		t.Errorf("the run did not start at iteration %d:\n%s", k, stderr)
	}
	if left := complete(t, base); len(left) > 0 {
		t.Errorf("checkpoints left after a successful run: %v", left)
	}
}

func settings(base string, extra ...string) string {
	return fmt.Sprintf("SET checkpoint_dir = '%s';\nSET checkpoint_every = 5;\n%s\n", base, strings.Join(extra, "\n"))
}

// TestKillAndResume kills a run with SIGKILL once it has passed a
// checkpoint, and resumes it.
func TestKillAndResume(t *testing.T) {
	for _, c := range []struct{ name, sql string }{{"plain", ccPlain}, {"keyed", ccKey}} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			base := filepath.Join(dir, "ckpt")
			want := run(t, dir, graph+c.sql).stdout.String()
			if n := strings.Count(want, "\n"); n != 2400 {
				t.Fatalf("reference has %d rows", n)
			}

			p := start(t, dir, graph+settings(base)+c.sql, slowEnv+"=4ms")
			deadline := time.Now().Add(30 * time.Second)
			for {
				if got := complete(t, base); len(got) > 0 && got[0] >= 15 {
					break
				}
				if time.Now().After(deadline) || p.exited() {
					t.Fatalf("no checkpoint of iteration 15 appeared\nstderr:\n%s", p.stderr.String())
				}
				time.Sleep(2 * time.Millisecond)
			}
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed(t, p)
			// Two are kept; a third lives between the new one's manifest
			// and the pruning of the oldest, and the kill may fall there.
			got := complete(t, base)
			if len(got) == 0 || len(got) > 3 || got[0] < 15 || got[0]%5 != 0 {
				t.Fatalf("complete checkpoints after the kill: %v", got)
			}

			r := run(t, dir, graph+settings(base, "SET resume = on;")+c.sql)
			if r.stdout.String() != want {
				t.Errorf("the resumed run's output differs from an uninterrupted run's")
			}
			resumedAt(t, r, base, got[0])
		})
	}
}

// TestCrashDuringCheckpointWrite kills the child between the Parquet
// files and the manifest of a checkpoint: that checkpoint must be ignored
// (with a warning) and the one before used.
func TestCrashDuringCheckpointWrite(t *testing.T) {
	for _, c := range []struct {
		name, sql, fault string
		complete         string // the complete checkpoints left
		from             int    // the iteration the resume starts from
	}{
		{"keyed crash", ccKey, "crash-before-manifest:15", "[10 5]", 10},
		{"plain hang", ccPlain, "hang-before-manifest:15", "[10 5]", 10},
		// Published but not yet pruned: three complete checkpoints.
		{"plain crash after manifest", ccPlain, "crash-after-manifest:15", "[15 10 5]", 15},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			base := filepath.Join(dir, "ckpt")
			want := run(t, dir, graph+c.sql).stdout.String()

			p := start(t, dir, graph+settings(base)+c.sql, checkpoint.FaultEnv+"="+c.fault)
			if strings.HasPrefix(c.fault, "hang") {
				// Wait for the hang, then kill it the way a machine dies.
				deadline := time.Now().Add(30 * time.Second)
				for !strings.Contains(p.stderr.String(), "hanging before-manifest at iteration 15") {
					if time.Now().After(deadline) || p.exited() {
						t.Fatalf("the child did not reach the fault\nstderr:\n%s", p.stderr.String())
					}
					time.Sleep(5 * time.Millisecond)
				}
				p.cmd.Process.Signal(syscall.SIGKILL)
			}
			killed(t, p)
			if got := complete(t, base); fmt.Sprint(got) != c.complete {
				t.Fatalf("complete checkpoints %v, want %s", got, c.complete)
			}
			partial, _ := filepath.Glob(filepath.Join(base, "cc-*", "000015", "*.parquet"))
			if len(partial) == 0 {
				t.Fatalf("the interrupted checkpoint wrote no file")
			}

			r := run(t, dir, graph+settings(base, "SET resume = on;")+c.sql)
			if r.stdout.String() != want {
				t.Errorf("the resumed run's output differs from an uninterrupted run's")
			}
			incomplete := strings.Contains(r.stderr.String(), "notice: warning: the checkpoint of cc at iteration 15 is not used: ") &&
				strings.Contains(r.stderr.String(), "incomplete: no manifest.json")
			if incomplete != (c.from == 10) {
				t.Errorf("warning about an incomplete checkpoint: %v, want %v:\n%s", incomplete, c.from == 10, r.stderr.String())
			}
			resumedAt(t, r, base, c.from)
		})
	}
}
