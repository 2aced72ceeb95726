package render

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/itersql/itersql/exec"
)

// ccStats are the iterations of connected components on the Facebook
// graph, as EXPLAIN ANALYZE measured them.
var ccStats = []exec.IterStat{
	{Iteration: 0, Rows: 4039, Changed: 4039, Duration: 1600 * time.Microsecond},
	{Iteration: 1, Rows: 4039, Changed: 4037, Duration: 8900 * time.Microsecond},
	{Iteration: 2, Rows: 4039, Changed: 3521, Duration: 8800 * time.Microsecond},
	{Iteration: 3, Rows: 4039, Changed: 2378, Duration: 4000 * time.Microsecond},
	{Iteration: 4, Rows: 4039, Changed: 778, Duration: 3600 * time.Microsecond},
	{Iteration: 5, Rows: 4039, Changed: 259, Duration: 3700 * time.Microsecond},
	{Iteration: 6, Rows: 4039, Changed: 142, Duration: 2900 * time.Microsecond},
	{Iteration: 7, Rows: 4039, Changed: 0, Duration: 1900 * time.Microsecond},
}

func TestConvergence(t *testing.T) {
	var b bytes.Buffer
	if err := Convergence(&b, ccStats, true); err != nil {
		t.Fatal(err)
	}
	want := "changed  ███▇▅▂▁·  4,039 → 0 rows an iteration (log scale, · = 0)\n" +
		"ms       ▁██▃▃▃▂▁  1.6 … 8.9 ms an iteration\n" +
		"8 iterations, 4,039 rows, 15,154 changed, 35.4 ms\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	// Without timing (golden files) and without changed counts (a plain
	// state run without ANALYZE), those lines are left out.
	plain := append([]exec.IterStat(nil), ccStats[:3]...)
	for i := range plain {
		plain[i].Changed = -1
	}
	b.Reset()
	if err := Convergence(&b, plain, false); err != nil {
		t.Fatal(err)
	}
	if b.String() != "3 iterations, 4,039 rows\n" {
		t.Errorf("plain, no timing: %q", b.String())
	}
	// A long run is bucketed to sparkWidth marks, its peak kept.
	long := make([]exec.IterStat, 600)
	for i := range long {
		long[i] = exec.IterStat{Iteration: i, Rows: 10, Changed: int64(600 - i), Duration: time.Millisecond}
	}
	long[599].Changed = 0
	b.Reset()
	if err := Convergence(&b, long, true); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(b.String(), "\n")
	spark := strings.Fields(first)[1]
	if n := len([]rune(spark)); n != sparkWidth || !strings.HasPrefix(spark, "█") {
		t.Errorf("600 iterations drew %d marks %q, want %d starting with █", n, spark, sparkWidth)
	}
	if Convergence(&b, nil, true) != nil {
		t.Error("no iterations: want nothing and no error")
	}
}

func TestPlotSVGIsXML(t *testing.T) {
	var b bytes.Buffer
	if err := Plot(&b, "cc.svg", ccStats); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	var root string
	var texts []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"rows changed", "rows in state", "ms per iteration", "iteration", "Convergence: 8 iterations"} {
		if !strings.Contains(all, want) {
			t.Errorf("the chart has no text %q (texts: %s)", want, all)
		}
	}
}

func TestPlotPNG(t *testing.T) {
	var b bytes.Buffer
	if err := Plot(&b, "cc.PNG", ccStats); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 400 || r.Dy() < 300 {
		t.Errorf("PNG of %v", r)
	}
	if err := Plot(&b, "cc.pdf", ccStats); err == nil || !strings.Contains(err.Error(), ".svg or .png") {
		t.Errorf("pdf: %v", err)
	}
	if err := Plot(&b, "cc.svg", nil); err == nil {
		t.Error("no iterations: want an error")
	}
}
