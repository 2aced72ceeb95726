package exec

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark/sparktest"
	"github.com/itersql/itersql/internal/sqlscan"
)

// TestSparkSweep: opening a session drops the tables of itersql clients
// of this machine whose process is gone, and only those.
func TestSparkSweep(t *testing.T) {
	remote := sparktest.Remote(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := OpenSpark(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exec := func(q string) *Result {
		t.Helper()
		res, err := s.Exec(ctx, q, sqlscan.Pos{Line: 1, Col: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	_, drop, err := s.UseOwnDatabase(ctx, "itersql_sweep_test")
	if err != nil {
		t.Fatal(err)
	}
	defer drop()

	// A process that has ended: its pid names no process (unless the
	// system gave it out again within the test, which would only keep its
	// table, and fail the test, not drop a live client's).
	done := osexec.Command("true")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("__itersql_%sp%dr0000_1_t_s3", hostTag(), done.Process.Pid)
	live := fmt.Sprintf("__itersql_%sp%dr0000_1_t_s3", hostTag(), os.Getpid())
	elsewhere := fmt.Sprintf("__itersql_ffffffp%dr0000_1_t_s3", done.Process.Pid) // another machine's
	for _, name := range []string{dead, live, elsewhere} {
		exec("CREATE TABLE " + name + " USING parquet AS SELECT 1 AS i")
	}
	dropped, err := s.eng.(*sparkEngine).sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 1 || dropped[0] != dead {
		t.Errorf("dropped %v, want only %s", dropped, dead)
	}
	left := map[string]bool{}
	for _, row := range exec("SHOW TABLES LIKE '__itersql_*'").Rows {
		left[fmt.Sprint(row[1])] = true
	}
	if left[dead] || !left[live] || !left[elsewhere] {
		t.Errorf("tables left %v: want %s and %s, not %s", left, live, elsewhere, dead)
	}
}
