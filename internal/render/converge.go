package render

// The picture of a WITH ITERATE's convergence: sparklines under EXPLAIN
// ANALYZE and .timer, and a chart for reports (.plot). People read a
// convergence curve faster than hundreds of numbers.

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/itersql/itersql/exec"
)

// sparkBars are the eight heights of a sparkline; zeroMark stands for a
// value of 0, which has no height on a log scale but is the news (the
// loop converged) and must not vanish.
var sparkBars = []rune("▁▂▃▄▅▆▇█")

const zeroMark = '·'

// sparkWidth is the longest sparkline drawn; longer runs are bucketed.
const sparkWidth = 60

// Convergence writes the summary that ends EXPLAIN ANALYZE and a timed
// WITH ITERATE:
//
//	changed  ███▇▅▂▁·  4,039 → 0 rows an iteration (log scale, · = 0)
//	ms       ▁█▆▃▃▃▂▁  1.6 … 8.9 ms an iteration
//	8 iterations, 4,039 rows, 15,154 changed, 36.6 ms
//
// Changed counts the engine did not keep (-1) leave the changed line
// out; timing false leaves out the times (golden files, explain_timing
// off). Runs longer than the sparkline's width are bucketed: each mark is
// the most changed, and the mean time, of its iterations.
func Convergence(w io.Writer, stats []exec.IterStat, timing bool) error {
	if len(stats) == 0 {
		return nil
	}
	var b strings.Builder
	changed := make([]float64, len(stats))
	ms := make([]float64, len(stats))
	var total time.Duration
	var sumChanged int64
	counted := true
	for i, st := range stats {
		changed[i] = float64(st.Changed)
		ms[i] = float64(st.Duration.Microseconds()) / 1000
		total += st.Duration
		if st.Changed < 0 {
			counted = false
		}
		sumChanged += st.Changed
	}
	if counted {
		fmt.Fprintf(&b, "changed  %s  %s → %s rows an iteration (log scale, %c = 0)\n",
			sparkline(bucket(changed, math.Max), true), Thousands(stats[0].Changed), Thousands(stats[len(stats)-1].Changed), zeroMark)
	}
	if timing {
		lo, hi := minMax(ms)
		fmt.Fprintf(&b, "ms       %s  %.1f … %.1f ms an iteration\n",
			sparkline(bucket(ms, nil), false), lo, hi)
	}
	last := stats[len(stats)-1]
	fmt.Fprintf(&b, "%s, %s", plural(len(stats), "iteration"), plural64(last.Rows, "row"))
	if counted {
		fmt.Fprintf(&b, ", %s changed", Thousands(sumChanged))
	}
	if timing {
		fmt.Fprintf(&b, ", %.1f ms", float64(total.Microseconds())/1000)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// bucket shrinks vs to at most sparkWidth values, each one merge of its
// run (nil: the mean).
func bucket(vs []float64, merge func(a, b float64) float64) []float64 {
	if len(vs) <= sparkWidth {
		return vs
	}
	out := make([]float64, sparkWidth)
	for i := range out {
		lo, hi := i*len(vs)/sparkWidth, (i+1)*len(vs)/sparkWidth
		acc := vs[lo]
		for _, v := range vs[lo+1 : hi] {
			if merge != nil {
				acc = merge(acc, v)
			} else {
				acc += v
			}
		}
		if merge == nil {
			acc /= float64(hi - lo)
		}
		out[i] = acc
	}
	return out
}

// sparkline draws vs as bar heights from the smallest to the largest
// value; log spreads counts that fall by orders of magnitude.
func sparkline(vs []float64, log bool) string {
	scale := func(v float64) float64 {
		if log {
			return math.Log10(1 + v)
		}
		return v
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		if log && v == 0 {
			continue
		}
		lo, hi = min(lo, scale(v)), max(hi, scale(v))
	}
	var b strings.Builder
	for _, v := range vs {
		switch {
		case log && v == 0:
			b.WriteRune(zeroMark)
		case hi <= lo:
			b.WriteRune(sparkBars[len(sparkBars)/2])
		default:
			i := int(math.Round((scale(v) - lo) / (hi - lo) * float64(len(sparkBars)-1)))
			b.WriteRune(sparkBars[i])
		}
	}
	return b.String()
}

func minMax(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// Plot writes the convergence curves as a chart with axes and labels:
// rows changed and rows in the state per iteration (log scale) above, ms
// per iteration below. The format follows the file name: .svg, or .png
// (gonum's own raster canvas draws the same plot). Iterations with 0
// rows changed have no place on a log axis and are left out of that
// curve; the summary line says where the loop converged.
func Plot(w io.Writer, file string, stats []exec.IterStat) (err error) {
	// gonum panics on inputs it cannot draw; a chart that cannot be drawn
	// is an error for the command, not the end of the shell.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot draw the chart: %v", r)
		}
	}()
	if len(stats) == 0 {
		return fmt.Errorf("no iterations to plot")
	}
	var changed, rows, ms plotter.XYs
	for _, st := range stats {
		x := float64(st.Iteration)
		if st.Changed > 0 {
			changed = append(changed, plotter.XY{X: x, Y: float64(st.Changed)})
		}
		if st.Rows > 0 {
			rows = append(rows, plotter.XY{X: x, Y: float64(st.Rows)})
		}
		ms = append(ms, plotter.XY{X: x, Y: float64(st.Duration.Microseconds()) / 1000})
	}

	top := plot.New()
	top.Title.Text = fmt.Sprintf("Convergence: %s", plural(len(stats), "iteration"))
	top.X.Label.Text = "iteration"
	top.Y.Label.Text = "rows (log scale)"
	top.Y.Scale = plot.LogScale{}
	top.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	top.Legend.Top = true // in the decade of headroom above the curves
	top.Legend.YOffs = -6 * vg.Millimeter
	top.Legend.XOffs = -4 * vg.Millimeter
	for i, c := range []struct {
		name string
		xys  plotter.XYs
	}{{"rows changed", changed}, {"rows in state", rows}} {
		if len(c.xys) == 0 {
			continue
		}
		l, err := plotter.NewLine(c.xys)
		if err != nil {
			return err
		}
		l.Color = plotColors[i]
		l.Width = vg.Points(1.5)
		top.Add(l)
		top.Legend.Add(c.name, l)
	}
	top.Add(plotter.NewGrid())
	// The log axis spans whole decades, so it has labelled ticks at both
	// ends (gonum labels only powers of ten) and a range even when every
	// count is one value (gonum panics on an empty log range) or 0; one
	// more decade on top holds the legend clear of the curves.
	lo, hi := logRange(changed, rows)
	top.Y.Min = math.Pow(10, math.Floor(math.Log10(max(lo, 1))))
	top.Y.Max = math.Pow(10, math.Ceil(math.Log10(max(hi, 1))))
	top.Y.Max *= 10

	bottom := plot.New()
	bottom.X.Label.Text = "iteration"
	bottom.Y.Label.Text = "ms per iteration"
	l, err := plotter.NewLine(ms)
	if err != nil {
		return err
	}
	l.Color = plotColors[2]
	l.Width = vg.Points(1.5)
	bottom.Add(l, plotter.NewGrid())
	bottom.Y.Min = 0

	width, height := 8*vg.Inch, 6*vg.Inch
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch ext := strings.ToLower(filepath.Ext(file)); ext {
	case ".svg":
		c = vgsvg.New(width, height)
	case ".png":
		c = vgimg.PngCanvas{Canvas: vgimg.New(width, height)}
	default:
		return fmt.Errorf("%s: want a .svg or .png file", file)
	}
	plots := [][]*plot.Plot{{top}, {bottom}}
	canvases := plot.Align(plots, draw.Tiles{Rows: 2, Cols: 1, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 6,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 4},
		draw.New(c))
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	_, err = c.WriteTo(w)
	return err
}

// plotColors are the curves' colours, told apart in grey print too.
var plotColors = []color.Color{
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // rows changed
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // rows in state
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // ms
}

// Thousands formats n with commas, the way people read row counts.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// logRange is the smallest and largest Y of the curves (0, 0 without any).
func logRange(curves ...plotter.XYs) (lo, hi float64) {
	lo = math.Inf(1)
	for _, c := range curves {
		for _, p := range c {
			lo, hi = min(lo, p.Y), max(hi, p.Y)
		}
	}
	if hi == 0 {
		return 0, 0
	}
	return lo, hi
}

// plural64 is plural for counts of rows, with thousands separators.
func plural64(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return Thousands(n) + " " + what + "s"
}
