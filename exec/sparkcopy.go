package exec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/itersql/itersql/internal/sqlscan"
)

// copyTarget reads what follows COPY (query) TO in DuckDB's SQL, from
// toks[i] (the path) to the end, and returns the head of the Spark
// statement that writes the query there:
//
//	INSERT OVERWRITE DIRECTORY 'abs path' USING csv|parquet|json [OPTIONS (...)]
//
// The format is DuckDB's: the FORMAT option, else the path's extension
// (.parquet; .json, .ndjson, .jsonl; anything else is CSV), CSV with a
// header unless HEADER false. Options Spark cannot honour are refused at
// their offset, before anything runs. A relative path is the client's, as
// in DuckDB, and made absolute (as sparkEngine.file does). Spark replaces
// whatever is at the path with a folder of part files, so a local path
// that is a folder holding anything else is refused.
func (e *sparkEngine) copyTarget(sql string, toks []sqlscan.Token, i int) (string, error) {
	refuse := func(at int, format string, args ...any) error {
		return &offsetError{off: at, err: &sparkRefusal{fmt.Sprintf("COPY TO "+format, args...)}}
	}
	if i >= len(toks) {
		return "", refuse(len(sql), "needs a path")
	}
	pt := toks[i]
	path, ok := copyString(pt)
	if !ok || path == "" {
		return "", refuse(pt.Off, "takes its path as a 'string'")
	}
	opts, err := copyOptions(toks, i+1)
	if err != nil {
		return "", err
	}
	seen := map[string]copyOption{}
	for _, o := range opts {
		if _, dup := seen[o.name]; dup {
			return "", refuse(o.tok.Off, "takes option %s once", strings.ToUpper(o.name))
		}
		seen[o.name] = o
	}
	format := copyFormat(path)
	if o, ok := seen["format"]; ok {
		v, _ := copyString(o.val)
		format = strings.ToLower(v)
		if !o.has || (format != "csv" && format != "parquet" && format != "json") {
			return "", refuse(o.tok.Off, "writes FORMAT csv, parquet or json")
		}
	}
	// Spark's options, in the order they are printed.
	var sparkOpts [][2]string
	header := "true"
	compression := ""
	for _, o := range opts {
		name := strings.ToUpper(o.name)
		switch o.name {
		case "format":
		case "header":
			if format != "csv" {
				return "", refuse(o.tok.Off, "takes HEADER for csv only (this writes %s)", format)
			}
			v, ok := "true", true
			if o.has {
				v, ok = copyBool(o.val)
			}
			if !ok {
				return "", refuse(o.tok.Off, "takes HEADER true or false")
			}
			header = v
		case "delimiter", "delim", "sep", "separator":
			if format != "csv" {
				return "", refuse(o.tok.Off, "takes %s for csv only (this writes %s)", name, format)
			}
			v, ok := copyString(o.val)
			if v == `\t` {
				// DuckDB reads the two characters as a tab.
				v = "\t"
			}
			if !o.has || !ok || len([]rune(v)) != 1 {
				return "", refuse(o.tok.Off, "takes %s of one character", name)
			}
			sparkOpts = append(sparkOpts, [2]string{"sep", v})
		case "compression":
			v, ok := copyString(o.val)
			v = strings.ToLower(v)
			if !o.has || !ok {
				return "", refuse(o.tok.Off, "takes COMPRESSION with a value")
			}
			switch {
			case v == "auto":
			case format == "parquet" && (v == "snappy" || v == "gzip" || v == "zstd" || v == "uncompressed"):
				compression = v
			case format != "parquet" && (v == "gzip" || v == "none" || v == "uncompressed"):
				compression = v
			default:
				return "", refuse(o.tok.Off, "does not write %s with COMPRESSION %s", format, v)
			}
		default:
			return "", refuse(o.tok.Off, "does not take option %s", name)
		}
	}
	if compression == "" && format != "parquet" {
		// DuckDB compresses CSV and JSON as the path's suffix says.
		switch lower := strings.ToLower(path); {
		case strings.HasSuffix(lower, ".gz"):
			compression = "gzip"
		case strings.HasSuffix(lower, ".zst"):
			return "", refuse(pt.Off, "does not write %s with COMPRESSION zstd (the path ends in .zst)", format)
		}
	}
	// DuckDB writes a TIMESTAMP as 2024-01-02 03:04:05[.fraction], Spark
	// as 2024-01-02T03:04:05.000 unless told, which DuckDB's JSON reader
	// takes for a string.
	ntz := [2]string{"timestampNTZFormat", "yyyy-MM-dd HH:mm:ss.SSSSSS"}
	switch format {
	case "csv":
		// DuckDB escapes a quote in a value by doubling it, Spark with a
		// backslash unless told.
		sparkOpts = append([][2]string{{"header", header}}, append(sparkOpts, [2]string{"escape", `"`}, ntz)...)
	case "json":
		// DuckDB writes a NULL as null, Spark leaves the field out.
		sparkOpts = append(sparkOpts, [2]string{"ignoreNullFields", "false"}, ntz)
	}
	if compression != "" {
		sparkOpts = append(sparkOpts, [2]string{"compression", compression})
	}
	if !strings.Contains(path, "://") {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", &offsetError{off: pt.Off, err: err}
		}
		if err := sparkOutputFree(abs); err != nil {
			return "", &offsetError{off: pt.Off, err: err}
		}
		path = abs
	}
	head := "INSERT OVERWRITE DIRECTORY " + copyLiteral(path) + " USING " + format
	if len(sparkOpts) > 0 {
		kv := make([]string, len(sparkOpts))
		for k, o := range sparkOpts {
			kv[k] = o[0] + " " + copyLiteral(o[1])
		}
		head += " OPTIONS (" + strings.Join(kv, ", ") + ")"
	}
	return head + " ", nil
}

// copyLiteral is s as a Spark SQL string literal, a quote written as
// \u0027.
func copyLiteral(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\u0027`).Replace(s) + "'"
}

// sparkRefusal is a statement, or a part of it, that Spark is not asked
// to run: passthroughSpark says "on Spark: " before it.
type sparkRefusal struct{ msg string }

func (r *sparkRefusal) Error() string { return r.msg }

// copyOption is an option of COPY: its lower-cased name, the token that
// names it, and its value token when it has one (has).
type copyOption struct {
	name string
	tok  sqlscan.Token
	val  sqlscan.Token
	has  bool
}

// copyOptions reads the options after COPY ... TO 'path', from toks[i]
// to the end: [WITH] (name [value], ...), or the older form without
// parentheses (HEADER DELIMITER ';', CSV). A value that is a list
// (PARTITION_BY (a, b)) is read as an option without a value, which every
// option Spark takes refuses.
func copyOptions(toks []sqlscan.Token, i int) ([]copyOption, error) {
	refuse := func(t sqlscan.Token, format string, args ...any) error {
		return &offsetError{off: t.Off, err: &sparkRefusal{fmt.Sprintf("COPY TO "+format, args...)}}
	}
	if i < len(toks) && toks[i].Is("WITH") {
		i++
	}
	if i >= len(toks) {
		return nil, nil
	}
	var opts []copyOption
	if toks[i].Text != "(" {
		// COPY ... TO 'path' HEADER DELIMITER ';' (PostgreSQL's older form).
		for i < len(toks) {
			t := toks[i]
			if t.Kind != sqlscan.Word {
				return nil, refuse(t, "does not take %s here", t.Text)
			}
			o := copyOption{name: strings.ToLower(t.Text), tok: t}
			i++
			if i < len(toks) && toks[i].Is("AS") {
				i++
			}
			if i < len(toks) && toks[i].Kind == sqlscan.String {
				o.val, o.has = toks[i], true
				i++
			}
			if o.name == "csv" && !o.has {
				o.name, o.val, o.has = "format", sqlscan.Token{Kind: sqlscan.Word, Text: "csv", Off: t.Off}, true
			}
			opts = append(opts, o)
		}
		return opts, nil
	}
	open := toks[i]
	i++
	for {
		if i >= len(toks) {
			return nil, refuse(open, "options: no ')' closes this '('")
		}
		t := toks[i]
		if t.Text == ")" && len(opts) == 0 {
			i++
			break
		}
		if t.Kind != sqlscan.Word && t.Kind != sqlscan.Quoted && t.Kind != sqlscan.String {
			return nil, refuse(t, "does not take %s here", t.Text)
		}
		name, _ := copyString(t)
		o := copyOption{name: strings.ToLower(name), tok: t}
		i++
		if i < len(toks) && toks[i].Text == "(" {
			// A list: skip it.
			depth := 0
			for ; i < len(toks); i++ {
				if toks[i].Text == "(" {
					depth++
				} else if toks[i].Text == ")" {
					if depth--; depth == 0 {
						i++
						break
					}
				}
			}
		} else if i < len(toks) && toks[i].Text != "," && toks[i].Text != ")" {
			o.val, o.has = toks[i], true
			i++
		}
		opts = append(opts, o)
		if i >= len(toks) {
			continue // no ')': refused above
		}
		if toks[i].Text == ")" {
			i++
			break
		}
		if toks[i].Text != "," {
			return nil, refuse(toks[i], "does not take %s here", toks[i].Text)
		}
		i++
	}
	if i < len(toks) {
		return nil, refuse(toks[i], "does not take %s here", toks[i].Text)
	}
	return opts, nil
}

// copyString is the value of a word, a number, a 'string' or a "name" as
// DuckDB reads it in COPY's options; ok is false for other tokens
// (E'...' and $$...$$ strings too).
func copyString(t sqlscan.Token) (string, bool) {
	switch {
	case t.Kind == sqlscan.Word || t.Kind == sqlscan.Number:
		return t.Text, true
	case t.Kind == sqlscan.String && len(t.Text) >= 2 && t.Text[0] == '\'':
		return strings.ReplaceAll(t.Text[1:len(t.Text)-1], "''", "'"), true
	case t.Kind == sqlscan.Quoted && len(t.Text) >= 2:
		return strings.ReplaceAll(t.Text[1:len(t.Text)-1], `""`, `"`), true
	}
	return "", false
}

// copyBool is a boolean option's value as Spark's option text.
func copyBool(t sqlscan.Token) (string, bool) {
	v, ok := copyString(t)
	switch strings.ToLower(v) {
	case "true", "1", "on":
		return "true", ok
	case "false", "0", "off":
		return "false", ok
	}
	return "", false
}

// copyFormat is the format DuckDB's COPY TO writes to path without a
// FORMAT option: from its extension, past a compression suffix; CSV when
// it says nothing else.
func copyFormat(path string) string {
	name := strings.ToLower(path)
	for _, c := range []string{".gz", ".zst"} {
		name = strings.TrimSuffix(name, c)
	}
	switch strings.TrimPrefix(filepath.Ext(name), ".") {
	case "parquet":
		return "parquet"
	case "json", "ndjson", "jsonl":
		return "json"
	}
	return "csv"
}

// sparkOutputFree refuses a path where Spark's INSERT OVERWRITE DIRECTORY
// would delete what is not its own: it replaces whatever is there with a
// folder of part files. A file (which DuckDB's COPY overwrites too), an
// empty folder and a folder of Spark's output are replaced.
func sparkOutputFree(path string) error {
	ents, err := os.ReadDir(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		if info, serr := os.Stat(path); serr == nil && !info.IsDir() {
			return nil
		}
		return err
	}
	for _, ent := range ents {
		n := strings.TrimPrefix(strings.TrimSuffix(ent.Name(), ".crc"), ".")
		if ent.IsDir() && n == "_temporary" {
			continue // left by a write that failed
		}
		if ent.IsDir() || !(strings.HasPrefix(n, "part-") || n == "_SUCCESS" || strings.HasPrefix(n, "_committed_") || strings.HasPrefix(n, "_started_")) {
			return &sparkRefusal{fmt.Sprintf("COPY TO replaces the folder %s with a folder of part files, and it holds %s, which Spark did not write: give a new path", path, ent.Name())}
		}
	}
	return nil
}
