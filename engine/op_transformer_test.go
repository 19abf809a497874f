package engine_test

import (
	"math"
	"strings"
	"testing"

	"stepgraph/engine"
	"stepgraph/engine/gradcheck"
)

// TestTransformerOpGradients checks every transformer op against float64
// central differences, with the tolerance of the core ops (opTol).
func TestTransformerOpGradients(t *testing.T) {
	r := gradcheck.Random
	inf := math.Inf(-1)
	// A score stack with masked (-inf) entries, as the causal mask leaves it.
	masked := r(40, 2, 2, 3, 3)
	for _, i := range []int{1, 2, 5, 10, 11, 14} {
		masked.Data[i] = inf
	}
	ids := engine.FromData([]float64{0, 3, 3, 4, 1, 0}, 2, 3) // ids 0 and 3 repeat: += in the backward
	runOpCases(t, []opCase{
		{"softmax", &engine.Softmax{}, []*engine.Tensor{r(41, 3, 2, 3, 5)}, nil},
		{"softmax/masked", &engine.Softmax{}, []*engine.Tensor{masked}, nil},
		{"causal-mask/square", &engine.CausalMask{}, []*engine.Tensor{r(42, 1, 2, 4, 4)}, nil},
		{"causal-mask/rect", &engine.CausalMask{}, []*engine.Tensor{r(43, 1, 2, 3, 5)}, nil},
		{"layernorm", engine.NewLayerNorm(), []*engine.Tensor{r(44, 2, 2, 3, 6), r(45, 1, 6), r(46, 1, 6)}, nil},
		{"layernorm/rank2", engine.NewLayerNorm(), []*engine.Tensor{r(47, 3, 4, 5), r(48, 1, 5), r(49, 1, 5)}, nil},
		{"embedding", &engine.Embedding{}, []*engine.Tensor{r(50, 1, 5, 4), ids}, []int{1}},
		{"split-head/0", &engine.SplitHead{Head: 0, Size: 2}, []*engine.Tensor{r(51, 1, 2, 3, 6)}, nil},
		{"split-head/2", &engine.SplitHead{Head: 2, Size: 2}, []*engine.Tensor{r(52, 1, 2, 3, 6)}, nil},
		{"concat", &engine.Concat{}, []*engine.Tensor{r(53, 1, 2, 3, 2), r(54, 1, 2, 3, 3), r(55, 1, 2, 3, 1)}, nil},
		{"scale", &engine.Scale{C: -0.7}, []*engine.Tensor{r(56, 1, 2, 3)}, nil},
		{"mul/same", &engine.Mul{}, []*engine.Tensor{r(57, 1, 2, 3), r(58, 1, 2, 3)}, nil},
		{"mul/broadcast", &engine.Mul{}, []*engine.Tensor{r(59, 1, 2, 3, 4), r(60, 1, 4)}, nil},
		{"reshape", &engine.Reshape{To: []int{6, -1}}, []*engine.Tensor{r(61, 1, 2, 3, 4)}, nil},
		{"transpose", &engine.Transpose{}, []*engine.Tensor{r(62, 1, 2, 3, 4)}, nil},
	})
}

// TestMaskedSoftmaxGradient checks the chain scores -> causal mask ->
// softmax as one graph, the way attention uses it.
func TestMaskedSoftmaxGradient(t *testing.T) {
	g := engine.NewGraph()
	s := g.Param("scores", gradcheck.Random(63, 2, 2, 4, 4))
	m := g.Apply("masked", &engine.CausalMask{}, s)
	p := g.Apply("probs", &engine.Softmax{}, m)
	w := gradcheck.Random(64, 1, 2, 4, 4)
	g.Loss("loss", &dot{w}, p)
	for _, mm := range gradcheck.Graph(g, fdStep) {
		if mm.Err > opTol {
			t.Errorf("masked softmax: %v", mm)
		}
	}
	// Masked scores do not reach the loss, so their gradient is exactly 0.
	for i := 0; i < 4; i++ {
		for k := i + 1; k < 4; k++ {
			if v := s.Grad.At(1, i, k); v != 0 {
				t.Errorf("dscores[1,%d,%d] = %v, want 0", i, k, v)
			}
		}
	}
}

// dot is the loss sum_i w_i y_i.
type dot struct{ w *engine.Tensor }

func (*dot) Info() engine.OpInfo     { return engine.OpInfo{Name: "dot"} }
func (*dot) Shape(in ...[]int) []int { return []int{} }
func (l *dot) Forward(out *engine.Tensor, in ...*engine.Tensor) {
	s := 0.0
	for i, v := range in[0].Data {
		s += l.w.Data[i] * v
	}
	out.Data[0] = s
}
func (l *dot) Backward(din []*engine.Tensor, dout, out *engine.Tensor, in ...*engine.Tensor) {
	for i := range din[0].Data {
		din[0].Data[i] += dout.Data[0] * l.w.Data[i]
	}
}

// forward runs op on the inputs and returns its output.
func forward(op engine.Op, in ...*engine.Tensor) *engine.Tensor {
	shapes := make([][]int, len(in))
	for i, x := range in {
		shapes[i] = x.Shape
	}
	out := engine.New(op.Shape(shapes...)...)
	op.Forward(out, in...)
	return out
}

func TestSoftmaxValues(t *testing.T) {
	inf := math.Inf(-1)
	cases := []struct {
		name string
		x    []float64
		want []float64
	}{
		// e^0 : e^{ln 3} = 1 : 3.
		{"ratio", []float64{0, math.Log(3)}, []float64{0.25, 0.75}},
		// Masked entries get exactly 0; the rest share the mass.
		{"masked", []float64{1, inf, 1, inf}, []float64{0.5, 0, 0.5, 0}},
		// Large scores must not overflow: only differences matter.
		{"large", []float64{1000, 1000, 1001}, []float64{1 / (2 + math.E), 1 / (2 + math.E), math.E / (2 + math.E)}},
		{"one-key", []float64{-3}, []float64{1}},
	}
	for _, c := range cases {
		y := forward(&engine.Softmax{}, engine.FromData(c.x, 1, len(c.x)))
		for j := range c.want {
			// The exact zeros must be exact; the rest are a few roundings
			// of e^x and a division away from the closed form.
			if c.want[j] == 0 && y.Data[j] != 0 || math.Abs(y.Data[j]-c.want[j]) > 1e-15 {
				t.Errorf("Softmax(%s)[%d] = %v, want %v", c.name, j, y.Data[j], c.want[j])
			}
		}
	}
}

func TestCausalMaskValues(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 3}, {1, 2, 4}, {4, 2}} {
		x := gradcheck.Random(70, 1, shape...)
		y := forward(&engine.CausalMask{}, x)
		tq, tk := shape[len(shape)-2], shape[len(shape)-1]
		for p := range x.Data {
			i, k := p/tk%tq, p%tk
			want := x.Data[p]
			if k > i {
				want = math.Inf(-1)
			}
			// Exact: the mask copies each score or writes -inf.
			if y.Data[p] != want {
				t.Errorf("CausalMask(%v)[q=%d,k=%d] = %v, want %v", shape, i, k, y.Data[p], want)
			}
		}
	}
}

func TestLayerNormValues(t *testing.T) {
	// Row [1, 2, 3, 4]: mean 2.5, biased variance (2.25+0.25+0.25+2.25)/4 = 1.25.
	x := engine.FromData([]float64{1, 2, 3, 4, 5, 5, 5, 5}, 2, 4)
	g := engine.FromData([]float64{1, 2, 1, 0.5}, 4)
	b := engine.FromData([]float64{0, 0, 1, -1}, 4)
	y := forward(engine.NewLayerNorm(), x, g, b)
	r := 1 / math.Sqrt(1.25+1e-5)
	want := []float64{
		-1.5 * r * 1, -0.5 * r * 2, 0.5*r*1 + 1, 1.5*r*0.5 - 1,
		// A constant row normalises to 0 (eps keeps it finite): y = b.
		0, 0, 1, -1,
	}
	for i := range want {
		// A handful of float64 roundings separate the two computations.
		if math.Abs(y.Data[i]-want[i]) > 1e-14 {
			t.Errorf("LayerNorm[%d] = %v, want %v", i, y.Data[i], want[i])
		}
	}
}

func TestEmbeddingGatherAndScatter(t *testing.T) {
	table := engine.FromData([]float64{0, 1, 10, 11, 20, 21}, 3, 2)
	ids := engine.FromData([]float64{2, 0, 2}, 3)
	y := forward(&engine.Embedding{}, table, ids)
	want := []float64{20, 21, 0, 1, 20, 21}
	for i := range want {
		if y.Data[i] != want[i] {
			t.Errorf("Embedding[%d] = %v, want %v", i, y.Data[i], want[i])
		}
	}
	dy := engine.FromData([]float64{1, 2, 3, 4, 5, 6}, 3, 2)
	dt := engine.New(3, 2)
	(&engine.Embedding{}).Backward([]*engine.Tensor{dt, nil}, dy, y, table, ids)
	// Row 2 is used twice: its gradient is the sum of both positions' rows.
	wantGrad := []float64{3, 4, 0, 0, 1 + 5, 2 + 6}
	for i := range wantGrad {
		if dt.Data[i] != wantGrad[i] {
			t.Errorf("dtable[%d] = %v, want %v", i, dt.Data[i], wantGrad[i])
		}
	}
}

func TestEmbeddingRejectsBadIDs(t *testing.T) {
	table := engine.New(3, 2)
	for _, id := range []float64{-1, 3, 1.5, math.NaN()} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "engine: embedding id") {
					t.Errorf("Embedding(id %v) panic = %q, want an \"engine: embedding id\" message", id, msg)
				}
			}()
			forward(&engine.Embedding{}, table, engine.FromData([]float64{0, id}, 2))
		}()
	}
}

func TestSplitHeadsThenConcatIsIdentity(t *testing.T) {
	x := gradcheck.Random(71, 1, 2, 3, 12)
	for _, heads := range []int{1, 2, 3, 4, 12} {
		dh := 12 / heads
		parts := make([]*engine.Tensor, heads)
		for j := range parts {
			parts[j] = forward(&engine.SplitHead{Head: j, Size: dh}, x)
			// Head j holds columns j*dh .. (j+1)*dh-1.
			if got, want := parts[j].At(1, 2, dh-1), x.At(1, 2, j*dh+dh-1); got != want {
				t.Errorf("SplitHead(%d of %d)[1,2,%d] = %v, want %v", j, heads, dh-1, got, want)
			}
		}
		y := forward(&engine.Concat{}, parts...)
		for i := range x.Data {
			if y.Data[i] != x.Data[i] {
				t.Fatalf("Concat(SplitHead(x), %d heads)[%d] = %v, want %v", heads, i, y.Data[i], x.Data[i])
			}
		}
	}
}

func TestReshapeAndTransposeValues(t *testing.T) {
	x := engine.FromData([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	xt := forward(&engine.Transpose{}, x)
	if !engine.SameShape(xt.Shape, []int{3, 2}) || xt.At(2, 0) != 3 || xt.At(0, 1) != 4 {
		t.Errorf("Transpose(%v) = %v %v, want [[1 4] [2 5] [3 6]]", x.Data, xt.Shape, xt.Data)
	}
	y := forward(&engine.Reshape{To: []int{-1, 2}}, x)
	if !engine.SameShape(y.Shape, []int{3, 2}) || y.At(1, 0) != 3 {
		t.Errorf("Reshape([2 3] to [-1 2]) = %v %v, want [3 2] in row-major order", y.Shape, y.Data)
	}
}

func TestTransformerOpShapePanics(t *testing.T) {
	cases := []struct {
		name string
		op   engine.Op
		in   [][]int
	}{
		{"layernorm gain", engine.NewLayerNorm(), [][]int{{2, 4}, {3}, {4}}},
		{"embedding table", &engine.Embedding{}, [][]int{{5}, {2}}},
		{"split-head past the end", &engine.SplitHead{Head: 2, Size: 3}, [][]int{{2, 8}}},
		{"concat leading axes", &engine.Concat{}, [][]int{{2, 3}, {3, 3}}},
		{"mul not a suffix", &engine.Mul{}, [][]int{{2, 3}, {2}}},
		{"reshape count", &engine.Reshape{To: []int{4, -1}}, [][]int{{2, 3}}},
		{"reshape two free", &engine.Reshape{To: []int{-1, -1}}, [][]int{{2, 3}}},
		{"transpose rank", &engine.Transpose{}, [][]int{{3}}},
		{"causal-mask rank", &engine.CausalMask{}, [][]int{{3}}},
	}
	for _, c := range cases {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "engine: ") {
					t.Errorf("%s: Shape(%v) panic = %q, want an \"engine: \" message", c.name, c.in, msg)
				}
			}()
			c.op.Shape(c.in...)
		}()
	}
}
