package spark_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark"
	"github.com/itersql/itersql/internal/spark/sparktest"
)

func TestQueryTypesAndValues(t *testing.T) {
	s := sparktest.Session(t)
	ctx := context.Background()
	res, err := s.Query(ctx, `SELECT 1 AS i, CAST(2 AS BIGINT) AS b, 1.5D AS d,
		CAST('1.25' AS DECIMAL(10,2)) AS m, 'x' AS s, CAST(NULL AS INT) AS n,
		DATE'2024-02-29' AS dt, TIMESTAMP'2024-02-29 12:34:56' AS ts, true AS t`)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range res.Columns {
		cols = append(cols, c.Name+" "+c.Type)
	}
	want := "i integer, b long, d double, m decimal(10,2), s string, n integer, dt date, ts timestamp, t boolean"
	if got := strings.Join(cols, ", "); got != want {
		t.Errorf("columns:\n got %s\nwant %s", got, want)
	}
	if len(res.Rows) != 1 {
		t.Fatalf("rows: %d", len(res.Rows))
	}
	for i, v := range res.Rows[0] {
		t.Logf("%s: %T %v", res.Columns[i].Name, v, v)
	}
	r := res.Rows[0]
	if r[0] != int32(1) || r[1] != int64(2) || r[2] != 1.5 || r[3] != "1.25" || r[4] != "x" || r[5] != nil || r[8] != true {
		t.Errorf("values: %#v", r)
	}
	if got := fmt.Sprint(r[6], " ", r[7]); got != "2024-02-29 00:00:00 +0000 UTC 2024-02-29 12:34:56 +0000 UTC" {
		t.Errorf("date and timestamp: %s", got)
	}
}

func TestTableRoundTrip(t *testing.T) {
	s := sparktest.Session(t)
	ctx := context.Background()
	name := fmt.Sprintf("itersql_client_test_%d", time.Now().UnixNano())
	if err := s.Exec(ctx, "CREATE TABLE "+name+" USING parquet AS SELECT id, id * 2 AS twice FROM range(5)"); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Exec(ctx, "DROP TABLE "+name); err != nil {
			t.Error(err)
		}
	}()
	res, err := s.Query(ctx, "SELECT sum(twice), count(*) FROM "+name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[20 5]]" {
		t.Errorf("rows: %s", got)
	}
}

func TestEmptyResult(t *testing.T) {
	s := sparktest.Session(t)
	res, err := s.Query(context.Background(), "SELECT id AS n FROM range(3) WHERE id > 5")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 0 || len(res.Columns) != 1 || res.Columns[0] != (spark.Column{Name: "n", Type: "long"}) {
		t.Errorf("got %+v", res)
	}
}

func TestErrorNamesTheProblem(t *testing.T) {
	s := sparktest.Session(t)
	_, err := s.Query(context.Background(), "SELECT no_such_column FROM range(1)")
	if err == nil || !strings.Contains(err.Error(), "no_such_column") {
		t.Fatalf("want an error naming no_such_column, got %v", err)
	}
}

// TestInterrupt starts a query that would run for minutes and interrupts it
// from another goroutine: the query must return an error soon after.
func TestInterrupt(t *testing.T) {
	s := sparktest.Session(t)
	ctx := context.Background()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := s.Query(ctx, "SELECT sum(a.id * b.id % 7) FROM range(1000000) a CROSS JOIN range(1000000) b")
		done <- err
	}()
	var interrupted []string
	for deadline := time.Now().Add(30 * time.Second); len(interrupted) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("nothing to interrupt after 30s")
		}
		time.Sleep(200 * time.Millisecond)
		ids, err := s.Interrupt(ctx)
		if err != nil {
			t.Fatal(err)
		}
		interrupted = ids
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the interrupted query returned no error")
		}
		t.Logf("interrupted %v after %v: %v", interrupted, time.Since(start), firstLine(err.Error()))
	case <-time.After(30 * time.Second):
		t.Fatal("the query went on 30s after Interrupt")
	}
	// The session stays usable.
	if _, err := s.Query(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
}

// TestCancelStopsTheServerSide cancels a query's context: the query must
// return at once and leave nothing running on the server (without the
// Interrupt that Query sends, the server would run it to its end).
func TestCancelStopsTheServerSide(t *testing.T) {
	s := sparktest.Session(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	start := time.Now()
	_, err := s.Query(ctx, "SELECT sum(a.id * b.id % 7) FROM range(1000000) a CROSS JOIN range(1000000) b")
	if err == nil {
		t.Fatal("a cancelled query returned no error")
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("the cancelled query returned after %v", d)
	}
	ids, err := s.Interrupt(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) > 0 {
		t.Fatalf("operations %v still ran on the server after the cancel", ids)
	}
}

func TestClose(t *testing.T) {
	remote := sparktest.Remote(t)
	s, err := spark.Connect(context.Background(), remote)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := s.Query(context.Background(), "SELECT 1"); err == nil {
		t.Fatal("a closed session still runs queries")
	}
}

func TestConnectRefusesWhatItCannotHonour(t *testing.T) {
	for _, remote := range []string{"http://127.0.0.1:15002", "sc://127.0.0.1:15002/;token=abc"} {
		if _, err := spark.Connect(context.Background(), remote); err == nil {
			t.Errorf("%s: no error", remote)
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
