package sparksql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/itersql/itersql/internal/duckast"
)

// sameFunctions are DuckDB functions that Spark has under the name given,
// with the same results for the same inputs (NULLs included). A function
// missing here is refused: a guess would run and give other rows.
var sameFunctions = map[string]string{
	// numbers
	"abs": "abs", "ceil": "ceil", "ceiling": "ceil", "floor": "floor",
	"round": "round", // both round half away from zero
	"sqrt":  "sqrt", "exp": "exp", "ln": "ln", "log10": "log10", "log2": "log2",
	"pow": "power", "power": "power", "sign": "sign",
	"greatest": "greatest", "least": "least", // both skip NULLs
	// NULL handling
	"coalesce": "coalesce", "ifnull": "coalesce", "nullif": "nullif",
	// strings
	"lower": "lower", "lcase": "lower", "upper": "upper", "ucase": "upper",
	"length": "length", "char_length": "length", "character_length": "length",
	"strlen": "octet_length", "octet_length": "octet_length",
	"substring": "substring", "substr": "substring",
	"trim": "trim", "ltrim": "ltrim", "rtrim": "rtrim",
	"replace": "replace", "left": "left", "right": "right",
	"lpad": "lpad", "rpad": "rpad", "repeat": "repeat", "reverse": "reverse",
	"starts_with": "startswith", "ends_with": "endswith", "contains": "contains",
	"instr": "instr", "strpos": "instr", "position": "instr",
	"md5":            "md5",
	"concat_ws":      "concat_ws", // both skip NULL arguments
	"regexp_matches": "rlike",     // both match anywhere in the string
	// dates
	"year": "year", "month": "month", "day": "day", "dayofmonth": "dayofmonth",
	"hour": "hour", "minute": "minute", "date_part": "date_part",
	"current_date": "current_date",
	// lists
	"list_value": "array", "list_pack": "array",
	"list_contains": "array_contains", "array_contains": "array_contains",
	"len": "size", "array_length": "size", // NULL on NULL under ANSI, as in DuckDB
	"unnest": "explode", // no rows for an empty or NULL list in both
	// aggregates
	"count": "count", "sum": "sum", "avg": "avg", "mean": "avg",
	"min": "min", "max": "max",
	"stddev": "stddev_samp", "stddev_samp": "stddev_samp", "stddev_pop": "stddev_pop",
	"variance": "var_samp", "var_samp": "var_samp", "var_pop": "var_pop",
	"bool_and": "bool_and", "bool_or": "bool_or",
	"arg_min": "min_by", "arg_max": "max_by", "min_by": "min_by", "max_by": "max_by",
	"median":        "median",
	"quantile_cont": "percentile", // both interpolate linearly
	"mode":          "mode",
	"any_value":     "any_value",
	"first":         "first", // both keep NULLs; which row is first is up to the engine in both
	"string_agg":    "string_agg",
	"listagg":       "string_agg",
	"group_concat":  "string_agg",
}

// refusedFunctions say why a DuckDB function that Spark seems to have is
// refused, so the error helps more than "unknown".
var refusedFunctions = map[string]string{
	"concat":         "", // rewritten, see function
	"regexp_replace": "function regexp_replace (DuckDB replaces the first match unless 'g', Spark every match)",
	"dayofweek":      "function dayofweek (DuckDB counts Sunday as 0, Spark as 1)",
	"typeof":         "function typeof (the type names differ)",
	"list":           "function list (Spark's collect_list drops NULLs)",
	"array_agg":      "function array_agg (Spark's collect_list drops NULLs)",
	"hash":           "function hash (the engines hash differently)",
	"date_trunc":     "function date_trunc (DuckDB's result type follows its input, Spark's is a TIMESTAMP)",
}

// binaryOperators print as infix operators with the same meaning.
var binaryOperators = map[string]string{
	"+": "+", "-": "-", "*": "*", "&": "&", "|": "|",
}

func (p *printer) function(e duckast.Node) {
	name := strings.ToLower(duckast.Str(e, "function_name"))
	kids := duckast.List(e, "children")
	if s := duckast.Str(e, "schema"); s != "" && s != "main" && s != "pg_catalog" {
		p.unsupported(e, "function %s.%s", s, name)
	}
	if op, _ := e["is_operator"].(bool); op || isSymbol(name) {
		p.operatorFunction(e, name, kids)
		return
	}
	if name == "count_star" {
		p.w("count(*)")
		p.filter(e)
		return
	}
	orders := duckast.List(duckast.Obj(e, "order_bys"), "orders")
	if name == "concat" {
		// DuckDB's concat skips NULLs; Spark's gives NULL. concat_ws with
		// an empty separator skips them (and gives '' for all NULLs, as
		// DuckDB does).
		p.w("concat_ws('', ")
		p.exprList(kids)
		p.w(")")
		return
	}
	spark, ok := sameFunctions[name]
	if !ok {
		if why := refusedFunctions[name]; why != "" {
			p.unsupported(e, "%s", why)
		}
		p.unsupported(e, "function %s", name)
	}
	switch {
	case spark == "min_by" || spark == "max_by":
		p.argMinMax(e, spark, kids)
		return
	case spark == "substring" && len(kids) == 3:
		p.substring(kids)
		return
	case (spark == "left" || spark == "right") && len(kids) == 2 && !isNonNegativeConstant(kids[1].(duckast.Node)):
		p.leftRight(spark, kids)
		return
	case spark == "avg" && len(kids) == 1 && len(orders) == 0:
		// DuckDB averages as DOUBLE (decimals too); Spark keeps a DECIMAL
		// of its own scale, which rounds differently.
		p.w("avg(")
		if d, _ := e["distinct"].(bool); d {
			p.w("DISTINCT ")
		}
		p.w("CAST(")
		p.expr(kids[0].(duckast.Node))
		p.w(" AS DOUBLE))")
		p.filter(e)
		return
	}
	if len(orders) > 0 && spark != "string_agg" {
		p.unsupported(e, "ORDER BY inside %s", name)
	}
	p.w(spark, "(")
	if d, _ := e["distinct"].(bool); d {
		p.w("DISTINCT ")
	}
	p.exprList(kids)
	p.w(")")
	if len(orders) > 0 {
		p.w(" WITHIN GROUP (ORDER BY ")
		p.orderList(orders)
		p.w(")")
	}
	p.filter(e)
}

// substring(s, start, n) from position 0 takes n-1 characters in DuckDB
// (position 0 is before the first) and n in Spark (0 counts as 1).
func (p *printer) substring(kids []any) {
	s, start, n := kids[0].(duckast.Node), kids[1].(duckast.Node), kids[2].(duckast.Node)
	if isNonZeroConstant(start) {
		p.w("substring(")
		p.exprList(kids)
		p.w(")")
		return
	}
	p.w("CASE WHEN ")
	p.expr(start)
	p.w(" = 0 THEN substring(")
	p.expr(s)
	p.w(", 1, ")
	p.expr(n)
	p.w(" - 1) ELSE substring(")
	p.exprList(kids)
	p.w(") END")
}

// leftRight prints left and right, which in DuckDB take a negative count
// as "all but that many" and in Spark give ”.
func (p *printer) leftRight(f string, kids []any) {
	s, n := kids[0].(duckast.Node), kids[1].(duckast.Node)
	p.w(f, "(")
	p.expr(s)
	p.w(", CASE WHEN ")
	p.expr(n)
	p.w(" < 0 THEN greatest(length(")
	p.expr(s)
	p.w(") + ")
	p.expr(n)
	p.w(", 0) ELSE ")
	p.expr(n)
	p.w(" END)")
}

func isNonNegativeConstant(e duckast.Node) bool {
	if duckast.Str(e, "class") != "CONSTANT" {
		return false
	}
	v := duckast.Obj(e, "value")
	if isNull, _ := v["is_null"].(bool); isNull {
		return true
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v["value"]), 64)
	return err == nil && f >= 0
}

// argMinMax prints arg_min and arg_max. DuckDB's skip the rows whose
// value is NULL as well as those whose key is; Spark's min_by and max_by
// skip only the latter, so a FILTER adds the former.
func (p *printer) argMinMax(e duckast.Node, spark string, kids []any) {
	if len(kids) != 2 {
		p.unsupported(e, "%s with %d arguments", duckast.Str(e, "function_name"), len(kids))
	}
	if d, _ := e["distinct"].(bool); d {
		p.unsupported(e, "DISTINCT in %s", duckast.Str(e, "function_name"))
	}
	p.w(spark, "(")
	p.exprList(kids)
	p.w(") FILTER (WHERE (")
	p.expr(kids[0].(duckast.Node))
	p.w(" IS NOT NULL)")
	if f := duckast.Obj(e, "filter"); f != nil {
		p.w(" AND ")
		p.expr(f)
	}
	p.w(")")
}

func isNonZeroConstant(e duckast.Node) bool {
	if duckast.Str(e, "class") != "CONSTANT" {
		return false
	}
	v := duckast.Obj(e, "value")
	if isNull, _ := v["is_null"].(bool); isNull {
		return false
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v["value"]), 64)
	return err == nil && f != 0
}

// isTemporal tells whether e is visibly a DATE or TIMESTAMP: a cast to one.
func isTemporal(e duckast.Node) bool {
	if duckast.Str(e, "class") != "CAST" {
		return false
	}
	switch duckast.Str(duckast.Obj(e, "cast_type"), "id") {
	case "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_TZ":
		return true
	}
	return false
}

func (p *printer) filter(e duckast.Node) {
	if f := duckast.Obj(e, "filter"); f != nil {
		p.w(" FILTER (WHERE ")
		p.expr(f)
		p.w(")")
	}
}

func isSymbol(name string) bool {
	return name != "" && strings.IndexAny(name[:1], "abcdefghijklmnopqrstuvwxyz_") < 0
}

func (p *printer) operatorFunction(e duckast.Node, name string, kids []any) {
	child := func(i int) duckast.Node { n, _ := kids[i].(duckast.Node); return n }
	if len(kids) == 1 {
		switch name {
		case "-", "+", "~":
			p.w("(", name)
			p.expr(child(0))
			p.w(")")
			return
		}
		p.unsupported(e, "operator %s", name)
	}
	if len(kids) != 2 {
		p.unsupported(e, "operator %s with %d operands", name, len(kids))
	}
	infix := func(op string) {
		p.w("(")
		p.expr(child(0))
		p.w(" ", op, " ")
		p.expr(child(1))
		p.w(")")
	}
	call := func(f string) {
		p.w(f, "(")
		p.exprList(kids)
		p.w(")")
	}
	// A date minus a date is a number of days in DuckDB, an interval in
	// Spark; the printer sees no column types, so it can only refuse what
	// is visibly a date or a timestamp.
	if name == "-" && (isTemporal(child(0)) || isTemporal(child(1))) {
		p.unsupported(e, "arithmetic on a DATE or TIMESTAMP")
	}
	// DuckDB's // and % give NULL on a zero divisor, where Spark (ANSI)
	// fails: nullif(divisor, 0) gives NULL in both.
	divisor := func() {
		if isNonZeroConstant(child(1)) {
			p.expr(child(1))
			return
		}
		p.w("nullif(")
		p.expr(child(1))
		p.w(", 0)")
	}
	switch name {
	case "/":
		// DuckDB divides as DOUBLE, decimals too; Spark keeps DECIMAL.
		// By zero, DuckDB gives ±Infinity or NaN and Spark fails: an
		// error, not other rows, so it is left so.
		p.w("(CAST(")
		p.expr(child(0))
		p.w(" AS DOUBLE) / ")
		p.expr(child(1))
		p.w(")")
	case "//", "%":
		// div truncates toward zero, as DuckDB's // does; % too.
		op := map[string]string{"//": "div", "%": "%"}[name]
		p.w("(")
		p.expr(child(0))
		p.w(" ", op, " ")
		divisor()
		p.w(")")
	case "||":
		// Spark's || is concat, and like DuckDB's gives NULL on a NULL.
		call("concat")
	case "^", "**":
		call("power") // Spark's ^ is XOR
	case "~~", "!~~", "~~*", "!~~*":
		p.like(e, name, child(0), child(1))
	default:
		op, ok := binaryOperators[name]
		if !ok {
			p.unsupported(e, "operator %s", name)
		}
		infix(op)
	}
}

// like prints LIKE and ILIKE. Spark's patterns take '\' as their escape
// by default and DuckDB's take none, so a constant pattern has its
// backslashes doubled; a pattern computed at run time is refused when it
// might hold one, which cannot be known.
func (p *printer) like(e duckast.Node, op string, value, pattern duckast.Node) {
	if duckast.Str(pattern, "class") != "CONSTANT" {
		p.unsupported(e, "LIKE with a pattern computed at run time")
	}
	v := duckast.Obj(pattern, "value")
	if isNull, _ := v["is_null"].(bool); isNull {
		p.w("CAST(NULL AS BOOLEAN)")
		return
	}
	pat, _ := v["value"].(string)
	pat = strings.ReplaceAll(pat, `\`, `\\`)
	p.w("(")
	p.expr(value)
	if strings.HasPrefix(op, "!") {
		p.w(" NOT")
	}
	if strings.HasSuffix(op, "*") {
		p.w(" ILIKE ")
	} else {
		p.w(" LIKE ")
	}
	p.w(stringLiteral(pat), ")")
}

var windowFunctions = map[string]string{
	"WINDOW_ROW_NUMBER":   "row_number",
	"WINDOW_RANK":         "rank",
	"WINDOW_RANK_DENSE":   "dense_rank",
	"WINDOW_PERCENT_RANK": "percent_rank",
	"WINDOW_CUME_DIST":    "cume_dist",
	"WINDOW_NTILE":        "ntile",
	"WINDOW_LAG":          "lag",
	"WINDOW_LEAD":         "lead",
	"WINDOW_FIRST_VALUE":  "first_value",
	"WINDOW_LAST_VALUE":   "last_value",
	"WINDOW_NTH_VALUE":    "nth_value",
}

func (p *printer) window(e duckast.Node) {
	t := duckast.Str(e, "type")
	kids := duckast.List(e, "children")
	if d, _ := e["distinct"].(bool); d {
		p.unsupported(e, "DISTINCT in a window aggregate")
	}
	if duckast.Obj(e, "filter_expr") != nil {
		p.unsupported(e, "FILTER in a window aggregate")
	}
	if x := duckast.Str(e, "exclude_clause"); x != "" && x != "NO_OTHER" {
		p.unsupported(e, "EXCLUDE in a window frame")
	}
	if len(duckast.List(e, "arg_orders")) > 0 {
		p.unsupported(e, "ORDER BY inside a window function's arguments")
	}
	if t == "WINDOW_AGGREGATE" {
		name := strings.ToLower(duckast.Str(e, "function_name"))
		if name == "count_star" || (name == "count" && len(kids) == 0) {
			p.w("count(*)")
		} else {
			spark, ok := sameFunctions[name]
			if !ok {
				p.unsupported(e, "window function %s", name)
			}
			switch spark {
			case "min_by", "max_by", "string_agg":
				// They need a FILTER or an order to keep DuckDB's meaning
				// (see function), which Spark's window aggregates refuse.
				p.unsupported(e, "%s as a window function", name)
			case "avg":
				p.w("avg(CAST(") // DuckDB averages as DOUBLE
				p.exprList(kids)
				p.w(" AS DOUBLE))")
			default:
				p.w(spark, "(")
				p.exprList(kids)
				p.w(")")
			}
		}
	} else {
		name, ok := windowFunctions[t]
		if !ok {
			p.unsupported(e, "window function %s", duckast.Str(e, "function_name"))
		}
		p.w(name, "(")
		p.exprList(kids)
		for _, k := range []string{"offset_expr", "default_expr"} {
			if x := duckast.Obj(e, k); x != nil {
				p.w(", ")
				p.expr(x)
			}
		}
		p.w(")")
	}
	if ign, _ := e["ignore_nulls"].(bool); ign {
		p.w(" IGNORE NULLS")
	}
	p.w(" OVER (")
	sep := ""
	if parts := duckast.List(e, "partitions"); len(parts) > 0 {
		p.w("PARTITION BY ")
		p.exprList(parts)
		sep = " "
	}
	if orders := duckast.List(e, "orders"); len(orders) > 0 {
		p.w(sep, "ORDER BY ")
		p.orderList(orders)
		sep = " "
	}
	p.frame(e, sep)
	p.w(")")
}

// frame prints a window frame that is not the default (RANGE BETWEEN
// UNBOUNDED PRECEDING AND CURRENT ROW, the same in both engines); Spark
// refuses any frame at all on ranking functions.
func (p *printer) frame(e duckast.Node, sep string) {
	start, end := duckast.Str(e, "start"), duckast.Str(e, "end")
	if start == "UNBOUNDED_PRECEDING" && end == "CURRENT_ROW_RANGE" {
		return
	}
	unit := ""
	for _, b := range []string{start, end} {
		u := ""
		switch {
		case strings.HasSuffix(b, "_ROWS"):
			u = "ROWS"
		case strings.HasSuffix(b, "_RANGE"):
			u = "RANGE"
		case strings.HasSuffix(b, "_GROUPS"):
			p.unsupported(e, "a GROUPS window frame")
		}
		if u != "" && unit != "" && u != unit {
			p.unsupported(e, "a window frame mixing ROWS and RANGE")
		}
		if u != "" {
			unit = u
		}
	}
	if unit == "" {
		unit = "ROWS" // UNBOUNDED to UNBOUNDED: the unit does not matter
	}
	p.w(sep, unit, " BETWEEN ")
	p.bound(e, start, "start_expr")
	p.w(" AND ")
	p.bound(e, end, "end_expr")
}

func (p *printer) bound(e duckast.Node, b, exprKey string) {
	switch {
	case b == "UNBOUNDED_PRECEDING":
		p.w("UNBOUNDED PRECEDING")
	case b == "UNBOUNDED_FOLLOWING":
		p.w("UNBOUNDED FOLLOWING")
	case strings.HasPrefix(b, "CURRENT_ROW"):
		p.w("CURRENT ROW")
	case strings.HasPrefix(b, "EXPR_PRECEDING"):
		p.expr(duckast.Obj(e, exprKey))
		p.w(" PRECEDING")
	case strings.HasPrefix(b, "EXPR_FOLLOWING"):
		p.expr(duckast.Obj(e, exprKey))
		p.w(" FOLLOWING")
	default:
		p.unsupported(e, "window frame bound %s", b)
	}
}
