package spark

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// fromArrow turns a result table into columns and rows of Go values.
func fromArrow(table arrow.Table) (*Result, error) {
	schema := table.Schema()
	res := &Result{Columns: make([]Column, schema.NumFields()), Rows: make([][]any, table.NumRows())}
	for i, f := range schema.Fields() {
		res.Columns[i] = Column{Name: f.Name, Type: sparkTypeName(f.Type)}
	}
	for r := range res.Rows {
		res.Rows[r] = make([]any, len(res.Columns))
	}
	for c := range res.Columns {
		row := 0
		for _, chunk := range table.Column(c).Data().Chunks() {
			for i := 0; i < chunk.Len(); i++ {
				v, err := value(chunk, i)
				if err != nil {
					return nil, fmt.Errorf("spark: column %s: %w", res.Columns[c].Name, err)
				}
				res.Rows[row][c] = v
				row++
			}
		}
	}
	return res, nil
}

// sparkTypeName names an Arrow type as Spark's SQL does (the inverse of
// Spark's own mapping to Arrow).
func sparkTypeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.Int8Type:
		return "byte"
	case *arrow.Int16Type:
		return "short"
	case *arrow.Int32Type:
		return "integer"
	case *arrow.Int64Type:
		return "long"
	case *arrow.Float32Type:
		return "float"
	case *arrow.Float64Type:
		return "double"
	case *arrow.Decimal128Type:
		return fmt.Sprintf("decimal(%d,%d)", t.Precision, t.Scale)
	case *arrow.StringType, *arrow.LargeStringType:
		return "string"
	case *arrow.BooleanType:
		return "boolean"
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return "binary"
	case *arrow.Date32Type:
		return "date"
	case *arrow.TimestampType:
		if t.TimeZone == "" {
			return "timestamp_ntz"
		}
		return "timestamp"
	case *arrow.NullType:
		return "void"
	}
	return t.String()
}

func value(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch a := a.(type) {
	case *array.Int8:
		return a.Value(i), nil
	case *array.Int16:
		return a.Value(i), nil
	case *array.Int32:
		return a.Value(i), nil
	case *array.Int64:
		return a.Value(i), nil
	case *array.Float32:
		return a.Value(i), nil
	case *array.Float64:
		return a.Value(i), nil
	case *array.String:
		return a.Value(i), nil
	case *array.LargeString:
		return a.Value(i), nil
	case *array.Boolean:
		return a.Value(i), nil
	case *array.Binary:
		return append([]byte(nil), a.Value(i)...), nil
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale), nil
	case *array.Date32:
		return a.Value(i).ToTime().UTC(), nil
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC(), nil
	case array.ListLike:
		start, end := a.ValueOffsets(i)
		out := make([]any, 0, end-start)
		for j := int(start); j < int(end); j++ {
			v, err := value(a.ListValues(), j)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	// Nested and rarer types: Arrow's own Go form of the value.
	return a.GetOneForMarshal(i), nil
}
