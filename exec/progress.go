package exec

import (
	"context"
	"database/sql"
	"reflect"
	"time"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// TrackProgress asks the engine to track the progress of the statements
// the session runs, and reports whether it does and how long a statement
// runs before its progress should show.
//
// On DuckDB that is DuckDB's own tracking (enable_progress_bar), as
// DuckDB's CLI turns it on in a terminal, but not DuckDB's printing of it
// (enable_progress_bar_print): the shell draws it on stderr from
// QueryProgress. Only the first call sends those settings, so a later SET
// of them by the user stands; the delay is DuckDB's progress_bar_time. If
// the driver's connection handle cannot be read (see progressHandle), ok
// is false.
//
// On Spark the server reports progress on its own (spark.Session.Progress)
// and the delay is DuckDB's default, 2 s.
func (s *Session) TrackProgress(ctx context.Context) (delay time.Duration, ok bool, err error) {
	switch e := s.eng.(type) {
	case *sparkEngine:
		return 2 * time.Second, true, nil
	case *duckEngine:
		if !e.hasHandle {
			return 0, false, nil
		}
		if !e.tracking {
			for _, q := range []string{"SET enable_progress_bar = true", "SET enable_progress_bar_print = false"} {
				if _, err := s.exec(ctx, q); err != nil {
					return 0, false, err
				}
			}
			e.tracking = true
		}
		var on bool
		var ms int64
		err = s.queryRow(ctx, "SELECT current_setting('enable_progress_bar'), current_setting('progress_bar_time')", &on, &ms)
		return time.Duration(ms) * time.Millisecond, on && err == nil, err
	}
	return 0, false, nil
}

// QueryProgress is how far the engine is through the statement running
// on the session, in percent, as the engine measures it: on DuckDB, rows
// its pipelines have processed out of their estimated total (what DuckDB's
// progress bar shows); on Spark, tasks completed out of the tasks of the
// stages reported so far. It may be called from another goroutine while
// the statement runs, but not after Close. ok is false when nothing is
// known: no statement runs, DuckDB's tracking is off (TrackProgress), or
// Spark has not reported yet.
func (s *Session) QueryProgress() (percent float64, ok bool) {
	switch e := s.eng.(type) {
	case *sparkEngine:
		return e.s.Progress()
	case *duckEngine:
		if !e.hasHandle {
			return 0, false
		}
		p := mapping.QueryProgress(e.handle)
		percent, _, _ = mapping.QueryProgressTypeMembers(&p)
		return percent, percent >= 0
	}
	return 0, false
}

// progressHandle returns the C connection under conn, which
// duckdb_query_progress reads. duckdb-go (v2.10506) has no progress call
// and keeps that handle in an unexported field of its Conn, so it is read
// with reflect, by the field's name and type: if a driver release renames
// or retypes it, ok is false and the shell shows no DuckDB progress
// instead of reading the wrong memory (and TestQueryProgress fails, so an
// upgrade notices). A progress call in duckdb-go would replace this.
//
// DuckDB's own printed bar (enable_progress_bar_print) needs no handle,
// but from this driver it draws only its first and last state, and on
// stdout, between the results.
func progressHandle(conn *sql.Conn) (h mapping.Connection, ok bool) {
	_ = conn.Raw(func(dc any) error {
		c, isDuck := dc.(*duckdb.Conn)
		if !isDuck {
			return nil
		}
		f := reflect.ValueOf(c).Elem().FieldByName("conn")
		if !f.IsValid() || f.Type() != reflect.TypeOf(mapping.Connection{}) {
			return nil
		}
		h = *(*mapping.Connection)(unsafe.Pointer(f.UnsafeAddr()))
		ok = h.Ptr != nil
		return nil
	})
	return h, ok
}
