package exec

// Checkpoints on Spark (docs/checkpoints.md, docs/spark.md): the SQL that
// exec/checkpoint.go asks the engine for. The server writes and reads the
// checkpoint folder, and itersql writes the manifest beside what it
// wrote, so both must see the folder at the same path: the server runs on
// this machine, or the folder is on a file system mounted alike on both.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/itersql/itersql/internal/sparksql"
	"github.com/itersql/itersql/internal/sqlscan"
)

// relation prints a name quoted for DuckDB ("db"."t") with backquotes.
func (e *sparkEngine) relation(name string) string {
	toks, err := sqlscan.Tokens(name, sqlscan.Pos{Line: 1, Col: 1})
	if err != nil {
		return name
	}
	var b strings.Builder
	for _, t := range toks {
		if t.Text == "." {
			b.WriteString(".")
		} else {
			b.WriteString(e.name(t))
		}
	}
	return b.String()
}

// digestQuery sums and xors xxhash64 of each row, the sum as DECIMAL(38,0)
// (a BIGINT sum overflows with an error under ANSI mode). Spark's hash
// skips a NULL argument, so (1, NULL) and (NULL, 1) would hash alike: the
// array of which columns are NULL is hashed first.
func (e *sparkEngine) digestQuery(from string, cols []string) string {
	nulls := make([]string, len(cols))
	for i, c := range cols {
		nulls[i] = "isnull(" + c + ")"
	}
	return fmt.Sprintf("SELECT count(*), concat(CAST(COALESCE(sum(CAST(h AS DECIMAL(38,0))), 0) AS STRING), '-', CAST(COALESCE(bit_xor(h), 0) AS STRING)) "+
		"FROM (SELECT xxhash64(array(%s), %s) AS h FROM %s AS __itersql_row) AS __itersql_h", strings.Join(nulls, ", "), strings.Join(cols, ", "), from)
}

// writeParquet is INSERT OVERWRITE DIRECTORY: Spark writes a folder of
// part files at path (package checkpoint records each part). It replaces
// whatever is at path as a whole tree, so a path that exists is refused:
// the checkpoint's folder is new, and removing a checkpoint leaves a data
// folder only when it holds files that are not Spark's.
func (e *sparkEngine) writeParquet(table string, cols, _ []string, path string) (string, error) {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s exists (holding files that are not Spark's?); Spark would replace it", path)
	}
	return fmt.Sprintf("INSERT OVERWRITE DIRECTORY %s USING parquet SELECT %s FROM %s",
		sparksql.StringLiteral(sparkPath(path)), strings.Join(cols, ", "), table), nil
}

func (e *sparkEngine) readParquet(path string) string {
	return "parquet." + e.quote(sparkPath(path))
}

// sparkPath is path as the server reads it: absolute (a relative path is
// the client's, and the server's working folder is its own), and on the
// local file system even when Spark's default file system is another.
func sparkPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return "file:" + filepath.ToSlash(path)
}

// checkType accepts a type as Spark's DESCRIBE prints it (sparkType).
func (e *sparkEngine) checkType(typ string) error {
	if rest, ok := sparkType(typ); !ok || rest != "" {
		return errors.New("not one Spark type")
	}
	return nil
}

// sparkType reads one type from the start of s and returns the rest: a
// name (bigint, timestamp_ntz), with digits in parentheses
// (decimal(10,2)), or array<t>, map<k,v> or struct<name:t,...> of such
// types. No quote, space, comment or expression fits that grammar, so the
// text pasted into a CAST is a type and nothing else. Types it does not
// read (a struct field named with a space, an interval) make a
// checkpoint unusable, never something else run.
func sparkType(s string) (rest string, ok bool) {
	name, s := sparkIdent(s)
	switch low := strings.ToLower(name); {
	case name == "":
		return s, false
	case low == "array" || low == "map" || low == "struct":
		if !strings.HasPrefix(s, "<") {
			return s, false
		}
		for s = s[1:]; ; s = s[1:] {
			if low == "struct" {
				var field string
				if field, s = sparkIdent(s); field == "" || !strings.HasPrefix(s, ":") {
					return s, false
				}
				s = s[1:]
			}
			if s, ok = sparkType(s); !ok {
				return s, false
			}
			if strings.HasPrefix(s, ">") {
				return s[1:], true
			}
			if !strings.HasPrefix(s, ",") {
				return s, false
			}
		}
	case strings.HasPrefix(s, "("):
		end := strings.IndexByte(s, ')')
		if end < 2 || strings.Trim(s[1:end], "0123456789,") != "" {
			return s, false
		}
		return s[end+1:], true
	}
	return s, true
}

// sparkIdent reads a name of letters, digits and '_' (not starting with a
// digit) from the start of s.
func sparkIdent(s string) (name, rest string) {
	i := 0
	for i < len(s) {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			i++
			continue
		}
		break
	}
	return s[:i], s[i:]
}
