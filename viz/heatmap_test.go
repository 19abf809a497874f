package viz_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/transformer"
	"stepgraph/viz"
)

// statTol bounds the rounding of sums over a few dozen values.
const statTol = 1e-12

func TestHeatmapMarksCausalMask(t *testing.T) {
	g := buildModel(t, transformer.Decoder, 1, 2)
	g.Forward()
	for _, name := range []string{"layers.0.attn.head.0.masked", "layers.0.attn.head.1.masked"} {
		s := g.MustNode(name).Value // [1, T, T], -inf above the diagonal
		T := s.Dim(-1)
		h := viz.Heatmap(s, viz.HeatmapOptions{})
		if h.Rows != T || h.Cols != T {
			t.Fatalf("Heatmap(%s) is %dx%d, want %dx%d", name, h.Rows, h.Cols, T, T)
		}
		var lo, hi, sum, sq float64 = math.Inf(1), math.Inf(-1), 0, 0
		n := 0
		for i := range T {
			for j := range T {
				k := i*T + j
				if want := j > i; h.Masked[k] != want {
					t.Errorf("%s: Masked[%d][%d] = %v, want %v", name, i, j, h.Masked[k], want)
				}
				if h.Masked[k] {
					if h.Data[k] != 0 {
						t.Errorf("%s: Data[%d][%d] = %v under the mask, want 0", name, i, j, h.Data[k])
					}
					continue
				}
				v := s.At(0, i, j)
				if h.Data[k] != v {
					t.Errorf("%s: Data[%d][%d] = %v, want %v", name, i, j, h.Data[k], v)
				}
				lo, hi, sum, sq, n = math.Min(lo, v), math.Max(hi, v), sum+v, sq+v*v, n+1
			}
		}
		if h.Min != lo || h.Max != hi || math.Abs(h.Mean-sum/float64(n)) > statTol || math.Abs(h.Norm-math.Sqrt(sq)) > statTol {
			t.Errorf("%s: stats (%v, %v, %v, %v), want (%v, %v, %v, %v) over the unmasked cells",
				name, h.Min, h.Max, h.Mean, h.Norm, lo, hi, sum/float64(n), math.Sqrt(sq))
		}
		// -inf would make encoding/json fail; the payload must encode.
		if _, err := json.Marshal(h); err != nil {
			t.Errorf("%s: json.Marshal(heatmap) = %v", name, err)
		}
	}
}

// counting returns a tensor of the given shape holding 0, 1, 2, ...
func counting(shape ...int) *engine.Tensor {
	t := engine.New(shape...)
	for i := range t.Data {
		t.Data[i] = float64(i)
	}
	return t
}

func TestHeatmapSlices(t *testing.T) {
	cases := []struct {
		name       string
		t          *engine.Tensor
		index      []int
		rows, cols int
		at         func(i, j int) []int // tensor index of cell (i, j)
		wantIndex  []int
	}{
		{"scalar", engine.Scalar(2.5), nil, 1, 1, func(i, j int) []int { return []int{} }, []int{}},
		{"vector", counting(5), nil, 1, 5, func(i, j int) []int { return []int{j} }, []int{}},
		{"matrix", counting(3, 4), nil, 3, 4, func(i, j int) []int { return []int{i, j} }, []int{}},
		{"batch default", counting(2, 3, 4), nil, 3, 4, func(i, j int) []int { return []int{0, i, j} }, []int{0}},
		{"batch 1", counting(2, 3, 4), []int{1}, 3, 4, func(i, j int) []int { return []int{1, i, j} }, []int{1}},
		{"heads", counting(2, 3, 4, 5), []int{1, 2}, 4, 5, func(i, j int) []int { return []int{1, 2, i, j} }, []int{1, 2}},
		{"heads partial", counting(2, 3, 4, 5), []int{1}, 4, 5, func(i, j int) []int { return []int{1, 0, i, j} }, []int{1, 0}},
	}
	for _, c := range cases {
		h := viz.Heatmap(c.t, viz.HeatmapOptions{Index: c.index})
		if h.Rows != c.rows || h.Cols != c.cols {
			t.Errorf("%s: Heatmap is %dx%d, want %dx%d", c.name, h.Rows, h.Cols, c.rows, c.cols)
			continue
		}
		for i := range c.rows {
			for j := range c.cols {
				// Exact: the heatmap copies the tensor's values.
				if got, want := h.Data[i*c.cols+j], c.t.At(c.at(i, j)...); got != want {
					t.Errorf("%s: cell (%d,%d) = %v, want %v", c.name, i, j, got, want)
				}
			}
		}
		if strings.Join(h.RowLabels, ",") != labelsUpTo(c.rows) || strings.Join(h.ColLabels, ",") != labelsUpTo(c.cols) {
			t.Errorf("%s: labels %v / %v, want 0..%d / 0..%d", c.name, h.RowLabels, h.ColLabels, c.rows-1, c.cols-1)
		}
		if !slices.Equal(h.Index, c.wantIndex) {
			t.Errorf("%s: Index = %v, want %v", c.name, h.Index, c.wantIndex)
		}
	}
}

func labelsUpTo(n int) string {
	var s []string
	for i := range n {
		s = append(s, string(rune('0'+i)))
	}
	return strings.Join(s, ",")
}

func TestCheckIndex(t *testing.T) {
	cases := []struct {
		shape, index []int
		ok           bool
	}{
		{[]int{2, 3, 4}, nil, true},
		{[]int{2, 3, 4}, []int{1}, true},
		{[]int{2, 3, 4}, []int{2}, false},
		{[]int{2, 3, 4}, []int{-1}, false},
		{[]int{2, 3, 4}, []int{0, 0}, false},
		{[]int{3, 4}, []int{0}, false},
		{[]int{}, nil, true},
		{[]int{2, 2, 3, 4}, []int{1, 1}, true},
	}
	for _, c := range cases {
		if err := viz.CheckIndex(c.shape, c.index); (err == nil) != c.ok {
			t.Errorf("CheckIndex(%v, %v) = %v, want ok %v", c.shape, c.index, err, c.ok)
		}
	}
}

func TestHeatmapLabelsAndMisuse(t *testing.T) {
	x := counting(2, 3)
	h := viz.Heatmap(x, viz.HeatmapOptions{RowLabels: []string{"a", "b"}, ColLabels: []string{"x", "y", "z"}})
	if strings.Join(h.RowLabels, "") != "ab" || strings.Join(h.ColLabels, "") != "xyz" {
		t.Errorf("labels = %v %v, want [a b] [x y z]", h.RowLabels, h.ColLabels)
	}
	for name, opt := range map[string]viz.HeatmapOptions{
		"row labels": {RowLabels: []string{"a"}},
		"index":      {Index: []int{0}},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "viz: ") {
					t.Errorf("%s: Heatmap panic = %v, want a \"viz: \" panic", name, r)
				}
			}()
			viz.Heatmap(x, opt)
		}()
	}
}

func TestScaleOf(t *testing.T) {
	probs := viz.Heatmap(engine.FromData([]float64{0.1, 0.9, 0.5, 0.5}, 2, 2), viz.HeatmapOptions{})
	signed := viz.Heatmap(engine.FromData([]float64{-2, 1, 0.5, 0}, 2, 2), viz.HeatmapOptions{})
	cases := []struct {
		name string
		hs   []viz.HeatmapData
		want viz.Scale
	}{
		{"probabilities", []viz.HeatmapData{probs}, viz.Scale{Lo: 0.1, Hi: 0.9}},
		{"signed", []viz.HeatmapData{signed}, viz.Scale{Lo: -2, Hi: 2, Diverging: true}},
		{"shared", []viz.HeatmapData{probs, signed}, viz.Scale{Lo: -2, Hi: 2, Diverging: true}},
	}
	for _, c := range cases {
		if got := viz.ScaleOf(c.hs...); got != c.want {
			t.Errorf("%s: ScaleOf = %+v, want %+v", c.name, got, c.want)
		}
	}
	// A diverging scale is symmetric: -v and v are equally strong, 0 is pale.
	s := viz.ScaleOf(signed)
	neg, pos, zero := s.Color(-1), s.Color(1), s.Color(0)
	if zero.R < 230 || zero.G < 230 || zero.B < 230 {
		t.Errorf("Color(0) = %v, want near white", zero)
	}
	if !(neg.B > neg.R && pos.R > pos.B) {
		t.Errorf("Color(-1) = %v, Color(1) = %v, want blue then red", neg, pos)
	}
	if s.Color(-5) != s.Color(-2) || s.Color(5) != s.Color(2) {
		t.Errorf("values beyond the range should get the end colours")
	}
}

func TestHeatmapSVG(t *testing.T) {
	g := buildModel(t, transformer.Decoder, 1, 2)
	g.Forward()
	a := viz.Heatmap(g.MustNode("layers.0.attn.head.0.masked").Value, viz.HeatmapOptions{})
	b := viz.Heatmap(g.MustNode("layers.0.attn.head.1.masked").Value, viz.HeatmapOptions{})
	shared := viz.ScaleOf(a, b)
	for _, c := range []struct {
		name  string
		h     viz.HeatmapData
		scale viz.Scale
	}{{"own", a, viz.Scale{}}, {"shared", b, shared}} {
		doc := viz.HeatmapSVG(c.h, c.scale)
		els := parseSVG(t, doc)
		cells, masked := 0, 0
		for _, e := range els {
			switch e.attrs["class"] {
			case "hm-cell":
				cells++
			case "hm-cell hm-masked":
				cells++
				masked++
			}
		}
		wantMasked := 0
		for _, m := range c.h.Masked {
			if m {
				wantMasked++
			}
		}
		if cells != c.h.Rows*c.h.Cols || masked != wantMasked {
			t.Errorf("%s: HeatmapSVG has %d cells (%d masked), want %d (%d)", c.name, cells, masked, c.h.Rows*c.h.Cols, wantMasked)
		}
		if string(viz.HeatmapSVG(c.h, c.scale)) != string(doc) {
			t.Errorf("%s: HeatmapSVG is not deterministic", c.name)
		}
	}
}

func TestHeatmapSVGGolden(t *testing.T) {
	// A 4x4 causal score matrix with one value per sign and a zero.
	inf := math.Inf(-1)
	s := engine.FromData([]float64{
		0.8, inf, inf, inf,
		-0.3, 0.1, inf, inf,
		0, 1.2, -0.9, inf,
		0.4, -0.2, 0.6, 0.05,
	}, 1, 4, 4)
	h := viz.Heatmap(s, viz.HeatmapOptions{RowLabels: []string{"the", "cat", "sat", "on"}, ColLabels: []string{"the", "cat", "sat", "on"}})
	checkGolden(t, "testdata/causal_heatmap_golden.svg", viz.HeatmapSVG(h, viz.Scale{}))
}
