package duckast

import (
	"strings"
	"sync"
)

var (
	functionsOnce sync.Once
	functions     map[string]string // lower-case name -> "scalar", "aggregate", "mixed", ...
	functionsErr  error
)

// FunctionType returns the kind of a built-in function as DuckDB's
// catalog lists it (duckdb_functions()): "scalar", "aggregate", "macro",
// "table", "mixed" when a name has several kinds, or "" for a name it
// does not know (a user's macro or function, or an error reading the
// catalog). Operators (+, ||) are scalar functions.
func FunctionType(name string) string {
	functionsOnce.Do(func() {
		d, err := db()
		if err != nil {
			functionsErr = err
			return
		}
		rows, err := d.Query("SELECT DISTINCT lower(function_name), function_type FROM duckdb_functions()")
		if err != nil {
			functionsErr = err
			return
		}
		defer rows.Close()
		functions = map[string]string{}
		for rows.Next() {
			var n, t string
			if err := rows.Scan(&n, &t); err != nil {
				functionsErr = err
				return
			}
			if old, ok := functions[n]; ok && old != t {
				t = "mixed"
			}
			functions[n] = t
		}
		functionsErr = rows.Err()
	})
	if functionsErr != nil {
		return ""
	}
	return functions[strings.ToLower(name)]
}
