package render

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// nullText is how table-like modes show SQL NULL; an empty cell would be
// indistinguishable from an empty string.
const nullText = "NULL"

// Value returns the text of one result value as the DuckDB CLI would show
// it. Every output mode goes through Value so that a value looks the same
// whichever mode is chosen; only NULL differs (csv writes an empty field).
//
// Values scanned from DuckDB's UUID columns arrive as 16-byte []byte, which
// cannot be told apart from a BLOB here; callers that know the column type
// should convert them to duckdb.UUID first.
func Value(v any) string {
	switch x := v.(type) {
	case nil:
		return nullText
	case string:
		return x
	case JSON:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.FormatInt(int64(x), 10)
	case int8:
		return strconv.FormatInt(int64(x), 10)
	case int16:
		return strconv.FormatInt(int64(x), 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint:
		return strconv.FormatUint(uint64(x), 10)
	case uint8:
		return strconv.FormatUint(uint64(x), 10)
	case uint16:
		return strconv.FormatUint(uint64(x), 10)
	case uint32:
		return strconv.FormatUint(uint64(x), 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float32:
		return formatFloat(float64(x), 32)
	case float64:
		return formatFloat(x, 64)
	case *big.Int:
		if x == nil {
			return nullText
		}
		return x.String()
	case big.Int:
		return x.String()
	case duckdb.Decimal:
		return formatDecimal(x)
	case *duckdb.Decimal:
		if x == nil {
			return nullText
		}
		return formatDecimal(*x)
	case time.Time:
		return formatTime(x)
	case []byte:
		if x == nil {
			return nullText
		}
		return formatBlob(x)
	case duckdb.UUID:
		return formatUUID(x)
	case *duckdb.UUID:
		if x == nil {
			return nullText
		}
		return formatUUID(*x)
	case [16]byte:
		return formatUUID(x)
	case duckdb.Interval:
		return formatInterval(x)
	case duckdb.Union:
		// The tag is type information, not data; DuckDB shows only the member.
		return Value(x.Value)
	case duckdb.OrderedMap:
		// Keep DuckDB's key order: it is part of the value (maps compare by it).
		keys, vals := x.Keys(), x.Values()
		parts := make([]string, len(keys))
		for i := range keys {
			parts[i] = Value(keys[i]) + ": " + Value(vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case duckdb.Map:
		m := make(map[string]string, len(x))
		for k, val := range x {
			m[Value(k)] = Value(val)
		}
		return formatSortedMap(m)
	case map[string]any:
		m := make(map[string]string, len(x))
		for k, val := range x {
			m[k] = Value(val)
		}
		return formatSortedMap(m)
	case []any:
		if x == nil {
			return nullText
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Value(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return valueReflect(v)
}

// valueReflect covers typed containers and pointers (e.g. []int64,
// *string) that callers may hand us when they scan into concrete types,
// so they read like their []any counterparts instead of Go syntax.
func valueReflect(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nullText
		}
		// Dereference so *time.Time etc. print like their values, unless
		// only the pointer has a String method (it would be lost).
		elem := rv.Elem().Interface()
		_, elemStringer := elem.(fmt.Stringer)
		if _, ptrStringer := v.(fmt.Stringer); elemStringer || !ptrStringer {
			return Value(elem)
		}
		return fmt.Sprint(v)
	}
	// A type that knows how to print itself (duckdb.Bit, net.IP, ...) knows
	// better than a structural walk.
	if _, ok := v.(fmt.Stringer); ok {
		return fmt.Sprint(v)
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return nullText
		}
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = Value(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		if rv.IsNil() {
			return nullText
		}
		m := make(map[string]string, rv.Len())
		iter := rv.MapRange()
		for iter.Next() {
			m[Value(iter.Key().Interface())] = Value(iter.Value().Interface())
		}
		return formatSortedMap(m)
	}
	return fmt.Sprint(v)
}

// formatSortedMap sorts by key because Go map iteration order is random and
// output must be reproducible.
func formatSortedMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// formatFloat uses the shortest round-tripping digits, but avoids the
// exponent form strconv's 'g' picks for ordinary magnitudes (1234567 would
// otherwise become 1.234567e+06), matching how DuckDB prints doubles.
func formatFloat(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if a := math.Abs(f); a >= 1e-4 && a < 1e15 {
		s := strconv.FormatFloat(f, 'f', -1, bitSize)
		// DuckDB writes a whole double as 1.0, so it never reads as an
		// integer.
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return strconv.FormatFloat(f, 'g', -1, bitSize)
}

// formatDecimal keeps every digit of the scale (2.50, not 2.5), because the
// declared scale is part of what a DECIMAL column means; duckdb.Decimal's own
// String trims trailing zeros.
func formatDecimal(d duckdb.Decimal) string {
	if d.Value == nil {
		return nullText
	}
	digits := new(big.Int).Abs(d.Value).String()
	sign := ""
	if d.Value.Sign() < 0 {
		sign = "-"
	}
	scale := int(d.Scale)
	if scale == 0 {
		return sign + digits
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	cut := len(digits) - scale
	return sign + digits[:cut] + "." + digits[cut:]
}

// formatTime mirrors DuckDB's DATE, TIMESTAMP and TIME text. The driver gives
// all of them as time.Time: dates have a zero clock, and TIME/TIMETZ values
// are pinned to 0001-01-01, so that day is shown as a bare time of day.
func formatTime(t time.Time) string {
	var s string
	y, m, d := t.Date()
	clock := t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0
	switch {
	case y == 1 && m == time.January && d == 1:
		s = t.Format("15:04:05.999999999")
	case !clock:
		s = t.Format("2006-01-02")
	default:
		s = t.Format("2006-01-02 15:04:05.999999999")
	}
	// UTC carries no suffix because the driver returns plain TIMESTAMPs in
	// UTC; any other zone is real information and DuckDB would print it.
	if t.Location() != time.UTC {
		s += formatOffset(t)
	}
	return s
}

// formatOffset writes a UTC offset the way DuckDB does: +HH, or +HH:MM when
// the offset is not a whole hour.
func formatOffset(t time.Time) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	s := fmt.Sprintf("%s%02d", sign, off/3600)
	if mins := off % 3600 / 60; mins != 0 {
		s += fmt.Sprintf(":%02d", mins)
	}
	return s
}

// formatBlob follows DuckDB's BLOB text: printable ASCII stays readable and
// everything else (plus the quote and backslash characters, which would be
// ambiguous) becomes a \xHH escape.
func formatBlob(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 32 && c <= 126 && c != '\\' && c != '\'' && c != '"' {
			sb.WriteByte(c)
			continue
		}
		fmt.Fprintf(&sb, `\x%02X`, c)
	}
	return sb.String()
}

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// formatInterval mirrors DuckDB's INTERVAL text, e.g. "1 year 2 months
// 3 days 04:05:06.5", because Interval's struct form is unreadable.
func formatInterval(iv duckdb.Interval) string {
	var parts []string
	unit := func(n int64, name string) {
		if n == 0 {
			return
		}
		if n != 1 && n != -1 {
			name += "s"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, name))
	}
	unit(int64(iv.Months)/12, "year")
	unit(int64(iv.Months)%12, "month")
	unit(int64(iv.Days), "day")
	if iv.Micros != 0 || len(parts) == 0 {
		micros := iv.Micros
		sign := ""
		if micros < 0 {
			sign = "-"
			micros = -micros
		}
		s := fmt.Sprintf("%s%02d:%02d:%02d", sign, micros/3_600_000_000, micros/60_000_000%60, micros/1_000_000%60)
		if frac := micros % 1_000_000; frac != 0 {
			s += strings.TrimRight(fmt.Sprintf(".%06d", frac), "0")
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}
