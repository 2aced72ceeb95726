package datadriven

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cases.txt")
	const file = "# a comment\nexec\nCREATE TABLE t(i INT)\n----\n\nprepare nopush\nSELECT 1\nFROM t\n----\nold\noutput\n"
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	cases, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[1].Cmd != "prepare" || cases[1].Args[0] != "nopush" || cases[1].Line != 6 ||
		cases[1].Input != "SELECT 1\nFROM t" || cases[1].Want != "old\noutput" || cases[0].Want != "" {
		t.Fatalf("read %+v", cases)
	}
	if err := Rewrite(path, []string{"", "new"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := "# a comment\nexec\nCREATE TABLE t(i INT)\n----\n\nprepare nopush\nSELECT 1\nFROM t\n----\nnew\n"; string(got) != want {
		t.Errorf("rewrote\n%q\nwant\n%q", got, want)
	}
}
