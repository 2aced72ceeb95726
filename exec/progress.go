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

// TrackProgress asks DuckDB to track the progress of the statements the
// session runs (enable_progress_bar), as DuckDB's CLI does on a terminal,
// but not to print a bar of its own (enable_progress_bar_print): the
// shell draws it on stderr from QueryProgress. Only the first call sends
// those settings, so a later SET of them by the user stands. Every call
// reports whether tracking is on now and DuckDB's progress_bar_time: how
// long a statement runs before its bar shows. On Spark, and when the
// driver's connection handle cannot be read (see progressHandle), ok is
// false.
func (s *Session) TrackProgress(ctx context.Context) (delay time.Duration, ok bool, err error) {
	d, isDuck := s.eng.(*duckEngine)
	if !isDuck || !d.hasHandle {
		return 0, false, nil
	}
	if !d.tracking {
		for _, q := range []string{"SET enable_progress_bar = true", "SET enable_progress_bar_print = false"} {
			if _, err := s.exec(ctx, q); err != nil {
				return 0, false, err
			}
		}
		d.tracking = true
	}
	var on bool
	var ms int64
	err = s.queryRow(ctx, "SELECT current_setting('enable_progress_bar'), current_setting('progress_bar_time')", &on, &ms)
	return time.Duration(ms) * time.Millisecond, on && err == nil, err
}

// QueryProgress is how far DuckDB is through the statement running on the
// session's connection, in percent, as DuckDB's own progress bar measures
// it: rows its pipelines have processed out of their estimated total. It
// may be called from another goroutine while the statement runs, but not
// after Close. ok is false when nothing is known: no statement runs with
// tracking on (TrackProgress), or the engine is Spark.
func (s *Session) QueryProgress() (percent float64, ok bool) {
	d, isDuck := s.eng.(*duckEngine)
	if !isDuck || !d.hasHandle {
		return 0, false
	}
	p := mapping.QueryProgress(d.handle)
	percent, _, _ = mapping.QueryProgressTypeMembers(&p)
	return percent, percent >= 0
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
