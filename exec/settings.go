package exec

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Settings are the itersql session settings (SET name = value, or CLI
// flags). Every other SET goes to DuckDB.
type Settings struct {
	MaxIterations int   // runaway guard: an error when a loop reaches it
	MaxStateRows  int64 // 0 = off; an error before a state grows past it
	Progress      string
	// ExplainTiming off leaves milliseconds out of EXPLAIN ANALYZE, so its
	// output can be compared in golden files.
	ExplainTiming bool

	// Checkpoints (exec/checkpoint.go, docs/checkpoints.md).
	CheckpointEvery    int           // checkpoint after every n-th iteration (0 = not by count)
	CheckpointInterval time.Duration // checkpoint once this long has passed since the last (0 = not by time)
	CheckpointDir      string        // "" = beside the database file, ./.itersql in memory
	CheckpointKeep     bool          // keep the checkpoints after the statement finishes
	Resume             bool          // start from a matching checkpoint

	// Skewed-join split (exec/skew.go, docs/skew.md). Zero values are
	// the defaults, so DefaultSettings need not name them.
	SkewJoin       string // "" or "auto": split when heavy keys exist; "on"; "off"
	SkewThreshold  int64  // rows that make a key heavy; 0 = auto
	Partitions     int    // shuffle tasks; 0 = auto (from target_task_rows)
	TargetTaskRows int64  // input rows a task should get under partitions = auto; 0 = default
	SkewWorkers    int    // connections the tasks run on; 0 = one per CPU
}

// DefaultSettings are the settings of a new session.
func DefaultSettings() Settings {
	return Settings{MaxIterations: 10000, Progress: "auto", ExplainTiming: true}
}

// setting is one row of the settings table.
type setting struct {
	doc string
	get func(*Settings) string
	set func(*Settings, string) error
}

var settings = map[string]setting{
	"explain_timing": {
		doc: "on: EXPLAIN ANALYZE shows milliseconds; off: it does not (stable output for tests)",
		get: func(s *Settings) string { return onOff(s.ExplainTiming) },
		set: func(s *Settings, v string) (err error) {
			s.ExplainTiming, err = parseBool("explain_timing", v)
			return err
		},
	},
	"max_iterations": {
		doc: "an error when a loop reaches this many iterations without stopping",
		get: func(s *Settings) string { return strconv.Itoa(s.MaxIterations) },
		set: func(s *Settings, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("max_iterations must be a whole number >= 1, not %q", v)
			}
			s.MaxIterations = n
			return nil
		},
	},
	"max_state_rows": {
		doc: "an error when a state would hold more rows (0 = no limit)",
		get: func(s *Settings) string { return strconv.FormatInt(s.MaxStateRows, 10) },
		set: func(s *Settings, v string) error {
			// A state query is cut at LIMIT max_state_rows + 1 (run.limit),
			// which must still be a BIGINT.
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n == math.MaxInt64 {
				return fmt.Errorf("max_state_rows must be a whole number from 0 to %d, not %q", int64(math.MaxInt64-1), v)
			}
			s.MaxStateRows = n
			return nil
		},
	},
	"checkpoint_every": {
		doc: "write a durable checkpoint every n iterations (5) or after a time ('2m'); 0 = off",
		get: func(s *Settings) string { return checkpointEveryText(s) },
		set: setCheckpointEvery,
	},
	"checkpoint_dir": {
		doc: "where checkpoints go (auto = a folder beside the database file, ./.itersql in memory)",
		get: func(s *Settings) string { return checkpointDirText(s) },
		set: setCheckpointDir,
	},
	"checkpoint_keep": {
		doc: "keep a statement's checkpoints after it finishes (on, off)",
		get: func(s *Settings) string { return onOff(s.CheckpointKeep) },
		set: func(s *Settings, v string) error { return setBool(&s.CheckpointKeep, "checkpoint_keep", v) },
	},
	"resume": {
		doc: "start a statement from its newest valid checkpoint (on, off)",
		get: func(s *Settings) string { return onOff(s.Resume) },
		set: func(s *Settings, v string) error { return setBool(&s.Resume, "resume", v) },
	},
	"skew_join": {
		doc: "split skewed equi-joins into broadcast + shuffle tasks: auto (when heavy keys exist), on (also plain SELECTs), off",
		get: func(s *Settings) string { return skewJoinText(s) },
		set: func(s *Settings, v string) error { return setAutoOnOff(&s.SkewJoin, "skew_join", v) },
	},
	"skew_threshold": {
		doc: "rows above which a join key is heavy; auto = max(1000, 10 x median rows per key, a quarter of a task's rows)",
		get: func(s *Settings) string { return autoInt(s.SkewThreshold) },
		set: func(s *Settings, v string) error { return setAutoInt(&s.SkewThreshold, "skew_threshold", v) },
	},
	"partitions": {
		doc: "shuffle tasks of a split join; auto = input rows / target_task_rows, per iteration",
		get: func(s *Settings) string { return autoInt(int64(s.Partitions)) },
		set: setPartitions,
	},
	"target_task_rows": {
		doc: "input rows one skew task should get when partitions = auto",
		get: func(s *Settings) string { return strconv.FormatInt(targetTaskRows(s), 10) },
		set: setTargetTaskRows,
	},
	"skew_workers": {
		doc: "connections that run skew tasks in parallel; auto = one per CPU",
		get: func(s *Settings) string { return autoInt(int64(s.SkewWorkers)) },
		set: setSkewWorkers,
	},
	"progress": {
		doc: "the live progress line: auto (on a terminal), on, off",
		get: func(s *Settings) string { return s.Progress },
		set: func(s *Settings, v string) error { return setAutoOnOff(&s.Progress, "progress", v) },
	},
}

// setAutoOnOff reads a setting that takes auto, on or off.
func setAutoOnOff(dst *string, name, v string) error {
	v = strings.ToLower(v)
	if v != "auto" && v != "on" && v != "off" {
		return fmt.Errorf("%s must be auto, on or off, not %q", name, v)
	}
	*dst = v
	return nil
}

// IsSetting reports whether name is an itersql setting.
func IsSetting(name string) bool {
	_, ok := settings[strings.ToLower(name)]
	return ok
}

// Set sets an itersql setting from its text (quoted or bare).
func (s *Settings) Set(name, value string) error {
	st, ok := settings[strings.ToLower(name)]
	if !ok {
		return fmt.Errorf("unknown itersql setting %q", name)
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
		value = strings.ReplaceAll(value[1:len(value)-1], "''", "'")
	}
	return st.set(s, value)
}

// List returns "name = value" for every setting, sorted by name.
func (s *Settings) List() []string {
	names := make([]string, 0, len(settings))
	for n := range settings {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + " = " + settings[n].get(s)
	}
	return out
}

// Describe returns (name, value, description) rows for every setting.
func (s *Settings) Describe() [][]any {
	var rows [][]any
	for _, l := range s.List() {
		name, val, _ := strings.Cut(l, " = ")
		rows = append(rows, []any{name, val, settings[name].doc})
	}
	return rows
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// parseBool reads on/off, true/false, 1/0 as SET values.
func parseBool(name, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("%s must be on or off, not %q", name, v)
}
