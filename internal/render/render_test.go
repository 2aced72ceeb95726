package render

import (
	"bytes"
	"database/sql"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mode
	}{
		{"table", ModeTable},
		{"csv", ModeCSV},
		{"json", ModeJSON},
		{"markdown", ModeMarkdown},
		{"line", ModeLine},
		{" JSON ", ModeJSON},
		{"Markdown", ModeMarkdown},
	} {
		got, err := ParseMode(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q, nil", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "boxes", "tables"} {
		_, err := ParseMode(in)
		if err == nil {
			t.Errorf("ParseMode(%q): want error", in)
			continue
		}
		for _, m := range []string{"duckbox", "box", "table", "csv", "json", "markdown", "line", "list"} {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("ParseMode(%q) error %q does not list mode %q", in, err, m)
			}
		}
	}
}

func mustBig(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad big.Int literal " + s)
	}
	return n
}

func ptr[T any](v T) *T { return &v }

func TestValue(t *testing.T) {
	var om duckdb.OrderedMap
	om.Set("b", 1)
	om.Set("a", nil)
	uuid := duckdb.UUID{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}
	plus530 := time.FixedZone("", 5*3600+30*60)

	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "NULL"},
		{"string", "héllo, world", "héllo, world"},
		{"empty string", "", ""},
		{"true", true, "true"},
		{"false", false, "false"},
		{"int", 42, "42"},
		{"int8", int8(-8), "-8"},
		{"int16", int16(16), "16"},
		{"int32", int32(-32), "-32"},
		{"int64 min", int64(math.MinInt64), "-9223372036854775808"},
		{"uint8", uint8(255), "255"},
		{"uint64 max", uint64(math.MaxUint64), "18446744073709551615"},
		{"float half", 0.5, "0.5"},
		{"float 1234.5", 1234.5, "1234.5"},
		{"float whole", 3.0, "3.0"},
		{"float zero", 0.0, "0"},
		{"float third", 10.0 / 3, "3.3333333333333335"},
		{"float tiny", 1e-12, "1e-12"},
		{"float 1e-4 plain", 1e-4, "0.0001"},
		{"float below 1e-4", 9e-5, "9e-05"},
		{"float million", 1234567.0, "1234567.0"},
		{"float below 1e15", 123456789012345.0, "123456789012345.0"},
		{"float 1e15", 1e15, "1e+15"},
		{"float negative", -0.25, "-0.25"},
		{"float NaN", math.NaN(), "nan"},
		{"float +Inf", math.Inf(1), "inf"},
		{"float -Inf", math.Inf(-1), "-inf"},
		{"float32 shortest", float32(0.1), "0.1"},
		{"float32 large", float32(16777216), "16777216.0"},
		{"big.Int", mustBig("170141183460469231731687303715884105727"), "170141183460469231731687303715884105727"},
		{"nil big.Int", (*big.Int)(nil), "NULL"},
		{"decimal keeps scale", duckdb.Decimal{Width: 5, Scale: 2, Value: big.NewInt(250)}, "2.50"},
		{"decimal negative fraction", duckdb.Decimal{Width: 5, Scale: 2, Value: big.NewInt(-5)}, "-0.05"},
		{"decimal leading zeros", duckdb.Decimal{Width: 6, Scale: 3, Value: big.NewInt(5)}, "0.005"},
		{"decimal zero", duckdb.Decimal{Width: 4, Scale: 2, Value: big.NewInt(0)}, "0.00"},
		{"decimal scale 0", duckdb.Decimal{Width: 4, Scale: 0, Value: big.NewInt(-1200)}, "-1200"},
		{"decimal nil value", duckdb.Decimal{Width: 4, Scale: 2}, "NULL"},
		{"date", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "2024-01-02"},
		{"timestamp", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02 03:04:05"},
		{"timestamp millis", time.Date(2024, 1, 2, 3, 4, 5, 120_000_000, time.UTC), "2024-01-02 03:04:05.12"},
		{"timestamp micros", time.Date(2024, 1, 2, 3, 4, 5, 123_456_000, time.UTC), "2024-01-02 03:04:05.123456"},
		{"timestamp with zone", time.Date(2024, 1, 2, 3, 4, 5, 0, plus530), "2024-01-02 03:04:05+05:30"},
		{"timestamp whole-hour zone", time.Date(2024, 1, 2, 3, 4, 5, 0, time.FixedZone("", -2*3600)), "2024-01-02 03:04:05-02"},
		{"time of day", time.Date(1, 1, 1, 12, 34, 56, 500_000_000, time.UTC), "12:34:56.5"},
		{"time with zone", time.Date(1, 1, 1, 12, 34, 56, 0, plus530), "12:34:56+05:30"},
		{"*time.Time", ptr(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)), "2024-01-02"},
		{"blob", []byte{0xde, 0xad, 'A', '\\', 0x00}, `\xDE\xADA\x5C\x00`},
		{"blob printable", []byte("hello"), "hello"},
		{"blob empty", []byte{}, ""},
		{"blob nil", []byte(nil), "NULL"},
		{"uuid", uuid, "12345678-9abc-def0-1234-56789abcdef0"},
		{"*uuid", &uuid, "12345678-9abc-def0-1234-56789abcdef0"},
		{"[16]byte", [16]byte(uuid), "12345678-9abc-def0-1234-56789abcdef0"},
		{"interval zero", duckdb.Interval{}, "00:00:00"},
		{"interval full", duckdb.Interval{Months: 14, Days: 3, Micros: 14_706_500_000}, "1 year 2 months 3 days 04:05:06.5"},
		{"interval singular", duckdb.Interval{Months: 1, Days: 1}, "1 month 1 day"},
		{"interval negative", duckdb.Interval{Days: -2, Micros: -90_000_000}, "-2 days -00:01:30"},
		{"union", duckdb.Union{Tag: "num", Value: int32(7)}, "7"},
		{"list", []any{1, "a", nil, 2.5}, "[1, a, NULL, 2.5]"},
		{"nested list", []any{[]any{1, 2}, []any{}}, "[[1, 2], []]"},
		{"typed list", []int64{1, 2, 3}, "[1, 2, 3]"},
		{"nil list", []any(nil), "NULL"},
		{"struct sorted", map[string]any{"y": 1, "x": "q", "z": []any{true}}, "{x: q, y: 1, z: [true]}"},
		{"duckdb.Map sorted", duckdb.Map{"b": 2, "a": 1}, "{a: 1, b: 2}"},
		{"ordered map keeps order", om, "{b: 1, a: NULL}"},
		{"pointer", ptr("s"), "s"},
		{"nil pointer", (*int)(nil), "NULL"},
		{"stringer", time.Duration(1500) * time.Millisecond, "1.5s"},
		{"fallback", struct{ A, B int }{1, 2}, "{1 2}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Value(tc.in); got != tc.want {
				t.Errorf("Value(%#v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Shared fixtures so that every mode is checked against the same data.
var (
	basicCols = []string{"id", "Name", "score"}
	basicRows = [][]any{
		{1, "alice", 3.5},
		{2, "bob", nil},
		{nil, "carol", 1234.5},
	}
	unicodeCols = []string{"città", "emoji"}
	unicodeRows = [][]any{
		{"Zürich", "🦆"},
		{"東京", "ok"},
	}
	trickyCols = []string{"k", "v"}
	trickyRows = [][]any{
		{"comma", "a,b"},
		{"quote", `say "hi"`},
		{"newline", "x\ny"},
		{"pipe", "a|b"},
	}
)

func TestWrite(t *testing.T) {
	long := strings.Repeat("abcdefghij", 12)
	richCols := []string{"b", "d", "h", "t", "l", "m", "f", "html"}
	richRows := [][]any{{
		true,
		duckdb.Decimal{Width: 5, Scale: 2, Value: big.NewInt(250)},
		mustBig("-170141183460469231731687303715884105728"),
		time.Date(2024, 1, 2, 3, 4, 5, 600_000_000, time.UTC),
		[]any{1, "two", nil},
		map[string]any{"z": 1, "a": []any{2.5}},
		math.Inf(1),
		"<a&b>",
	}}

	for _, tc := range []struct {
		name    string
		opts    Options
		columns []string
		rows    [][]any
		want    string
	}{
		// duckbox
		{
			name: "duckbox basic", opts: Options{Mode: ModeDuckbox}, columns: basicCols, rows: basicRows,
			want: `┌───────┬─────────┬────────┐
│  id   │  Name   │ score  │
│ int64 │ varchar │ double │
├───────┼─────────┼────────┤
│     1 │ alice   │    3.5 │
│     2 │ bob     │   NULL │
│  NULL │ carol   │ 1234.5 │
├───────┴─────────┴────────┤
│ 3 rows         3 columns │
└──────────────────────────┘
`,
		},
		{
			name: "zero Mode is duckbox, DuckDB types shown as duckbox names them",
			opts: Options{Types: []string{"INTEGER", "DECIMAL(5,2)"}}, columns: []string{"n", "d"}, rows: [][]any{{"42", "1.50"}},
			want: `┌───────┬──────────────┐
│   n   │      d       │
│ int32 │ decimal(5,2) │
├───────┼──────────────┤
│    42 │         1.50 │
├───────┴──────────────┤
│ 1 row      2 columns │
└──────────────────────┘
`,
		},
		{
			name: "duckbox empty", opts: Options{Mode: ModeDuckbox}, columns: []string{"id", "Name"}, rows: nil,
			want: `┌────┬──────┐
│ id │ Name │
│    │      │
├────┴──────┤
│  0 rows   │
│ 2 columns │
└───────────┘
`,
		},
		{
			name: "duckbox no columns", opts: Options{Mode: ModeDuckbox}, columns: nil, rows: nil,
			want: `┌────────────────────┐
│ 0 rows   0 columns │
└────────────────────┘
`,
		},
		{
			name: "duckbox unicode", opts: Options{Mode: ModeDuckbox}, columns: unicodeCols, rows: unicodeRows,
			want: `┌─────────┬─────────┐
│  città  │  emoji  │
│ varchar │ varchar │
├─────────┼─────────┤
│ Zürich  │ 🦆      │
│ 東京    │ ok      │
├─────────┴─────────┤
│      2 rows       │
│     2 columns     │
└───────────────────┘
`,
		},
		{
			name: "duckbox keeps newlines on the row and wide cells whole without Width", opts: Options{Mode: ModeDuckbox},
			columns: []string{"a", "b"}, rows: [][]any{{"x\ny\tz", long}},
			want: "┌─────────┬" + strings.Repeat("─", 122) + "┐\n" +
				"│    a    │" + strings.Repeat(" ", 60) + "b" + strings.Repeat(" ", 61) + "│\n" +
				"│ varchar │" + strings.Repeat(" ", 57) + "varchar" + strings.Repeat(" ", 58) + "│\n" +
				"├─────────┼" + strings.Repeat("─", 122) + "┤\n" +
				"│ x\\ny\\tz │ " + long + " │\n" +
				"├─────────┴" + strings.Repeat("─", 122) + "┤\n" +
				"│ 1 row" + strings.Repeat(" ", 116) + "2 columns │\n" +
				"└" + strings.Repeat("─", 132) + "┘\n",
		},
		{
			name: "duckbox MaxRows shows the first and last rows", opts: Options{Mode: ModeDuckbox, MaxRows: 3},
			columns: []string{"n", "s"}, rows: [][]any{{1, "a"}, {2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}},
			want: `┌───────┬─────────┐
│   n   │    s    │
│ int64 │ varchar │
├───────┼─────────┤
│     1 │ a       │
│     2 │ b       │
│     … │    …    │
│     5 │ e       │
├───────┴─────────┤
│     5 rows      │
│    (3 shown)    │
│    2 columns    │
└─────────────────┘
`,
		},
		{
			name: "duckbox MaxRows not reached", opts: Options{Mode: ModeDuckbox, MaxRows: 3},
			columns: []string{"n"}, rows: [][]any{{1}, {2}, {3}},
			want: `┌──────────┐
│    n     │
│  int64   │
├──────────┤
│        1 │
│        2 │
│        3 │
├──────────┤
│  3 rows  │
│ 1 column │
└──────────┘
`,
		},
		{
			name: "duckbox Width cuts wide values with …", opts: Options{Mode: ModeDuckbox, Width: 40},
			columns: []string{"id", "text"}, rows: [][]any{{1, long}, {2, "short"}},
			want: `┌───────┬──────────────────────────────┐
│  id   │             text             │
│ int64 │           varchar            │
├───────┼──────────────────────────────┤
│     1 │ abcdefghijabcdefghijabcdefg… │
│     2 │ short                        │
├───────┴──────────────────────────────┤
│ 2 rows                     2 columns │
└──────────────────────────────────────┘
`,
		},
		{
			name: "duckbox Width drops middle columns", opts: Options{Mode: ModeDuckbox, Width: 40},
			columns: []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7"},
			rows:    [][]any{{"aaaaaaa", "bbbbbbb", "ccccccc", "ddddddd", "eeeeeee", "fffffff", "ggggggg"}},
			want: `┌─────────┬─────────┬───┬─────────┐
│   c1    │   c2    │ … │   c7    │
│ varchar │ varchar │   │ varchar │
├─────────┼─────────┼───┼─────────┤
│ aaaaaaa │ bbbbbbb │ … │ ggggggg │
├─────────┴─────────┴───┴─────────┤
│ 1 row       7 columns (3 shown) │
└─────────────────────────────────┘
`,
		},

		// box and table: sqlite's, no types or footer
		{
			name: "box basic", opts: Options{Mode: ModeBox, MaxRows: 1, Width: 10}, columns: basicCols, rows: basicRows,
			want: `┌──────┬───────┬────────┐
│  id  │ Name  │ score  │
├──────┼───────┼────────┤
│    1 │ alice │    3.5 │
│    2 │ bob   │   NULL │
│ NULL │ carol │ 1234.5 │
└──────┴───────┴────────┘
`,
		},
		{
			name: "table basic", opts: Options{Mode: ModeTable}, columns: basicCols, rows: basicRows,
			want: `+------+-------+--------+
|  id  | Name  | score  |
+------+-------+--------+
|    1 | alice |    3.5 |
|    2 | bob   |   NULL |
| NULL | carol | 1234.5 |
+------+-------+--------+
`,
		},
		{
			name: "table empty", opts: Options{Mode: ModeTable}, columns: []string{"id", "Name"}, rows: nil,
			want: `+----+------+
| id | Name |
+----+------+
`,
		},
		{
			name: "table keeps surrounding spaces", opts: Options{Mode: ModeTable},
			columns: []string{"s"}, rows: [][]any{{"  pad  "}, {"   "}},
			want: `+---------+
|    s    |
+---------+
|   pad   |
|         |
+---------+
`,
		},

		// list
		{
			name: "list", opts: Options{Mode: ModeList}, columns: trickyCols, rows: append(trickyRows, []any{nil, 1}),
			want: "k|v\ncomma|a,b\nquote|say \"hi\"\nnewline|x\ny\npipe|a|b\nNULL|1\n",
		},

		// csv
		{
			name: "csv basic", opts: Options{Mode: ModeCSV}, columns: basicCols, rows: basicRows,
			want: "id,Name,score\n1,alice,3.5\n2,bob,\n,carol,1234.5\n",
		},
		{
			name: "csv empty", opts: Options{Mode: ModeCSV}, columns: []string{"id", "Name"}, rows: nil,
			want: "id,Name\n",
		},
		{
			name: "csv unicode", opts: Options{Mode: ModeCSV}, columns: unicodeCols, rows: unicodeRows,
			want: "città,emoji\nZürich,🦆\n東京,ok\n",
		},
		{
			name: "csv quoting", opts: Options{Mode: ModeCSV}, columns: trickyCols, rows: trickyRows,
			want: "k,v\ncomma,\"a,b\"\nquote,\"say \"\"hi\"\"\"\nnewline,\"x\ny\"\npipe,a|b\n",
		},
		{
			name: "csv ignores MaxRows", opts: Options{Mode: ModeCSV, MaxRows: 1},
			columns: []string{"n"}, rows: [][]any{{1}, {2}},
			want: "n\n1\n2\n",
		},
		{
			name: "csv typed nil and empty string differ only by type", opts: Options{Mode: ModeCSV},
			columns: []string{"a", "b", "c"}, rows: [][]any{{(*int)(nil), "", []byte(nil)}},
			want: "a,b,c\n,,\n",
		},

		// json
		{
			name: "json basic", opts: Options{Mode: ModeJSON}, columns: basicCols, rows: basicRows,
			want: `[{"id":1,"Name":"alice","score":3.5},
{"id":2,"Name":"bob","score":null},
{"id":null,"Name":"carol","score":1234.5}]
`,
		},
		{
			name: "json empty", opts: Options{Mode: ModeJSON}, columns: []string{"id"}, rows: nil,
			want: "[]\n",
		},
		{
			name: "json unicode", opts: Options{Mode: ModeJSON}, columns: unicodeCols, rows: unicodeRows,
			want: `[{"città":"Zürich","emoji":"🦆"},
{"città":"東京","emoji":"ok"}]
`,
		},
		{
			name: "json escaping", opts: Options{Mode: ModeJSON}, columns: trickyCols, rows: trickyRows,
			want: `[{"k":"comma","v":"a,b"},
{"k":"quote","v":"say \"hi\""},
{"k":"newline","v":"x\ny"},
{"k":"pipe","v":"a|b"}]
`,
		},
		{
			name: "json native types", opts: Options{Mode: ModeJSON}, columns: richCols, rows: richRows,
			want: `[{"b":true,"d":2.50,"h":-170141183460469231731687303715884105728,"t":"2024-01-02 03:04:05.6","l":[1,"two",null],"m":{"a":[2.5],"z":1},"f":"inf","html":"<a&b>"}]
`,
		},

		// markdown
		{
			name: "markdown basic", opts: Options{Mode: ModeMarkdown}, columns: basicCols, rows: basicRows,
			want: `| id | Name | score |
|---|---|---|
| 1 | alice | 3.5 |
| 2 | bob | NULL |
| NULL | carol | 1234.5 |
`,
		},
		{
			name: "markdown empty", opts: Options{Mode: ModeMarkdown}, columns: []string{"id", "Name"}, rows: nil,
			want: "| id | Name |\n|---|---|\n",
		},
		{
			name: "markdown unicode", opts: Options{Mode: ModeMarkdown}, columns: unicodeCols, rows: unicodeRows,
			want: "| città | emoji |\n|---|---|\n| Zürich | 🦆 |\n| 東京 | ok |\n",
		},
		{
			name: "markdown escaping", opts: Options{Mode: ModeMarkdown}, columns: trickyCols, rows: trickyRows,
			want: `| k | v |
|---|---|
| comma | a,b |
| quote | say "hi" |
| newline | x<br>y |
| pipe | a\|b |
`,
		},

		// line
		{
			name: "line basic", opts: Options{Mode: ModeLine}, columns: basicCols, rows: basicRows,
			want: `   id = 1
 Name = alice
score = 3.5

   id = 2
 Name = bob
score = NULL

   id = NULL
 Name = carol
score = 1234.5
`,
		},
		{
			name: "line empty", opts: Options{Mode: ModeLine}, columns: []string{"id"}, rows: nil,
			want: "",
		},
		{
			name: "line unicode aligns by display width", opts: Options{Mode: ModeLine},
			columns: []string{"名前", "id"}, rows: [][]any{{"東京", 1}},
			want: "名前 = 東京\n  id = 1\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.opts, tc.columns, tc.rows); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if got := b.String(); got != tc.want {
				t.Errorf("output mismatch\n got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Options{Mode: "xml"}, []string{"a"}, nil); err == nil || !strings.Contains(err.Error(), "markdown") {
		t.Errorf("unknown mode: got %v, want error listing valid modes", err)
	}
	for _, m := range []Mode{ModeDuckbox, ModeBox, ModeTable, ModeCSV, ModeJSON, ModeMarkdown, ModeLine, ModeList} {
		err := Write(&b, Options{Mode: m}, []string{"a", "b"}, [][]any{{1, 2}, {3}})
		if err == nil || !strings.Contains(err.Error(), "row 1") {
			t.Errorf("%s: short row: got %v, want error naming row 1", m, err)
		}
		if err := Write(failWriter{}, Options{Mode: m}, []string{"a"}, [][]any{{1}}); !errors.Is(err, errFail) {
			t.Errorf("%s: writer error: got %v, want %v", m, err, errFail)
		}
	}
	if b.Len() != 0 {
		t.Errorf("rejected input still wrote %q", b.String())
	}
}

var errFail = errors.New("write failed")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

// TestDuckDBValues checks Value against the types the real driver returns,
// which differ from what one might guess (e.g. DECIMAL is duckdb.Decimal,
// INTEGER is int32, lists are []any).
func TestDuckDBValues(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	rows, err := db.Query(`SELECT 1::INTEGER AS i, 2.50::DECIMAL(5,2) AS d, 'x' AS s, NULL AS n, DATE '2024-01-02' AS dt, 0.1::DOUBLE AS f, [1,2] AS l`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	columns, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var result [][]any
	for rows.Next() {
		vals := make([]any, len(columns))
		ptrs := make([]any, len(columns))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		result = append(result, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(result) != 1 {
		t.Fatalf("got %d rows, want 1", len(result))
	}

	want := []string{"1", "2.50", "x", "NULL", "2024-01-02", "0.1", "[1, 2]"}
	for i, v := range result[0] {
		if got := Value(v); got != want[i] {
			t.Errorf("column %s (%T): Value = %q, want %q", columns[i], v, got, want[i])
		}
	}

	var b bytes.Buffer
	if err := Write(&b, Options{Mode: ModeBox}, columns, result); err != nil {
		t.Fatal(err)
	}
	wantTable := `┌───┬──────┬───┬──────┬────────────┬─────┬────────┐
│ i │  d   │ s │  n   │     dt     │  f  │   l    │
├───┼──────┼───┼──────┼────────────┼─────┼────────┤
│ 1 │ 2.50 │ x │ NULL │ 2024-01-02 │ 0.1 │ [1, 2] │
└───┴──────┴───┴──────┴────────────┴─────┴────────┘
`
	if got := b.String(); got != wantTable {
		t.Errorf("table mismatch\n got:\n%s\nwant:\n%s", got, wantTable)
	}

	b.Reset()
	if err := Write(&b, Options{Mode: ModeJSON}, columns, result); err != nil {
		t.Fatal(err)
	}
	wantJSON := `[{"i":1,"d":2.50,"s":"x","n":null,"dt":"2024-01-02","f":0.1,"l":[1,2]}]` + "\n"
	if got := b.String(); got != wantJSON {
		t.Errorf("json mismatch\n got: %s\nwant: %s", got, wantJSON)
	}
}
