// Package render formats query results for the terminal and for other
// programs, in the styles DuckDB CLI and sqlite users already know: the
// duckbox table for people (types under the header, row and column counts
// below, cut to the terminal), sqlite's box and table, and csv, json,
// markdown, line and list modes for pasting into documents or piping into
// tools.
//
// Output depends only on Options (the terminal width is passed in, never
// probed here), so that it can be compared against golden files.
package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// Mode selects an output format; its values are the names users type on
// the command line, so a Mode can be printed back in messages as is.
type Mode string

// The supported output modes.
const (
	ModeDuckbox  Mode = "duckbox"
	ModeBox      Mode = "box"
	ModeTable    Mode = "table"
	ModeCSV      Mode = "csv"
	ModeJSON     Mode = "json"
	ModeMarkdown Mode = "markdown"
	ModeLine     Mode = "line"
	ModeList     Mode = "list"
)

var modes = []Mode{ModeDuckbox, ModeBox, ModeTable, ModeCSV, ModeJSON, ModeMarkdown, ModeLine, ModeList}

// ParseMode turns user input (e.g. a --mode flag or a .mode command) into a
// Mode. Matching ignores case and surrounding space because it is typed by
// hand; the error names every valid mode so the user can correct it.
func ParseMode(s string) (Mode, error) {
	want := strings.ToLower(strings.TrimSpace(s))
	for _, m := range modes {
		if string(m) == want {
			return m, nil
		}
	}
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
	}
	return "", fmt.Errorf("unknown output mode %q (valid modes: %s)", s, strings.Join(names, ", "))
}

// Options controls Write. The zero value prints every row as a duckbox.
type Options struct {
	// Mode is the output format; empty means ModeDuckbox.
	Mode Mode
	// MaxRows limits how many rows duckbox prints, the first and last
	// halves with a "…" row between, so an accidental huge SELECT does not
	// flood the terminal; the footer then reports both the total and the
	// shown count. 0 (or negative) means all rows. Other modes are meant
	// for programs or for copying and always write everything.
	MaxRows int
	// Width is the terminal's width: duckbox cuts wide values and drops
	// middle columns to fit it. 0 means no limit (scripts and pipes keep
	// full values).
	Width int
	// Types are the DuckDB types of the columns ("BIGINT", "STRUCT(a
	// INTEGER)"), when the caller knows them; nil means unknown, and the
	// Go values tell what they can.
	Types []string
}

// JSON is a value that is JSON text already (DuckDB's to_json): json mode
// writes it as it is, other modes as text.
type JSON string

// Write formats a result set with the given column names and rows. Each row
// must have exactly one value per column; values are rendered with Value.
func Write(w io.Writer, opts Options, columns []string, rows [][]any) error {
	for i, row := range rows {
		if len(row) != len(columns) {
			return fmt.Errorf("render: row %d has %d values, want %d (one per column)", i, len(row), len(columns))
		}
	}
	if opts.Types != nil && len(opts.Types) != len(columns) {
		return fmt.Errorf("render: %d types for %d columns", len(opts.Types), len(columns))
	}
	switch opts.Mode {
	case ModeDuckbox, "":
		return writeBox(w, boxStyle{border: unicodeBorder, duck: true}, opts, columns, rows)
	case ModeBox:
		return writeBox(w, boxStyle{border: unicodeBorder}, opts, columns, rows)
	case ModeTable:
		return writeBox(w, boxStyle{border: asciiBorder}, opts, columns, rows)
	case ModeList:
		return writeList(w, columns, rows)
	case ModeCSV:
		return writeCSV(w, columns, rows)
	case ModeJSON:
		return writeJSON(w, columns, rows)
	case ModeMarkdown:
		return writeMarkdown(w, columns, rows)
	case ModeLine:
		return writeLine(w, columns, rows)
	}
	_, err := ParseMode(string(opts.Mode))
	return err
}

func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// numericTypes are DuckDB's number types (DECIMAL with any width).
var numericTypes = map[string]bool{
	"TINYINT": true, "SMALLINT": true, "INTEGER": true, "BIGINT": true, "HUGEINT": true,
	"UTINYINT": true, "USMALLINT": true, "UINTEGER": true, "UBIGINT": true, "UHUGEINT": true,
	"FLOAT": true, "DOUBLE": true, "DECIMAL": true, "BIGNUM": true, "VARINT": true,
}

// numericColumn reports whether column c holds numbers, so it can be
// right-aligned and digits line up as in DuckDB's CLI: by its DuckDB type
// when known (the values are then DuckDB's text), else when its Go values
// are all numbers (ignoring NULLs).
func numericColumn(types []string, rows [][]any, c int) bool {
	if types != nil {
		t, _, _ := strings.Cut(types[c], "(")
		return numericTypes[t]
	}
	seen := false
	for _, row := range rows {
		switch row[c].(type) {
		case nil:
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
			float32, float64, *big.Int, duckdb.Decimal:
			seen = true
		default:
			return false
		}
	}
	return seen
}

func writeCSV(w io.Writer, columns []string, rows [][]any) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(columns); err != nil {
		return err
	}
	record := make([]string, len(columns))
	for _, row := range rows {
		for i, v := range row {
			// An empty field is the CSV convention for NULL; the text
			// "NULL" would be read back as a string.
			if isNull(v) {
				record[i] = ""
			} else {
				record[i] = Value(v)
			}
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON emits one array of objects. Objects are built by hand because
// encoding a map would lose the column order.
func writeJSON(w io.Writer, columns []string, rows [][]any) error {
	var b bytes.Buffer
	b.WriteByte('[')
	for r, row := range rows {
		if r > 0 {
			b.WriteString(",\n")
		}
		b.WriteByte('{')
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, columns[i])
			b.WriteByte(':')
			writeJSONValue(&b, v)
		}
		b.WriteByte('}')
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// writeJSONValue keeps numbers, booleans, NULL and nested lists/maps as
// native JSON so consumers need not re-parse strings; everything else is
// the Value text as a JSON string.
func writeJSONValue(b *bytes.Buffer, v any) {
	if isNull(v) {
		b.WriteString("null")
		return
	}
	switch x := v.(type) {
	case JSON:
		b.WriteString(jsonNumber(string(x)))
	case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		*big.Int, big.Int, duckdb.Decimal, *duckdb.Decimal:
		b.WriteString(Value(x))
	case float32:
		writeJSONFloat(b, float64(x), Value(x))
	case float64:
		writeJSONFloat(b, x, Value(x))
	case time.Time:
		// DuckDB's text (2024-02-29, 13:45:01.5), as its to_json writes
		// dates and times, not Go's RFC 3339 with a made-up day and zone.
		writeJSONString(b, Value(x))
	case duckdb.Union:
		writeJSONValue(b, x.Value)
	case duckdb.OrderedMap:
		keys, vals := x.Keys(), x.Values()
		b.WriteByte('{')
		for i := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, Value(keys[i]))
			b.WriteByte(':')
			writeJSONValue(b, vals[i])
		}
		b.WriteByte('}')
	case string, []byte, duckdb.UUID, [16]byte:
		writeJSONString(b, Value(x))
	default:
		writeJSONReflect(b, v)
	}
}

// jsonNumber quotes the NaN and Infinity that DuckDB's to_json writes for
// such doubles, which are not JSON numbers: readers of the output would
// refuse the whole document.
func jsonNumber(s string) string {
	switch s {
	case "NaN", "Infinity", "-Infinity":
		return `"` + s + `"`
	}
	return s
}

// writeJSONFloat falls back to a string for NaN and infinities, which JSON
// numbers cannot represent.
func writeJSONFloat(b *bytes.Buffer, f float64, text string) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		writeJSONString(b, text)
		return
	}
	b.WriteString(text)
}

// writeJSONReflect handles lists, maps and pointers of any element type so
// nested results stay structured; map keys are sorted for stable output.
func writeJSONReflect(b *bytes.Buffer, v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		// Same rule as Value: dereference unless that would lose the only
		// String method.
		elem := rv.Elem().Interface()
		_, elemStringer := elem.(fmt.Stringer)
		if _, ptrStringer := v.(fmt.Stringer); elemStringer || !ptrStringer {
			writeJSONValue(b, elem)
			return
		}
	}
	if _, ok := v.(fmt.Stringer); !ok {
		switch rv.Kind() {
		case reflect.Slice, reflect.Array:
			b.WriteByte('[')
			for i := 0; i < rv.Len(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSONValue(b, rv.Index(i).Interface())
			}
			b.WriteByte(']')
			return
		case reflect.Map:
			type entry struct {
				key string
				val any
			}
			entries := make([]entry, 0, rv.Len())
			iter := rv.MapRange()
			for iter.Next() {
				entries = append(entries, entry{Value(iter.Key().Interface()), iter.Value().Interface()})
			}
			sort.Slice(entries, func(i, j int) bool { return entries[i].key < entries[j].key })
			b.WriteByte('{')
			for i, e := range entries {
				if i > 0 {
					b.WriteByte(',')
				}
				writeJSONString(b, e.key)
				b.WriteByte(':')
				writeJSONValue(b, e.val)
			}
			b.WriteByte('}')
			return
		}
	}
	writeJSONString(b, Value(v))
}

// writeJSONString quotes s without encoding/json's HTML escaping, which would
// turn <, > and & in ordinary data into unreadable \u sequences.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // cannot fail for a string
	b.Truncate(b.Len() - 1)
}

// isNull reports SQL NULL, including typed nil pointers, slices and maps
// that callers may pass when scanning into concrete types.
func isNull(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

func writeMarkdown(w io.Writer, columns []string, rows [][]any) error {
	var b bytes.Buffer
	cells := make([]string, len(columns))
	copy(cells, columns)
	writeMarkdownRow(&b, cells)
	b.WriteString("|")
	for range columns {
		b.WriteString("---|")
	}
	b.WriteByte('\n')
	for _, row := range rows {
		for i, v := range row {
			cells[i] = Value(v)
		}
		writeMarkdownRow(&b, cells)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// markdownEscaper keeps a cell inside its table row: a bare | would start a
// new column and a newline would end the table.
var markdownEscaper = strings.NewReplacer("|", `\|`, "\r\n", "<br>", "\n", "<br>", "\r", "<br>")

func writeMarkdownRow(b *bytes.Buffer, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" ")
		b.WriteString(markdownEscaper.Replace(c))
		b.WriteString(" |")
	}
	b.WriteByte('\n')
}

// writeLine follows DuckDB's ".mode line": one "name = value" per column,
// names right-aligned so the values line up, rows separated by a blank line.
func writeLine(w io.Writer, columns []string, rows [][]any) error {
	widths := make([]int, len(columns))
	maxWidth := 0
	for i, c := range columns {
		widths[i] = textWidth(c)
		maxWidth = max(maxWidth, widths[i])
	}
	var b bytes.Buffer
	for r, row := range rows {
		if r > 0 {
			b.WriteByte('\n')
		}
		for i, v := range row {
			b.WriteString(strings.Repeat(" ", maxWidth-widths[i]))
			b.WriteString(columns[i])
			b.WriteString(" = ")
			b.WriteString(Value(v))
			b.WriteByte('\n')
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeList follows sqlite's and DuckDB's ".mode list": the header and
// then one line per row, values separated by '|', nothing quoted.
func writeList(w io.Writer, columns []string, rows [][]any) error {
	var b bytes.Buffer
	b.WriteString(strings.Join(columns, "|"))
	b.WriteByte('\n')
	cells := make([]string, len(columns))
	for _, row := range rows {
		for i, v := range row {
			cells[i] = Value(v)
		}
		b.WriteString(strings.Join(cells, "|"))
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}
