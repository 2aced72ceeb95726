package exec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Settings are the itersql session settings (SET name = value, or CLI
// flags). Every other SET goes to DuckDB.
type Settings struct {
	MaxIterations int   // runaway guard: an error when a loop reaches it
	MaxStateRows  int64 // 0 = off; an error before a state grows past it
	Progress      string
}

// DefaultSettings are the settings of a new session.
func DefaultSettings() Settings {
	return Settings{MaxIterations: 10000, Progress: "auto"}
}

// setting is one row of the settings table.
type setting struct {
	doc string
	get func(*Settings) string
	set func(*Settings, string) error
}

var settings = map[string]setting{
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
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("max_state_rows must be a whole number >= 0, not %q", v)
			}
			s.MaxStateRows = n
			return nil
		},
	},
	"progress": {
		doc: "the live progress line: auto (on a terminal), on, off",
		get: func(s *Settings) string { return s.Progress },
		set: func(s *Settings, v string) error {
			v = strings.ToLower(v)
			if v != "auto" && v != "on" && v != "off" {
				return fmt.Errorf("progress must be auto, on or off, not %q", v)
			}
			s.Progress = v
			return nil
		},
	},
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
