package reference

import (
	"encoding/json"
	"math"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/quant"
)

func init() { checkers["oracle-quant-v1"] = checkQuant }

// quantResult is one quantization of a fixture tensor.
type quantResult struct {
	Axis      *int      `json:"axis"` // per-channel only
	Scale     []float64 `json:"scale"`
	Q         []float64 `json:"q"`
	Deq       []float64 `json:"deq"`
	MSE       float64   `json:"mse"`
	MaxAbsErr float64   `json:"max_abs_err"`
	QAway     []float64 `json:"q_if_round_half_away"`
	NDiffer   int       `json:"n_differ_if_half_away"`
}

// quantFixture is the format "oracle-quant-v1" of SPEC.md section 7:
// symmetric int8, per-tensor and per-channel.
type quantFixture struct {
	Tensors []struct {
		Name       string      `json:"name"`
		Shape      []int       `json:"shape"`
		Data       []float64   `json:"data"`
		PerTensor  quantResult `json:"per_tensor"`
		PerChannel quantResult `json:"per_channel"`
	} `json:"tensors"`
}

// quantErrTol bounds the difference of mse and max_abs_err from the
// fixture's: both are float64 arithmetic on the same float32 values, so
// only the summation order of the mse could differ (measured: identical).
const quantErrTol = 1e-12

// checkQuant checks package quant against a quantization fixture: scales,
// integers and dequantized values exactly (float32 arithmetic is exact to
// reproduce), the error metrics, and that rounding half away from zero
// (math.Round) would have given the fixture's contrasting integers, which
// differ from ours exactly n_differ_if_half_away times.
func checkQuant(t *testing.T, raw []byte) {
	var f quantFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("parse quantization fixture: %v", err)
	}
	if len(f.Tensors) == 0 {
		t.Fatal("quantization fixture holds no tensors")
	}
	for _, tc := range f.Tensors {
		x := engine.FromData(tc.Data, tc.Shape...)
		if a := tc.PerChannel.Axis; a == nil || *a < 0 || *a >= len(tc.Shape) {
			t.Errorf("%s: per_channel axis %v for shape %v", tc.Name, a, tc.Shape)
			continue
		}
		axis := *tc.PerChannel.Axis
		for _, c := range []struct {
			kind string
			axis int
			want quantResult
		}{{"per_tensor", quant.PerTensor, tc.PerTensor}, {"per_channel", axis, tc.PerChannel}} {
			what := tc.Name + " " + c.kind
			p := quant.ParamsAlong(x, quant.Int8Sym, c.axis)
			quantExact(t, what+" scale", float32s(p.Scale), c.want.Scale)
			q := quant.Quantize(x, p)
			quantExact(t, what+" q", int8s(q), c.want.Q)
			deq := quant.Dequantize(q, x.Shape, p)
			quantExact(t, what+" deq", deq.Data, c.want.Deq)
			e := quant.Measure(x.Data, deq.Data)
			for _, m := range []struct {
				name      string
				got, want float64
			}{{"mse", e.MSE, c.want.MSE}, {"max_abs_err", e.MaxAbs, c.want.MaxAbsErr}} {
				if math.Abs(m.got-m.want) > quantErrTol*math.Max(1, math.Abs(m.want)) {
					t.Errorf("%s %s = %.17g, want %.17g", what, m.name, m.got, m.want)
				}
			}
			away := roundHalfAway(x, p)
			quantExact(t, what+" q_if_round_half_away", away, c.want.QAway)
			if n := countDiffer(int8s(q), away); n != c.want.NDiffer {
				t.Errorf("%s: math.Round differs from math.RoundToEven %d times, want %d", what, n, c.want.NDiffer)
			}
		}
	}
}

// roundHalfAway quantizes x on p's grid as SPEC section 7 does, but rounds
// with math.Round (half away from zero) instead of half to even.
func roundHalfAway(x *engine.Tensor, p quant.Params) []float64 {
	groups, stride := 1, 1
	if p.Axis != quant.PerTensor {
		groups = x.Shape[p.Axis]
		for _, d := range x.Shape[p.Axis+1:] {
			stride *= d
		}
	}
	out := make([]float64, x.Size())
	for i, v := range x.Data {
		s := p.Scale[(i/stride)%groups]
		out[i] = math.Max(-127, math.Min(127, math.Round(float64(float32(v)/s))))
	}
	return out
}

// quantExact fails unless got and want are equal element by element.
func quantExact(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, fixture has %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
			return
		}
	}
}

// countDiffer counts the elements where a and b differ.
func countDiffer(a, b []float64) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func float32s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

func int8s(v []int8) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
