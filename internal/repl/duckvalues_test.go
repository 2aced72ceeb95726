package repl

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/itersql/itersql/internal/render"
)

// allTypes is one value of every DuckDB type, with the awkward cases the
// Go values got wrong: nested, NULL, infinite, unicode, and a zone.
var allTypes = [][2]string{
	{"bool", "true"},
	{"tinyint", "-7::TINYINT"},
	{"smallint", "300::SMALLINT"},
	{"int", "(-2147483648)::INTEGER"},
	{"bigint", "9223372036854775807::BIGINT"},
	{"hugeint", "170141183460469231731687303715884105727::HUGEINT"},
	{"utinyint", "255::UTINYINT"},
	{"usmallint", "65535::USMALLINT"},
	{"uinteger", "4294967295::UINTEGER"},
	{"ubigint", "18446744073709551615::UBIGINT"},
	{"uhugeint", "340282366920938463463374607431768211455::UHUGEINT"},
	{"float", "0.1::FLOAT"},
	{"double_whole", "1.0::DOUBLE"},
	{"double_big", "1e20::DOUBLE"},
	{"double_inf", "'-inf'::DOUBLE"},
	{"double_nan", "'nan'::DOUBLE"},
	{"decimal", "2.50::DECIMAL(18,2)"},
	{"decimal_wide", "-12345678901234567890.1234567890::DECIMAL(38,10)"},
	{"bignum", "'123456789012345678901234567890123456789012'::BIGNUM"},
	{"varchar", "'héllo, 日本 🦆'"},
	{"blob", "'\\x00\\xFFa''b'::BLOB"},
	{"bit", "'10110'::BIT"},
	{"date", "DATE '2024-02-29'"},
	{"date_inf", "'infinity'::DATE"},
	{"date_bc", "DATE '0044-03-15 (BC)'"},
	{"time", "TIME '13:45:01.5'"},
	{"timetz", "TIMETZ '13:45:01+05:30'"},
	{"timestamp", "TIMESTAMP '2024-02-29 13:45:01.123456'"},
	{"timestamp_s", "TIMESTAMP_S '2024-02-29 13:45:01'"},
	{"timestamp_ms", "TIMESTAMP_MS '2024-02-29 13:45:01.123'"},
	{"timestamp_ns", "TIMESTAMP_NS '2024-02-29 13:45:01.123456789'"},
	{"timestamp_ninf", "'-infinity'::TIMESTAMP"},
	{"timestamptz", "TIMESTAMPTZ '2024-02-29 12:00:00+00'"},
	{"interval", "INTERVAL '1 year 2 months 3 days 04:05:06.5'"},
	{"uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID"},
	{"json", `'{"a": [1, 2.0, null]}'::JSON`},
	{"enum", "'sad'::ENUM('sad', 'ok', 'happy')"},
	{"list", `['a,b', 'c"d', NULL]`},
	{"list_empty", "[]::INTEGER[]"},
	{"array", "[1.0, 2.5]::DOUBLE[2]"},
	{"struct", "{'x': 1.0, 'b': 'it''s', 'n': NULL}"},
	{"struct_nested", "{'ids': [1, 2], 'at': {'d': DATE '2024-01-01'}}"},
	{"map", "MAP {'k1': [1], 'k0': NULL}"},
	{"union", "1.5::UNION(i INTEGER, d DOUBLE)"},
	{"null_int", "NULL::INTEGER"},
	{"null_struct", "NULL::STRUCT(a INTEGER)"},
}

func allTypesQuery() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range allTypes {
		if i > 0 {
			b.WriteString(",\n  ")
		}
		b.WriteString(c[1] + " AS " + c[0])
	}
	return b.String() + ";\n"
}

// TestValuesAsDuckDB checks every type in line mode against DuckDB's own
// cast to VARCHAR, and in json mode against its to_json, each asked
// alone, under a TimeZone that is not UTC.
func TestValuesAsDuckDB(t *testing.T) {
	h, out, errw := newHandler(t)
	h.Mode = render.ModeLine
	script := "SET TimeZone = 'Asia/Kolkata';\n" + allTypesQuery() + ".mode json\n" + allTypesQuery()
	if !h.RunScript("types", strings.NewReader(script)) {
		t.Fatalf("script failed: %s", errw)
	}
	text, js, ok := strings.Cut(out.String(), "\n[")
	if !ok {
		t.Fatalf("no json output after the line output:\n%s", out)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		name, value, ok := strings.Cut(strings.TrimLeft(line, " "), " = ")
		if !ok {
			t.Fatalf("line mode line without ' = ': %q", line)
		}
		got[name] = value
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal([]byte("["+js), &objs); err != nil || len(objs) != 1 {
		t.Fatalf("json mode output is not one JSON object: %v\n[%s", err, js)
	}
	ask := func(q string) string {
		var s *string
		if err := h.Sess.Conn().QueryRowContext(t.Context(), q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if s == nil {
			return "NULL"
		}
		return *s
	}
	for _, c := range allTypes {
		want := ask("SELECT CAST(" + c[1] + " AS VARCHAR)")
		if got[c[0]] != want {
			t.Errorf("%s: line mode shows %q, DuckDB's cast gives %q", c[0], got[c[0]], want)
		}
		wantJSON := ask("SELECT CAST(to_json(" + c[1] + ") AS VARCHAR)")
		if wantJSON == "NULL" {
			wantJSON = "null"
		}
		if g := string(objs[0][c[0]]); g != jsonNumber(wantJSON) {
			t.Errorf("%s: json mode writes %s, DuckDB's to_json gives %s", c[0], g, wantJSON)
		}
	}
	// The cases the issue names, spelled out, so the test fails if both
	// sides went wrong the same way.
	for name, want := range map[string]string{
		"uuid":         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
		"timestamptz":  "2024-02-29 17:30:00+05:30",
		"date_inf":     "infinity",
		"double_whole": "1.0",
		"struct":       `{'x': 1.0, 'b': 'it\'s', 'n': NULL}`,
		"list":         `['a,b', 'c"d', NULL]`,
	} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	for name, want := range map[string]string{"date": `"2024-02-29"`, "time": `"13:45:01.5"`, "double_nan": `"NaN"`} {
		if g := string(objs[0][name]); g != want {
			t.Errorf("json %s = %s, want %s", name, g, want)
		}
	}
}

// jsonNumber mirrors render's quoting of NaN and Infinity.
func jsonNumber(s string) string {
	var b bytes.Buffer
	_ = render.Write(&b, render.Options{Mode: render.ModeJSON}, []string{"v"}, [][]any{{render.JSON(s)}})
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), `[{"v":`), "}]\n")
}
