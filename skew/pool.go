package skew

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// taskStat is what one task did: the rows it appended and its wall time.
type taskStat struct {
	Task task
	Rows int64
	Took time.Duration
}

// runTasks runs tasks on up to workers connections of db (one task per
// connection at a time) and returns each task's statistics, in task
// order. Tasks start in the order given. The first error cancels the
// tasks still running and is returned; the result table may then hold
// part of the join, and the caller drops it.
func runTasks(ctx context.Context, db *sql.DB, workers int, tasks []task) ([]taskStat, error) {
	workers = max(1, min(workers, len(tasks)))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stats := make([]taskStat, len(tasks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := db.Conn(ctx)
			if err != nil {
				cancel(fmt.Errorf("skew task connection: %w", err))
				return
			}
			defer conn.Close()
			for {
				n := int(next.Add(1) - 1)
				if n >= len(tasks) || ctx.Err() != nil {
					return
				}
				t := tasks[n]
				began := time.Now()
				res, err := conn.ExecContext(ctx, t.SQL)
				if err != nil {
					cancel(fmt.Errorf("skew %s task %d: %w", t.Path, t.Index, err))
					return
				}
				rows, _ := res.RowsAffected()
				stats[n] = taskStat{Task: t, Rows: rows, Took: time.Since(began)}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return stats, nil
}

// summary condenses task statistics: how many, and the rows and time of
// the largest and of the median task.
type summary struct {
	Tasks                int
	MaxRows, MedianRows  int64
	MaxTook, MedianTook  time.Duration
	Broadcast, Unmatched int // tasks of each path; the rest are shuffle tasks
}

// summarize condenses stats. The median is the lower middle one, so that
// with two tasks the ratio compares the larger with the smaller.
func summarize(stats []taskStat) summary {
	s := summary{Tasks: len(stats)}
	if len(stats) == 0 {
		return s
	}
	rows := make([]int64, len(stats))
	took := make([]time.Duration, len(stats))
	for i, st := range stats {
		rows[i], took[i] = st.Rows, st.Took
		switch st.Task.Path {
		case broadcast:
			s.Broadcast++
		case unmatched:
			s.Unmatched++
		}
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a] < rows[b] })
	sort.Slice(took, func(a, b int) bool { return took[a] < took[b] })
	mid := (len(stats) - 1) / 2
	s.MaxRows, s.MedianRows = rows[len(rows)-1], rows[mid]
	s.MaxTook, s.MedianTook = took[len(took)-1], took[mid]
	return s
}

// Straggler is the largest task's rows over the median task's.
func (s summary) Straggler() float64 { return ratio(s.MaxRows, s.MedianRows) }

// String is the summary as one EXPLAIN ANALYZE note.
func (s summary) String() string {
	return fmt.Sprintf("tasks %d (%d broadcast), rows max %d median %d, ms max %.1f median %.1f",
		s.Tasks, s.Broadcast+s.Unmatched, s.MaxRows, s.MedianRows,
		float64(s.MaxTook.Microseconds())/1000, float64(s.MedianTook.Microseconds())/1000)
}
