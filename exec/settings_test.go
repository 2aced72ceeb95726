package exec

import (
	"github.com/itersql/itersql/internal/sqlscan"
	"strings"
	"testing"
)

// TestSettingsExtremes sets every setting to extreme values. A value a
// setting accepts must leave every statement working afterwards; one out
// of range must be refused when it is set, not when a statement runs.
func TestSettingsExtremes(t *testing.T) {
	extremes := []string{"9223372036854775807", "9223372036854775806", "4611686018427387904", "2147483648", "-1", "0", "1", "'1000000h'"}
	for name := range settings {
		for _, v := range extremes {
			s := open(t)
			if _, err := s.Exec(t.Context(), "SET "+name+" = "+v, sqlscan.Pos{Line: 1, Col: 1}); err != nil {
				continue // refused when set: fine
			}
			for _, q := range []string{"SELECT count(*) FROM nodes", ccKey, ccPlain} {
				// A limit that stops the run and names itself is the setting working.
				if _, err := s.Exec(t.Context(), q, sqlscan.Pos{Line: 1, Col: 1}); err != nil && !strings.Contains(err.Error(), name+" = ") {
					t.Errorf("SET %s = %s was accepted, then %s\n-> %v", name, v, strings.SplitN(q, "\n", 2)[0], err)
				}
			}
		}
	}
}
