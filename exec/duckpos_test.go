package exec

import (
	"errors"
	"testing"

	"github.com/itersql/itersql/internal/sqlscan"
)

func TestDuckPos(t *testing.T) {
	for _, tc := range []struct {
		src, msg string
		want     sqlscan.Pos
	}{
		{"SELECT 1,\n  nope FROM range(3)", "Binder Error: x\n\nLINE 2:   nope FROM range(3)\n          ^", sqlscan.Pos{Line: 11, Col: 3}},
		{"SELEC 1", "Parser Error: syntax error at or near \"SELEC\"\n\nLINE 1: SELEC 1\n        ^", sqlscan.Pos{Line: 10, Col: 5}},
		{"SELECT 1 FROM t WHERE x = 1 AND aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "E\n\nLINE 1: ...WHERE x = 1 AND aaaaa...\n                 ^", sqlscan.Pos{Line: 10, Col: 27}},
		{"SELECT 1 +", "Parser Error: syntax error at end of input", sqlscan.Pos{Line: 10, Col: 15}},
		{"SELECT 1", "Some Error: no context", sqlscan.Pos{Line: 10, Col: 5}},
	} {
		got := duckPos(tc.src, sqlscan.Pos{Line: 10, Col: 5}, errors.New(tc.msg))
		if got != tc.want {
			t.Errorf("%q: got %v, want %v", tc.src, got, tc.want)
		}
	}
}
