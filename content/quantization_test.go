package content_test

import (
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"stepgraph/content"
	"stepgraph/engine"
	"stepgraph/engine/quant"
	"stepgraph/exhibit"
)

// lessonText returns a lesson's Markdown source with every run of white
// space made one space, so that a phrase matches across line breaks.
func lessonText(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(content.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// numbers returns the numbers the first match of pattern captures in text.
// It fails the test when the pattern does not match.
func numbers(t *testing.T, text, pattern string) []string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("the lesson has no text matching %q", pattern)
	}
	return m[1:]
}

// near reports whether printed, a number as the lesson writes it, is want
// rounded to the digits printed: within half a unit of its last digit.
func near(printed string, want float64) bool {
	v, err := strconv.ParseFloat(printed, 64)
	if err != nil {
		return false
	}
	decimals := 0
	if i := strings.IndexByte(printed, '.'); i >= 0 {
		decimals = len(printed) - i - 1
	}
	// Half a unit of the last printed digit, and a hair more for the
	// float64 rounding of want itself.
	return math.Abs(v-want) <= 0.5*math.Pow(10, -float64(decimals))+1e-12
}

// checkNear fails unless each printed number is its wanted value, rounded.
func checkNear(t *testing.T, what string, printed []string, want ...float64) {
	t.Helper()
	if len(printed) != len(want) {
		t.Fatalf("%s: %d numbers in the lesson, want %d", what, len(printed), len(want))
	}
	for i, p := range printed {
		if !near(p, want[i]) {
			t.Errorf("%s: the lesson says %s, the engine computes %v", what, p, want[i])
		}
	}
}

// ints writes integers as the lesson does: "(-7, -2, 0)".
func ints(q []int8) string {
	s := make([]string, len(q))
	for i, v := range q {
		s[i] = strconv.Itoa(int(v))
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// roundTrip quantizes x with s and returns the grid, the integers and the
// dequantized values.
func roundTrip(x *engine.Tensor, s quant.Scheme) (quant.Params, []int8, *engine.Tensor) {
	p := quant.ParamsFor(x, s)
	q := quant.Quantize(x, p)
	return p, q, quant.Dequantize(q, x.Shape, p)
}

// TestQuantizationWorkedNumbers recomputes with package quant every number
// the quantization lesson works out by hand, and checks the lesson prints
// them, rounded as written.
func TestQuantizationWorkedNumbers(t *testing.T) {
	text := lessonText(t, "quantization.md")

	// The six numbers on int4, symmetric: the table, row by row.
	x := engine.FromData([]float64{-1.75, -0.6, -0.125, 0.375, 0.625, 1.3}, 6)
	p4, q4, d4 := roundTrip(x, quant.Int4Sym)
	if p4.Scale[0] != 0.25 || !strings.Contains(text, "s = 1.75 / 7 = 0.25") {
		t.Errorf("int4 scale %v; want the lesson's s = 1.75 / 7 = 0.25", p4.Scale[0])
	}
	for i, v := range x.Data {
		row := numbers(t, text, fmt.Sprintf(`\| %d \| \$(-?[0-9.]+)\$ \| \$(-?[0-9.]+)\$ \| \$(-?[0-9]+)\$ \| \$(-?[0-9.]+)\$ \| \$(-?[0-9.]+)\$ \|`, i+1))
		checkNear(t, fmt.Sprintf("int4 table row %d", i+1), row, v, v/0.25, float64(q4[i]), d4.Data[i], v-d4.Data[i])
	}
	if want := ints(q4); !strings.Contains(text, "q = "+want) {
		t.Errorf("int4 integers %s are not in the lesson", want)
	}
	checkNear(t, "int4 round trip", strings.Split(numbers(t, text, `round trip is \$\\hat\{x\} = \(([^)]*)\)\$`)[0], ", "), d4.Data...)
	// Round half to even: 2.5 -> 2 where math.Round gives 3.
	if q4[4] != 2 || math.Round(0.625/0.25) != 3 || !strings.Contains(text, "`math.Round` would have given $q_5 = 3$") {
		t.Errorf("row 5 rounds to %d (math.Round: %v); the lesson's claim about q_5 does not hold", q4[4], math.Round(2.5))
	}

	// The same numbers on int8, and the error table.
	p8, q8, d8 := roundTrip(x, quant.Int8Sym)
	checkNear(t, "int8 scale", numbers(t, text, `\$s = 1\.75 / 127 \\approx ([0-9.]+)\$`), float64(p8.Scale[0]))
	if want := ints(q8); !strings.Contains(text, "become $q = "+want) {
		t.Errorf("int8 integers %s are not in the lesson", want)
	}
	e4, e8 := quant.Measure(x.Data, d4.Data), quant.Measure(x.Data, d8.Data)
	checkNear(t, "int4 error row", numbers(t, text, `\| int4 \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ dB \|`), e4.MSE, e4.MaxAbs, e4.SQNR)
	checkNear(t, "int8 error row", numbers(t, text, `\| int8 \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ \| \$([0-9.]+)\$ dB \|`), e8.MSE, e8.MaxAbs, e8.SQNR)
	checkNear(t, "int8 largest error", numbers(t, text, `The largest error is now \$([0-9.]+)\$`), e8.MaxAbs)
	checkNear(t, "int8 - int4 SQNR", numbers(t, text, `for the tiny vector above it cost ([0-9]+)\.`), e8.SQNR-e4.SQNR)

	// Symmetric against asymmetric on six ReLU outputs, int4.
	a := engine.FromData([]float64{0, 0.25, 0.5, 1.1, 2.2, 3}, 6)
	ps, qs, ds := roundTrip(a, quant.Int4Sym)
	pa, qa, da := roundTrip(a, quant.Int4Asym)
	checkNear(t, "symmetric int4 scale", numbers(t, text, `symmetric: \$s = 3 / 7 \\approx ([0-9.]+)\$`), float64(ps.Scale[0]))
	if pa.Scale[0] != 0.2 || pa.Zero[0] != -8 || !strings.Contains(text, "$s = 3 / 15 = 0.2$ and $z = -8$") {
		t.Errorf("asymmetric int4 grid s %v z %v; want the lesson's 0.2 and -8", pa.Scale[0], pa.Zero[0])
	}
	for _, want := range []string{"$q = " + ints(qs) + "$, and the eight negative", "$q = " + ints(qa) + "$. The step"} {
		if !strings.Contains(text, want) {
			t.Errorf("the lesson does not have %q", want)
		}
	}
	checkNear(t, "symmetric int4 SQNR", numbers(t, text, `never used\. SQNR \$([0-9.]+)\$ dB`), quant.Measure(a.Data, ds.Data).SQNR)
	checkNear(t, "asymmetric int4 SQNR", numbers(t, text, `and the SQNR is \$([0-9.]+)\$ dB`), quant.Measure(a.Data, da.Data).SQNR)

	// The outlier: per-tensor int4 wipes out the first column of W [3, 2];
	// per-channel keeps it.
	w := engine.FromData([]float64{0.02, 4, -0.05, -1.3, 0.09, 0.7}, 3, 2)
	pt, qt, _ := roundTrip(w, quant.Int4Sym)
	pc, qc, dc := roundTrip(w, quant.Int4SymChannel)
	checkNear(t, "per-tensor int4 scale", numbers(t, text, `with one scale, \$s = 4 / 7 \\approx ([0-9.]+)\$`), float64(pt.Scale[0]))
	if col := []int8{qt[0], qt[2], qt[4]}; ints(col) != "(0, 0, 0)" {
		t.Errorf("per-tensor int4 first column %v, want the lesson's (0, 0, 0)", col)
	}
	checkNear(t, "per-channel int4 scale", numbers(t, text, `\$s_0 = 0\.09 / 7 \\approx ([0-9.]+)\$`), float64(pc.Scale[0]))
	if want := ints([]int8{qc[0], qc[2], qc[4]}); !strings.Contains(text, "becomes $q = "+want+"$") {
		t.Errorf("per-channel first column %s is not in the lesson", want)
	}
	checkNear(t, "per-channel first column", strings.Split(numbers(t, text, `that is \$\\hat\{x\} = \(([^)]*)\)\$`)[0], ", "), dc.Data[0], dc.Data[2], dc.Data[4])
	col := func(d *engine.Tensor) []float64 { return []float64{d.Data[0], d.Data[2], d.Data[4]} }
	_, _, d8t := roundTrip(w, quant.Int8Sym)
	_, _, d8c := roundTrip(w, quant.Int8SymChannel)
	checkNear(t, "int8 first column SQNR", numbers(t, text, `first column's SQNR is \$([0-9.]+)\$ dB with one scale and \$([0-9.]+)\$ dB with its own`),
		quant.Measure(col(w), col(d8t)).SQNR, quant.Measure(col(w), col(d8c)).SQNR)
}

// TestQuantizationMemoryTable checks the lesson's table of bytes against
// MemoryOf on the widget's float model, an MLP 2 -> 16 -> 16 -> 3.
func TestQuantizationMemoryTable(t *testing.T) {
	text := lessonText(t, "quantization.md")
	m := lessonExhibit[*exhibit.Quant](t, "quantization").FloatModel()
	g, err := m.Build(1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		label string
		s     quant.Scheme
	}{
		{"int8, per-tensor, symmetric", quant.Int8Sym},
		{"int8, per-channel, symmetric", quant.Int8SymChannel},
		{"int4, per-tensor, symmetric", quant.Int4Sym},
	} {
		mem := quant.MemoryOf(g, c.s)
		want := fmt.Sprintf("| %s | %d | %d | %d | %d B |", c.label, mem.Weights, mem.Scales+mem.Zeros, mem.Other, mem.Quantized())
		if !strings.Contains(text, want) {
			t.Errorf("the lesson has no row %q", want)
		}
		if c.s == quant.Int8Sym {
			float := fmt.Sprintf("| float32 | %d | 0 | %d | %d B |", mem.Float32-mem.Other, mem.Other, mem.Float32)
			if !strings.Contains(text, float) {
				t.Errorf("the lesson has no row %q", float)
			}
		}
	}
}
