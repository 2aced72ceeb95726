package render

// The boxed modes: duckbox (DuckDB's default), box and table (sqlite's).
//
// They are drawn here rather than by tablewriter, which the package used
// before: tablewriter v1 has no place for a types row inside the header
// block, no middle column standing for dropped ones, no "…" row between
// the first and last rows, and its width limit wraps or cuts every column
// on its own instead of dropping middle columns as duckbox does. What is
// left of drawing a box is a few loops; the width of text is still
// tablewriter's twwidth, so wide characters line up.

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// border is the set of characters one boxed style draws with.
type border struct {
	h, v                              string
	topL, topM, topR                  string
	midL, midM, midR                  string
	botL, botM, botR                  string
	footMidL, footMidM, footMidR      string // above the footer: columns end
	footBotL, footBotR, footBotMiddle string
}

var unicodeBorder = border{
	h: "─", v: "│",
	topL: "┌", topM: "┬", topR: "┐",
	midL: "├", midM: "┼", midR: "┤",
	botL: "└", botM: "┴", botR: "┘",
	footMidL: "├", footMidM: "┴", footMidR: "┤",
	footBotL: "└", footBotR: "┘", footBotMiddle: "─",
}

var asciiBorder = border{
	h: "-", v: "|",
	topL: "+", topM: "+", topR: "+",
	midL: "+", midM: "+", midR: "+",
	botL: "+", botM: "+", botR: "+",
}

// ellipsis marks cut text, the dropped middle columns and the rows left
// out between the first and last ones.
const ellipsis = "…"

// Column widths that fitting to a terminal does not go below: a cut value
// keeps enough to be recognised.
const (
	fitColumnWidth = 20 // first, wide columns are cut to this
	minColumnWidth = 5  // then, if two columns still do not fit, to this
)

var widthOpts = twwidth.Options{EastAsianWidth: false}

func textWidth(s string) int { return twwidth.WidthWithOptions(s, widthOpts) }

// boxStyle says what a boxed mode shows.
type boxStyle struct {
	border border
	duck   bool // types row, footer, fitting to Width, MaxRows
}

// cellEscaper keeps a value on one line of its row: a newline or tab
// inside it would break the box.
var cellEscaper = strings.NewReplacer("\r\n", `\r\n`, "\n", `\n`, "\r", `\r`, "\t", `\t`)

// writeBox draws a result as a box. In duckbox style it shows at most
// opts.MaxRows rows (the first and last halves), and with opts.Width it
// fits the terminal: first wide columns are cut with "…", then middle
// columns are dropped behind a "…" column.
func writeBox(w io.Writer, style boxStyle, opts Options, columns []string, rows [][]any) error {
	types := opts.Types
	if types == nil {
		types = goTypes(rows, len(columns))
	}
	// Which rows show: all, or the first and last halves of MaxRows.
	head, tail := rows, [][]any(nil)
	if style.duck && opts.MaxRows > 0 && len(rows) > opts.MaxRows {
		top := (opts.MaxRows + 1) / 2
		head, tail = rows[:top], rows[len(rows)-(opts.MaxRows-top):]
	}
	shownRows := len(head) + len(tail)
	cut := shownRows < len(rows)

	cols := make([]boxColumn, len(columns))
	for c := range columns {
		col := &cols[c]
		col.index = c
		col.name = columns[c]
		if style.duck {
			col.typ = displayType(types[c])
		}
		col.right = numericColumn(opts.Types, rows, c)
		col.width = max(textWidth(col.name), textWidth(col.typ))
		col.cells = make([]string, 0, shownRows)
		for _, part := range [][][]any{head, tail} {
			for _, row := range part {
				s := cellEscaper.Replace(Value(row[c]))
				col.cells = append(col.cells, s)
				col.width = max(col.width, textWidth(s))
			}
		}
	}
	if style.duck && opts.Width > 0 {
		cols = fit(cols, opts.Width)
	}
	var footer []string
	if style.duck {
		footer = footerLines(cols, len(rows), shownRows, len(columns))
		// A footer wider than the columns widens the last one, so the
		// box stays one rectangle.
		need := 0
		for _, l := range footer {
			need = max(need, textWidth(l))
		}
		if extra := need - (boxWidth(cols) - 4); extra > 0 && len(cols) > 0 {
			cols[len(cols)-1].width += extra
		}
	}

	var b bytes.Buffer
	bd := style.border
	line := func(l, m, r string) {
		b.WriteString(l)
		for i, col := range cols {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat(bd.h, col.width+2))
		}
		b.WriteString(r)
		b.WriteByte('\n')
	}
	row := func(cell func(col boxColumn) (string, bool)) {
		b.WriteString(bd.v)
		for _, col := range cols {
			s, center := cell(col)
			b.WriteString(" ")
			b.WriteString(pad(cutText(s, col.width), col.width, center, col.right))
			b.WriteString(" ")
			b.WriteString(bd.v)
		}
		b.WriteByte('\n')
	}
	if len(cols) > 0 {
		line(bd.topL, bd.topM, bd.topR)
		row(func(col boxColumn) (string, bool) { return col.name, true })
		if style.duck {
			row(func(col boxColumn) (string, bool) { return col.typ, true })
		}
		if shownRows > 0 {
			line(bd.midL, bd.midM, bd.midR)
		}
		for r := 0; r <= shownRows; r++ {
			if cut && r == len(head) {
				row(func(col boxColumn) (string, bool) { return ellipsis, !col.right })
			}
			if r == shownRows {
				break
			}
			row(func(col boxColumn) (string, bool) {
				if col.index < 0 {
					return ellipsis, true
				}
				return col.cells[r], false
			})
		}
	}
	if !style.duck {
		if len(cols) > 0 {
			line(bd.botL, bd.botM, bd.botR)
		}
		_, err := w.Write(b.Bytes())
		return err
	}
	writeFooter(&b, bd, cols, footer)
	_, err := w.Write(b.Bytes())
	return err
}

// footerLines are the row and column counts under a duckbox, as
// "N rows (K shown)   M columns (L shown)" when that fits beside the
// columns; else each count on its line, and if need be each "(K shown)"
// on its own line too, so a narrow table is widened as little as may be.
func footerLines(cols []boxColumn, nRows, shownRows, nCols int) []string {
	rowsText, colsText := []string{rowCount(nRows)}, []string{plural(nCols, "column")}
	if shownRows < nRows {
		rowsText = append(rowsText, fmt.Sprintf("(%d shown)", shownRows))
	}
	if shown := shownColumns(cols); shown < nCols {
		colsText = append(colsText, fmt.Sprintf("(%d shown)", shown))
	}
	inner := boxWidth(cols) - 4 // less the side borders and a space each side
	rows, columns := strings.Join(rowsText, " "), strings.Join(colsText, " ")
	if one := textWidth(rows) + 3 + textWidth(columns); one <= inner || len(cols) == 0 {
		return []string{rows + strings.Repeat(" ", max(inner-one, 0)+3) + columns}
	}
	if max(textWidth(rows), textWidth(columns)) <= inner {
		return []string{rows, columns}
	}
	return append(rowsText, colsText...)
}

// writeFooter closes a duckbox with its footer lines; above them the
// columns end, so their joints turn to ┴.
func writeFooter(b *bytes.Buffer, bd border, cols []boxColumn, lines []string) {
	inner := boxWidth(cols) - 4
	if len(cols) == 0 {
		inner = textWidth(lines[0])
		b.WriteString(bd.topL + strings.Repeat(bd.h, inner+2) + bd.topR + "\n")
	} else {
		b.WriteString(bd.footMidL)
		for i, col := range cols {
			if i > 0 {
				b.WriteString(bd.footMidM)
			}
			b.WriteString(strings.Repeat(bd.h, col.width+2))
		}
		b.WriteString(bd.footMidR + "\n")
	}
	for _, l := range lines {
		b.WriteString(bd.v + " " + pad(l, inner, len(lines) > 1, false) + " " + bd.v + "\n")
	}
	b.WriteString(bd.footBotL + strings.Repeat(bd.footBotMiddle, inner+2) + bd.footBotR + "\n")
}

// boxColumn is one column as drawn; index -1 is the "…" column standing
// for the dropped ones.
type boxColumn struct {
	index     int
	name, typ string
	cells     []string
	width     int
	right     bool
}

func shownColumns(cols []boxColumn) int {
	n := 0
	for _, c := range cols {
		if c.index >= 0 {
			n++
		}
	}
	return n
}

// boxWidth is the width of a box with these columns.
func boxWidth(cols []boxColumn) int {
	w := 1
	for _, c := range cols {
		w += c.width + 3
	}
	return w
}

// fit makes cols fit in width, as duckbox does: wide columns are cut to
// fitColumnWidth first (the widest first, so narrow ones keep their
// values whole), then middle columns are dropped behind one "…" column,
// and if the first and last columns still do not fit they are cut
// further, down to minColumnWidth.
func fit(cols []boxColumn, width int) []boxColumn {
	shrink := func(floor int) {
		for boxWidth(cols) > width {
			widest := -1
			for i, c := range cols {
				if c.index >= 0 && c.width > floor && (widest < 0 || c.width > cols[widest].width) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			cols[widest].width--
		}
	}
	shrink(fitColumnWidth)
	if boxWidth(cols) > width && len(cols) > 2 {
		// Keep columns from both ends, alternating, while they fit
		// beside the "…" column.
		dots := boxColumn{index: -1, name: ellipsis, width: 1}
		left, right := []boxColumn{cols[0]}, []boxColumn{cols[len(cols)-1]}
		l, r := 1, len(cols)-2
		for l <= r {
			next, fromLeft := cols[l], true
			if len(right) < len(left) {
				next, fromLeft = cols[r], false
			}
			trial := append(append(append([]boxColumn{}, left...), dots, next), right...)
			if boxWidth(trial) > width {
				break
			}
			if fromLeft {
				left = append(left, next)
				l++
			} else {
				right = append([]boxColumn{next}, right...)
				r--
			}
		}
		if l <= r {
			cols = append(append(left, dots), right...)
		}
	}
	shrink(minColumnWidth)
	return cols
}

// cutText shortens s to width, ending it with "…" when it had to be cut.
func cutText(s string, width int) string {
	if textWidth(s) <= width {
		return s
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := textWidth(string(r))
		if used+rw > width-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	return b.String() + ellipsis
}

// pad fills s to width: centred (headers, types), right-aligned (numbers)
// or left-aligned (everything else).
func pad(s string, width int, center, right bool) string {
	gap := width - textWidth(s)
	if gap <= 0 {
		return s
	}
	switch {
	case center:
		return strings.Repeat(" ", gap/2) + s + strings.Repeat(" ", gap-gap/2)
	case right:
		return strings.Repeat(" ", gap) + s
	}
	return s + strings.Repeat(" ", gap)
}

// duckTypeNames are the short names duckbox gives integer types.
var duckTypeNames = map[string]string{
	"TINYINT": "int8", "SMALLINT": "int16", "INTEGER": "int32", "BIGINT": "int64", "HUGEINT": "int128",
	"UTINYINT": "uint8", "USMALLINT": "uint16", "UINTEGER": "uint32", "UBIGINT": "uint64", "UHUGEINT": "uint128",
}

// displayType is a DuckDB type as duckbox's types row shows it: lower
// case, integers by size.
func displayType(t string) string {
	if short, ok := duckTypeNames[t]; ok {
		return short
	}
	return strings.ToLower(t)
}

// goTypes guesses the DuckDB types of columns known only by their Go
// values (results that did not come from a DESCRIBEd query): from the
// first non-NULL value of each column, "" when there is none or it says
// nothing.
func goTypes(rows [][]any, n int) []string {
	types := make([]string, n)
	for c := range types {
		for _, row := range rows {
			if isNull(row[c]) {
				continue
			}
			types[c] = goType(row[c])
			break
		}
	}
	return types
}

func goType(v any) string {
	switch v := v.(type) {
	case bool:
		return "BOOLEAN"
	case int8:
		return "TINYINT"
	case int16:
		return "SMALLINT"
	case int32:
		return "INTEGER"
	case int, int64:
		return "BIGINT"
	case uint8:
		return "UTINYINT"
	case uint16:
		return "USMALLINT"
	case uint32:
		return "UINTEGER"
	case uint, uint64:
		return "UBIGINT"
	case float32:
		return "FLOAT"
	case float64:
		return "DOUBLE"
	case *big.Int, big.Int:
		return "HUGEINT"
	case string:
		return "VARCHAR"
	case time.Time:
		return "TIMESTAMP"
	case []any:
		// A list whose elements all have one type (Spark's arrays).
		elem := ""
		for _, e := range v {
			if isNull(e) {
				continue
			}
			if t := goType(e); elem == "" || elem == t {
				elem = t
				continue
			}
			return ""
		}
		if elem == "" {
			return ""
		}
		return elem + "[]"
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
