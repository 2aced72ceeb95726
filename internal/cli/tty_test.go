package cli

import (
	"bytes"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyOutput collects what the program writes to its terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOutput) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

func (p *ptyOutput) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// waitFor waits until the output after offset from contains s and returns
// the offset just past it, so successive waits read forward.
func (p *ptyOutput) waitFor(t *testing.T, from int, s string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := p.String()
		if i := strings.Index(out[from:], s); i >= 0 {
			return from + i + len(s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %q; terminal shows:\n%s", s, p.String()[from:])
	return 0
}

// TestTerminalSession runs the real binary on a pseudo-terminal: the
// shell starts because stdin is a TTY, runs a multi-line statement,
// cancels a long WITH ITERATE with Ctrl-C (showing the live progress line
// first, since stderr is a terminal too) and keeps going, then exits on
// Ctrl-D with status 0 and leaves its history file.
func TestTerminalSession(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "itersql")
	build := osexec.Command("go", "build", "-o", bin, "github.com/itersql/itersql/cmd/itersql")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := osexec.Command(bin)
	cmd.Env = append(os.Environ(), "HOME="+dir, "TERM=xterm")
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	out := &ptyOutput{}
	go func() { _, _ = copyAll(out, tty) }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	}()

	at := out.waitFor(t, 0, "itersql> ")
	type_ := func(s string) {
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	type_("SELECT 40 + 2\r")
	at = out.waitFor(t, at, "   ...> ")
	type_("  AS answer;\r")
	at = out.waitFor(t, at, "│  int32   │")
	at = out.waitFor(t, at, "│       42 │")
	at = out.waitFor(t, at, "itersql> ")

	// Up-arrow recalls the two-line statement as one entry: Enter runs
	// all of it again (its last line alone would be a syntax error).
	type_("\x1b[A")
	at = out.waitFor(t, at, "AS answer;")
	type_("\r")
	at = out.waitFor(t, at, "│       42 │")
	at = out.waitFor(t, at, "itersql> ")

	// Ctrl-D in the middle of a statement discards it, visibly, and the
	// shell goes on.
	type_("SELECT 'half\r")
	at = out.waitFor(t, at, "   ...> ")
	type_("\x04")
	at = out.waitFor(t, at, "discarded the unfinished statement")
	at = out.waitFor(t, at, "itersql> ")

	// A loop that would run for minutes; Ctrl-C once it shows progress.
	type_("WITH ITERATE t(i) AS (SELECT 0 ITERATE SELECT i + 1 FROM t UNTIL 1000000 ITERATIONS) SELECT i FROM t;\r")
	at = out.waitFor(t, at, "t: rows ")
	at = out.waitFor(t, at, "%")
	type_("\x03")
	at = out.waitFor(t, at, "canceled")
	at = out.waitFor(t, at, "itersql> ")

	type_("SELECT 'still here' AS s;\r")
	at = out.waitFor(t, at, "still here")
	at = out.waitFor(t, at, "itersql> ")

	// A plain statement that runs longer than progress_bar_time shows
	// DuckDB's own measure of its progress as a bar, erased before the
	// result.
	type_("CREATE TABLE big AS SELECT i FROM range(4000000) t(i);\r")
	at = out.waitFor(t, at, "itersql> ")
	type_("SET progress_bar_time = 0;\r")
	at = out.waitFor(t, at, "itersql> ")
	type_("SELECT count(*) > 0 AS found FROM big WHERE md5(i::VARCHAR) LIKE '%ab%';\r")
	at = out.waitFor(t, at, "% |")
	at = out.waitFor(t, at, "│ true ")
	at = out.waitFor(t, at, "itersql> ")

	// Duckbox in the shell: a value wider than the 120-column terminal
	// is cut with "…" so the box fits, and past 40 rows the first and
	// last ones show.
	type_("SELECT i, repeat('x', 300) AS wide FROM range(100) t(i);\r")
	at = out.waitFor(t, at, "│    19 │ ")
	row := out.waitFor(t, at, "x… │")
	if w := len([]rune(out.String()[at-len("│    19 │ ") : row])); w != 120 {
		t.Errorf("a cut row is %d columns wide, want the terminal's 120", w)
	}
	at = out.waitFor(t, row, "│    99 │")
	at = out.waitFor(t, at, "100 rows (40 shown)")
	out.waitFor(t, at, "itersql> ")
	// Ctrl-D, again every 2 s, as a user would: with the whole test suite
	// loading both cores, a first one typed right as the prompt appears
	// has been seen lost (it arrives while readline is still switching
	// the terminal between modes); the program must still exit on it.
	type_("\x04")
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
wait:
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("exit: %v\n%s", err, out)
			}
			break wait
		case <-tick.C:
			_, _ = tty.Write([]byte("\x04"))
		case <-deadline:
			t.Fatalf("no exit after Ctrl-D:\n%s", out)
		}
	}
	hist, err := os.ReadFile(filepath.Join(dir, ".itersql_history"))
	if err != nil || !strings.Contains(string(hist), "still here") {
		t.Errorf("history %q, %v", hist, err)
	}
	// One line for the two-line statement, run twice but kept once.
	if n := strings.Count(string(hist), "SELECT 40 + 2\\n  AS answer;\n"); n != 1 {
		t.Errorf("history has the two-line statement %d times as one entry, want 1:\n%s", n, hist)
	}
}

// copyAll copies until the terminal closes (EIO on Linux once the
// program exits), which is not an error here.
func copyAll(dst *ptyOutput, src *os.File) (int64, error) {
	var n int64
	buf := make([]byte, 4096)
	for {
		k, err := src.Read(buf)
		if k > 0 {
			dst.Write(buf[:k])
			n += int64(k)
		}
		if err != nil {
			return n, err
		}
	}
}
